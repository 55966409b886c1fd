import { schedule, type ScheduledTask } from 'node-cron'

import type { Payload } from 'payload'

import type { Portal } from '../portal/context.js'

import { lockName } from '../db/postgres.js'
import { inTransaction } from '../db/transaction.js'

import { OVERDUE_TASK } from '../outbound/overdue.js'
import { RECONCILE_TASK } from '../payments/reconcile.js'
import { REMINDER_TASK } from '../reminders/sweep.js'
import { JOBS_QUEUE } from './queue.js'

const running = new WeakMap<object, ScheduledTask[]>()

/**
 * Queues a sweep unless one of the same task is still waiting to run. Every app instance's schedule
 * fires at the same minute; the lock makes their checks take turns, so N instances queue one sweep,
 * not N. A sweep already running does not count: one queued now still has work when it ends.
 * Returns whether it queued one.
 */
export async function queueSweepOnce(payload: Payload, task: string): Promise<boolean> {
  return inTransaction(payload, async (req) => {
    await lockName(req, `invoice-portal:sweep:${task}`)
    const waiting = await payload.count({
      collection: 'payload-jobs',
      req,
      where: { and: [{ taskSlug: { equals: task } }, { queue: { equals: JOBS_QUEUE } }, { completedAt: { exists: false } }, { processing: { equals: false } }, { hasError: { not_equals: true } }] },
    })
    if (waiting.totalDocs > 0) return false
    await payload.jobs.queue({ input: {}, queue: JOBS_QUEUE, req, task: task as never })
    return true
  })
}

/**
 * node-cron only queues the periodic sweeps; the Jobs Queue runs them (the host's autoRun or a
 * `payload jobs:run` worker), durably and with retries. Every app instance runs these schedules, and
 * `queueSweepOnce` keeps their sweeps from piling up; the sweeps' sends are claimed by unique keys,
 * so even two sweeps at once send nothing twice.
 */
export function startSchedules(portal: Portal): void {
  const { options, payload } = portal
  if (running.has(payload)) return
  const sweeps: Array<{ cron: false | string; name: string; task: string; wanted: boolean }> = [
    { cron: options.payments.reconcileCron, name: 'invoice-portal-reconcile-payments', task: RECONCILE_TASK, wanted: options.payments.providers.length > 0 },
    { cron: options.reminders.cron, name: 'invoice-portal-reminders', task: REMINDER_TASK, wanted: true },
    { cron: options.erp.overdueCron, name: 'invoice-portal-overdue', task: OVERDUE_TASK, wanted: options.erp.outbound.some((endpoint) => endpoint.events.includes('invoice.overdue')) },
  ]
  const tasks = sweeps
    .filter((sweep): sweep is typeof sweep & { cron: string } => sweep.wanted && sweep.cron !== false)
    .map((sweep) => schedule(sweep.cron, async () => void (await queueSweepOnce(payload, sweep.task)), { name: sweep.name, noOverlap: true }))
  if (tasks.length === 0) return
  running.set(payload, tasks)
  // Payload's destroy() closes the database; the schedule must not outlive it.
  const destroy = payload.destroy.bind(payload)
  payload.destroy = async () => {
    for (const scheduled of running.get(payload) ?? []) await scheduled.destroy()
    running.delete(payload)
    await destroy()
  }
}
