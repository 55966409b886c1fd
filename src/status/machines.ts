import { dateTimeFormat } from '../utilities/intl.js'

/**
 * The one place that says which status moves are allowed, for invoices, credit notes and payments.
 *
 * Invoices have two kinds of moves: those a person (or the ERP) asks for (issue, void, write off) and
 * those that follow the money (open ↔ partially_paid ↔ paid), which only the plugin's own balance
 * recalculation makes. Asking for "paid" directly is refused: record a payment instead.
 */
export const invoiceStatuses = ['draft', 'open', 'partially_paid', 'paid', 'void', 'uncollectible'] as const
export type InvoiceStatus = (typeof invoiceStatuses)[number]

export const creditNoteStatuses = ['draft', 'issued', 'void'] as const
export type CreditNoteStatus = (typeof creditNoteStatuses)[number]

export const paymentStatuses = [
  'pending',
  'processing',
  'succeeded',
  'failed',
  'canceled',
  'refunded',
  'partially_refunded',
  'disputed',
] as const
export type PaymentStatus = (typeof paymentStatuses)[number]

/** Payment statuses a receipt exists for: money that arrived, even if some of it went back later. */
export const receiptPaymentStatuses: readonly PaymentStatus[] = ['succeeded', 'partially_refunded', 'refunded', 'disputed']

/** Invoice statuses whose balance decides between open, partially_paid and paid. */
export const settlementStatuses: readonly InvoiceStatus[] = ['open', 'partially_paid', 'paid']

/** Statuses in which an invoice still expects money. */
export const payableInvoiceStatuses: readonly InvoiceStatus[] = ['open', 'partially_paid']

const requestedInvoiceMoves: Record<InvoiceStatus, readonly InvoiceStatus[]> = {
  draft: ['open'],
  open: ['void', 'uncollectible'],
  partially_paid: ['void', 'uncollectible'],
  paid: [],
  uncollectible: [],
  void: [],
}

const creditNoteMoves: Record<CreditNoteStatus, readonly CreditNoteStatus[]> = {
  draft: ['issued', 'void'],
  issued: ['void'],
  void: [],
}

/** Payments follow their provider; a settled payment can still be refunded or disputed. */
const paymentMoves: Record<PaymentStatus, readonly PaymentStatus[]> = {
  canceled: [],
  disputed: ['succeeded', 'partially_refunded', 'refunded'],
  failed: [],
  partially_refunded: ['partially_refunded', 'refunded', 'disputed'],
  pending: ['processing', 'succeeded', 'failed', 'canceled'],
  processing: ['succeeded', 'failed', 'canceled'],
  refunded: [],
  succeeded: ['partially_refunded', 'refunded', 'disputed'],
}

export type TransitionCheck = { allowed: true } | { allowed: false; message: string }

const label = (status: string) => status.replace(/_/g, ' ')

function check<S extends string>(
  what: string,
  moves: Record<S, readonly S[]>,
  from: S,
  to: S,
  hint = '',
): TransitionCheck {
  if (from === to && !moves[from]?.includes(to)) return { allowed: true }
  if (moves[from]?.includes(to)) return { allowed: true }
  const allowed = moves[from]?.length ? moves[from].map(label).join(' or ') : 'nothing (it is final)'
  return {
    allowed: false,
    message: `${/^[aeiou]/.test(what) ? 'An' : 'A'} ${what} can't move from ${label(from)} to ${label(to)}; from ${label(from)} it can move to ${allowed}.${hint}`,
  }
}

/** A move someone asked for. Moves that follow the money are checked by `settlementStatus`. */
export function checkRequestedInvoiceMove(from: InvoiceStatus, to: InvoiceStatus): TransitionCheck {
  const hint =
    to === 'paid' || to === 'partially_paid'
      ? ' Paid and partially paid follow the payments: record a payment instead.'
      : to === 'draft'
        ? ' An issued invoice is corrected with a credit note.'
        : ''
  return check('invoice', requestedInvoiceMoves, from, to, hint)
}

export function checkCreditNoteMove(from: CreditNoteStatus, to: CreditNoteStatus): TransitionCheck {
  return check('credit note', creditNoteMoves, from, to)
}

export function checkPaymentMove(from: PaymentStatus, to: PaymentStatus): TransitionCheck {
  return check('payment', paymentMoves, from, to)
}

/**
 * Where an issued, not voided invoice stands given its balance. Partially paid means money arrived:
 * a credit note alone lowers what is due but leaves the invoice open.
 */
export function settlementStatus(balance: { amountDue: number; amountPaid: number }): InvoiceStatus {
  if (balance.amountDue === 0) return 'paid'
  return balance.amountPaid > 0 ? 'partially_paid' : 'open'
}

/**
 * Overdue is derived, never stored: still payable and due before today in the client's timezone.
 * Dates are compared as calendar days (YYYY-MM-DD), so a due date of today is not overdue yet.
 */
/** Whether an invoice is still chased for money: payable, with something due. */
export const isRemindable = (invoice: { amountDue?: null | number; status: string }) =>
  payableInvoiceStatuses.includes(invoice.status as InvoiceStatus) && (invoice.amountDue ?? 0) > 0

export function isOverdue(
  invoice: { dueDate?: null | string; status: string },
  timezone = 'UTC',
  now: Date = new Date(),
): boolean {
  if (!invoice.dueDate || !payableInvoiceStatuses.includes(invoice.status as InvoiceStatus)) return false
  return invoice.dueDate.slice(0, 10) < calendarDay(now, timezone)
}

/** The calendar day (YYYY-MM-DD) that `instant` falls on in `timezone`. */
export function calendarDay(instant: Date, timezone: string): string {
  return dateTimeFormat('en-CA', { day: '2-digit', month: '2-digit', timeZone: timezone, year: 'numeric' }).format(instant)
}
