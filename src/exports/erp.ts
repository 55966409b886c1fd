/**
 * `payload-invoice-portal/erp`: for the ERP side. Signs and sends events to the portal's
 * `POST /api/invoice-portal/erp/webhook`, and verifies the events the portal sends out. Needs only
 * Node's crypto and fetch, so an ERP script can use it without Payload.
 */
import type { ErpEventType } from '../erp/schema.js'

import { SIGNATURE_HEADER, signatureHeader, verifySignature } from '../erp/signature.js'

export { SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECONDS, signatureHeader, verifySignature } from '../erp/signature.js'
export type { SignatureCheck } from '../erp/signature.js'
export { erpEventTypes } from '../erp/schema.js'
export type { ErpEventType } from '../erp/schema.js'

export type ErpEventEnvelope = { data: Record<string, unknown>; id: string; occurredAt: string; type: ErpEventType }

export type SendResult = { body: Record<string, unknown>; ok: boolean; status: number }

/**
 * Signs `event` with `secret` at the moment of sending and POSTs it. Resolves with the portal's
 * answer: 200 when stored (or a duplicate), 400 with `error` and `problems` naming each bad field.
 */
export async function sendErpEvent(options: { event: ErpEventEnvelope; secret: string; url: string }): Promise<SendResult> {
  const body = JSON.stringify(options.event)
  const response = await fetch(options.url, {
    body,
    headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: signatureHeader(options.secret, body) },
    method: 'POST',
  })
  const text = await response.text()
  let parsed: Record<string, unknown> = {}
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {}
  } catch {
    parsed = { error: text }
  }
  return { body: parsed, ok: response.ok, status: response.status }
}

/** Checks an event the portal sent out (its raw body and signature header) against your secret(s). */
export function verifyPortalEvent(rawBody: string, header: null | string | undefined, secret: string | string[]) {
  return verifySignature(header, rawBody, Array.isArray(secret) ? secret : [secret])
}
