import { describe, expect, it } from 'vitest'

import { createPortalProxy } from './portalProxy.js'

const proxy = createPortalProxy({ route: '/portal' })

describe('createPortalProxy', () => {
  it('gives each page a content policy with a fresh nonce, and hands the same policy on to Next', () => {
    const first = proxy(new Request('http://shop.test/portal/invoices'))
    const second = proxy(new Request('http://shop.test/portal/invoices'))
    const policy = first.headers.get('content-security-policy')!
    const nonce = /'nonce-([^']+)'/.exec(policy)![1]
    expect(Buffer.from(nonce, 'base64')).toHaveLength(16)
    expect(second.headers.get('content-security-policy')).not.toContain(nonce)
    expect(first.headers.get('x-middleware-next')).toBe('1')
    expect(first.headers.get('x-middleware-request-content-security-policy')).toBe(policy)
    expect(first.headers.get('x-middleware-request-x-nonce')).toBe(nonce)
    expect(first.headers.get('x-frame-options')).toBe('DENY')
    expect(first.headers.get('strict-transport-security')).toBeNull()
    expect(policy).not.toContain('unsafe-eval')
  })

  it('adds HSTS behind HTTPS and leaves the route handlers, which set their own, alone', () => {
    expect(proxy(new Request('http://shop.test/portal', { headers: { 'x-forwarded-proto': 'https' } })).headers.get('strict-transport-security')).toMatch(/max-age=31536000/)
    const api = proxy(new Request('http://shop.test/portal/api/login', { method: 'POST' }))
    expect(api.headers.get('content-security-policy')).toBeNull()
    expect(api.headers.get('x-middleware-next')).toBe('1')
  })
})
