import { createPortalProxy } from 'payload-invoice-portal/portal/proxy'

/** The portal's pages' security headers (a content policy with a nonce per page, no framing, HSTS behind HTTPS). */
export const proxy = createPortalProxy({ route: '/portal' })

export const config = { matcher: ['/portal', '/portal/:path*'] }
