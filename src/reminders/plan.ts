import type { ReminderStep } from '../options.js'

import { addDays, daysBetween, zonedInstant } from '../utilities/intl.js'
import { calendarDay } from '../status/machines.js'

/** A step of an invoice's sequence, placed in time: its local day and the instant it goes out. */
export type PlannedStep = { at: Date; day: string; days: number; key: string; step: ReminderStep }

/** Why a due step was not sent; it is recorded, so it is never sent later by mistake. */
export type SkipReason = 'before_issue' | 'no_recipient' | 'paused' | 'payment_in_progress' | 'recently_sent' | 'superseded'

/** The unique key of a step among an invoice's reminders: its days from the due date ("-3", "0", "+7"). */
export const stepKey = (days: number) => (days > 0 ? `+${days}` : String(days))

/** The key of a reminder staff send by hand: one a local day per invoice. */
export const manualKey = (now: Date, timezone: string) => `manual:${calendarDay(now, timezone)}`

/** The sequence placed around a due date: each step at `sendHour` local time on its day, in order. */
export function reminderPlan(steps: readonly ReminderStep[], dueDate: string, timezone: string, sendHour: number): PlannedStep[] {
  return [...steps]
    .sort((a, b) => a.days - b.days)
    .map((step) => {
      const day = addDays(dueDate.slice(0, 10), step.days)
      return { at: zonedInstant(day, sendHour, timezone), day, days: step.days, key: stepKey(step.days), step }
    })
}

export type Situation = {
  /** Steps already recorded for the invoice (sent, skipped or failed): never considered again. */
  done: ReadonlySet<string>
  /** The invoice's issue day (YYYY-MM-DD): a step before it fell before the invoice existed. */
  issueDay: null | string
  /** When the client last got an e-mail about the invoice: the invoice itself or a reminder. */
  lastContactAt: Date | null
  minimumGapDays: number
  now: Date
  paused: boolean
  paymentInProgress: boolean
  timezone: string
}

export type Decision = { next: Date | null; send: null | PlannedStep; skip: Array<{ reason: SkipReason; step: PlannedStep }> }

/**
 * What to do about an invoice's reminders now. Of the steps that are due, only the latest is
 * considered (a sweep that missed days sends one reminder, not a burst); the earlier ones are skipped
 * as superseded. The latest is skipped when the client's reminders are paused, a payment is in
 * progress, it fell before the invoice was issued, or the client was e-mailed about the invoice fewer
 * than `minimumGapDays` before its day. `next` is when the next step falls due.
 */
export function decide(plan: readonly PlannedStep[], situation: Situation): Decision {
  const pending = plan.filter((step) => !situation.done.has(step.key))
  const due = pending.filter((step) => step.at.getTime() <= situation.now.getTime())
  const next = pending.find((step) => step.at.getTime() > situation.now.getTime())?.at ?? null
  const latest = due.at(-1)
  if (!latest) return { next, send: null, skip: [] }
  const skip: Decision['skip'] = due.slice(0, -1).map((step) => ({ reason: 'superseded', step }))
  const lastContactDay = situation.lastContactAt ? calendarDay(situation.lastContactAt, situation.timezone) : null
  const reason: null | SkipReason = situation.paused
    ? 'paused'
    : situation.issueDay && latest.day < situation.issueDay
      ? 'before_issue'
      : situation.paymentInProgress
        ? 'payment_in_progress'
        : lastContactDay && daysBetween(lastContactDay, latest.day) < situation.minimumGapDays
          ? 'recently_sent'
          : null
  return reason ? { next, send: null, skip: [...skip, { reason, step: latest }] } : { next, send: latest, skip }
}
