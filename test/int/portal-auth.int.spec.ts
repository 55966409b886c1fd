import type { Payload } from 'payload'

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

import type { Portal } from '../../src/portal/context.js'
import { authenticate } from '../../src/portal/session.js'
import { portalCss, stylesheetHref } from '../../src/portal/styles.js'
import { consumeMagicToken, createMagicToken, hashToken } from '../../src/portal/tokens.js'
import { passwords, pdfUpload } from '../helpers/fixtures.js'
import type { TestApp } from '../helpers/payload.js'
import { linkIn, type portalClient, startPortalTestApp } from '../helpers/portal.js'
import type { startSmtpSink } from '../helpers/smtp.js'

/**
 * The portal's sign-in and session handling (DESIGN.md §6) through its real route handlers, called
 * in-process with the Requests a browser's plain HTML forms would send: password and magic-link
 * sign-in, lockout, single-use tokens under concurrency, logout, cross-site posts, password reset,
 * the profile forms and document downloads. E-mail goes over SMTP to a sink in this process.
 */
let app: TestApp
let payload: Payload
let portal: Portal
let smtp: Awaited<ReturnType<typeof startSmtpSink>>
let http: ReturnType<typeof portalClient>
const clients: Record<'alpha' | 'beta' | 'closed', { id: number | string }> = {} as never

const SESSION_COOKIE_SHAPE = /^invoice-portal-session=[^;\s]+; Path=\/portal; Max-Age=28800; HttpOnly; SameSite=Lax$/

beforeAll(async () => {
  ;({ app, http, payload, portal, smtp } = await startPortalTestApp())
  clients.alpha = await payload.create({ collection: 'clients', data: { currency: 'EUR', name: 'Alpha' } })
  clients.beta = await payload.create({ collection: 'clients', data: { currency: 'EUR', name: 'Beta' } })
  clients.closed = await payload.create({ collection: 'clients', data: { currency: 'EUR', name: 'Closed', portalEnabled: false } })
})
afterAll(async () => {
  await app?.stop()
  await smtp?.stop()
})

/** A contact of its own for a test, so lockouts, sessions and rate limits of one test never leak into another. */
async function newContact(email: string, client: keyof typeof clients = 'alpha', password = passwords.contact) {
  const contact = await payload.create({ collection: 'contacts', data: { client: clients[client].id, email, name: `${email} name`, password } })
  return { ...contact, email, id: contact.id, password }
}

const eventsOf = async (type: string, where: Record<string, unknown> = {}) =>
  (await payload.find({ collection: 'portal-events', depth: 0, pagination: false, sort: 'createdAt', where: { type: { equals: type }, ...where } })).docs

const sessionsOf = async (id: number | string) =>
  ((await payload.db.findOne({ collection: 'contacts', where: { id: { equals: id } } })) as { sessions?: unknown[] } | null)?.sessions ?? []

/** Who a session JWT signs in as (null when it signs in nobody). */
const whoIs = async (jwt: string | undefined) => (await authenticate(portal, jwt))?.id ?? null

const mailsTo = (to: string) => smtp.messages.filter((message) => message.to.includes(to))

/**
 * Background e-mail is sent after the response; to show that none went to `to`, wait for a later
 * request's e-mail to arrive (the sentinel), then a little longer, and look.
 */
async function expectNoMailAfter(to: string, sentinel: { email: string }) {
  await http.post('magic-link', { email: sentinel.email })
  await smtp.waitFor(sentinel.email)
  await new Promise((resolve) => setTimeout(resolve, 300))
  expect(mailsTo(to), `e-mail to ${to}`).toEqual([])
}

describe('password sign-in', () => {
  it('sets the portal session cookie (only) and redirects to /portal', async () => {
    const contact = await newContact('signin@alpha.test')
    const response = await http.post('login', { email: contact.email, password: contact.password })
    expect(response.status).toBe(303)
    expect(response.location).toBe('/portal')
    expect(response.setCookies).toHaveLength(1)
    expect(response.setCookies[0]).toMatch(SESSION_COOKIE_SHAPE)
    expect(response.setCookies.join('\n')).not.toContain('payload-token')
    expect(await whoIs(response.session)).toBe(contact.id)
    const logins = await eventsOf('login', { contact: { equals: contact.id } })
    expect(logins).toHaveLength(1)
  })

  it('matches the e-mail address case-insensitively and marks the cookie Secure behind HTTPS', async () => {
    const contact = await newContact('secure@alpha.test')
    const response = await http.post('login', { email: '  SECURE@Alpha.test ', password: contact.password }, { headers: { 'x-forwarded-proto': 'https' } })
    expect(response.location).toBe('/portal')
    expect(response.setCookies[0]).toMatch(/; HttpOnly; SameSite=Lax; Secure$/)
    expect(await whoIs(response.session)).toBe(contact.id)
  })

  it('refuses a wrong password with error=invalid and records login_failed for the contact', async () => {
    const contact = await newContact('wrong@alpha.test')
    const response = await http.post('login', { email: contact.email, password: 'not-the-password' })
    expect(response.status).toBe(303)
    expect(response.location).toBe('/portal/login?error=invalid')
    expect(response.setCookies).toEqual([])
    const failed = await eventsOf('login_failed', { contact: { equals: contact.id } })
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({ client: clients.alpha.id, details: { email: contact.email, reason: 'invalid' } })
    expect(await eventsOf('login', { contact: { equals: contact.id } })).toHaveLength(0)
  })

  it('answers an unknown address exactly like a wrong password', async () => {
    const contact = await newContact('known@alpha.test')
    const wrong = await http.post('login', { email: contact.email, password: 'not-the-password' })
    const unknown = await http.post('login', { email: 'nobody@alpha.test', password: contact.password })
    expect(unknown.status).toBe(wrong.status)
    expect(unknown.location).toBe(wrong.location)
    expect(unknown.setCookies).toEqual([])
    expect([...unknown.headers.keys()].sort()).toEqual([...wrong.headers.keys()].sort())
    const failed = await eventsOf('login_failed', { 'details.email': { equals: 'nobody@alpha.test' } })
    expect(failed).toHaveLength(1)
    expect(failed[0].contact ?? null).toBeNull()
  })

  describe('next', () => {
    const ignored = ['https://evil.test/x', '//evil.test', '/\\evil.test', '/portal/../admin', '/portal/%2e%2e/admin', '/admin', '/portalx', 'portal/invoices']
    for (const next of ignored) {
      it(`ignores ${JSON.stringify(next)}`, async () => {
        const response = await http.post('login', { email: 'signin@alpha.test', next, password: passwords.contact })
        expect(response.session).toBeDefined()
        expect(response.location).toBe('/portal')
      })
    }

    it('keeps a path inside the portal, with its query', async () => {
      const response = await http.post('login', { email: 'signin@alpha.test', next: '/portal/invoices?status=open', password: passwords.contact })
      expect(response.session).toBeDefined()
      expect(response.location).toBe('/portal/invoices?status=open')
    })

    it('carries a safe next through a failed attempt, and drops an unsafe one', async () => {
      const kept = await http.post('login', { email: 'signin@alpha.test', next: '/portal/invoices?status=open', password: 'nope' })
      expect(new URL(kept.location!, 'http://localhost').searchParams.get('next')).toBe('/portal/invoices?status=open')
      const dropped = await http.post('login', { email: 'signin@alpha.test', next: 'https://evil.test/x', password: 'nope' })
      expect(dropped.location).toBe('/portal/login?error=invalid')
    })
  })
})

describe('stylesheet', () => {
  it('is served without a session, cached for a year under the version the pages link, revalidated under any other', async () => {
    const href = stylesheetHref('/portal')
    const current = await http.get(href.replace('/portal/api/', ''))
    expect(current.status).toBe(200)
    expect(current.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(current.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(current.body).toBe(portalCss)
    const stale = await http.get('styles.css?v=0123456789ab')
    expect(stale.status).toBe(200)
    expect(stale.headers.get('cache-control')).toBe('no-cache')
    expect((await http.get('styles.css/extra')).status).toBe(303)
  })
})

describe('lockout and disabled clients', () => {
  it('locks the account after 5 wrong passwords, even for the right one, until the lock expires', async () => {
    const contact = await newContact('lock@alpha.test')
    const reasons: Array<null | string> = []
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await http.post('login', { email: contact.email, password: `wrong-${attempt}` })
      expect(response.setCookies).toEqual([])
      reasons.push(new URL(response.location!, 'http://localhost').searchParams.get('error'))
    }
    expect(reasons).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'invalid'])
    const locked = await http.post('login', { email: contact.email, password: contact.password })
    expect(locked.status).toBe(303)
    expect(locked.location).toBe('/portal/login?error=locked')
    expect(locked.setCookies).toEqual([])
    expect(await sessionsOf(contact.id)).toEqual([])
    const failed = await eventsOf('login_failed', { contact: { equals: contact.id } })
    expect(failed.at(-1)?.details).toMatchObject({ reason: 'locked' })

    // Fifteen minutes later: the lock has run out.
    await payload.db.updateOne({ collection: 'contacts', data: { lockUntil: new Date(Date.now() - 1000).toISOString() }, id: contact.id })
    const after = await http.post('login', { email: contact.email, password: contact.password })
    expect(after.location).toBe('/portal')
    expect(await whoIs(after.session)).toBe(contact.id)
  })

  it('payload.unlock lets a locked contact in at once', async () => {
    const contact = await newContact('unlock@alpha.test')
    for (let attempt = 0; attempt < 5; attempt++) await http.post('login', { email: contact.email, password: 'wrong' })
    expect((await http.post('login', { email: contact.email, password: contact.password })).location).toBe('/portal/login?error=locked')
    await payload.unlock({ collection: 'contacts', data: { email: contact.email }, overrideAccess: true })
    expect((await http.post('login', { email: contact.email, password: contact.password })).session).toBeDefined()
  })

  it('refuses a contact of a client with the portal disabled, even with the right password', async () => {
    const contact = await newContact('disabled@closed.test', 'closed')
    const response = await http.post('login', { email: contact.email, password: contact.password })
    expect(response.location).toBe('/portal/login?error=disabled')
    expect(response.setCookies).toEqual([])
    expect(await sessionsOf(contact.id)).toEqual([])
    expect(await eventsOf('login', { contact: { equals: contact.id } })).toHaveLength(0)
  })

  it('ends the sessions of a client whose portal gets disabled', async () => {
    const client = await payload.create({ collection: 'clients', data: { currency: 'EUR', name: 'Soon closed' } })
    const contact = await payload.create({ collection: 'contacts', data: { client: client.id, email: 'soon@closed.test', name: 'Soon', password: passwords.contact } })
    const { cookie } = await http.signIn('soon@closed.test', passwords.contact)
    expect((await http.post('profile', { name: 'Still open' }, { cookie })).location).toBe('/portal/profile?saved=details')
    await payload.update({ collection: 'clients', data: { portalEnabled: false }, id: client.id })
    const refused = await http.post('profile', { name: 'Closed now' }, { cookie })
    expect(refused.location).toBe('/portal/login?next=%2Fportal%2Fprofile')
    expect((await payload.findByID({ collection: 'contacts', id: contact.id })).name).toBe('Still open')
  })
})

describe('magic link', () => {
  it('e-mails a single-use link that signs the contact in once', async () => {
    const contact = await newContact('magic@alpha.test')
    const request = await http.post('magic-link', { email: contact.email })
    expect(request.status).toBe(303)
    expect(request.location).toBe('/portal/login?sent=magic%40alpha.test')
    expect(request.setCookies).toEqual([])
    const mail = await smtp.waitFor(contact.email)
    const { token, url } = linkIn(mail, 'magic')
    expect(url.origin).toBe('http://localhost')
    expect(url.pathname).toBe(`/portal/magic/${token}`)
    // Recorded just after the e-mail went out.
    await vi.waitFor(async () => expect(await eventsOf('magic_link_sent', { contact: { equals: contact.id } })).toHaveLength(1))

    const used = await http.post('magic', { token })
    expect(used.status).toBe(303)
    expect(used.location).toBe('/portal')
    expect(used.setCookies[0]).toMatch(SESSION_COOKIE_SHAPE)
    expect(await whoIs(used.session)).toBe(contact.id)
    const events = await eventsOf('magic_link_used', { contact: { equals: contact.id } })
    expect(events).toHaveLength(1)
    expect(events[0].client).toBe(clients.alpha.id)

    const again = await http.post('magic', { token })
    expect(again.status).toBe(303)
    expect(again.location).toBe(`/portal/magic/${token}`)
    expect(again.setCookies).toEqual([])
    expect(await eventsOf('magic_link_used', { contact: { equals: contact.id } })).toHaveLength(1)
  })

  it('carries a portal path in the link to after sign-in, but never another site', async () => {
    const contact = await newContact('magic-next@alpha.test')
    await http.post('magic-link', { email: contact.email, next: '/portal/invoices?status=open' })
    const { token, url } = linkIn(await smtp.waitFor(contact.email), 'magic')
    expect(url.searchParams.get('next')).toBe('/portal/invoices?status=open')
    expect((await http.post('magic', { next: 'https://evil.test/x', token })).location).toBe('/portal')
    await http.post('magic-link', { email: contact.email, next: 'https://evil.test/x' })
    const second = linkIn(await smtp.waitFor(contact.email), 'magic')
    expect(second.url.search).toBe('')
    expect((await http.post('magic', { next: '/portal/invoices?status=open', token: second.token })).location).toBe('/portal/invoices?status=open')
  })

  it('answers an unknown address identically and sends nothing', async () => {
    const contact = await newContact('magic-known@alpha.test')
    const known = await http.post('magic-link', { email: contact.email })
    const unknown = await http.post('magic-link', { email: 'magic-unknown@alpha.test' })
    const shape = (response: typeof known, email: string) => ({
      headers: [...response.headers.keys()].sort(),
      location: response.location?.replace(encodeURIComponent(email), '<email>'),
      status: response.status,
    })
    expect(shape(unknown, 'magic-unknown@alpha.test')).toEqual(shape(known, contact.email))
    expect(unknown.location).toBe('/portal/login?sent=magic-unknown%40alpha.test')
    await smtp.waitFor(contact.email)
    await expectNoMailAfter('magic-unknown@alpha.test', contact)
  })

  it('sends nothing to a contact of a client with the portal disabled', async () => {
    const closed = await newContact('magic-closed@closed.test', 'closed')
    const sentinel = await newContact('magic-sentinel@alpha.test')
    const response = await http.post('magic-link', { email: closed.email })
    expect(response.location).toBe('/portal/login?sent=magic-closed%40closed.test')
    await expectNoMailAfter(closed.email, sentinel)
    const { totalDocs } = await payload.count({ collection: 'invoice-portal-tokens', where: { contact: { equals: closed.id } } })
    expect(totalDocs).toBe(0)
  })

  it('refuses an expired token', async () => {
    const contact = await newContact('magic-expired@alpha.test')
    const token = (await createMagicToken(portal, contact.id))!
    const { docs } = await payload.find({ collection: 'invoice-portal-tokens', where: { tokenHash: { equals: hashToken(token) } } })
    expect(docs).toHaveLength(1)
    await payload.update({ collection: 'invoice-portal-tokens', data: { expiresAt: new Date(Date.now() - 1000).toISOString() }, id: docs[0].id, overrideAccess: true })
    const response = await http.post('magic', { token })
    expect(response.location).toBe(`/portal/magic/${token}`)
    expect(response.setCookies).toEqual([])
    expect(await eventsOf('magic_link_used', { contact: { equals: contact.id } })).toHaveLength(0)
    expect(await sessionsOf(contact.id)).toEqual([])
  })

  it('refuses tokens that were never issued, and malformed ones', async () => {
    for (const token of ['A'.repeat(43), 'short', `${'a'.repeat(30)}'--`, '']) {
      const response = await http.post('magic', { token })
      expect(response.setCookies, token).toEqual([])
      expect(response.location, token).toBe(`/portal/magic/${encodeURIComponent(token)}`)
    }
  })

  it('stores only the SHA-256 of a token, never the token', async () => {
    const contact = await newContact('magic-hash@alpha.test')
    await http.post('magic-link', { email: contact.email })
    const { token } = linkIn(await smtp.waitFor(contact.email), 'magic')
    const stored = await payload.find({ collection: 'invoice-portal-tokens', depth: 0, pagination: false, showHiddenFields: true, where: { contact: { equals: contact.id } } })
    expect(stored.docs).toHaveLength(1)
    expect(stored.docs[0].tokenHash).toBe(hashToken(token))
    expect(stored.docs[0].tokenHash).toMatch(/^[0-9a-f]{64}$/)
    // Not in any field of any token, nor in the audit trail.
    const everything = await payload.find({ collection: 'invoice-portal-tokens', depth: 0, pagination: false, showHiddenFields: true })
    expect(JSON.stringify(everything.docs)).not.toContain(token)
    expect(JSON.stringify((await payload.find({ collection: 'portal-events', depth: 0, pagination: false, showHiddenFields: true })).docs)).not.toContain(token)
  })

  it('signs in exactly the contact the link was sent to', async () => {
    const first = await newContact('scope-1@alpha.test')
    const second = await newContact('scope-2@beta.test', 'beta')
    await http.post('magic-link', { email: first.email })
    await http.post('magic-link', { email: second.email })
    const firstMail = await smtp.waitFor(first.email)
    const secondMail = await smtp.waitFor(second.email)
    expect(firstMail.to).toEqual([first.email])
    expect(secondMail.to).toEqual([second.email])
    const firstToken = linkIn(firstMail, 'magic').token
    const secondToken = linkIn(secondMail, 'magic').token
    expect(firstToken).not.toBe(secondToken)
    // Used in the "wrong" order, and the second link while the first contact is signed in.
    const secondSession = await http.post('magic', { token: secondToken })
    const firstSession = await http.post('magic', { token: firstToken }, { cookie: secondSession.cookie })
    expect(await whoIs(secondSession.session)).toBe(second.id)
    expect(await whoIs(firstSession.session)).toBe(first.id)
    const firstUser = await authenticate(portal, firstSession.session)
    expect(firstUser?.client).toBe(clients.alpha.id)
  })

  it('sends at most 5 links per contact within the link lifetime', async () => {
    const contact = await newContact('flood@alpha.test')
    for (let request = 0; request < 8; request++) {
      expect((await http.post('magic-link', { email: contact.email })).location).toBe('/portal/login?sent=flood%40alpha.test')
    }
    const tokens = new Set<string>()
    for (let mail = 0; mail < 5; mail++) tokens.add(linkIn(await smtp.waitFor(contact.email), 'magic').token)
    expect(tokens.size).toBe(5)
    await expectNoMailAfter(contact.email, await newContact('flood-sentinel@alpha.test'))
    const { totalDocs } = await payload.count({ collection: 'invoice-portal-tokens', where: { contact: { equals: contact.id } } })
    expect(totalDocs).toBe(5)
    await vi.waitFor(async () => expect(await eventsOf('magic_link_sent', { contact: { equals: contact.id } })).toHaveLength(5))
    // Still 5 once the first ones are used: the limit counts links sent, not links outstanding.
    await http.post('magic', { token: [...tokens][0] })
    await http.post('magic-link', { email: contact.email })
    await expectNoMailAfter(contact.email, await newContact('flood-sentinel-2@alpha.test'))
  })
})

describe('single-use tokens under concurrency', () => {
  const race = async (email: string, requests: number) => {
    const contact = await newContact(email)
    const token = (await createMagicToken(portal, contact.id))!
    const responses = await Promise.all(Array.from({ length: requests }, () => http.post('magic', { token })))
    const winners = responses.filter((response) => response.session)
    expect(winners).toHaveLength(1)
    expect(await whoIs(winners[0].session)).toBe(contact.id)
    for (const loser of responses.filter((response) => !response.session)) {
      expect(loser.status).toBe(303)
      expect(loser.location).toBe(`/portal/magic/${token}`)
      expect(loser.setCookies).toEqual([])
    }
    expect(await eventsOf('magic_link_used', { contact: { equals: contact.id } })).toHaveLength(1)
    expect(await sessionsOf(contact.id)).toHaveLength(1)
  }

  it('of two simultaneous uses of one link, exactly one signs in', () => race('race-2@alpha.test', 2))

  it('of ten simultaneous uses of one link, exactly one signs in', () => race('race-10@alpha.test', 10))

  it('consumeMagicToken hands the contact to exactly one of ten parallel callers', async () => {
    const contact = await newContact('race-direct@alpha.test')
    const token = (await createMagicToken(portal, contact.id))!
    const results = await Promise.all(Array.from({ length: 10 }, () => consumeMagicToken(portal, token)))
    expect(results.filter((result) => result !== null)).toEqual([contact.id])
    expect(await consumeMagicToken(portal, token)).toBeNull()
    const { docs } = await payload.find({ collection: 'invoice-portal-tokens', where: { tokenHash: { equals: hashToken(token) } } })
    expect(docs[0].usedAt).toBeTruthy()
  })
})

describe('logout', () => {
  it('clears the cookie and ends the session on the server, leaving other sessions alone', async () => {
    const contact = await newContact('logout@alpha.test')
    const { cookie, session } = await http.signIn(contact.email, contact.password)
    const other = await http.signIn(contact.email, contact.password)
    expect(await whoIs(session)).toBe(contact.id)
    expect(await sessionsOf(contact.id)).toHaveLength(2)

    const response = await http.post('logout', {}, { cookie })
    expect(response.status).toBe(303)
    expect(response.location).toBe('/portal/login?signedOut=1')
    expect(response.setCookies).toEqual(['invoice-portal-session=; Path=/portal; Max-Age=0; HttpOnly; SameSite=Lax'])
    // The old token, even if copied before logout, signs nobody in any more.
    expect(await whoIs(session)).toBeNull()
    expect((await http.post('profile', { name: 'After logout' }, { cookie })).location).toBe('/portal/login?next=%2Fportal%2Fprofile')
    expect(await sessionsOf(contact.id)).toHaveLength(1)
    expect(await whoIs(other.session)).toBe(contact.id)
  })

  it('without a session only clears the cookie', async () => {
    const response = await http.post('logout')
    expect(response.location).toBe('/portal/login?signedOut=1')
    expect(response.setCookies[0]).toMatch(/Max-Age=0/)
  })
})

describe('cross-site form posts', () => {
  const evil = { host: 'localhost', origin: 'https://evil.test' }

  it('are refused with 403 and change nothing', async () => {
    const contact = await newContact('csrf@alpha.test')
    const { cookie, session } = await http.signIn(contact.email, contact.password)
    const loginsBefore = (await eventsOf('login', { contact: { equals: contact.id } })).length

    const login = await http.post('login', { email: contact.email, password: contact.password }, { headers: evil })
    expect(login.status).toBe(403)
    expect(login.setCookies).toEqual([])
    expect(await eventsOf('login', { contact: { equals: contact.id } })).toHaveLength(loginsBefore)

    const profile = await http.post('profile', { name: 'Hijacked' }, { cookie, headers: evil })
    expect(profile.status).toBe(403)
    const password = await http.post('password', { currentPassword: contact.password, password: 'hijacked-password', passwordAgain: 'hijacked-password' }, { cookie, headers: evil })
    expect(password.status).toBe(403)
    const logout = await http.post('logout', {}, { cookie, headers: evil })
    expect(logout.status).toBe(403)
    expect(logout.setCookies).toEqual([])
    const magic = await http.post('magic-link', { email: contact.email }, { headers: evil })
    expect(magic.status).toBe(403)

    expect((await payload.findByID({ collection: 'contacts', id: contact.id })).name).toBe(`${contact.email} name`)
    expect(await whoIs(session)).toBe(contact.id)
    expect((await http.post('login', { email: contact.email, password: contact.password })).session).toBeDefined()
    await expectNoMailAfter(contact.email, await newContact('csrf-sentinel@alpha.test'))
  })

  it('without Origin, Sec-Fetch-Site and Referer decide; an opaque origin is refused', async () => {
    const contact = await newContact('fetch-site@alpha.test')
    const login = (headers: Record<string, string>) => http.post('login', { email: contact.email, password: contact.password }, { headers: { host: 'localhost', ...headers } })
    const refusedHeaders: Array<Record<string, string>> = [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'null' }, { referer: 'https://evil.test/page' }, { 'sec-fetch-site': 'cross-site', origin: 'http://localhost' }]
    for (const headers of refusedHeaders) {
      const refused = await login(headers)
      expect(refused.status, JSON.stringify(headers)).toBe(403)
      expect(refused.session).toBeUndefined()
    }
    const acceptedHeaders: Array<Record<string, string>> = [{ 'sec-fetch-site': 'same-origin' }, { 'sec-fetch-site': 'none' }, { referer: 'http://localhost/portal/login' }, {}]
    for (const headers of acceptedHeaders) {
      expect((await login(headers)).session, JSON.stringify(headers)).toBeDefined()
    }
  })

  it('every answer of the route handlers forbids framing and sniffing; HTML pages get a content policy; HTTPS is remembered', async () => {
    const redirect = await http.post('login', { email: 'nobody-headers@alpha.test', password: 'wrong-password' })
    expect(redirect.headers.get('x-frame-options')).toBe('DENY')
    expect(redirect.headers.get('x-content-type-options')).toBe('nosniff')
    expect(redirect.headers.get('referrer-policy')).toBe('same-origin')
    expect(redirect.headers.get('strict-transport-security')).toBeNull()
    const secure = await http.post('login', { email: 'nobody-headers@alpha.test', password: 'wrong-password' }, { headers: { 'x-forwarded-proto': 'https' } })
    expect(secure.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains')
    const css = await http.get('styles.css')
    expect(css.headers.get('x-frame-options')).toBe('DENY')
    expect(css.headers.get('content-security-policy')).toBeNull()
    for (let attempt = 0; attempt < 10; attempt += 1) await http.post('login', { email: 'nobody-headers@alpha.test', password: 'wrong-password' })
    const page = await http.post('login', { email: 'nobody-headers@alpha.test', password: 'wrong-password' })
    expect(page.status).toBe(429)
    expect(page.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
  })

  it('a post from the portal itself (same Origin) is accepted', async () => {
    const contact = await newContact('same-origin@alpha.test')
    const response = await http.post('login', { email: contact.email, password: contact.password }, { headers: { host: 'localhost', origin: 'http://localhost' } })
    expect(response.status).toBe(303)
    expect(response.session).toBeDefined()
  })
})

describe('forgotten password', () => {
  it('e-mails a reset link; the reset checks the new password, signs in, and works once', async () => {
    const contact = await newContact('reset@alpha.test')
    const forgot = await http.post('forgot-password', { email: contact.email })
    expect(forgot.status).toBe(303)
    expect(forgot.location).toBe('/portal/forgot-password?sent=reset%40alpha.test')
    const { token, url } = linkIn(await smtp.waitFor(contact.email), 'reset-password')
    expect(url.pathname).toBe(`/portal/reset-password/${encodeURIComponent(token)}`)
    // Payload sends the e-mail before it commits the token; a person is never this quick, a test is.
    await vi.waitFor(async () =>
      expect(((await payload.db.findOne({ collection: 'contacts', where: { id: { equals: contact.id } } })) as { resetPasswordToken?: string }).resetPasswordToken).toBe(token),
    )

    const short = await http.post('reset-password', { password: 'short', passwordAgain: 'short', token })
    expect(short.location).toBe(`/portal/reset-password/${encodeURIComponent(token)}?error=passwordShort`)
    expect(short.setCookies).toEqual([])
    const mismatch = await http.post('reset-password', { password: 'a-new-password-1', passwordAgain: 'a-new-password-2', token })
    expect(mismatch.location).toBe(`/portal/reset-password/${encodeURIComponent(token)}?error=passwordMismatch`)
    expect(mismatch.setCookies).toEqual([])
    // Neither spent the token, nor changed the password.
    expect((await http.post('login', { email: contact.email, password: contact.password })).session).toBeDefined()

    const reset = await http.post('reset-password', { password: 'a-new-password-1', passwordAgain: 'a-new-password-1', token })
    expect(reset.status).toBe(303)
    expect(reset.location).toBe('/portal')
    expect(reset.setCookies[0]).toMatch(SESSION_COOKIE_SHAPE)
    expect(await whoIs(reset.session)).toBe(contact.id)

    expect((await http.post('login', { email: contact.email, password: 'a-new-password-1' })).session).toBeDefined()
    expect((await http.post('login', { email: contact.email, password: contact.password })).location).toBe('/portal/login?error=invalid')

    const again = await http.post('reset-password', { password: 'another-password-1', passwordAgain: 'another-password-1', token })
    expect(again.location).toBe(`/portal/reset-password/${encodeURIComponent(token)}?error=invalid`)
    expect(again.setCookies).toEqual([])
    expect((await http.post('login', { email: contact.email, password: 'another-password-1' })).session).toBeUndefined()
  })

  it('answers an unknown address the same and sends nothing', async () => {
    const response = await http.post('forgot-password', { email: 'reset-unknown@alpha.test' })
    expect(response.status).toBe(303)
    expect(response.location).toBe('/portal/forgot-password?sent=reset-unknown%40alpha.test')
    await expectNoMailAfter('reset-unknown@alpha.test', await newContact('reset-sentinel@alpha.test'))
  })

  it('refuses a made-up token', async () => {
    const response = await http.post('reset-password', { password: 'a-new-password-1', passwordAgain: 'a-new-password-1', token: 'f'.repeat(40) })
    expect(response.location).toBe(`/portal/reset-password/${'f'.repeat(40)}?error=invalid`)
    expect(response.setCookies).toEqual([])
  })
})

describe('profile', () => {
  it('changes only the name and notification preferences', async () => {
    const contact = await newContact('profile@alpha.test')
    const before = await payload.findByID({ collection: 'contacts', depth: 0, id: contact.id })
    expect(before.notifications).toEqual({ invoiceIssued: true, paymentReceived: true, reminders: true })
    const { cookie } = await http.signIn(contact.email, contact.password)
    const response = await http.post(
      'profile',
      { client: String(clients.beta.id), email: 'taken-over@evil.test', externalId: 'x', invoiceIssued: 'on', name: '  New name  ', role: 'viewer' },
      { cookie },
    )
    expect(response.status).toBe(303)
    expect(response.location).toBe('/portal/profile?saved=details')
    const after = await payload.findByID({ collection: 'contacts', depth: 0, id: contact.id })
    expect(after).toMatchObject({
      client: clients.alpha.id,
      email: contact.email,
      name: 'New name',
      notifications: { invoiceIssued: true, paymentReceived: false, reminders: false },
      role: before.role,
    })
    expect(after.externalId ?? null).toBe(before.externalId ?? null)
  })

  it('refuses an empty name', async () => {
    const contact = await newContact('profile-empty@alpha.test')
    const { cookie } = await http.signIn(contact.email, contact.password)
    expect((await http.post('profile', { name: '   ' }, { cookie })).location).toBe('/portal/profile?error=name')
    expect((await payload.findByID({ collection: 'contacts', id: contact.id })).name).toBe(`${contact.email} name`)
  })

  it('changes the password only with the current one', async () => {
    const contact = await newContact('password@alpha.test')
    const { cookie } = await http.signIn(contact.email, contact.password)
    const change = (fields: Record<string, string>) => http.post('password', fields, { cookie })

    expect((await change({ currentPassword: 'not-it', password: 'changed-password-1', passwordAgain: 'changed-password-1' })).location).toBe(
      '/portal/profile?error=wrongPassword',
    )
    expect((await change({ currentPassword: contact.password, password: 'short', passwordAgain: 'short' })).location).toBe('/portal/profile?error=passwordShort')
    expect((await change({ currentPassword: contact.password, password: 'changed-password-1', passwordAgain: 'changed-password-2' })).location).toBe(
      '/portal/profile?error=passwordMismatch',
    )
    expect((await http.post('login', { email: contact.email, password: 'changed-password-1' })).session).toBeUndefined()

    const changed = await change({ currentPassword: contact.password, password: 'changed-password-1', passwordAgain: 'changed-password-1' })
    expect(changed.location).toBe('/portal/profile?saved=password')
    // Checking the current password opened no lasting session and was not audited as a sign-in.
    const stored = (await payload.db.findOne({ collection: 'contacts', where: { id: { equals: contact.id } } })) as { sessions?: unknown[] }
    expect(stored.sessions).toHaveLength(1)
    const logins = await payload.count({ collection: 'portal-events', where: { contact: { equals: contact.id }, type: { equals: 'login' } } })
    expect(logins.totalDocs).toBe(1)
    expect((await http.post('login', { email: contact.email, password: 'changed-password-1' })).session).toBeDefined()
    expect((await http.post('login', { email: contact.email, password: contact.password })).location).toBe('/portal/login?error=invalid')
  })

  it('without a session redirects to sign-in and back to the profile', async () => {
    const contact = await newContact('profile-anon@alpha.test')
    for (const action of ['profile', 'password']) {
      const response = await http.post(action, { currentPassword: contact.password, name: 'Anonymous', password: 'anonymous-pass-1', passwordAgain: 'anonymous-pass-1' })
      expect(response.status).toBe(303)
      const location = new URL(response.location!, 'http://localhost')
      expect(location.pathname).toBe('/portal/login')
      expect(location.searchParams.get('next')).toBe('/portal/profile')
    }
    // A forged or foreign cookie is no session either.
    const forged = await http.post('profile', { name: 'Forged' }, { cookie: 'invoice-portal-session=eyJhbGciOiJIUzI1NiJ9.e30.forged' })
    expect(forged.location).toBe('/portal/login?next=%2Fportal%2Fprofile')
    expect((await payload.findByID({ collection: 'contacts', id: contact.id })).name).toBe(`${contact.email} name`)
    expect((await http.post('login', { email: contact.email, password: contact.password })).session).toBeDefined()
  })

  it('a staff JWT in the portal cookie is no contact session', async () => {
    await payload.create({ collection: 'users', data: { email: 'staff@portal-auth.test', password: passwords.staff } })
    const { token } = await payload.login({ collection: 'users', data: { email: 'staff@portal-auth.test', password: passwords.staff } })
    const response = await http.post('profile', { name: 'Staff' }, { cookie: `invoice-portal-session=${token}` })
    expect(response.location).toBe('/portal/login?next=%2Fportal%2Fprofile')
  })
})

describe('document download', () => {
  const stamp = Date.now().toString(36)
  let documents: Record<'foreign' | 'hidden' | 'shared', { id: number | string }>
  let shared: ReturnType<typeof pdfUpload>

  beforeAll(async () => {
    const document = (title: string, client: keyof typeof clients, visibleToClient: boolean) => {
      const file = pdfUpload(`portal-auth-${stamp}-${title}`)
      return { doc: payload.create({ collection: 'documents', data: { client: clients[client].id, title, visibleToClient }, file }), file }
    }
    const sharedDocument = document('shared', 'alpha', true)
    shared = sharedDocument.file
    documents = {
      foreign: await document('foreign', 'beta', true).doc,
      hidden: await document('hidden', 'alpha', false).doc,
      shared: await sharedDocument.doc,
    }
  })

  it("serves a shared document of the contact's own client, and records the download", async () => {
    const contact = await newContact('documents@alpha.test')
    const { cookie } = await http.signIn(contact.email, contact.password)
    const response = await http.get(`documents/${documents.shared.id}`, { cookie })
    expect(response.status).toBe(200)
    expect(Buffer.from(response.bytes).equals(shared.data)).toBe(true)
    expect(response.headers.get('content-type')).toBe('application/pdf')
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="portal-auth-.+\.pdf"$/)
    expect(response.headers.get('cache-control')).toBe('private, no-store')
    const events = await eventsOf('document_downloaded', { contact: { equals: contact.id } })
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ client: clients.alpha.id, details: { document: documents.shared.id } })
  })

  it("answers 404 for a hidden document, another client's document and an unknown id, and records nothing", async () => {
    const contact = await newContact('documents-404@alpha.test')
    const { cookie } = await http.signIn(contact.email, contact.password)
    const answers = []
    for (const id of [documents.hidden.id, documents.foreign.id, 99_999_999, 'not-an-id']) {
      const response = await http.get(`documents/${id}`, { cookie })
      expect(response.status, String(id)).toBe(404)
      expect(response.body).not.toContain('%PDF')
      answers.push(response.body)
    }
    expect(new Set(answers).size).toBe(1)
    expect(await eventsOf('document_downloaded', { contact: { equals: contact.id } })).toHaveLength(0)
    // The other client's contact does get its own document.
    const beta = await newContact('documents@beta.test', 'beta')
    const betaSession = await http.signIn(beta.email, beta.password)
    expect((await http.get(`documents/${documents.foreign.id}`, { cookie: betaSession.cookie })).status).toBe(200)
    expect((await http.get(`documents/${documents.shared.id}`, { cookie: betaSession.cookie })).status).toBe(404)
  })

  it('without a session redirects to sign-in', async () => {
    const response = await http.get(`documents/${documents.shared.id}`)
    expect(response.status).toBe(303)
    expect(response.location).toBe('/portal/login')
    expect(response.bytes).toHaveLength(0)
  })
})
