import type { Payload, PayloadRequest, Where } from 'payload'

import type { Portal } from '../portal/context.js'
import type { WebhookSource } from './types.js'

import { completeQueuedJobs, type InboxEvent, markInboxEvents, storeEventsAndQueueJobs } from '../db/postgres.js'
import { applyErpEvent, ERP_SOURCE, type ErpResult } from '../erp/apply.js'
import { applyErpEventSoon } from '../erp/batch.js'
import type { ErpEvent } from '../erp/schema.js'
import { JOBS_QUEUE, runSoon } from '../jobs/queue.js'
import { documentId } from '../portal/context.js'
import { storedSecrets } from '../security/storedSecrets.js'
import { providerNamed, syncPayment, type SyncResult } from './sync.js'

export const WEBHOOK_TASK = 'invoicePortalWebhookEvent'

export type StoredWebhook = { duplicate: true } | { duplicate: false; event: number | string; job: number | string }

type Storing = { event: InboxEvent; reject: (error: unknown) => void; resolve: (stored: StoredWebhook) => void }
const storing = new WeakMap<Payload, { busy: boolean; queue: Storing[] }>()
/** Deliveries written by one statement at most. */
const MAX_STORED_TOGETHER = 500

/**
 * Stores a verified provider event in the inbox and queues its processing, atomically: the event is
 * never stored without its job, nor queued twice. A repeated delivery finds its event id taken and
 * changes nothing. Outside a transaction, deliveries that arrive while one is being written are
 * written together next, in one statement and one commit: a lone delivery goes at once, and under a
 * burst each waits for at most one write before its own, while the database commits once per group
 * instead of once per delivery.
 */
export async function storeWebhookEvent(
  portal: Portal,
  req: Pick<PayloadRequest, 'payload'> & Partial<Pick<PayloadRequest, 'transactionID'>>,
  event: { eventId: string; payload: unknown; provider: WebhookSource['name']; type: string },
): Promise<StoredWebhook> {
  const inboxEvent = { ...event, type: event.type.slice(0, 200) }
  if (req.transactionID) return answerOf((await storeEvents(portal, req, [inboxEvent]))[0])
  const group = storing.get(portal.payload) ?? { busy: false, queue: [] }
  storing.set(portal.payload, group)
  const stored = new Promise<StoredWebhook>((resolve, reject) => group.queue.push({ event: inboxEvent, reject, resolve }))
  if (!group.busy) {
    group.busy = true
    void (async () => {
      while (group.queue.length > 0) {
        const batch = group.queue.splice(0, MAX_STORED_TOGETHER)
        try {
          const results = await storeEvents(portal, portal, batch.map((entry) => entry.event))
          batch.forEach((entry, index) => entry.resolve(answerOf(results[index])))
        } catch {
          // One delivery the database refuses (say, a \u0000 that jsonb can't hold) fails alone.
          for (const entry of batch) await storeEvents(portal, portal, [entry.event]).then((results) => entry.resolve(answerOf(results[0])), entry.reject)
        }
      }
      group.busy = false
    })()
  }
  return stored
}

const storeEvents = (portal: Portal, runner: Pick<PayloadRequest, 'payload'> & Partial<Pick<PayloadRequest, 'transactionID'>>, events: InboxEvent[]) =>
  storeEventsAndQueueJobs(runner, portal.options.slugs.webhookEvents, events, { inputKey: 'event', queue: JOBS_QUEUE, task: WEBHOOK_TASK })

const answerOf = (stored: { event: number | string; job: number | string } | null): StoredWebhook => (stored ? { duplicate: false, ...stored } : { duplicate: true })

/**
 * Starts processing a stored event once the answer is out; its queued job stays the fallback until
 * the event is processed, and is then ended with it. ERP pushes come in bursts and are applied
 * together (erp/batch.ts); a payment event names one payment.
 */
export function processSoon(portal: Portal, provider: WebhookSource['name'], stored: { event: number | string; job: number | string }, verified?: unknown): void {
  if (provider === ERP_SOURCE) applyErpEventSoon(portal, stored, verified as ErpEvent | undefined)
  else runSoon(portal.payload, () => processWebhookEvent(portal, stored.event, stored.job))
}

type InboxRow = { id: number | string; payload: unknown; provider: string; status: string }

/**
 * Applies one stored event. An ERP event is applied to the collections (erp/apply.ts). A payment
 * event names a payment, which is brought up to date with its provider: events are hints, the
 * provider's current state is the truth, so order and repeats don't matter. A failure is kept on the
 * row and thrown, for the job to retry. `queuedJob`: the event's job, when this runs outside it; it
 * is ended once the event is processed.
 */
export async function processWebhookEvent(portal: Portal, eventId: number | string, queuedJob?: number | string): Promise<ErpResult | SyncResult | 'already_processed'> {
  const { options, payload } = portal
  const slug = options.slugs.webhookEvents
  const row = (await payload.findByID({ collection: slug, depth: 0, id: eventId, overrideAccess: true })) as InboxRow
  const jobDone = () => (queuedJob === undefined ? undefined : completeQueuedJobs(portal, [queuedJob]))
  if (row.status === 'processed') {
    await jobDone()
    return 'already_processed'
  }
  try {
    const result = row.provider === 'erp' ? await applyErpEvent(portal, row.payload) : await applyPaymentEvent(portal, row)
    await markInboxEvents(portal, slug, [row.id], { lastError: null, status: 'processed' })
    await jobDone()
    return result
  } catch (error) {
    await markInboxEvents(portal, slug, [row.id], { lastError: String((error as Error).message ?? error).slice(0, 2000), status: 'failed' })
    throw error
  }
}

async function applyPaymentEvent(portal: Portal, row: InboxRow): Promise<SyncResult> {
  const provider = providerNamed(portal.options, row.provider)
  if (!provider) throw new Error(`No "${row.provider}" payment provider is configured to process this event.`)
  const reference = await provider.paymentOf(row.payload, storedSecrets(portal))
  const paymentId = reference && (await paymentFor(portal, row.provider, reference))
  return paymentId === null || paymentId === undefined ? null : syncPayment(portal, paymentId)
}

/** Our payment for a provider reference; the id from metadata must belong to that provider too. */
async function paymentFor(portal: Portal, provider: string, reference: { paymentId?: string; providerRef?: string }) {
  const { options, payload } = portal
  const id = reference.paymentId ? documentId(portal, reference.paymentId) : null
  const where: null | Where = id !== null ? { id: { equals: id } } : reference.providerRef ? { providerRef: { equals: reference.providerRef } } : null
  if (!where) return null
  const { docs } = await payload.find({
    collection: options.slugs.payments,
    depth: 0,
    limit: 1,
    overrideAccess: true,
    select: { id: true },
    where: { and: [where, { provider: { equals: provider } }] },
  })
  return docs[0]?.id ?? null
}
