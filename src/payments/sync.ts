import type { PayloadRequest } from 'payload'

import type { SanitizedOptions } from '../options.js'
import type { Portal } from '../portal/context.js'
import type { PaymentProvider, ProviderPaymentState } from './types.js'

import { lockRows } from '../db/postgres.js'
import { inTransaction } from '../db/transaction.js'
import { JOBS_QUEUE, runSoon } from '../jobs/queue.js'
import { storedSecrets } from '../security/storedSecrets.js'
import { type PaymentStatus, receiptPaymentStatuses } from '../status/machines.js'
import { withFlags } from '../utilities/context.js'
import { sendPaymentReceipt } from './receipt.js'
import { statusFromState } from './types.js'

export const RECEIPT_TASK = 'invoicePortalPaymentReceipt'

export type StoredPayment = {
  amount: number
  amountChargedBack?: null | number
  amountRefunded?: null | number
  failureReason?: null | string
  id: number | string
  method?: null | string
  provider: string
  providerRef?: null | string
  status: PaymentStatus
}

export function providerNamed(options: SanitizedOptions, name: unknown): PaymentProvider | undefined {
  return options.payments.providers.find((provider) => provider.name === name)
}

const hasReceipt = (status: string) => receiptPaymentStatuses.includes(status as PaymentStatus)

export type SyncResult = { from: PaymentStatus; receiptJob?: number | string; to: PaymentStatus } | null

/**
 * Brings one payment up to date with what its provider says now. The payment's row is locked while
 * the provider is asked, so events about one payment that arrive together apply one after the other,
 * each to the state the last one left; repeated or late events then find nothing to change.
 */
export async function syncPayment(payments: Portal, paymentId: number | string): Promise<SyncResult> {
  const { options, payload } = payments
  const result = await inTransaction(payload, async (req) => {
    await lockRows(req, options.slugs.payments, [paymentId])
    const payment = (await payload.findByID({ collection: options.slugs.payments, depth: 0, disableErrors: true, id: paymentId, overrideAccess: true, req })) as null | StoredPayment
    const provider = payment && providerNamed(options, payment.provider)
    if (!payment || !provider || !payment.providerRef) return null
    const state = await provider.fetchState(payment.providerRef, storedSecrets(payments, req))
    return state ? applyState(payments, req, payment, state) : null
  })
  // Committed: the receipt goes out now; its queued job stays as the fallback.
  if (result?.receiptJob !== undefined) runSoon(payload, () => sendPaymentReceipt(payments, paymentId))
  return result
}

async function applyState(payments: Portal, req: PayloadRequest, payment: StoredPayment, state: ProviderPaymentState): Promise<SyncResult> {
  const { options, payload } = payments
  const to = statusFromState(state, payment.amount)
  const data = {
    amountChargedBack: state.amountChargedBack,
    amountRefunded: state.amountRefunded,
    failureReason: state.failureReason ?? payment.failureReason ?? null,
    method: state.method ?? payment.method ?? null,
    status: to,
  }
  const unchanged = (Object.keys(data) as Array<keyof typeof data>).every((key) => (payment[key] ?? null) === (data[key] ?? null))
  if (unchanged) return null

  const update = (changes: Partial<typeof data>) =>
    payload.update({
      collection: options.slugs.payments,
      context: withFlags(undefined, { moneyArrived: true }),
      data: changes,
      depth: 0,
      id: payment.id,
      overrideAccess: true,
      req,
    })
  // Money that arrives and goes back in one step (a missed success) is booked as arriving first, so
  // the invoices, the receipt and the audit log all see the payment as it really went.
  const arrives = hasReceipt(to) && !hasReceipt(payment.status)
  if (arrives && to !== 'succeeded') await update({ amountChargedBack: 0, amountRefunded: 0, method: data.method, status: 'succeeded' })
  await update(data)

  const receiptJob = arrives
    ? ((await payload.jobs.queue({ input: { payment: String(payment.id) }, queue: JOBS_QUEUE, req, task: RECEIPT_TASK as never })) as { id: number | string }).id
    : undefined
  return { from: payment.status, receiptJob, to }
}
