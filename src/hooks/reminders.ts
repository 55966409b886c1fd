import type { CollectionAfterChangeHook, CollectionBeforeChangeHook, GlobalAfterChangeHook } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { relationId } from '../access/index.js'
import { wakeReminders } from '../db/postgres.js'
import { isRemindable } from '../status/machines.js'

/**
 * `nextReminderAt` meaning "look at this invoice at the next sweep": the sweep works out when its
 * next step falls in its client's time and sets the real instant.
 */
export const WAKE = new Date(0).toISOString()

/**
 * Keeps `nextReminderAt` true to the invoice: nothing for one that can't be reminded (draft, paid,
 * void, nothing due); the next sweep looks at one that just became payable or whose due date moved.
 * A partial payment changes neither: its reminders keep their days, with the new amount.
 */
export const planReminderVisit =
  (): CollectionBeforeChangeHook =>
  ({ data, operation, originalDoc }) => {
    const before = operation === 'update' ? (originalDoc as Record<string, unknown>) : undefined
    const next = { ...before, ...data } as { amountDue: number; status: string }
    if (!isRemindable(next)) return { ...data, nextReminderAt: null }
    const dueMoved = 'dueDate' in data && String(data.dueDate ?? '').slice(0, 10) !== String(before?.dueDate ?? '').slice(0, 10)
    if (!before || !isRemindable(before as typeof next) || dueMoved || !before.nextReminderAt) return { ...data, nextReminderAt: WAKE }
    return data
  }

const changed = (a: unknown, b: unknown) => JSON.stringify(a ?? null) !== JSON.stringify(b ?? null)

/** New steps or a pause for a client: its invoices are looked at again by the next sweep. */
export const replanClientReminders =
  (ctx: PluginContext): CollectionAfterChangeHook =>
  async ({ doc, operation, previousDoc, req }) => {
    if (operation === 'update' && changed(doc.reminders, previousDoc?.reminders)) await wakeReminders(req, ctx.options.slugs.invoices, WAKE, relationId(doc.id))
    return doc
  }

/** New steps, sending hour or switch in the settings: every payable invoice is looked at again. */
export const replanAllReminders =
  (ctx: PluginContext): GlobalAfterChangeHook =>
  async ({ doc, previousDoc, req }) => {
    if (changed(doc.reminders, previousDoc?.reminders)) await wakeReminders(req, ctx.options.slugs.invoices, WAKE)
    return doc
  }
