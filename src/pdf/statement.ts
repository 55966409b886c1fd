import type { AgeingBuckets, StatementRow } from './model.js'

/**
 * A statement of account in one currency, from the client's documents. Dates are calendar days
 * (YYYY-MM-DD) in the client's timezone; amounts are minor units.
 */
export type StatementInput = {
  creditNotes: Array<{ amount: number; date: string; invoice: string; reference: string }>
  from: string
  invoices: Array<{ date: string; dueDate: null | string; id: string; reference: string; total: number }>
  /** Settled money of each payment per invoice, net of refunds (see money/balance.ts). */
  payments: Array<{ allocations: Array<{ amount: number; invoice: string }>; date: string; reference: string }>
  to: string
}

export type Statement = {
  ageing: AgeingBuckets
  closingBalance: number
  openingBalance: number
  rows: StatementRow[]
  totals: { credits: number; invoices: number; payments: number }
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0)

const DAY_MS = 86_400_000
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS)

/** 0–30 holds what is not yet due too: the buckets count days past the due date. */
export function ageingBucket(daysPastDue: number): keyof AgeingBuckets {
  if (daysPastDue <= 30) return '0-30'
  if (daysPastDue <= 60) return '31-60'
  if (daysPastDue <= 90) return '61-90'
  return '90+'
}

/**
 * Opening balance = everything before `from`; rows = what happened from `from` to `to` inclusive, by
 * date, invoices before the money that settles them on the same day; closing = opening + invoices −
 * payments − credits. Ageing is each invoice's balance as it stood at the end of `to`.
 */
export function buildStatement(input: StatementInput): Statement {
  const { from, to } = input
  const events: Array<Omit<StatementRow, 'balance'>> = [
    ...input.invoices.map((invoice) => ({ credit: 0, date: invoice.date, debit: invoice.total, kind: 'invoice' as const, reference: invoice.reference })),
    ...input.payments.map((payment) => ({ credit: sum(payment.allocations.map((allocation) => allocation.amount)), date: payment.date, debit: 0, kind: 'payment' as const, reference: payment.reference })),
    ...input.creditNotes.map((note) => ({ credit: note.amount, date: note.date, debit: 0, kind: 'credit-note' as const, reference: note.reference })),
  ].filter((event) => event.date <= to)
  const order = { 'credit-note': 2, invoice: 0, payment: 1 }
  events.sort((a, b) => a.date.localeCompare(b.date) || order[a.kind] - order[b.kind] || a.reference.localeCompare(b.reference))

  const before = events.filter((event) => event.date < from)
  const openingBalance = sum(before.map((event) => event.debit - event.credit))
  let balance = openingBalance
  const rows = events
    .filter((event) => event.date >= from)
    .map((event) => {
      balance += event.debit - event.credit
      return { ...event, balance }
    })
  const totalOf = (kind: StatementRow['kind'], side: 'credit' | 'debit') => sum(rows.filter((row) => row.kind === kind).map((row) => row[side]))
  const totals = { credits: totalOf('credit-note', 'credit'), invoices: totalOf('invoice', 'debit'), payments: totalOf('payment', 'credit') }

  const settledByInvoice = new Map<string, number>()
  const settle = (invoice: string, amount: number) => settledByInvoice.set(invoice, (settledByInvoice.get(invoice) ?? 0) + amount)
  for (const payment of input.payments) if (payment.date <= to) for (const allocation of payment.allocations) settle(allocation.invoice, allocation.amount)
  for (const note of input.creditNotes) if (note.date <= to) settle(note.invoice, note.amount)
  const ageing: AgeingBuckets = { '0-30': 0, '31-60': 0, '61-90': 0, '90+': 0 }
  for (const invoice of input.invoices) {
    if (invoice.date > to) continue
    const outstanding = invoice.total - (settledByInvoice.get(invoice.id) ?? 0)
    if (outstanding <= 0) continue
    ageing[ageingBucket(invoice.dueDate ? daysBetween(invoice.dueDate, to) : 0)] += outstanding
  }
  return { ageing, closingBalance: openingBalance + totals.invoices - totals.payments - totals.credits, openingBalance, rows, totals }
}
