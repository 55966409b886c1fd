import { schedule, type ScheduledTask } from 'node-cron'

import type { Portal } from '../portal/context.js'

import { RECONCILE_TASK } from '../payments/reconcile.js'
import { JOBS_QUEUE } from './queue.js'

const running = new WeakMap<object, ScheduledTask[]>()

/**
 * node-cron only queues the periodic sweeps; the Jobs Queue runs them (the host's autoRun or a
 * `payload jobs:run` worker), durably and with retries. Several app instances each queue a sweep, and
 * the sweeps are idempotent, so nothing is done twice.
 */
export function startSchedules(portal: Portal): void {
  const { options, payload } = portal
  if (running.has(payload) || options.payments.reconcileCron === false || options.payments.providers.length === 0) return
  const queueSweep = async () => {
    await payload.jobs.queue({ input: {}, queue: JOBS_QUEUE, task: RECONCILE_TASK as never })
  }
  const task = schedule(options.payments.reconcileCron, queueSweep, { name: 'invoice-portal-reconcile-payments', noOverlap: true })
  running.set(payload, [task])
  // Payload's destroy() closes the database; the schedule must not outlive it.
  const destroy = payload.destroy.bind(payload)
  payload.destroy = async () => {
    for (const scheduled of running.get(payload) ?? []) await scheduled.destroy()
    running.delete(payload)
    await destroy()
  }
}
