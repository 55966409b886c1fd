import type { Portal } from '../portal/context.js'

import { processWebhookEvent } from './inbox.js'
import { syncPayment } from './sync.js'

export const RECONCILE_TASK = 'invoicePortalReconcilePayments'

/** At most this many payments and events per sweep, so one sweep stays short; the next takes the rest. */
const SWEEP_LIMIT = 200

/**
 * Covers webhooks that never came or never got processed: asks the provider again about every payment
 * still pending or processing that has not changed for `staleAfterMinutes`, and processes inbox
 * events that have waited as long. One payment that fails does not stop the others.
 */
export async function reconcilePayments(portal: Portal): Promise<{ changed: number; checked: number; events: number; failed: number }> {
  const { options, payload } = portal
  const cutoff = new Date(Date.now() - options.payments.staleAfterMinutes * 60_000).toISOString()
  const providers = options.payments.providers.map((provider) => provider.name)
  const result = { changed: 0, checked: 0, events: 0, failed: 0 }
  if (providers.length === 0) return result

  const [payments, events] = await Promise.all([
    payload.find({
      collection: options.slugs.payments,
      depth: 0,
      limit: SWEEP_LIMIT,
      overrideAccess: true,
      select: { id: true },
      sort: 'updatedAt',
      where: {
        provider: { in: providers },
        providerRef: { exists: true },
        status: { in: ['pending', 'processing'] },
        updatedAt: { less_than: cutoff },
      },
    }),
    payload.find({
      collection: options.slugs.webhookEvents,
      depth: 0,
      limit: SWEEP_LIMIT,
      overrideAccess: true,
      select: { id: true },
      sort: 'createdAt',
      where: { createdAt: { less_than: cutoff }, provider: { in: providers }, status: { in: ['received', 'failed'] } },
    }),
  ])
  for (const event of events.docs) {
    result.events += 1
    await processWebhookEvent(portal, event.id).catch(() => (result.failed += 1))
  }
  for (const payment of payments.docs) {
    result.checked += 1
    try {
      const change = await syncPayment(portal, payment.id)
      if (change) result.changed += 1
    } catch (error) {
      result.failed += 1
      payload.logger.error({ err: error, msg: `payload-invoice-portal: reconciling payment ${payment.id} failed` })
    }
  }
  return result
}
