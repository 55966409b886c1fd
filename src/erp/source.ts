import type { WebhookSource } from '../payments/types.js'

import { configuredSecrets } from '../security/providerSecrets.js'
import { parseErpEvent } from './schema.js'
import { SIGNATURE_HEADER, verifySignature } from './signature.js'

/**
 * The ERP as a webhook sender: a delivery is stored only when its signature holds and its event is
 * valid, so a bad push is a 400 that names every bad field and writes nothing but the audit entry.
 * Secrets given in the options (several while rotating) win over the one staff keep in the settings.
 */
export function erpWebhookSource(givenSecrets: readonly string[]): WebhookSource {
  return {
    name: 'erp',
    verifyWebhook: async (body, headers, stored) => {
      const secrets = await configuredSecrets(givenSecrets, stored, 'erpWebhookSecret', 'erp.webhookSecret')
      const signature = verifySignature(headers.get(SIGNATURE_HEADER), body, secrets)
      if (!signature.ok) return { outcome: 'rejected', reason: signature.reason }
      let json: unknown
      try {
        json = JSON.parse(body)
      } catch {
        return { outcome: 'rejected', reason: 'The body is not valid JSON.' }
      }
      const parsed = parseErpEvent(json)
      if (!parsed.ok) return { outcome: 'rejected', problems: parsed.problems, reason: `The event is not valid: ${parsed.problems.join('; ')}.` }
      return { event: parsed.event, eventId: parsed.event.id, outcome: 'accepted', payload: body, type: parsed.event.type }
    },
  }
}
