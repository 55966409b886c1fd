/**
 * The statement of account (statement.ts): ageing buckets, opening balance, row order and running
 * balance, and what falls outside the period. Expectations are written out by hand from the rules in
 * statement.ts's doc comments; the property test checks them against a naive reference below.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { ageingBucket, buildStatement, type StatementInput } from './statement.js'

type Invoice = StatementInput['invoices'][number]
type Payment = StatementInput['payments'][number]
type CreditNote = StatementInput['creditNotes'][number]

const invoice = (id: string, date: string, total: number, dueDate: null | string = null): Invoice => ({ date, dueDate, id, reference: `INV-${id}`, total })
const payment = (reference: string, date: string, allocations: Array<[string, number]>): Payment => ({
  allocations: allocations.map(([invoiceId, amount]) => ({ amount, invoice: invoiceId })),
  date,
  reference,
})
const credit = (reference: string, date: string, invoiceId: string, amount: number): CreditNote => ({ amount, date, invoice: invoiceId, reference })
const statement = (parts: Partial<StatementInput>) => buildStatement({ creditNotes: [], from: '2026-01-01', invoices: [], payments: [], to: '2026-12-31', ...parts })

describe('ageingBucket', () => {
  it.each([
    [-45, '0-30'],
    [-1, '0-30'],
    [0, '0-30'],
    [1, '0-30'],
    [30, '0-30'],
    [31, '31-60'],
    [60, '31-60'],
    [61, '61-90'],
    [90, '61-90'],
    [91, '90+'],
    [400, '90+'],
  ] as const)('%i days past due → %s', (days, bucket) => {
    expect(ageingBucket(days)).toBe(bucket)
  })
})

describe('buildStatement', () => {
  it('ages each open invoice by the days from its due date to `to` (30/31/60/61/90/91 across month ends)', () => {
    const to = '2026-06-30'
    // Days from the due date to 2026-06-30, counted on the calendar:
    //   05-31 → 30, 05-30 → 31, 05-01 → 60 (30 left in May + 30 in June), 04-30 → 61,
    //   04-01 → 90 (29 + 31 + 30), 03-31 → 91, and 07-15 is not yet due (−15).
    const due: Array<[string, string]> = [
      ['d30', '2026-05-31'],
      ['d31', '2026-05-30'],
      ['d60', '2026-05-01'],
      ['d61', '2026-04-30'],
      ['d90', '2026-04-01'],
      ['d91', '2026-03-31'],
      ['future', '2026-07-15'],
    ]
    const amounts: Record<string, number> = { d30: 1, d31: 10, d60: 100, d61: 1_000, d90: 10_000, d91: 100_000, future: 1_000_000 }
    const result = statement({ invoices: due.map(([id, dueDate]) => invoice(id, '2026-01-15', amounts[id], dueDate)), to })
    expect(result.ageing).toEqual({
      '0-30': amounts.d30 + amounts.future,
      '31-60': amounts.d31 + amounts.d60,
      '61-90': amounts.d61 + amounts.d90,
      '90+': amounts.d91,
    })
  })

  it('ages an invoice without a due date as 0–30 and leaves settled invoices out', () => {
    const result = statement({
      creditNotes: [credit('CN-1', '2026-02-01', 'credited', 500)],
      invoices: [invoice('nodue', '2026-01-02', 700), invoice('paid', '2026-01-02', 300, '2026-01-10'), invoice('credited', '2026-01-02', 500, '2026-01-10')],
      payments: [payment('P-1', '2026-01-20', [['paid', 300]])],
    })
    expect(result.ageing).toEqual({ '0-30': 700, '31-60': 0, '61-90': 0, '90+': 0 })
  })

  it('an over-settled invoice ages as nothing, never as a negative amount', () => {
    const result = statement({
      invoices: [invoice('over', '2026-01-01', 100, '2026-01-31'), invoice('open', '2026-01-01', 40, '2026-01-31')],
      payments: [payment('P-1', '2026-01-05', [['over', 150]])],
    })
    expect(result.ageing).toEqual({ '0-30': 0, '31-60': 0, '61-90': 0, '90+': 40 })
    // The balance itself does go below the invoices' sum: 140 − 150.
    expect(result.closingBalance).toBe(-10)
  })

  it('ages only what is still outstanding: partial payments and credits reduce the invoice they name', () => {
    // 1000 due 2026-01-31, 300 paid, 200 credited → 500 outstanding, 334 days past due at 2026-12-31.
    const result = statement({
      creditNotes: [credit('CN-1', '2026-03-01', 'a', 200)],
      invoices: [invoice('a', '2026-01-01', 1000, '2026-01-31'), invoice('b', '2026-12-20', 50, '2026-12-30')],
      payments: [payment('P-1', '2026-02-01', [['a', 300]])],
    })
    expect(result.ageing).toEqual({ '0-30': 50, '31-60': 0, '61-90': 0, '90+': 500 })
  })

  it('opening balance is everything before `from`; rows are what happened from `from` to `to` inclusive', () => {
    const result = statement({
      creditNotes: [credit('CN-1', '2026-02-28', 'a', 100), credit('CN-2', '2026-03-01', 'a', 50)],
      from: '2026-03-01',
      invoices: [invoice('a', '2026-01-10', 1000), invoice('b', '2026-03-31', 400)],
      payments: [payment('P-1', '2026-02-15', [['a', 300]]), payment('P-2', '2026-03-15', [['a', 200]])],
      to: '2026-03-31',
    })
    // Before 03-01: +1000 − 300 − 100 = 600.
    expect(result.openingBalance).toBe(600)
    expect(result.rows).toEqual([
      { balance: 550, credit: 50, date: '2026-03-01', debit: 0, kind: 'credit-note', reference: 'CN-2' },
      { balance: 350, credit: 200, date: '2026-03-15', debit: 0, kind: 'payment', reference: 'P-2' },
      { balance: 750, credit: 0, date: '2026-03-31', debit: 400, kind: 'invoice', reference: 'INV-b' },
    ])
    expect(result.totals).toEqual({ credits: 50, invoices: 400, payments: 200 })
    // 600 + 400 − 200 − 50
    expect(result.closingBalance).toBe(750)
  })

  it('ignores everything dated after `to`: rows, totals, closing balance and ageing', () => {
    const result = statement({
      creditNotes: [credit('CN-late', '2026-07-01', 'a', 100)],
      from: '2026-06-01',
      invoices: [invoice('a', '2026-06-10', 1000, '2026-06-20'), invoice('late', '2026-07-01', 5000, '2026-07-31')],
      payments: [payment('P-late', '2026-07-01', [['a', 400]])],
      to: '2026-06-30',
    })
    expect(result.rows.map((row) => row.reference)).toEqual(['INV-a'])
    expect(result.totals).toEqual({ credits: 0, invoices: 1000, payments: 0 })
    expect(result.closingBalance).toBe(1000)
    // The late payment and credit do not lower what was outstanding at the end of 06-30; the late invoice is not there yet.
    expect(result.ageing).toEqual({ '0-30': 1000, '31-60': 0, '61-90': 0, '90+': 0 })
  })

  it('on one day lists invoices before the payments and credit notes that settle them, whatever their references', () => {
    const result = statement({
      creditNotes: [credit('A-credit', '2026-05-05', 'z', 100)],
      from: '2026-05-01',
      invoices: [invoice('z', '2026-05-05', 1000)],
      payments: [payment('A-payment', '2026-05-05', [['z', 900]])],
      to: '2026-05-31',
    })
    expect(result.rows.map((row) => [row.kind, row.balance])).toEqual([
      ['invoice', 1000],
      ['payment', 100],
      ['credit-note', 0],
    ])
  })

  it('orders rows by date first, then by reference within a kind', () => {
    const result = statement({
      invoices: [invoice('2', '2026-04-02', 10), invoice('1', '2026-04-02', 20), invoice('0', '2026-04-01', 30)],
    })
    expect(result.rows.map((row) => row.reference)).toEqual(['INV-0', 'INV-1', 'INV-2'])
  })

  it('counts a payment by the sum of its allocations', () => {
    const result = statement({
      invoices: [invoice('a', '2026-01-01', 500), invoice('b', '2026-01-01', 700)],
      payments: [payment('P-1', '2026-01-02', [['a', 500], ['b', 200]])],
    })
    expect(result.rows.at(-1)).toMatchObject({ balance: 500, credit: 700, kind: 'payment' })
    expect(result.totals.payments).toBe(700)
  })

  it('an empty period has no rows and closes at its opening balance', () => {
    const result = statement({ from: '2026-05-01', invoices: [invoice('a', '2026-01-01', 123, '2026-01-31')], to: '2026-05-31' })
    expect(result).toMatchObject({ closingBalance: 123, openingBalance: 123, rows: [], totals: { credits: 0, invoices: 0, payments: 0 } })
    // 2026-01-31 → 2026-05-31 is 120 days.
    expect(result.ageing['90+']).toBe(123)
  })
})

// ---------------------------------------------------------------------------------------------
// Property: a statement adds up, checked against a naive reference that shares no code with it.
// ---------------------------------------------------------------------------------------------

const BASE = Date.UTC(2025, 0, 1)
const dayOf = (offset: number) => new Date(BASE + offset * 86_400_000).toISOString().slice(0, 10)

/** Invoices, then payments and credit notes that settle at most each invoice's total, on or after its date. */
const arbitraryInput = fc
  .record({
    from: fc.integer({ min: 0, max: 500 }),
    invoices: fc.array(fc.record({ day: fc.integer({ min: 0, max: 600 }), due: fc.option(fc.integer({ min: 0, max: 120 })), total: fc.integer({ min: 1, max: 1_000_000 }) }), {
      maxLength: 12,
    }),
    length: fc.integer({ min: 0, max: 200 }),
    settlements: fc.array(
      fc.record({ after: fc.integer({ min: 0, max: 200 }), invoice: fc.nat(), kind: fc.constantFrom('payment', 'credit'), share: fc.double({ max: 1, min: 0, noNaN: true }) }),
      { maxLength: 20 },
    ),
  })
  .map(({ from, invoices, length, settlements }) => {
    const input: StatementInput = { creditNotes: [], from: dayOf(from), invoices: [], payments: [], to: dayOf(from + length) }
    input.invoices = invoices.map((entry, index) => ({
      date: dayOf(entry.day),
      dueDate: entry.due === null ? null : dayOf(entry.day + entry.due),
      id: `i${index}`,
      reference: `INV-${String(index).padStart(3, '0')}`,
      total: entry.total,
    }))
    const left = new Map(input.invoices.map((entry) => [entry.id, entry.total]))
    settlements.forEach((entry, index) => {
      if (input.invoices.length === 0) return
      const target = input.invoices[entry.invoice % input.invoices.length]
      const amount = Math.floor(left.get(target.id)! * entry.share)
      if (amount < 1) return
      left.set(target.id, left.get(target.id)! - amount)
      const date = dayOf(Date.parse(`${target.date}T00:00:00Z`) / 86_400_000 - BASE / 86_400_000 + entry.after)
      if (entry.kind === 'payment') input.payments.push(payment(`P-${index}`, date, [[target.id, amount]]))
      else input.creditNotes.push(credit(`CN-${index}`, date, target.id, amount))
    })
    return input
  })

function reference(input: StatementInput) {
  const events = [
    ...input.invoices.map((entry) => ({ date: entry.date, delta: entry.total, kind: 'invoice' })),
    ...input.payments.map((entry) => ({ date: entry.date, delta: -entry.allocations.reduce((sum, allocation) => sum + allocation.amount, 0), kind: 'payment' })),
    ...input.creditNotes.map((entry) => ({ date: entry.date, delta: -entry.amount, kind: 'credit' })),
  ]
  let opening = 0
  let invoices = 0
  let payments = 0
  let credits = 0
  let inPeriod = 0
  for (const event of events) {
    if (event.date < input.from) opening += event.delta
    else if (event.date <= input.to) {
      inPeriod += 1
      if (event.kind === 'invoice') invoices += event.delta
      else if (event.kind === 'payment') payments -= event.delta
      else credits -= event.delta
    }
  }
  // What was still owed on each invoice issued by `to`, counting only settlements dated by `to`.
  let outstanding = 0
  for (const entry of input.invoices) {
    if (entry.date > input.to) continue
    const settled =
      input.payments.filter((p) => p.date <= input.to && p.allocations[0].invoice === entry.id).reduce((sum, p) => sum + p.allocations[0].amount, 0) +
      input.creditNotes.filter((c) => c.date <= input.to && c.invoice === entry.id).reduce((sum, c) => sum + c.amount, 0)
    outstanding += entry.total - settled
  }
  return { credits, inPeriod, invoices, opening, outstanding, payments }
}

describe('buildStatement (property)', () => {
  it('closing = opening + invoices − payments − credits, the running balance ends at closing, and ageing holds what is outstanding', () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const result = buildStatement(input)
        const expected = reference(input)
        expect(result.openingBalance).toBe(expected.opening)
        expect(result.totals).toEqual({ credits: expected.credits, invoices: expected.invoices, payments: expected.payments })
        expect(result.closingBalance).toBe(result.openingBalance + result.totals.invoices - result.totals.payments - result.totals.credits)
        expect(result.rows).toHaveLength(expected.inPeriod)
        let balance = result.openingBalance
        let previous = input.from
        for (const row of result.rows) {
          expect(row.date >= previous && row.date <= input.to, `${row.date} in order within ${input.from}…${input.to}`).toBe(true)
          previous = row.date
          balance += row.debit - row.credit
          expect(row.balance).toBe(balance)
        }
        expect(balance).toBe(result.closingBalance)
        // No invoice is over-settled here, so what is outstanding is exactly the closing balance, all in some bucket.
        const aged = Object.values(result.ageing).reduce((sum, value) => sum + value, 0)
        expect(aged).toBe(expected.outstanding)
        expect(aged).toBe(result.closingBalance)
      }),
      { numRuns: 300 },
    )
  })
})
