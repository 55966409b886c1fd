/**
 * Property tests for the money rules (DESIGN §3), checked against a reference implementation
 * written here from the rules alone. The reference deliberately shares no code with decimal.ts or
 * totals.ts: it works on reduced BigInt fractions, rounds with a quotient/remainder test instead of
 * the (2n + d) / 2d formula, keys rates by their reduced fraction, and prints canonical rate text by
 * finding the smallest power of ten the denominator divides.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { type AllocatedPayment, invoiceBalance, settledAllocations } from './balance.js'
import { computeTotals, type DocumentTotals, type LineAmounts } from './totals.js'

// ---------------------------------------------------------------------------------------------
// Reference implementation (exact rationals)
// ---------------------------------------------------------------------------------------------

type Fraction = { den: bigint; num: bigint } // den > 0, gcd(|num|, den) = 1

const abs = (x: bigint) => (x < 0n ? -x : x)
function gcd(a: bigint, b: bigint): bigint {
  a = abs(a)
  b = abs(b)
  while (b) [a, b] = [b, a % b]
  return a
}
function fraction(num: bigint, den: bigint): Fraction {
  if (den === 0n) throw new Error('reference: zero denominator')
  if (den < 0n) [num, den] = [-num, -den]
  const g = gcd(num, den) || 1n
  return { den: den / g, num: num / g }
}

/** Reads "−12.340", "+5", " 7 ", or a number via its decimal text. */
function referenceParse(value: number | string): Fraction {
  let text = typeof value === 'number' ? String(value) : value.trim()
  if (/[eE]/.test(text)) throw new Error(`reference: generator produced exponent notation ${text}`)
  let negative = false
  if (text.startsWith('-') || text.startsWith('+')) {
    negative = text.startsWith('-')
    text = text.slice(1)
  }
  const [whole, decimals = ''] = text.split('.')
  let num = 0n
  for (const digit of whole + decimals) num = num * 10n + BigInt(digit.charCodeAt(0) - 48)
  let den = 1n
  for (let i = 0; i < decimals.length; i += 1) den *= 10n
  return fraction(negative ? -num : num, den)
}

/** num / den rounded half away from zero, via truncating quotient and remainder. */
function referenceRound(num: bigint, den: bigint): bigint {
  const f = fraction(num, den)
  const quotient = f.num / f.den // truncates toward zero
  const remainder = abs(f.num % f.den)
  if (remainder * 2n >= f.den) return quotient + (f.num < 0n ? -1n : 1n)
  return quotient
}

/** Canonical decimal text of a fraction whose denominator is 2^a·5^b. */
function referenceRateText(rate: Fraction): string {
  let places = 0
  let power = 1n
  while (power % rate.den !== 0n) {
    power *= 10n
    places += 1
  }
  const scaled = rate.num * (power / rate.den)
  const digits = abs(scaled)
    .toString()
    .padStart(places + 1, '0')
  const text = places ? `${digits.slice(0, -places)}.${digits.slice(-places)}` : digits
  return (scaled < 0n ? '-' : '') + text
}

const MAX = BigInt(Number.MAX_SAFE_INTEGER)
class Overflow extends Error {}
const exact = (value: bigint): number => {
  if (value > MAX || value < -MAX) throw new Overflow()
  return Number(value)
}

/** DESIGN §3 totals, from scratch. Throws Overflow when any amount is not a safe integer. */
function referenceTotals(lines: readonly LineAmounts[]): DocumentTotals {
  const lineTotals: bigint[] = lines.map((line) => {
    const quantity = referenceParse(line.quantity)
    return referenceRound(quantity.num * BigInt(line.unitAmount), quantity.den)
  })
  const groups: Array<{ base: bigint; rate: Fraction }> = []
  lines.forEach((line, index) => {
    const rate = referenceParse(line.taxRate)
    const group = groups.find((g) => g.rate.num === rate.num && g.rate.den === rate.den)
    if (group) group.base += lineTotals[index]
    else groups.push({ base: lineTotals[index], rate })
  })
  groups.sort((a, b) => {
    const left = a.rate.num * b.rate.den
    const right = b.rate.num * a.rate.den
    return left < right ? -1 : left > right ? 1 : 0
  })
  const rows = groups.map((g) => ({
    base: g.base,
    rate: referenceRateText(g.rate),
    tax: referenceRound(g.base * g.rate.num, g.rate.den * 100n),
  }))
  const subtotal = lineTotals.reduce((a, b) => a + b, 0n)
  const taxTotal = rows.reduce((a, row) => a + row.tax, 0n)
  return {
    lineTotals: lineTotals.map(exact),
    subtotal: exact(subtotal),
    taxBreakdown: rows.map((row) => ({ base: exact(row.base), rate: row.rate, tax: exact(row.tax) })),
    taxTotal: exact(taxTotal),
    total: exact(subtotal + taxTotal),
  }
}

// Sanity checks of the reference itself against hand-computed values (DESIGN §3 examples).
describe('reference implementation', () => {
  it('agrees with hand-computed values', () => {
    expect(referenceRound(5n, 2n)).toBe(3n)
    expect(referenceRound(-5n, 2n)).toBe(-3n)
    expect(referenceRound(-1n, 3n)).toBe(0n)
    expect(referenceRound(2079n, 100n)).toBe(21n)
    expect(referenceRateText(referenceParse('21.00'))).toBe('21')
    expect(referenceRateText(referenceParse('5.50'))).toBe('5.5')
    expect(referenceRateText(referenceParse('0.0001'))).toBe('0.0001')
    expect(referenceRateText(referenceParse('-0'))).toBe('0')
    const l = { quantity: '0.333', taxRate: '21', unitAmount: 100 }
    expect(referenceTotals([l, l, l])).toEqual({
      lineTotals: [33, 33, 33],
      subtotal: 99,
      taxBreakdown: [{ base: 99, rate: '21', tax: 21 }],
      taxTotal: 21,
      total: 120,
    })
  })
})

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

const digits = (maxLength: number) => fc.string({ maxLength, unit: fc.constantFrom(...'0123456789') })

/** Turns canonical-ish decimal text into one of its equivalent spellings. */
const spelling = (text: string) =>
  fc.constantFrom('plain', 'number', 'trailingZeros', 'plusSign', 'whitespace').map((style) => {
    const asNumber = Number(text)
    switch (style) {
      case 'number':
        // Only when the number's own text is plain and means the same value.
        return !/e/i.test(String(asNumber)) && referenceEquals(String(asNumber), text) ? asNumber : text
      case 'trailingZeros':
        return text.includes('.') ? `${text}00` : `${text}.000`
      case 'plusSign':
        return text.startsWith('-') ? text : `+${text}`
      case 'whitespace':
        return ` ${text}\t`
      default:
        return text
    }
  })

function referenceEquals(a: string, b: string) {
  const x = referenceParse(a)
  const y = referenceParse(b)
  return x.num === y.num && x.den === y.den
}

/** Quantities up to ~10^6 with 0–6 decimals; some negative (returns). */
const quantityText = fc
  .tuple(
    fc.oneof(
      { arbitrary: fc.integer({ max: 10, min: 0 }), weight: 3 },
      { arbitrary: fc.integer({ max: 1_000_000, min: 0 }), weight: 1 },
    ),
    digits(6),
    fc.integer({ max: 9, min: 0 }),
  )
  .map(([whole, decimals, signDie]) => `${signDie === 0 ? '-' : ''}${whole}${decimals ? `.${decimals}` : ''}`)

const unitAmount = fc.oneof(
  { arbitrary: fc.integer({ max: 10_000_000, min: -10_000_000 }), weight: 3 },
  { arbitrary: fc.integer({ max: 10_000, min: -1_000 }), weight: 2 },
  { arbitrary: fc.constantFrom(0, 1, -1, 5, 50, 99, 100, 150, 999), weight: 1 },
)

const REALISTIC_RATES = [
  '0',
  '2.1',
  '5',
  '5.5',
  '6',
  '7',
  '7.7',
  '8',
  '9',
  '10',
  '12',
  '13',
  '14',
  '15',
  '16',
  '17',
  '19',
  '20',
  '21',
  '22',
  '23',
  '24',
  '25',
  '27',
  '100',
]
const rateText = fc.oneof(
  { arbitrary: fc.constantFrom(...REALISTIC_RATES), weight: 4 },
  {
    // Random decimals with up to 4 places between 0 and 100.
    arbitrary: fc
      .tuple(fc.integer({ max: 100, min: 0 }), digits(4))
      .map(([whole, decimals]) => (whole === 100 ? '100' : `${whole}${decimals ? `.${decimals}` : ''}`)),
    weight: 1,
  },
)

const lineArb: fc.Arbitrary<LineAmounts> = fc.record({
  quantity: quantityText.chain(spelling),
  taxRate: rateText.chain(spelling),
  unitAmount,
})

const invoiceArb = fc.array(lineArb, { maxLength: 20, minLength: 1 })

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const NUM_RUNS = 3000

describe('computeTotals properties', () => {
  it(`matches the independent reference on ${NUM_RUNS} random invoices`, () => {
    const started = performance.now()
    fc.assert(
      fc.property(invoiceArb, (lines) => {
        expect(computeTotals(lines)).toEqual(referenceTotals(lines))
      }),
      { numRuns: NUM_RUNS },
    )
    const elapsed = performance.now() - started
    console.info(`[totals.property] ${NUM_RUNS} invoices vs reference in ${elapsed.toFixed(0)} ms`)
  })

  it('total = subtotal + taxTotal, Σ bases = subtotal, Σ taxes = taxTotal, rates unique and ascending', () => {
    fc.assert(
      fc.property(invoiceArb, (lines) => {
        const totals = computeTotals(lines)
        expect(totals.lineTotals).toHaveLength(lines.length)
        expect(totals.total).toBe(totals.subtotal + totals.taxTotal)
        expect(totals.lineTotals.reduce((a, b) => a + b, 0)).toBe(totals.subtotal)
        expect(totals.taxBreakdown.reduce((a, row) => a + row.base, 0)).toBe(totals.subtotal)
        expect(totals.taxBreakdown.reduce((a, row) => a + row.tax, 0)).toBe(totals.taxTotal)
        for (let i = 1; i < totals.taxBreakdown.length; i += 1) {
          const previous = referenceParse(totals.taxBreakdown[i - 1].rate)
          const current = referenceParse(totals.taxBreakdown[i].rate)
          expect(previous.num * current.den < current.num * previous.den).toBe(true)
        }
        for (const value of [...totals.lineTotals, totals.subtotal, totals.taxTotal, totals.total]) {
          expect(Number.isSafeInteger(value)).toBe(true)
          expect(Object.is(value, -0)).toBe(false)
        }
      }),
      { numRuns: 1000 },
    )
  })

  it('permuting the lines permutes the line totals and changes nothing else', () => {
    const permuted = invoiceArb.chain((lines) =>
      fc.tuple(
        fc.constant(lines),
        fc.shuffledSubarray(
          lines.map((_, index) => index),
          { maxLength: lines.length, minLength: lines.length },
        ),
      ),
    )
    fc.assert(
      fc.property(permuted, ([lines, order]) => {
        const original = computeTotals(lines)
        const shuffled = computeTotals(order.map((index) => lines[index]))
        expect(shuffled.lineTotals).toEqual(order.map((index) => original.lineTotals[index]))
        expect({ ...shuffled, lineTotals: null }).toEqual({ ...original, lineTotals: null })
      }),
      { numRuns: 1000 },
    )
  })

  it('spelling quantities and rates differently (number, "1.50", "+1.5", " 1.5 ") changes nothing', () => {
    const respelled = fc
      .array(fc.tuple(quantityText, rateText, unitAmount), { maxLength: 20, minLength: 1 })
      .chain((raw) =>
        fc.tuple(
          fc.constant(raw.map(([quantity, taxRate, amount]) => ({ quantity, taxRate, unitAmount: amount }))),
          fc.tuple(
            ...raw.map(([quantity, taxRate, amount]) =>
              fc.record({ quantity: spelling(quantity), taxRate: spelling(taxRate), unitAmount: fc.constant(amount) }),
            ),
          ),
        ),
      )
    fc.assert(
      fc.property(respelled, ([plain, other]) => {
        expect(computeTotals(other)).toEqual(computeTotals(plain))
      }),
      { numRuns: 1000 },
    )
  })

  it('zero quantities give zero amounts, with one zero row per rate', () => {
    const zeroed = invoiceArb.chain((lines) =>
      fc.tuple(
        fc.constant(lines),
        fc.array(fc.constantFrom<number | string>(0, -0, '0', '0.000', '-0', '+0.0'), {
          maxLength: lines.length,
          minLength: lines.length,
        }),
      ),
    )
    fc.assert(
      fc.property(zeroed, ([lines, zeros]) => {
        const original = computeTotals(lines)
        const totals = computeTotals(lines.map((line, index) => ({ ...line, quantity: zeros[index] })))
        expect(totals.lineTotals).toEqual(lines.map(() => 0))
        expect(totals.subtotal).toBe(0)
        expect(totals.taxTotal).toBe(0)
        expect(totals.total).toBe(0)
        expect(totals.taxBreakdown).toEqual(original.taxBreakdown.map((row) => ({ base: 0, rate: row.rate, tax: 0 })))
      }),
      { numRuns: 500 },
    )
  })

  it('near MAX_SAFE_INTEGER: equals the reference, or throws a RangeError exactly when the reference overflows', () => {
    const M = Number.MAX_SAFE_INTEGER
    const bigAmount = fc.oneof(
      fc.integer({ max: M, min: M - 1_000 }),
      fc.integer({ max: -M + 1_000, min: -M }),
      fc.integer({ max: M, min: -M }),
      fc.integer({ max: 1_000, min: -1_000 }),
      fc.integer({ max: 2 ** 52, min: 2 ** 50 }),
    )
    const smallQuantity = fc.oneof(
      fc.constantFrom('1', '-1', '0.5', '-0.5', '2', '1.000001', '0.999999', '0.21'),
      fc
        .tuple(fc.integer({ max: 2, min: -2 }), digits(3))
        .map(([whole, decimals]) => `${whole}${decimals ? `.${decimals}` : ''}`),
    )
    const bigLine = fc.record({
      quantity: smallQuantity,
      taxRate: fc.constantFrom('0', '9', '21', '100', '0.0001'),
      unitAmount: bigAmount,
    })
    let overflowed = 0
    fc.assert(
      fc.property(fc.array(bigLine, { maxLength: 5, minLength: 1 }), (lines) => {
        let expected: DocumentTotals | undefined
        try {
          expected = referenceTotals(lines)
        } catch (error) {
          if (!(error instanceof Overflow)) throw error
        }
        if (expected) {
          expect(computeTotals(lines)).toEqual(expected)
        } else {
          overflowed += 1
          expect(() => computeTotals(lines)).toThrow(RangeError)
        }
      }),
      { numRuns: 2000 },
    )
    // Both branches must really be exercised.
    expect(overflowed).toBeGreaterThan(100)
    expect(overflowed).toBeLessThan(1900)
  })

  it('finds a running sum that passes MAX_SAFE_INTEGER and comes back (regression)', () => {
    const M = Number.MAX_SAFE_INTEGER
    fc.assert(
      fc.property(fc.integer({ max: 1000, min: 1 }), fc.integer({ max: 1000, min: 1 }), (up, down) => {
        const lines = [
          { quantity: '1', taxRate: '0', unitAmount: M - up + 1 },
          { quantity: '1', taxRate: '9', unitAmount: up + 1 },
          { quantity: '1', taxRate: '0', unitAmount: -(down + 1) },
        ]
        const expected = (() => {
          try {
            return referenceTotals(lines)
          } catch {
            return undefined
          }
        })()
        if (expected) expect(computeTotals(lines)).toEqual(expected)
        else expect(() => computeTotals(lines)).toThrow(RangeError)
      }),
      { numRuns: 300 },
    )
  })
})

// ---------------------------------------------------------------------------------------------
// Balance
// ---------------------------------------------------------------------------------------------

describe('balance properties', () => {
  it('amountDue + amountPaid + amountCredited − overpaid = total when total ≥ 0 and credited ≤ total', () => {
    const args = fc
      .integer({ max: 10 ** 12, min: 0 })
      .chain((total) =>
        fc.tuple(fc.constant(total), fc.integer({ max: 2 * 10 ** 12, min: 0 }), fc.integer({ max: total, min: 0 })),
      )
    fc.assert(
      fc.property(args, ([total, paid, credited]) => {
        const balance = invoiceBalance(total, paid, credited)
        expect(balance.amountDue + balance.amountPaid + balance.amountCredited - balance.overpaid).toBe(total)
        expect(balance.amountCredited).toBe(credited)
        expect(balance.amountPaid).toBe(paid)
        expect(balance.amountDue).toBeGreaterThanOrEqual(0)
        expect(balance.overpaid).toBeGreaterThanOrEqual(0)
        expect(balance.amountDue === 0 || balance.overpaid === 0).toBe(true)
        expect(balance.amountDue).toBe(Math.max(0, total - credited - paid))
      }),
      { numRuns: 2000 },
    )
  })

  it('credit above the total is capped at the total and never makes the due negative', () => {
    fc.assert(
      fc.property(
        fc.integer({ max: 10 ** 12, min: 0 }),
        fc.integer({ max: 10 ** 12, min: 0 }),
        fc.integer({ max: 10 ** 12, min: 0 }),
        (total, paid, credited) => {
          const balance = invoiceBalance(total, paid, credited)
          expect(balance.amountCredited).toBe(Math.min(total, credited))
          expect(balance.amountDue + balance.amountPaid + balance.amountCredited - balance.overpaid).toBe(total)
          expect(balance.overpaid).toBe(Math.max(0, paid + Math.min(total, credited) - total))
        },
      ),
      { numRuns: 1000 },
    )
  })

  it('settledAllocations keeps the earliest allocations: equals a forward fill of (allocated − refund)', () => {
    const paymentArb = fc.record({
      allocations: fc.array(
        fc.record({ amount: fc.integer({ max: 100_000, min: 1 }), invoice: fc.integer({ max: 5, min: 1 }) }),
        { maxLength: 8 },
      ),
      refundDie: fc.integer({ max: 1_000_000, min: 0 }),
      status: fc.constantFrom(
        'succeeded',
        'partially_refunded',
        'disputed',
        'refunded',
        'pending',
        'processing',
        'failed',
        'canceled',
      ),
    })
    fc.assert(
      fc.property(paymentArb, ({ allocations, refundDie, status }) => {
        const allocated = allocations.reduce((a, b) => a + b.amount, 0)
        const amountRefunded = refundDie % (allocated + 2)
        const payment: AllocatedPayment = { allocations, amountRefunded, status }
        const settled = settledAllocations(payment)

        let expected: Array<{ amount: number; invoice: number | string }> = []
        if (['succeeded', 'partially_refunded', 'disputed'].includes(status)) {
          let remaining = Math.max(0, allocated - (status === 'succeeded' ? 0 : amountRefunded))
          expected = allocations
            .map((allocation) => {
              const kept = Math.min(allocation.amount, remaining)
              remaining -= kept
              return { ...allocation, amount: kept }
            })
            .filter((allocation) => allocation.amount > 0)
        }
        expect(settled).toEqual(expected)
      }),
      { numRuns: 2000 },
    )
  })
})
