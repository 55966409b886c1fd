/**
 * How payments and credit notes settle an invoice. Only money that has really arrived counts:
 * a pending or processing payment never lowers what is due.
 */
export type AllocatedPayment = {
  allocations: ReadonlyArray<{ amount: number; invoice: number | string }>
  /** Taken back by a dispute or chargeback that stands. */
  amountChargedBack?: null | number
  amountRefunded?: null | number
  status: string
}

/** Payment statuses whose allocations count as paid (net of refunds). */
export const SETTLED_PAYMENT_STATUSES = ['succeeded', 'partially_refunded', 'disputed'] as const

/**
 * The part of each allocation that still counts after refunds and chargebacks. Money going back is
 * taken from the last allocations first, so the earliest invoices a payment settled stay settled longest.
 */
export function settledAllocations(payment: AllocatedPayment): Array<{ amount: number; invoice: number | string }> {
  if (!(SETTLED_PAYMENT_STATUSES as readonly string[]).includes(payment.status)) return []
  let refund = payment.status === 'succeeded' ? 0 : Math.max(0, payment.amountRefunded ?? 0) + Math.max(0, payment.amountChargedBack ?? 0)
  const result = payment.allocations.map((allocation) => ({ ...allocation }))
  for (let index = result.length - 1; index >= 0 && refund > 0; index -= 1) {
    const taken = Math.min(refund, result[index].amount)
    result[index].amount -= taken
    refund -= taken
  }
  return result.filter((allocation) => allocation.amount > 0)
}

export type InvoiceBalance = {
  amountCredited: number
  amountDue: number
  amountPaid: number
  /** Money received beyond the total; it belongs to the client as credit, never a negative due. */
  overpaid: number
}

export function invoiceBalance(total: number, paid: number, credited: number): InvoiceBalance {
  const amountCredited = Math.min(credited, Math.max(0, total))
  const remaining = total - amountCredited - paid
  return {
    amountCredited,
    amountDue: Math.max(0, remaining),
    amountPaid: paid,
    overpaid: Math.max(0, -remaining),
  }
}
