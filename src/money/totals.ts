import { compareDecimals, decimalToString, divideRoundHalfAwayFromZero, multiplyRounded, parseDecimal } from './decimal.js'

/** The money-relevant part of an invoice or credit-note line. Amounts are integer minor units. */
export type LineAmounts = {
  /** Decimal quantity, as a string ("1.5") or a number. */
  quantity: number | string
  /** Price of one unit in minor units; may be negative for a discount line. */
  unitAmount: number
  /** Tax rate in percent, as a decimal ("21", "5.5"). */
  taxRate: number | string
}

export type TaxBreakdownRow = { base: number; rate: string; tax: number }

export type DocumentTotals = {
  /** Each line's total (quantity × unit amount, rounded), in input order. */
  lineTotals: number[]
  subtotal: number
  taxBreakdown: TaxBreakdownRow[]
  taxTotal: number
  total: number
}

function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${what} is too large to be represented exactly`)
  }
  return Number(value)
}

function requireDecimal(value: unknown, what: string) {
  const decimal = parseDecimal(value)
  if (!decimal) throw new RangeError(`${what} must be a decimal number`)
  return decimal
}

/** True when every line can be computed; field validation reports what is wrong with the others. */
export function linesAreComputable(lines: readonly Partial<LineAmounts>[]): lines is LineAmounts[] {
  return lines.every(
    (line) =>
      parseDecimal(line.quantity) !== null &&
      parseDecimal(line.taxRate) !== null &&
      typeof line.unitAmount === 'number' &&
      Number.isSafeInteger(line.unitAmount),
  )
}

/** quantity × unitAmount rounded half away from zero to the minor unit. */
export function lineTotal(line: LineAmounts): number {
  const quantity = requireDecimal(line.quantity, 'quantity')
  if (!Number.isSafeInteger(line.unitAmount)) throw new RangeError('unitAmount must be a safe integer of minor units')
  return toSafeNumber(multiplyRounded(BigInt(line.unitAmount), quantity), 'Line total')
}

/**
 * Totals of a document: line totals are rounded each; tax is computed once per rate on the sum of
 * that rate's line totals (not per line), which is what EU VAT rules and most ERPs expect.
 */
export function computeTotals(lines: readonly LineAmounts[]): DocumentTotals {
  const lineTotals = lines.map(lineTotal)
  const bases = new Map<string, bigint>()
  lines.forEach((line, index) => {
    const rate = decimalToString(requireDecimal(line.taxRate, 'taxRate'))
    bases.set(rate, (bases.get(rate) ?? 0n) + BigInt(lineTotals[index]))
  })
  const taxBreakdown = [...bases.entries()]
    .sort(([a], [b]) => compareDecimals(requireDecimal(a, 'taxRate'), requireDecimal(b, 'taxRate')))
    .map(([rate, base]) => {
      const decimal = requireDecimal(rate, 'taxRate')
      const tax = divideRoundHalfAwayFromZero(base * decimal.units, 100n * 10n ** BigInt(decimal.scale))
      return { base: toSafeNumber(base, 'Tax base'), rate, tax: toSafeNumber(tax, 'Tax') }
    })
  // Summed as BigInt: a float running sum can pass MAX_SAFE_INTEGER and come back rounded.
  const subtotal = lineTotals.reduce((sum, amount) => sum + BigInt(amount), 0n)
  const taxTotal = taxBreakdown.reduce((sum, row) => sum + BigInt(row.tax), 0n)
  return {
    lineTotals,
    subtotal: toSafeNumber(subtotal, 'Subtotal'),
    taxBreakdown,
    taxTotal: toSafeNumber(taxTotal, 'Tax total'),
    total: toSafeNumber(subtotal + taxTotal, 'Total'),
  }
}
