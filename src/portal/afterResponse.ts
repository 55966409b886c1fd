import type { Payload } from 'payload'

import { after } from 'next/server.js'

const pending = new Set<Promise<void>>()

/**
 * Runs `work` once the response has gone out: through Next's `after` inside a Next request, as the
 * portal's pages do. The route handlers also run outside Next (scripts, tests, another host); there
 * the work starts on the next turn of the event loop, after the handler has returned its response,
 * and is tracked so that `afterResponseSettled` can wait for it. A failure is logged, never thrown:
 * the response has been sent.
 */
export function afterResponse(payload: Payload, work: () => Promise<void>): void {
  const guarded = () => work().catch((error: unknown) => payload.logger.error({ err: error, msg: 'payload-invoice-portal: work after a response failed' }))
  // Next's server sets NEXT_RUNTIME; elsewhere `after` would only throw (an Error with its stack, on
  // every webhook of a burst) before the fallback below.
  if (process.env.NEXT_RUNTIME) {
    try {
      after(guarded)
      return
    } catch {
      // Not inside a Next request (a script, a job) in a Next process.
    }
  }
  const run: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
    .then(guarded)
    .finally(() => pending.delete(run))
  pending.add(run)
}

/** Resolves once the work started by `afterResponse` outside Next has finished (tests read its results). */
export async function afterResponseSettled(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending])
}
