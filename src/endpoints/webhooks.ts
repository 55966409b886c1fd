import type { Endpoint, PayloadRequest } from 'payload'

import type { VerifiedWebhook, WebhookSource } from '../payments/types.js'
import type { PluginContext } from '../utilities/context.js'

import { recordEvent } from '../hooks/audit.js'
import { processSoon, storeWebhookEvent } from '../payments/inbox.js'
import { isSecretConfigurationError } from '../security/providerSecrets.js'
import { storedSecrets } from '../security/storedSecrets.js'

/** A `\u0000` escape in JSON text (one not itself escaped as `\\u0000`). */
const NUL_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u0000/i

/** Senders retry on anything but 2xx, so bodies this large are refused outright rather than stored. */
const MAX_BODY_BYTES = 512 * 1024

const answer = (status: number, body: Record<string, unknown>) => Response.json(body, { status })

/**
 * A sender can't be verified while its secret is configured nowhere, or stored under a key the app no
 * longer has: refused like a bad signature (400, audited), with the reason, and never a 500. The
 * sender's retries deliver the event once the secret is there.
 */
async function verify(source: WebhookSource, body: string, req: PayloadRequest, portal: PluginContext & { payload: PayloadRequest['payload'] }): Promise<VerifiedWebhook> {
  try {
    return await source.verifyWebhook(body, req.headers, storedSecrets(portal, req))
  } catch (error) {
    if (!isSecretConfigurationError(error)) throw error
    const reason = (error as Error).message
    if ((error as Error).name === 'SecretUnreadable') req.payload.logger.error(reason)
    return { outcome: 'rejected', reason: reason.replace(/^payload-invoice-portal: /, '') }
  }
}

/**
 * `POST /api/invoice-portal/<source>/webhook` (a payment provider or the ERP): verify, store, answer,
 * then process. Nothing is applied here: the stored event is processed by a queued job, started as
 * soon as the answer is out.
 */
export function createWebhookEndpoint(ctx: PluginContext, source: WebhookSource): Endpoint {
  return {
    handler: async (req: PayloadRequest) => {
      const portal = { ...ctx, payload: req.payload }
      const length = Number(req.headers.get('content-length') ?? 0)
      const body = length > MAX_BODY_BYTES ? null : await req.text!()
      if (body === null || Buffer.byteLength(body) > MAX_BODY_BYTES) return answer(413, { error: `The body is larger than ${MAX_BODY_BYTES} bytes.` })

      const checked = await verify(source, body, req, portal)
      // PostgreSQL's JSON holds no NUL character: such a body could never be stored, so it is refused
      // as bad input rather than failing (and being retried) forever.
      const verified: typeof checked = checked.outcome === 'accepted' && NUL_ESCAPE.test(body) ? { outcome: 'rejected', reason: 'The body contains a NUL character (\\u0000), which cannot be stored.' } : checked
      if (verified.outcome === 'rejected') {
        await recordEvent(ctx, req, { details: { problems: verified.problems, provider: source.name, reason: verified.reason }, type: 'webhook_rejected' })
        return answer(400, { error: verified.reason, ...(verified.problems ? { problems: verified.problems } : {}) })
      }
      if (verified.outcome === 'ignored') return answer(200, { received: true })
      const stored = await storeWebhookEvent(portal, req, { eventId: verified.eventId, payload: verified.payload, provider: source.name, type: verified.type })
      if (!stored.duplicate) processSoon(portal, source.name, stored, verified.event)
      return answer(200, { duplicate: stored.duplicate, received: true })
    },
    method: 'post',
    path: `/invoice-portal/${source.name}/webhook`,
  }
}
