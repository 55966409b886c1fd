import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * The one signature scheme of every ERP event, inbound and outbound: HMAC-SHA256 over
 * `{timestamp}.{raw body}`, sent as `X-Invoice-Portal-Signature: t=<unix seconds>,v1=<hex>`.
 * Dependency-free (node:crypto only), so the ERP-side helper in `payload-invoice-portal/erp` can use it.
 */
export const SIGNATURE_HEADER = 'X-Invoice-Portal-Signature'

/** How far a signature's timestamp may be from now, either way, in seconds: a replay window. */
export const SIGNATURE_TOLERANCE_SECONDS = 300

export function signatureHeader(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`
}

export type SignatureCheck = { ok: false; reason: string } | { ok: true }

/**
 * Checks a signature header against each active secret (several while one is rotated). Every `v1`
 * in the header is tried, in constant time, so a sender may also sign with old and new at once.
 */
export function verifySignature(
  header: null | string | undefined,
  body: string,
  secrets: readonly string[],
  now = Math.floor(Date.now() / 1000),
): SignatureCheck {
  if (!header) return { ok: false, reason: `The ${SIGNATURE_HEADER} header is missing.` }
  const parts = header.split(',').map((part) => part.trim().split('='))
  const timestamps = parts.filter(([key]) => key === 't').map(([, value]) => value)
  const signatures = parts.filter(([key, value]) => key === 'v1' && /^[0-9a-f]{64}$/i.test(value ?? '')).map(([, value]) => value.toLowerCase())
  if (timestamps.length !== 1 || !/^\d{1,12}$/.test(timestamps[0] ?? '') || signatures.length === 0) {
    return { ok: false, reason: `The ${SIGNATURE_HEADER} header must read t=<unix seconds>,v1=<hex HMAC-SHA256>.` }
  }
  const timestamp = Number(timestamps[0])
  if (Math.abs(now - timestamp) > SIGNATURE_TOLERANCE_SECONDS) {
    return { ok: false, reason: `The signature's timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS} seconds from now; sign each delivery when it is sent.` }
  }
  for (const secret of secrets) {
    const expected = Buffer.from(hmac(secret, timestamp, body), 'hex')
    if (signatures.some((signature) => timingSafeEqual(expected, Buffer.from(signature, 'hex')))) return { ok: true }
  }
  return { ok: false, reason: 'The signature does not match the body with any active secret.' }
}

function hmac(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')
}
