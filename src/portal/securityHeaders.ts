/**
 * The portal's security headers, in one place: for its pages (set by the host's proxy file, see
 * exports/portalProxy.ts) and for what its route handlers answer (handlers.ts). No Payload or Node
 * import here: the proxy bundle stays small.
 */
const COMMON: Record<string, string> = {
  'Permissions-Policy': 'camera=(), geolocation=(), microphone=()',
  'Referrer-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
}

const HSTS = 'max-age=31536000; includeSubDomains'

/**
 * A portal page's content policy. Scripts only with this response's nonce (Next puts it on its own
 * scripts when it finds it in the request's policy) and what they load; images may come from the
 * configured logo's host over HTTPS and the two-factor QR code (a data: URL); style attributes are
 * allowed, scripts in attributes are not. Forms may post anywhere the portal redirects them
 * (a provider's checkout), so `form-action` is left open.
 */
export function pageContentPolicy(nonce: string, development = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** A page a route handler renders itself (429, recovery codes): the portal's stylesheet and nothing else. */
export const HANDLER_PAGE_POLICY = "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

/**
 * The headers for one answer. Files (PDFs, ZIPs) get no content policy, which would blank a
 * browser's PDF viewer; HSTS only when the request came over HTTPS.
 */
export function securityHeaders({ contentPolicy, secure }: { contentPolicy?: string; secure: boolean }): Record<string, string> {
  return { ...COMMON, ...(contentPolicy ? { 'Content-Security-Policy': contentPolicy } : {}), ...(secure ? { 'Strict-Transport-Security': HSTS } : {}) }
}
