import { handleEndpoints, type SanitizedConfig } from 'payload'

import { SIGNATURE_HEADER, signatureHeader } from '../../src/exports/erp.js'
import { afterResponseSettled } from '../../src/portal/afterResponse.js'

export const ERP_SECRET = 'erp-test-secret-0123456789'

let sequence = 0
/** An event envelope with a fresh id. */
export function erpEvent(type: string, data: Record<string, unknown>, id = `evt_${Date.now()}_${(sequence += 1)}`) {
  return { data, id, occurredAt: new Date().toISOString(), type }
}

/** An invoice.upserted event's data for a client the ERP knows as `client`. */
export function erpInvoice(externalId: string, version: number, overrides: Record<string, unknown> = {}) {
  return {
    client: { email: 'ap@erp-client.test', externalId: 'C-100', name: 'ERP Client BV' },
    currency: 'EUR',
    dueDate: '2026-12-31',
    externalId,
    issueDate: '2026-11-20',
    lineItems: [{ description: 'Consulting', quantity: '2', taxRate: '21', unitAmount: 5000 }],
    status: 'open',
    version,
    ...overrides,
  }
}

/**
 * POSTs a body to the ERP webhook through the host's real REST handler, signed unless told otherwise,
 * and waits for the work its answer started.
 */
export async function postErp(
  config: Promise<SanitizedConfig> | SanitizedConfig,
  event: unknown,
  options: { body?: string; headers?: Record<string, string>; secret?: string; timestamp?: number } = {},
) {
  const body = options.body ?? JSON.stringify(event)
  const headers = options.headers ?? { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: signatureHeader(options.secret ?? ERP_SECRET, body, options.timestamp) }
  const response = await handleEndpoints({
    config: config as Promise<SanitizedConfig>,
    request: new Request('http://localhost/api/invoice-portal/erp/webhook', { body, headers, method: 'POST' }),
  })
  const text = await response.text()
  await afterResponseSettled()
  return { body: (text ? JSON.parse(text) : {}) as Record<string, unknown> & { error?: string; problems?: string[] }, status: response.status }
}
