import type { Payload, PayloadRequest } from 'payload'

import type { Portal } from '../portal/context.js'

import { createMany } from '../db/createMany.js'
import { completeQueuedJobs, lockNames, markInboxEvents } from '../db/postgres.js'
import { inTransaction } from '../db/transaction.js'
import { withAuditBuffered } from '../hooks/audit.js'
import { reserveDocumentNumbers } from '../hooks/numbering.js'
import { runSoon } from '../jobs/queue.js'
import { queueInvoicesIssued } from '../notifications/invoiceIssued.js'
import { processWebhookEvent } from '../payments/inbox.js'
import { announces, ERP_SOURCE, erpLockName, invoiceStatusFor, isNewer, pushedInvoice } from './apply.js'
import { type ErpEvent, parseErpEvent } from './schema.js'

/** Stored pushes applied in one go at most: a burst is worked off in a few transactions, each short. */
const MAX_BATCH = 200

type Id = number | string
type Json = Record<string, unknown>
type Stored = { data: Json; id: Id; type: string }

/** What the webhook hands over with a stored push: its queued job, and the event as it verified it. */
type Handed = { event?: ErpEvent; job: Id }
/** The pushes waiting for the drain, by inbox id, in the order they were stored. */
type Waiting = { draining: boolean; pushes: Map<Id, Handed> }
const waiting = new WeakMap<Payload, Waiting>()

/**
 * Applies a stored ERP push as soon as the answer is out, together with the pushes that arrive
 * meanwhile: one worker drains them in batches, so under a burst each batch holds what came in while
 * the last one was written, and a quiet ERP's push is applied alone, at once. The event's queued job
 * stays the durable fallback until the event is processed, and is ended with it. `verified`: the
 * event as the webhook read it, so that it is not read back from the inbox and checked again.
 */
export function applyErpEventSoon(portal: Portal, stored: { event: Id; job: Id }, verified?: ErpEvent): void {
  const state: Waiting = waiting.get(portal.payload) ?? { draining: false, pushes: new Map() }
  waiting.set(portal.payload, state)
  state.pushes.set(stored.event, { event: verified, job: stored.job })
  if (state.draining) return
  state.draining = true
  runSoon(portal.payload, async () => {
    try {
      while (state.pushes.size > 0) {
        const batch = new Map([...state.pushes].slice(0, MAX_BATCH))
        for (const id of batch.keys()) state.pushes.delete(id)
        await applyErpEvents(portal, [...batch.keys()], batch)
      }
    } finally {
      state.draining = false
    }
  })
}

/**
 * Applies stored ERP events. New invoices for clients the portal knows, the bulk of any burst, are
 * written together in one transaction (`createMany`: the collection's own rules, one statement per
 * table), with their audit entries and e-mails, and their events marked processed in it. Everything
 * else, and all of a batch that fails, is applied one event at a time (`processWebhookEvent`), which
 * records each failure on its event for the job to retry. `handed`: what the webhook passed on with
 * events it just stored: their queued jobs, ended with them, and the events as verified, taken as
 * they are; the others are read from the inbox unless processed. Applying an event twice changes
 * nothing (external ids and versions decide), so a job that ran one meanwhile is harmless.
 */
export async function applyErpEvents(portal: Portal, eventIds: readonly Id[], handed: ReadonlyMap<Id, Handed> = new Map()): Promise<void> {
  const { options, payload } = portal
  const unread = eventIds.filter((id) => !handed.get(id)?.event)
  const { docs } =
    unread.length === 0
      ? { docs: [] }
      : await payload.find({
          collection: options.slugs.webhookEvents,
          depth: 0,
          overrideAccess: true,
          pagination: false,
          select: { payload: true },
          where: { and: [{ id: { in: unread } }, { provider: { equals: ERP_SOURCE } }, { status: { not_equals: 'processed' } }] },
        })
  const read: Stored[] = docs.map((row) => {
    const parsed = parseErpEvent(row.payload)
    return { data: parsed.ok ? parsed.event.data : {}, id: row.id, type: parsed.ok ? parsed.event.type : 'invalid' }
  })
  // In the order they were stored, as the ERP sent them.
  const verified = eventIds.flatMap((id): Stored[] => {
    const event = handed.get(id)?.event
    return event ? [{ data: event.data, id, type: event.type }] : []
  })
  const events = [...read, ...verified].sort(byId)
  const invoiceIds = events.filter(({ type }) => type === 'invoice.upserted').map(({ data }) => data.externalId)
  // A new invoice pushed once in the batch goes with the others; one pushed again, in order, alone.
  const together = events.filter(({ data, type }) => type === 'invoice.upserted' && ['draft', 'open'].includes(data.status as string) && invoiceIds.indexOf(data.externalId) === invoiceIds.lastIndexOf(data.externalId))
  const alone = events.filter((event) => !together.includes(event))
  const applyAlone = (event: Stored) =>
    processWebhookEvent(portal, event.id, handed.get(event.id)?.job).catch((error: unknown) => payload.logger.error({ err: error, msg: 'payload-invoice-portal: ERP event left to the job queue' }))
  const writeTogether = async (batch: Stored[]): Promise<Unwritten> => {
    try {
      return await inTransaction(payload, (req) => createPushedInvoices(portal, req, batch, handed))
    } catch (error) {
      payload.logger.warn({ err: error, msg: `payload-invoice-portal: ${batch.length} ERP invoices written one by one after their batch failed` })
      return { deferred: batch, newClients: [] }
    }
  }
  if (together.length > 0) {
    const first = await writeTogether(together)
    alone.push(...first.deferred)
    if (first.newClients.length > 0) {
      // A client the portal doesn't know yet (an ERP's first sync) is created by its first push,
      // applied alone; its other new invoices then go together after all.
      const opening: Stored[] = []
      for (const event of first.newClients) if (!opening.some((other) => clientOf(other) === clientOf(event))) opening.push(event)
      for (const event of opening) await applyAlone(event)
      const rest = first.newClients.filter((event) => !opening.includes(event))
      const second = rest.length > 0 ? await writeTogether(rest) : { deferred: [], newClients: [] }
      alone.push(...second.deferred, ...second.newClients)
    }
  }
  for (const event of alone.sort(byId)) await applyAlone(event)
}

type Unwritten = { deferred: Stored[]; newClients: Stored[] }
const externalIdOf = (event: Stored) => event.data.externalId as string
const clientOf = (event: Stored) => (event.data.client as { externalId: string }).externalId
const byId = (a: Stored, b: Stored) => Number(a.id) - Number(b.id) || String(a.id).localeCompare(String(b.id))

/**
 * Creates the batch's new invoices, under the locks on their external ids; returns the events that
 * are not new invoices after all (an invoice stored meanwhile), for `processWebhookEvent`, and those
 * of clients the portal doesn't know yet. A push no newer than the stored invoice is done here.
 */
async function createPushedInvoices(portal: Portal, req: PayloadRequest, events: Stored[], handed: ReadonlyMap<Id, Handed>): Promise<Unwritten> {
  const { options, payload } = portal
  await lockNames(req, events.map((event) => erpLockName('invoice', externalIdOf(event))))
  const lookup = { depth: 0, overrideAccess: true, pagination: false, req } as const
  const stored = await payload.find({ ...lookup, collection: options.slugs.invoices, select: { externalId: true, externalVersion: true }, where: { and: [{ source: { equals: ERP_SOURCE } }, { externalId: { in: events.map(externalIdOf) } }] } })
  const clients = await payload.find({ ...lookup, collection: options.slugs.clients, select: { externalId: true }, where: { externalId: { in: [...new Set(events.map(clientOf))] } } })
  const invoiceOf = new Map(stored.docs.map((doc) => [doc.externalId as string, doc as { externalVersion?: null | number; id: Id }]))
  const clientIdOf = new Map(clients.docs.map((doc) => [doc.externalId as string, doc.id]))
  const deferred: Stored[] = []
  const done: Stored[] = []
  const fresh: Stored[] = []
  const newClients: Stored[] = []
  for (const event of events) {
    const known = invoiceOf.get(externalIdOf(event))
    if (known) (isNewer(known, event.data.version) ? deferred : done).push(event)
    else (clientIdOf.has(clientOf(event)) ? fresh : newClients).push(event)
  }
  const documents = fresh.map((event) => pushedInvoice(event.data, clientIdOf.get(clientOf(event))!, invoiceStatusFor(undefined, event.data.status as string)))
  // Open invoices are numbered as they are created: their numbers are taken in one statement.
  const issued = documents.filter((invoice) => invoice.status !== 'draft' && !invoice.number)
  const giveBackUnused = await reserveDocumentNumbers(portal, req, 'invoice', issued.map((invoice) => new Date((invoice.issueDate as string | undefined) ?? Date.now())))
  const created = await withAuditBuffered(portal, req, () => createMany(req, options.slugs.invoices, documents))
  await giveBackUnused()
  await queueInvoicesIssued(portal, req, created.filter((invoice, index) => announces(null, fresh[index].data.status, invoice)))
  const processed = [...done, ...fresh].map((event) => event.id)
  await markInboxEvents(req, options.slugs.webhookEvents, processed, { lastError: null, status: 'processed' })
  await completeQueuedJobs(req, processed.flatMap((id) => handed.get(id)?.job ?? []))
  return { deferred, newClients }
}
