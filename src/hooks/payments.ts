import type { CollectionAfterChangeHook, CollectionAfterDeleteHook, CollectionBeforeChangeHook, PayloadRequest } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { relationId } from '../access/index.js'
import { lockRows } from '../db/postgres.js'
import { type AllocatedPayment, SETTLED_PAYMENT_STATUSES, settledAllocations } from '../money/balance.js'
import { formatMoney } from '../money/format.js'
import { checkPaymentMove, payableInvoiceStatuses, type PaymentStatus } from '../status/machines.js'
import { hookFlags } from '../utilities/context.js'
import { fieldError } from '../utilities/errors.js'
import { recordEvent } from './audit.js'
import { loadSettlement, resettleInvoices } from './settlement.js'

type PaymentData = AllocatedPayment & {
  amount?: number
  amountChargedBack?: number
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
  async ({ context, data, operation, originalDoc, req }) => {
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
    const amounts = [amount, next.amountRefunded ?? 0, next.amountChargedBack ?? 0, ...next.allocations.map((allocation) => allocation.amount)]
    if (!amounts.every((value) => Number.isSafeInteger(value) && value >= 0) || amount < 1) return data
    const returned = (next.amountRefunded ?? 0) + (next.amountChargedBack ?? 0)
    if (returned > amount) {
      throw fieldError(slug, 'amountRefunded', `Refunded and charged back together (${returned}) exceed the payment (${amount}).`)
    }
    const allocated = next.allocations.reduce((sum, allocation) => sum + (allocation.amount ?? 0), 0)
    if (allocated > amount) {
      throw fieldError(slug, 'allocations', `The allocations add up to ${allocated}, more than the payment's ${amount}.`)
    }

    const allocationsChanged =
      !before ||
      JSON.stringify(allocationKeys(before.allocations ?? [])) !== JSON.stringify(allocationKeys(next.allocations)) ||
      (isSettled(next.status) && !isSettled(before.status))
    let allocations: PaymentData['allocations'] | undefined
    if (allocationsChanged && next.allocations.length > 0 && !['canceled', 'failed'].includes(next.status)) {
      allocations = await checkAllocations(ctx, req, next, hookFlags(context).moneyArrived === true && isSettled(next.status))
    }

    return {
      ...data,
      ...(allocations ? { allocations } : {}),
      paidAt: isSettled(next.status) ? (next.paidAt ?? new Date().toISOString()) : (next.paidAt ?? null),
    }
  }

const allocationKeys = (allocations: AllocatedPayment['allocations']) =>
  allocations.map((allocation) => [String(relationId(allocation.invoice)), allocation.amount])

/**
 * Returns the allocations to store. They are the ones given, unless `trim` is set: money a provider has
 * already taken then pays each invoice only what it still takes, and the rest stays on the payment.
 */
async function checkAllocations(ctx: PluginContext, req: PayloadRequest, payment: PaymentData, trim: boolean) {
  const { slugs } = ctx.options
  const kept: Array<PaymentData['allocations'][number]> = []
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
    const payable = payableInvoiceStatuses.includes(invoice.status as never)
    if (!payable && !trim) {
      throw fieldError(slugs.payments, `${path}.invoice`, `Invoice ${name} is ${invoice.status.replace(/_/g, ' ')} and takes no payments.`)
    }
    const settled = await loadSettlement(ctx, req, invoiceId, { payment: payment.id })
    const due = payable ? Math.max(0, invoice.total - settled.paid - settled.credited) : 0
    if (trim) {
      if (due > 0) kept.push({ ...allocation, amount: Math.min(allocation.amount, due) })
      continue
    }
    kept.push(allocation)
    if (allocation.amount > due) {
      throw fieldError(
        slugs.payments,
        `${path}.amount`,
        `Allocating ${formatMoney(allocation.amount, invoice.currency)} to invoice ${name} exceeds its amount due of ${formatMoney(due, invoice.currency)}.`,
      )
    }
  }
  return kept
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
    const refunded = (after.amountRefunded ?? 0) - (before?.amountRefunded ?? 0)
    const chargedBack = (after.amountChargedBack ?? 0) - (before?.amountChargedBack ?? 0)
    if (before?.status !== after.status || refunded !== 0 || chargedBack !== 0) {
      await recordEvent(ctx, req, {
        client: after.client,
        details: {
          amount: after.amount,
          currency: after.currency,
          from: before?.status ?? null,
          payment: after.id,
          to: after.status,
          ...(refunded ? { refunded } : {}),
          ...(chargedBack ? { chargedBack } : {}),
          ...(unallocated(after) > 0 && isSettled(after.status) ? { unallocated: unallocated(after) } : {}),
        },
        invoice: after.allocations?.[0]?.invoice,
        type: paymentEventType(before?.status, after.status, refunded, chargedBack),
      })
    }
    return doc
  }

const unallocated = (payment: PaymentData) =>
  (payment.amount ?? 0) - (payment.allocations ?? []).reduce((sum, allocation) => sum + allocation.amount, 0)

function paymentEventType(from: PaymentStatus | undefined, to: PaymentStatus, refunded: number, chargedBack: number) {
  if (to === 'succeeded' && !isSettled(from)) return 'payment_succeeded'
  if (to === 'failed') return 'payment_failed'
  if (chargedBack !== 0) return 'payment_disputed'
  if (refunded !== 0) return 'payment_refunded'
  return 'payment_status_changed'
}

export const settleAfterPaymentDelete =
  (ctx: PluginContext): CollectionAfterDeleteHook =>
  async ({ context, doc, req }) => {
    await resettleInvoices(ctx, req, touchedInvoices(doc as PaymentData), context)
    return doc
  }
