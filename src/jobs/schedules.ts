import { schedule, type ScheduledTask } from 'node-cron'

import type { Portal } from '../portal/context.js'

import { OVERDUE_TASK } from '../outbound/overdue.js'
import { RECONCILE_TASK } from '../payments/reconcile.js'
import { REMINDER_TASK } from '../reminders/sweep.js'
import { JOBS_QUEUE } from './queue.js'

const running = new WeakMap<object, ScheduledTask[]>()

/**
 * node-cron only queues the periodic sweeps; the Jobs Queue runs them (the host's autoRun or a
 * `payload jobs:run` worker), durably and with retries. Several app instances each queue a sweep, and
 * the sweeps are idempotent, so nothing is done twice.
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
    .map((sweep) => schedule(sweep.cron, async () => void (await payload.jobs.queue({ input: {}, queue: JOBS_QUEUE, task: sweep.task as never })), { name: sweep.name, noOverlap: true }))
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
