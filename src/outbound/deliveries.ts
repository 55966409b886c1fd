import type { PayloadRequest } from 'payload'

import { randomUUID } from 'node:crypto'

import type { OutboundEventType } from '../options.js'
import type { Portal } from '../portal/context.js'
import type { PluginContext } from '../utilities/context.js'

import { afterCommit } from '../db/transaction.js'
import { SIGNATURE_HEADER, signatureHeader } from '../erp/signature.js'
import { JOBS_QUEUE, runSoon } from '../jobs/queue.js'

export const DELIVER_TASK = 'invoicePortalDeliverWebhook'

/** A receiver that takes longer than this is treated as down; the delivery is retried. */
const TIMEOUT_MS = 10_000

type Delivery = { attempts?: null | number; id: number | string; payload: unknown; status: string; type: OutboundEventType; url: string }

/**
 * Logs `type` for every endpoint that wants it and queues its delivery, on `req`'s transaction: an
 * event exists exactly when the change it reports does. The first attempt starts once that
 * transaction has committed; the job retries with exponential backoff. Delivery is at least once:
 * receivers drop an `id` they have seen.
 */
export async function emitOutboundEvent(ctx: PluginContext, req: PayloadRequest, type: OutboundEventType, data: () => Promise<Record<string, unknown>>): Promise<void> {
  const endpoints = ctx.options.erp.outbound.filter((endpoint) => endpoint.events.includes(type))
  if (endpoints.length === 0) return
  const body = await data()
  const occurredAt = new Date().toISOString()
  for (const endpoint of endpoints) {
    const eventId = `evt_${randomUUID().replace(/-/g, '')}`
    const delivery = await req.payload.create({
      collection: ctx.options.slugs.webhookDeliveries,
      data: { eventId, payload: { data: body, id: eventId, occurredAt, type }, status: 'pending', type, url: endpoint.url },
      depth: 0,
      overrideAccess: true,
      req,
    })
    await queueDelivery({ ...ctx, payload: req.payload }, req, delivery.id)
  }
}

/** Queues an attempt (a new event, or staff's retry) and starts it once `req`'s transaction has committed. */
export async function queueDelivery(portal: Portal, req: PayloadRequest, deliveryId: number | string): Promise<void> {
  await portal.payload.jobs.queue({ input: { delivery: String(deliveryId) }, queue: JOBS_QUEUE, req, task: DELIVER_TASK as never })
  afterCommit(req, () => runSoon(portal.payload, () => deliverWebhook(portal, deliveryId)))
}

/**
 * One attempt: POSTs the logged body, signed now with the endpoint's secret, and records the outcome.
 * A failure is thrown, so the job retries; after the last retry the delivery is `failed` and waits
 * for staff.
 */
export async function deliverWebhook(portal: Portal, deliveryId: number | string): Promise<'delivered' | 'missing' | 'was_delivered'> {
  const { options, payload } = portal
  const slug = options.slugs.webhookDeliveries
  const delivery = (await payload.findByID({ collection: slug, depth: 0, disableErrors: true, id: deliveryId, overrideAccess: true })) as Delivery | null
  if (!delivery) return 'missing'
  if (delivery.status === 'delivered') return 'was_delivered'
  const attempts = (delivery.attempts ?? 0) + 1
  const record = (data: Record<string, unknown>) =>
    payload.update({ collection: slug, data: { attempts, lastAttemptAt: new Date().toISOString(), ...data }, depth: 0, id: delivery.id, overrideAccess: true })
  const endpoint = options.erp.outbound.find((candidate) => candidate.url === delivery.url)
  if (!endpoint) {
    await record({ lastError: 'This URL is no longer configured in erp.outbound.', status: 'failed' })
    return 'missing'
  }
  const body = JSON.stringify(delivery.payload)
  let failure: string
  let statusCode: null | number = null
  try {
    const response = await fetch(endpoint.url, {
      body,
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'payload-invoice-portal',
        [SIGNATURE_HEADER]: signatureHeader(endpoint.secret, body),
        'X-Invoice-Portal-Event': delivery.type,
      },
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
    statusCode = response.status
    const answer = (await response.text().catch(() => '')).slice(0, 500)
    if (response.ok) {
      await record({ deliveredAt: new Date().toISOString(), lastError: null, lastStatusCode: statusCode, status: 'delivered' })
      return 'delivered'
    }
    failure = `The endpoint answered ${statusCode}${answer ? `: ${answer}` : ''}`
  } catch (error) {
    failure = `The endpoint could not be reached: ${(error as Error).message}`
  }
  const last = attempts > options.erp.outboundRetry.attempts
  await record({ lastError: failure, lastStatusCode: statusCode, status: last ? 'failed' : 'retrying' })
  throw new Error(failure)
}
