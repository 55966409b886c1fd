import type { Endpoint, PayloadRequest } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { relationId } from '../access/index.js'
import { lockRows } from '../db/postgres.js'
import { inTransaction } from '../db/transaction.js'
import { hasRecipients, recipientsOf } from '../notifications/recipients.js'
import { documentId } from '../portal/context.js'
import { sendReminder } from '../reminders/message.js'
import { manualKey } from '../reminders/plan.js'
import { planOf, recordSent, type ReminderClient, type ReminderInvoice, recipientList, reminderSettings } from '../reminders/sweep.js'
import { calendarDay, isRemindable } from '../status/machines.js'
import { daysBetween } from '../utilities/intl.js'
import { problem } from './responses.js'

const path = '/invoice-portal/invoices/:id/reminders'

/**
 * `GET /api/invoice-portal/invoices/<id>/reminders` (the invoice's Reminders panel in the admin): the
 * reminders recorded for it and the next one planned. `POST` sends one now, by hand: once a day at
 * most, and only while there is money to chase and no payment in progress.
 */
export function createReminderEndpoints(ctx: PluginContext): Endpoint[] {
  /** The invoice named in the route and its client, read on `req` (or, to lock them, on a transaction's `tx`). */
  const load = async (routeReq: PayloadRequest, req: PayloadRequest = routeReq) => {
    const portal = { ...ctx, payload: req.payload }
    const id = documentId(portal, String(routeReq.routeParams?.id))
    const invoice = id === null ? null : ((await req.payload.findByID({ collection: ctx.options.slugs.invoices, depth: 0, disableErrors: true, id, overrideAccess: true, req })) as null | ReminderInvoice)
    const client = invoice && ((await req.payload.findByID({ collection: ctx.options.slugs.clients, depth: 0, id: relationId(invoice.client)!, overrideAccess: true, req })) as ReminderClient)
    return { client, invoice, portal }
  }
  const staffOnly = (req: PayloadRequest) => (ctx.access.isStaff(req) ? null : problem(req.user ? 403 : 401, 'Only staff can see and send reminders.'))

  return [
    {
      handler: async (req) => {
        const refused = staffOnly(req)
        if (refused) return refused
        const { client, invoice, portal } = await load(req)
        if (!invoice || !client) return problem(404, 'No such invoice.')
        const settings = await reminderSettings(portal, req)
        const { docs } = await req.payload.find({ collection: ctx.options.slugs.reminders, depth: 0, overrideAccess: true, pagination: false, req, sort: 'createdAt', where: { invoice: { equals: invoice.id } } })
        const plan = planOf(invoice, client, settings)
        const done = new Set(docs.map((record) => record.step as string))
        const paused = Boolean(client.reminders?.paused)
        // A step due within the last hour is still to come: the hourly sweep hasn't reached it yet.
        const nextStep = isRemindable(invoice) && settings.enabled && !paused ? plan.find((step) => !done.has(step.key) && step.at.getTime() > Date.now() - 3_600_000) : undefined
        return Response.json({
          enabled: settings.enabled,
          next: nextStep ? { at: nextStep.at.toISOString(), day: nextStep.day, step: nextStep.key } : null,
          paused,
          records: docs.map(({ amountDue, dueAt, id, reason, recipients, sentAt, status, step }) => ({ amountDue, dueAt, id, reason, recipients, sentAt, status, step })),
          remindable: isRemindable(invoice),
          timezone: client.timezone || 'UTC',
        })
      },
      method: 'get',
      path,
    },
    {
      handler: async (req) => {
        const refused = staffOnly(req)
        if (refused) return refused
        const { slugs } = ctx.options
        const now = new Date()
        const outcome = await inTransaction(req.payload, async (tx) => {
          const { client, invoice, portal } = await load(req, tx)
          if (!invoice || !client) return problem(404, 'No such invoice.')
          await lockRows(tx, slugs.invoices, [invoice.id])
          const current = (await tx.payload.findByID({ collection: slugs.invoices, depth: 0, id: invoice.id, overrideAccess: true, req: tx })) as ReminderInvoice
          const number = current.number ?? current.id
          if (!isRemindable(current)) return problem(422, `Invoice ${number} is ${current.status.replace(/_/g, ' ')} with ${current.amountDue} due; there is nothing to remind the client of.`)
          const paying = await tx.payload.count({ collection: slugs.payments, overrideAccess: true, req: tx, where: { and: [{ status: { equals: 'processing' } }, { 'allocations.invoice': { equals: current.id } }] } })
          if (paying.totalDocs > 0) return problem(409, `A payment of invoice ${number} is in progress (e.g. a SEPA debit); no reminder while it is.`)
          const timezone = client.timezone || 'UTC'
          const key = manualKey(now, timezone)
          const today = await tx.payload.count({ collection: slugs.reminders, overrideAccess: true, req: tx, where: { and: [{ invoice: { equals: current.id } }, { step: { equals: key } }] } })
          if (today.totalDocs > 0) return problem(409, `A reminder of invoice ${number} was already sent by hand today (${key.slice(7)}, ${timezone}).`)
          const recipients = await recipientsOf(portal, client.id, 'reminders', tx)
          if (!hasRecipients(recipients)) return problem(422, `The client has no billing contact who wants reminders (nor, without contacts, a billing e-mail); nothing was sent.`)
          const step = { days: daysBetween(current.dueDate.slice(0, 10), calendarDay(now, timezone)) }
          await tx.payload.create({
            collection: slugs.reminders,
            data: { amountDue: current.amountDue, client: client.id, days: step.days, dueAt: now.toISOString(), invoice: current.id, recipients: recipientList(recipients), sentAt: now.toISOString(), status: 'sent', step: key },
            depth: 0,
            overrideAccess: true,
            req: tx,
          })
          // Inside the transaction: a mail server that refuses leaves no record of a reminder that didn't go.
          await sendReminder(portal, { client, invoice: current, recipients, step }, now).catch((error: Error) => {
            throw Object.assign(new Error(`The e-mail could not be sent: ${error.message}`), { status: 502 })
          })
          await recordSent(portal, tx, { invoice: current, recipients, step: { key, step } })
          return Response.json({ message: `A reminder of invoice ${number} is sent to ${recipientList(recipients)}.`, step: key }, { status: 202 })
        }).catch((error: Error & { status?: number }) => {
          if (error.status === 502) return problem(502, error.message)
          throw error
        })
        return outcome
      },
      method: 'post',
      path,
    },
  ]
}
