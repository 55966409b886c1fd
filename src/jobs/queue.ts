import type { Payload } from 'payload'

import { afterResponse } from '../portal/afterResponse.js'

/** The one queue every plugin task runs on; a host's worker runs it with `payload jobs:run --queue invoice-portal`. */
export const JOBS_QUEUE = 'invoice-portal'

/**
 * Work this process starts on its own at once. Each piece holds a database connection for its
 * transaction and briefly needs another for its bookkeeping, so an unbounded burst (hundreds of
 * webhooks in a second) would take the whole pool and wait on itself; the rest waits here.
 */
const MAX_RUNNING = 2

type Work = () => Promise<unknown>
const waiting: Work[] = []
let running = 0

/**
 * Does a queued job's work as soon as the current response is out, so a webhook or a receipt takes
 * seconds, not the next queue run. The job itself stays queued: if this process dies first, or the
 * work fails, the queue's runner does it later, and every task is idempotent (the second run finds
 * the work done). The job is not run here: Payload's `runByID` does not claim a job atomically, and a
 * job run twice at once breaks its log.
 */
export function runSoon(payload: Payload, work: Work): void {
  afterResponse(payload, async () => {
    waiting.push(work)
    await drain(payload)
  })
}

async function drain(payload: Payload): Promise<void> {
  const workers: Array<Promise<void>> = []
  while (running < MAX_RUNNING && waiting.length > 0) {
    running += 1
    workers.push(
      (async () => {
        try {
          for (let work = waiting.shift(); work; work = waiting.shift()) {
            await work().catch((error: unknown) => payload.logger.error({ err: error, msg: 'payload-invoice-portal: work left to the job queue' }))
          }
        } finally {
          running -= 1
        }
      })(),
    )
  }
  await Promise.all(workers)
}
