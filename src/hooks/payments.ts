import type { CollectionAfterChangeHook, CollectionAfterDeleteHook, CollectionBeforeChangeHook, PayloadRequest } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { relationId } from '../access/index.js'
import { lockRows } from '../db/postgres.js'
import { type AllocatedPayment, SETTLED_PAYMENT_STATUSES, settledAllocations } from '../money/balance.js'
import { formatMoney } from '../money/format.js'
import { checkPaymentMove, payableInvoiceStatuses, type PaymentStatus } from '../status/machines.js'
import { fieldError } from '../utilities/errors.js'
import { recordEvent } from './audit.js'
import { loadSettlement, resettleInvoices } from './settlement.js'

type PaymentData = AllocatedPayment & {
  amount?: number
  client?: unknown
  currency?: string
  id?: number | string
  paidAt?: null | string
  status: PaymentStatus
}

const isSettled = (status: string | undefined) => (SETTLED_PAYMENT_STATUSES as readonly string[]).includes(status ?? '')

/**
 * Checks a payment against the state machine and its allocations against the invoices they pay:
 * same client, same currency, an invoice that still expects money, never more than is due.
 */
export const preparePayment =
  (ctx: PluginContext): CollectionBeforeChangeHook =>
  async ({ data, operation, originalDoc, req }) => {
    const slug = ctx.options.slugs.payments
    const before = (operation === 'update' ? originalDoc : undefined) as PaymentData | undefined
    const next = { ...before, ...data } as PaymentData
    next.allocations = next.allocations ?? []

    if (before && next.status !== before.status) {
      const move = checkPaymentMove(before.status, next.status)
      if (!move.allowed) throw fieldError(slug, 'status', move.message)
    }
    if (before && isSettled(before.status)) {
      for (const field of ['amount', 'currency', 'client'] as const) {
        if (field in data && String(relationId(data[field])) !== String(relationId(before[field]))) {
          throw fieldError(slug, field, `A ${before.status.replace(/_/g, ' ')} payment's ${field} can't change; refund it instead.`)
        }
      }
    }

    const amount = next.amount ?? 0
    // Amounts that break a field rule are left to field validation, which runs after this hook.
    const amounts = [amount, next.amountRefunded ?? 0, ...next.allocations.map((allocation) => allocation.amount)]
    if (!amounts.every((value) => Number.isSafeInteger(value) && value >= 0) || amount < 1) return data
    const refunded = next.amountRefunded ?? 0
    if (refunded > amount) {
      throw fieldError(slug, 'amountRefunded', `The refunded amount (${refunded}) exceeds the payment (${amount}).`)
    }
    const allocated = next.allocations.reduce((sum, allocation) => sum + (allocation.amount ?? 0), 0)
    if (allocated > amount) {
      throw fieldError(slug, 'allocations', `The allocations add up to ${allocated}, more than the payment's ${amount}.`)
    }

    const allocationsChanged =
      !before ||
      JSON.stringify(allocationKeys(before.allocations ?? [])) !== JSON.stringify(allocationKeys(next.allocations)) ||
      (isSettled(next.status) && !isSettled(before.status))
    if (allocationsChanged && next.allocations.length > 0 && !['canceled', 'failed'].includes(next.status)) {
      await checkAllocations(ctx, req, next)
    }

    return {
      ...data,
      paidAt: isSettled(next.status) ? (next.paidAt ?? new Date().toISOString()) : (next.paidAt ?? null),
    }
  }

const allocationKeys = (allocations: AllocatedPayment['allocations']) =>
  allocations.map((allocation) => [String(relationId(allocation.invoice)), allocation.amount])

async function checkAllocations(ctx: PluginContext, req: PayloadRequest, payment: PaymentData) {
  const { slugs } = ctx.options
  const invoiceIds = payment.allocations.map((allocation) => relationId(allocation.invoice)).filter((id) => id !== null)
  // Serialise every payment and credit note touching these invoices until this transaction ends.
  await lockRows(req, slugs.invoices, invoiceIds)
  const seen = new Set<string>()
  for (const [index, allocation] of payment.allocations.entries()) {
    const path = `allocations.${index}`
    const invoiceId = relationId(allocation.invoice)
    if (invoiceId === null) throw fieldError(slugs.payments, `${path}.invoice`, 'Each allocation needs an invoice.')
    if (seen.has(String(invoiceId))) {
      throw fieldError(slugs.payments, `${path}.invoice`, 'An invoice can appear only once in the allocations of one payment.')
    }
    seen.add(String(invoiceId))
    if (!(allocation.amount > 0)) throw fieldError(slugs.payments, `${path}.amount`, 'An allocation must be more than zero.')

    const invoice = (await req.payload
      .findByID({ collection: slugs.invoices, depth: 0, disableErrors: true, id: invoiceId, req })
      .catch(() => null)) as { client: unknown; currency: string; number?: string; status: string; total: number } | null
    if (!invoice) throw fieldError(slugs.payments, `${path}.invoice`, `Invoice ${invoiceId} does not exist.`)
    const name = invoice.number ?? `#${invoiceId}`
    if (String(relationId(invoice.client)) !== String(relationId(payment.client))) {
      throw fieldError(slugs.payments, `${path}.invoice`, `Invoice ${name} belongs to another client.`)
    }
    if (invoice.currency !== payment.currency) {
      throw fieldError(slugs.payments, `${path}.invoice`, `Invoice ${name} is in ${invoice.currency}, the payment in ${payment.currency}.`)
    }
    if (!payableInvoiceStatuses.includes(invoice.status as never)) {
      throw fieldError(slugs.payments, `${path}.invoice`, `Invoice ${name} is ${invoice.status.replace(/_/g, ' ')} and takes no payments.`)
    }
    const settled = await loadSettlement(ctx, req, invoiceId, { payment: payment.id })
    const due = Math.max(0, invoice.total - settled.paid - settled.credited)
    if (allocation.amount > due) {
      throw fieldError(
        slugs.payments,
        `${path}.amount`,
        `Allocating ${formatMoney(allocation.amount, invoice.currency)} to invoice ${name} exceeds its amount due of ${formatMoney(due, invoice.currency)}.`,
      )
    }
  }
}

const touchedInvoices = (...payments: Array<PaymentData | undefined>) =>
  payments.flatMap((payment) => (payment?.allocations ?? []).map((allocation) => allocation.invoice))

export const settlePaymentInvoices =
  (ctx: PluginContext): CollectionAfterChangeHook =>
  async ({ context, doc, previousDoc, req }) => {
    const before = previousDoc as PaymentData | undefined
    const after = doc as PaymentData
    const moneyMoved =
      JSON.stringify(settledAllocations(after)) !== JSON.stringify(before?.status ? settledAllocations(before) : [])
    if (moneyMoved) await resettleInvoices(ctx, req, touchedInvoices(before, after), context)
    if (before?.status !== after.status) {
      await recordEvent(ctx, req, {
        client: after.client,
        details: { amount: after.amount, currency: after.currency, from: before?.status ?? null, to: after.status },
        invoice: after.allocations?.[0]?.invoice,
        type: after.status === 'succeeded' ? 'payment_succeeded' : after.status === 'failed' ? 'payment_failed' : 'payment_status_changed',
      })
    }
    return doc
  }

export const settleAfterPaymentDelete =
  (ctx: PluginContext): CollectionAfterDeleteHook =>
  async ({ context, doc, req }) => {
    await resettleInvoices(ctx, req, touchedInvoices(doc as PaymentData), context)
    return doc
  }
