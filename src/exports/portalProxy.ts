import { NextResponse } from 'next/server.js'

import { pageContentPolicy, securityHeaders } from '../portal/securityHeaders.js'

/**
 * The portal's pages' security headers, for the host's `proxy.ts` (Next 16; `middleware.ts` before):
 *
 * ```ts
 * import { createPortalProxy } from 'payload-invoice-portal/portal/proxy'
 * export const proxy = createPortalProxy({ route: '/portal' })
 * export const config = { matcher: ['/portal', '/portal/:path*'] }
 * ```
 *
 * Each page gets a content policy with a fresh nonce, which Next reads from the request's
 * `Content-Security-Policy` and puts on its scripts; the route handlers under `<route>/api/` set
 * their own headers and are passed through.
 */
export function createPortalProxy({ route = '/portal' }: { route?: string } = {}) {
  const development = process.env.NODE_ENV === 'development'
  return function portalProxy(request: Request): NextResponse {
    const url = new URL(request.url)
    if (url.pathname.startsWith(`${route}/api/`)) return NextResponse.next()
    const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))))
    const policy = pageContentPolicy(nonce, development)
    const secure = url.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https'
    const forwarded = new Headers(request.headers)
    forwarded.set('content-security-policy', policy)
    forwarded.set('x-nonce', nonce)
    const response = NextResponse.next({ request: { headers: forwarded } })
    for (const [name, value] of Object.entries(securityHeaders({ contentPolicy: policy, secure }))) response.headers.set(name, value)
    return response
  }
}

