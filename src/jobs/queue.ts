import type { Payload } from 'payload'

import { afterResponse } from '../portal/afterResponse.js'

/** The one queue every plugin task runs on; a host's worker runs it with `payload jobs:run --queue invoice-portal`. */
export const JOBS_QUEUE = 'invoice-portal'

/**
 * Jobs this process runs at once on its own initiative. A job holds a database connection for its
 * transaction and briefly needs another for its bookkeeping, so an unbounded burst (hundreds of
 * webhooks in a second) would take the whole pool and wait on itself; the queue keeps the rest.
 */
const MAX_RUNNING = 2

const waiting = new Map<Payload, Array<number | string>>()
let running = 0

/**
 * Runs a queued job as soon as the current response is out, so a webhook or a payment is processed
 * in seconds. The job stays queued until it completes: if this process dies first, or the job fails,
 * the queue's runner retries it, and the task itself is idempotent.
 */
export function runSoon(payload: Payload, jobId: number | string): void {
  afterResponse(payload, async () => {
    const ids = waiting.get(payload) ?? []
    waiting.set(payload, ids)
    ids.push(jobId)
    await drain(payload)
  })
}

async function drain(payload: Payload): Promise<void> {
  const ids = waiting.get(payload) ?? []
  const workers: Array<Promise<void>> = []
  while (running < MAX_RUNNING && ids.length > 0) {
    running += 1
    workers.push(
      (async () => {
        try {
          for (let id = ids.shift(); id !== undefined; id = ids.shift()) await payload.jobs.runByID({ id, silent: true })
        } finally {
          running -= 1
        }
      })(),
    )
  }
  await Promise.all(workers)
}
