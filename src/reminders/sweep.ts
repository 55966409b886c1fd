import type { PayloadRequest } from 'payload'

import type { Portal } from '../portal/context.js'
import type { ReminderStep } from '../options.js'

import { relationId } from '../access/index.js'
import { createMany } from '../db/createMany.js'
import { lockFreeRows, setFieldOfRows } from '../db/postgres.js'
import { inTransaction } from '../db/transaction.js'
import { recordEvent, withAuditBuffered } from '../hooks/audit.js'
import { hasRecipients, type Recipients, recipientsOfClients } from '../notifications/recipients.js'
import { settingsSlug } from '../options.js'
import { emitInvoiceOverdue } from '../outbound/overdue.js'
import { isRemindable } from '../status/machines.js'
import { type PlannedStep, decide, reminderPlan, type SkipReason } from './plan.js'
import { brandName, sendReminder } from './message.js'

export const REMINDER_TASK = 'invoicePortalReminderSweep'

/** Invoices looked at per transaction. */
const PAGE = 200
/** E-mails handed to the mail transport at once. */
const SENDING_AT_ONCE = 8

export type ReminderInvoice = {
  amountDue: number
  client: unknown
  currency: string
  dueDate: string
  externalId?: null | string
  id: number | string
  issueDate?: null | string
  nextReminderAt?: null | string
  number: string
  sentAt?: null | string
  status: string
  total: number
}
export type ReminderClient = Recipients['client'] & { reminders?: { paused?: boolean | null; steps?: ReminderStep[] | null } }
export type ReminderSettings = { enabled: boolean; minimumGapDays: number; sendHour: number; steps: ReminderStep[] }

/** The reminder rules in force: the settings global's over the plugin's options. */
export async function reminderSettings(portal: Portal, req?: PayloadRequest): Promise<ReminderSettings> {
  const { reminders } = portal.options
  const settings = (await portal.payload.findGlobal({ slug: settingsSlug, depth: 0, req, select: { reminders: true } })) as {
    reminders?: { enabled?: boolean | null; sendHour?: null | number; steps?: ReminderStep[] | null }
  }
  const own = settings.reminders ?? {}
  return {
    enabled: own.enabled !== false,
    minimumGapDays: reminders.minimumGapDays,
    sendHour: own.sendHour ?? reminders.sendHour,
    steps: own.steps?.length ? own.steps : reminders.steps,
  }
}

/** An invoice's sequence, placed in its client's time: the client's own steps, else everyone's. */
export function planOf(invoice: Pick<ReminderInvoice, 'dueDate'>, client: ReminderClient | undefined, settings: ReminderSettings): PlannedStep[] {
  const steps = client?.reminders?.steps?.length ? client.reminders.steps : settings.steps
  return reminderPlan(steps, invoice.dueDate, client?.timezone || 'UTC', settings.sendHour)
}

type Claim = { client: ReminderClient; invoice: ReminderInvoice; record: number | string; recipients: Recipients; step: PlannedStep }
export type SweepResult = { failed: number; sent: number; skipped: number; visited: number }

/**
 * Sends the reminders that are due at `now`. Invoices are found by `nextReminderAt` (indexed, set
 * when an invoice becomes payable and after each visit), so a sweep's cost grows with what is due,
 * not with all invoices. Each page of invoices is decided under their row locks (a sweep on another
 * app instance skips the locked ones), each step claimed by its unique (invoice, step) row before
 * its e-mail goes, so a re-run or a second instance never sends a step twice.
 */
export async function sweepReminders(portal: Portal, now: Date = new Date()): Promise<SweepResult> {
  const result: SweepResult = { failed: 0, sent: 0, skipped: 0, visited: 0 }
  const settings = await reminderSettings(portal)
  if (!settings.enabled) return result
  const seen = new Set<string>()
  // One page's e-mails go out while the next page is decided: the two wait on different servers.
  let delivering: Promise<void> = Promise.resolve()
  const brand = await brandName(portal)
  for (;;) {
    const { docs } = await portal.payload.find({
      collection: portal.options.slugs.invoices,
      depth: 0,
      limit: PAGE,
      overrideAccess: true,
      pagination: false,
      select: { id: true },
      sort: 'nextReminderAt',
      where: { nextReminderAt: { less_than_equal: now.toISOString() } },
    })
    // Locked by another sweep, or left due by a failure: this run is done with them.
    const ids = docs.map((doc) => doc.id).filter((id) => !seen.has(String(id)))
    if (ids.length === 0) break
    for (const id of ids) seen.add(String(id))
    const claims = await inTransaction(portal.payload, (req) => decidePage(portal, req, ids, settings, now, result))
    await delivering
    delivering = deliver(portal, claims, result, now, brand)
  }
  await delivering
  return result
}

/** Decides a page of invoices under their locks: records skipped steps, claims steps to send, plans each invoice's next visit. */
async function decidePage(portal: Portal, req: PayloadRequest, ids: Array<number | string>, settings: ReminderSettings, now: Date, result: SweepResult): Promise<Claim[]> {
  const { options, payload } = portal
  const locked = await lockFreeRows(req, options.slugs.invoices, ids)
  if (locked.length === 0) return []
  const common = { depth: 0, overrideAccess: true, pagination: false, req } as const
  const invoices = (
    await payload.find({
      ...common,
      collection: options.slugs.invoices,
      select: { amountDue: true, client: true, currency: true, dueDate: true, externalId: true, issueDate: true, nextReminderAt: true, number: true, sentAt: true, status: true, total: true },
      where: { id: { in: locked } },
    })
  ).docs.filter((invoice) => invoice.nextReminderAt && invoice.nextReminderAt <= now.toISOString()) as unknown as ReminderInvoice[]
  if (invoices.length === 0) return []
  const invoiceIds = invoices.map((invoice) => invoice.id)
  const [recipients, history, inProgress] = [
    await recipientsOfClients(portal, invoices.map((invoice) => relationId(invoice.client)!), 'reminders', req),
    await payload.find({ ...common, collection: options.slugs.reminders, select: { invoice: true, sentAt: true, status: true, step: true }, where: { invoice: { in: invoiceIds } } }),
    await payload.find({ ...common, collection: options.slugs.payments, select: { allocations: true }, where: { and: [{ status: { equals: 'processing' } }, { 'allocations.invoice': { in: invoiceIds } }] } }),
  ]
  const clients = await payload.find({ ...common, collection: options.slugs.clients, select: { reminders: true, timezone: true }, where: { id: { in: [...recipients.keys()] } } })
  const clientOf = new Map(clients.docs.map((client) => [String(client.id), { ...recipients.get(String(client.id))?.client, ...client } as ReminderClient]))
  // Each invoice's recorded steps, grouped once rather than searched for every invoice of the page.
  const pastOf = new Map<string, typeof history.docs>()
  for (const record of history.docs) {
    const key = String(relationId(record.invoice))
    pastOf.set(key, [...(pastOf.get(key) ?? []), record])
  }
  const paying = new Set(inProgress.docs.flatMap((payment) => ((payment.allocations as Array<{ invoice: unknown }>) ?? []).map((allocation) => String(relationId(allocation.invoice)))))

  const records: Array<Record<string, unknown>> = []
  const toSend: Array<Omit<Claim, 'record'>> = []
  const next: Array<{ id: number | string; value: null | string }> = []
  for (const invoice of invoices) {
    result.visited += 1
    if (!isRemindable(invoice)) {
      next.push({ id: invoice.id, value: null })
      continue
    }
    const client = clientOf.get(String(relationId(invoice.client)))
    const past = pastOf.get(String(invoice.id)) ?? []
    const lastReminder = past.map((record) => record.sentAt as null | string).filter(Boolean).sort().at(-1)
    const lastContact = [invoice.sentAt, lastReminder].filter((value): value is string => Boolean(value)).sort().at(-1)
    const decision = decide(planOf(invoice, client, settings), {
      done: new Set(past.map((record) => record.step as string)),
      issueDay: invoice.issueDate?.slice(0, 10) ?? null,
      lastContactAt: lastContact ? new Date(lastContact) : null,
      minimumGapDays: settings.minimumGapDays,
      now,
      paused: Boolean(client?.reminders?.paused),
      paymentInProgress: paying.has(String(invoice.id)),
      timezone: client?.timezone || 'UTC',
    })
    const skip = (step: PlannedStep, reason: SkipReason) => {
      records.push(record(invoice, step, { reason, status: 'skipped' }))
      result.skipped += 1
    }
    for (const { reason, step } of decision.skip) skip(step, reason)
    if (decision.send) {
      const who = recipients.get(String(relationId(invoice.client)))
      if (client && who && hasRecipients(who)) toSend.push({ client, invoice, recipients: who, step: decision.send })
      else skip(decision.send, 'no_recipient')
    }
    next.push({ id: invoice.id, value: decision.next?.toISOString() ?? null })
  }
  const claimed = await createMany(req, options.slugs.reminders, [
    ...records,
    ...toSend.map(({ invoice, recipients: who, step }) => record(invoice, step, { recipients: recipientList(who), status: 'sending' })),
  ])
  await setFieldOfRows(req, options.slugs.invoices, 'nextReminderAt', next)
  const claimOf = new Map(claimed.map((row) => [`${String(row.invoice)}:${String(row.step)}`, row.id]))
  return toSend.map((claim) => ({ ...claim, record: claimOf.get(`${String(claim.invoice.id)}:${claim.step.key}`)! }))
}

function record(invoice: ReminderInvoice, step: PlannedStep, fields: Record<string, unknown>) {
  return { amountDue: invoice.amountDue, client: relationId(invoice.client), days: step.days, dueAt: step.at.toISOString(), invoice: invoice.id, step: step.key, ...fields }
}

export const recipientList = (recipients: Recipients) => [...recipients.contacts.map((contact) => contact.email), ...(recipients.billingEmail ? [recipients.billingEmail] : [])].join(', ').slice(0, 2000)

/**
 * Hands the claimed reminders to the mail transport, a few at once, then records in one transaction
 * which went (with their audit entries and escalations) and which failed, and why. A failed step is
 * not retried by the sweep (the client may have got it; a second copy is what people complain of);
 * staff see it on the invoice and can send one by hand.
 */
async function deliver(portal: Portal, claims: Claim[], result: SweepResult, now: Date, brand: string): Promise<void> {
  if (claims.length === 0) return
  const outcomes: Array<{ claim: Claim; error?: string }> = []
  let index = 0
  const worker = async () => {
    for (let claim = claims[index++]; claim; claim = claims[index++]) {
      try {
        await sendReminder(portal, { client: claim.client, invoice: claim.invoice, recipients: claim.recipients, step: claim.step.step }, now, brand)
        outcomes.push({ claim })
      } catch (error) {
        outcomes.push({ claim, error: String((error as Error).message ?? error).slice(0, 500) })
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(SENDING_AT_ONCE, claims.length) }, worker))
  const sentAt = new Date().toISOString()
  await inTransaction(portal.payload, async (req) => {
    const { slugs } = portal.options
    const sent = outcomes.filter((outcome) => !outcome.error)
    await setFieldOfRows(req, slugs.reminders, 'status', outcomes.map(({ claim, error }) => ({ id: claim.record, value: error ? 'failed' : 'sent' })))
    await setFieldOfRows(req, slugs.reminders, 'sentAt', sent.map(({ claim }) => ({ id: claim.record, value: sentAt })))
    await setFieldOfRows(req, slugs.reminders, 'reason', outcomes.filter((outcome) => outcome.error).map(({ claim, error }) => ({ id: claim.record, value: error! })))
    await withAuditBuffered(portal, req, async () => {
      for (const { claim } of sent) await recordSent(portal, req, claim)
    })
    result.sent += sent.length
    result.failed += outcomes.length - sent.length
  })
}

/** The audit entry of a sent reminder, and the ERP's `invoice.overdue` when its step escalates. */
export async function recordSent(portal: Portal, req: PayloadRequest, claim: Pick<Claim, 'invoice' | 'recipients'> & { step: Pick<PlannedStep, 'key' | 'step'> }): Promise<void> {
  const { invoice, recipients, step } = claim
  await recordEvent(portal, req, {
    client: invoice.client,
    details: { amountDue: invoice.amountDue, copyTo: step.step.copyTo || null, number: invoice.number, recipients: recipientList(recipients), step: step.key },
    invoice: invoice.id,
    type: 'reminder_sent',
  })
  if (step.step.overdueEvent) await emitInvoiceOverdue(portal, req, invoice, { reminderStep: step.key })
}
