import type { CollectionAfterChangeHook } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { emitOutboundEvent } from '../outbound/deliveries.js'
import { reference, references } from '../outbound/references.js'
import { receiptPaymentStatuses } from '../status/machines.js'

type Doc = Record<string, unknown> & { id: number | string }

/** `invoice.paid` when an invoice becomes paid. */
export const emitInvoicePaid =
  (ctx: PluginContext): CollectionAfterChangeHook =>
  async ({ doc, previousDoc, req }) => {
    if (doc.status !== 'paid' || previousDoc?.status === 'paid') return doc
    await emitOutboundEvent(ctx, req, 'invoice.paid', async () => ({
      amountCredited: doc.amountCredited,
      amountPaid: doc.amountPaid,
      client: await reference(ctx, req, 'clients', doc.client),
      currency: doc.currency,
      externalId: doc.externalId ?? null,
      id: doc.id,
      number: doc.number,
      paidAt: doc.paidAt,
      total: doc.total,
    }))
    return doc
  }

/** `payment.succeeded` when money arrives (not when a won dispute settles it again); `payment.refunded` whenever more is refunded. */
export const emitPaymentEvents =
  (ctx: PluginContext): CollectionAfterChangeHook =>
  async ({ doc, previousDoc, req }) => {
    const before = (previousDoc ?? {}) as Doc
    const arrived = doc.status === 'succeeded' && !receiptPaymentStatuses.includes(before.status as never)
    const refundedNow = ((doc.amountRefunded as number) ?? 0) - ((before.amountRefunded as number) ?? 0)
    if (!arrived && refundedNow <= 0) return doc
    const allocations = (doc.allocations as Array<{ amount: number; invoice: unknown }>) ?? []
    const data = async () => {
      const invoices = await references(ctx, req, 'invoices', allocations.map((allocation) => allocation.invoice))
      return {
      allocations: allocations.map((allocation, index) => ({ amount: allocation.amount, invoice: invoices[index] })),
      amount: doc.amount,
      amountRefunded: doc.amountRefunded ?? 0,
      client: await reference(ctx, req, 'clients', doc.client),
      currency: doc.currency,
      id: doc.id,
      method: doc.method ?? null,
      paidAt: doc.paidAt ?? null,
      provider: doc.provider,
      providerRef: doc.providerRef ?? null,
      status: doc.status,
      }
    }
    if (arrived) await emitOutboundEvent(ctx, req, 'payment.succeeded', data)
    if (refundedNow > 0) await emitOutboundEvent(ctx, req, 'payment.refunded', async () => ({ ...(await data()), refundedNow }))
    return doc
  }

/** `credit_note.issued` when a credit note is issued. */
export const emitCreditNoteIssued =
  (ctx: PluginContext): CollectionAfterChangeHook =>
  async ({ doc, previousDoc, req }) => {
    if (doc.status !== 'issued' || previousDoc?.status === 'issued') return doc
    await emitOutboundEvent(ctx, req, 'credit_note.issued', async () => ({
      amount: doc.amount,
      client: await reference(ctx, req, 'clients', doc.client),
      currency: doc.currency,
      externalId: doc.externalId ?? null,
      id: doc.id,
      invoice: await reference(ctx, req, 'invoices', doc.invoice),
      issuedAt: doc.issuedAt ?? null,
      number: doc.number,
      reason: doc.reason ?? null,
    }))
    return doc
  }
