import type { Payload } from 'payload'

import { afterResponse } from '../portal/afterResponse.js'

/** The one queue every plugin task runs on; a host's worker runs it with `payload jobs:run --queue invoice-portal`. */
export const JOBS_QUEUE = 'invoice-portal'

/**
 * Runs a queued job as soon as the current response is out, so a webhook or a payment is processed
 * in seconds. The job stays queued until it completes: if this process dies first, or the job fails,
 * the queue's runner retries it, and the task itself is idempotent.
 */
export function runSoon(payload: Payload, jobId: number | string): void {
  afterResponse(payload, async () => {
    await payload.jobs.runByID({ id: jobId, silent: true })
  })
}
