import type { PayloadRequest } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { relationId } from '../access/index.js'
import { type AllocatedPayment, SETTLED_PAYMENT_STATUSES, settledAllocations } from '../money/balance.js'
import { withFlags } from '../utilities/context.js'

const sameId = (a: unknown, b: unknown) => String(relationId(a)) === String(relationId(b))

/**
 * Money that has settled an invoice: succeeded payments (net of refunds) and issued credit notes.
 * `exclude` leaves out one payment or credit note, to check a change to it against the rest.
 */
export async function loadSettlement(
  ctx: PluginContext,
  req: PayloadRequest,
  invoiceId: number | string,
  exclude: { creditNote?: number | string; payment?: number | string } = {},
): Promise<{ credited: number; paid: number }> {
  const { slugs } = ctx.options
  // One after the other: both run on the transaction's one connection, which takes a query at a time.
  const payments = await req.payload.find({
      collection: slugs.payments,
      depth: 0,
      pagination: false,
      req,
      where: { 'allocations.invoice': { equals: invoiceId }, status: { in: [...SETTLED_PAYMENT_STATUSES] } },
  })
  const creditNotes = await req.payload.find({
    collection: slugs.creditNotes,
    depth: 0,
    pagination: false,
    req,
    where: { invoice: { equals: invoiceId }, status: { equals: 'issued' } },
  })
  const paid = payments.docs
    .filter((payment) => !sameId(payment.id, exclude.payment))
    .flatMap((payment) => settledAllocations(payment as unknown as AllocatedPayment))
    .filter((allocation) => sameId(allocation.invoice, invoiceId))
    .reduce((sum, allocation) => sum + allocation.amount, 0)
  const credited = creditNotes.docs
    .filter((note) => !sameId(note.id, exclude.creditNote))
    .reduce((sum, note) => sum + Number((note as { amount?: number }).amount ?? 0), 0)
  return { credited, paid }
}

/**
 * Re-derives the invoices' amounts and status after a payment or credit note changed. The update
 * carries no data: the invoice's own hook recomputes everything from the stored money.
 */
export async function resettleInvoices(
  ctx: PluginContext,
  req: PayloadRequest,
  invoiceIds: Iterable<unknown>,
  context: Record<string, unknown> | undefined,
): Promise<void> {
  const unique = new Map<string, number | string>()
  for (const value of invoiceIds) {
    const id = relationId(value)
    if (id !== null) unique.set(String(id), id)
  }
  for (const id of unique.values()) {
    await req.payload.update({
      collection: ctx.options.slugs.invoices,
      context: withFlags(context, { settlement: true }),
      data: {},
      depth: 0,
      id,
      overrideAccess: true,
      req,
    })
  }
}
