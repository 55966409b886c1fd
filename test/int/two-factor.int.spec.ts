import { getPayload, type Payload } from 'payload'
import { randomBytes } from 'node:crypto'

import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'

import type { Portal } from '../../src/portal/context.js'
import { createDevConfig } from '../../dev/config.js'
import { CHALLENGE_COOKIE } from '../../src/portal/challenge.js'
import { portalOf } from '../../src/portal/context.js'
import { rotateSecrets } from '../../src/security/rotation.js'
import { keyringFor, parseSecretKey, sealSecret, twoFactorLabel } from '../../src/security/secrets.js'
import { authenticate } from '../../src/portal/session.js'
import { totpCode, totpStep } from '../../src/security/totp.js'
import { pendingSecretOf, twoFactorState, verifySecondFactor } from '../../src/security/twoFactor.js'
import { passwords } from '../helpers/fixtures.js'
import { httpClient } from '../helpers/http.js'
import type { TestApp } from '../helpers/payload.js'
import { cookieValue, linkIn, type PortalResponse, type portalClient, startPortalTestApp } from '../helpers/portal.js'
import type { startSmtpSink } from '../helpers/smtp.js'

/**
 * Two-factor sign-in of contacts through the portal's real route handlers, REST and GraphQL: setting
 * the app up, the second step after a password, a magic link and a reset, recovery codes, replay,
 * throttling, clients that require it, staff resets, re-authentication, and that no API returns
 * what is stored for it.
 */
let app: TestApp
let payload: Payload
let portal: Portal
let smtp: Awaited<ReturnType<typeof startSmtpSink>>
let http: ReturnType<typeof portalClient>
let api: ReturnType<typeof httpClient>
let staffToken: string
let db: pg.Client
const clients: Record<'open' | 'strict', { id: number | string }> = {} as never

beforeAll(async () => {
  ;({ app, http, payload, portal, smtp } = await startPortalTestApp())
  api = httpClient(app.config)
  await payload.create({ collection: 'users', data: { email: 'staff@host.test', password: passwords.staff } })
  staffToken = await api.login('users', 'staff@host.test', passwords.staff)
  clients.open = await payload.create({ collection: 'clients', data: { currency: 'EUR', name: 'Open' } })
  clients.strict = await payload.create({ collection: 'clients', data: { currency: 'EUR', name: 'Strict', requireTwoFactor: true } })
  db = new pg.Client({ connectionString: (payload.db as unknown as { poolOptions: { connectionString: string } }).poolOptions.connectionString })
  await db.connect()
})
afterAll(async () => {
  await db?.end()
  await app?.stop()
  await smtp?.stop()
})
afterEach(() => {
  vi.useRealTimers()
  clockSteps = 0
})

async function newContact(email: string, client: keyof typeof clients = 'open') {
  const contact = await payload.create({ collection: 'contacts', data: { client: clients[client].id, email, name: email, password: passwords.contact } })
  return { email, id: contact.id }
}

const challengeOf = (response: PortalResponse) => response.setCookies.map((header) => cookieValue(header, CHALLENGE_COOKIE)).find((value) => value)
const challengeCookie = (response: PortalResponse) => `${CHALLENGE_COOKIE}=${encodeURIComponent(challengeOf(response)!)}`

const eventsOf = async (type: string, contact: number | string) =>
  (await payload.find({ collection: 'portal-events', depth: 0, pagination: false, sort: 'createdAt', where: { contact: { equals: contact }, type: { equals: type } } })).docs

const storedRow = async (id: number | string) =>
  (await db.query('select two_factor_enabled, two_factor_secret, two_factor_pending_secret, two_factor_recovery_codes, two_factor_last_step from contacts where id = $1', [id])).rows[0] as Record<string, any>

const sessionCount = async (id: number | string) =>
  (((await payload.db.findOne({ collection: 'contacts', where: { id: { equals: id } } })) as { sessions?: unknown[] }).sessions ?? []).length

/** The secret the set-up page shows (as a QR code and as text). */
async function shownSecret(id: number | string): Promise<string> {
  const secret = pendingSecretOf(portal, payload, (await twoFactorState(portal, portal, id))!)
  if (!secret) throw new Error('no set-up under way')
  return secret
}

/** A code of a step no earlier one of the test used: each moves the clock a step on from the real time. */
let clockSteps = 0
function codeNow(secret: string): string {
  clockSteps += 1
  vi.useFakeTimers({ now: performance.timeOrigin + performance.now() + clockSteps * 30_000, toFake: ['Date'] })
  return totpCode(secret, totpStep())
}

/** Sets up two-factor sign-in from a fresh session, as the profile page does; returns the secret and the recovery codes. */
async function enrol(contact: { email: string }) {
  const { cookie } = await http.signIn(contact.email, passwords.contact)
  const started = await http.post('two-factor-start', {}, { cookie })
  expect(started.location).toBe('/portal/two-factor')
  const id = (await authenticate(portal, cookieValue(`invoice-portal-session=${decodeURIComponent(cookie!.split('=')[1])}`)))!.id
  const secret = await shownSecret(id)
  const confirmed = await http.post('two-factor-confirm', { code: codeNow(secret) }, { cookie })
  expect(confirmed.status).toBe(200)
  const codes = [...confirmed.body.matchAll(/<code>([a-z2-9-]+)<\/code>/g)].map((match) => match[1])
  return { codes, secret }
}

describe('setting it up', () => {
  it('seals the new secret, turns on only with a right code, and shows ten recovery codes once', async () => {
    const contact = await newContact('setup@open.test')
    const { cookie } = await http.signIn(contact.email, passwords.contact)
    await http.post('two-factor-start', {}, { cookie })
    const secret = await shownSecret(contact.id)
    const pending = await storedRow(contact.id)
    expect(pending.two_factor_pending_secret).toMatch(/^v1\./)
    expect(pending.two_factor_pending_secret).not.toContain(secret)
    expect(pending.two_factor_enabled).toBe(false)

    const wrong = await http.post('two-factor-confirm', { code: '000000' }, { cookie })
    expect(wrong.location).toBe('/portal/two-factor?error=code')
    expect((await storedRow(contact.id)).two_factor_enabled).toBe(false)

    const confirmed = await http.post('two-factor-confirm', { code: codeNow(secret) }, { cookie })
    expect(confirmed.status).toBe(200)
    expect(confirmed.headers.get('cache-control')).toBe('no-store')
    const codes = [...confirmed.body.matchAll(/<code>([a-z2-9-]+)<\/code>/g)].map((match) => match[1])
    expect(codes).toHaveLength(10)
    const stored = await storedRow(contact.id)
    expect(stored.two_factor_enabled).toBe(true)
    expect(stored.two_factor_secret).toMatch(/^v1\./)
    expect(stored.two_factor_pending_secret).toBeNull()
    expect(stored.two_factor_recovery_codes).toHaveLength(10)
    expect(JSON.stringify(stored)).not.toContain(codes[0])
    expect(await eventsOf('two_factor_enabled', contact.id)).toHaveLength(1)
  })
})

describe('signing in with two factors', () => {
  it('asks for the code after the password, with no session until it is right', async () => {
    const contact = await newContact('second@open.test')
    const { secret } = await enrol(contact)
    const sessionsBefore = await sessionCount(contact.id)
    const loginsBefore = (await eventsOf('login', contact.id)).length

    const first = await http.post('login', { email: contact.email, next: '/portal/invoices', password: passwords.contact })
    expect(first.location).toBe('/portal/verify')
    expect(first.session).toBeUndefined()
    expect(challengeOf(first)).toBeTruthy()
    expect(first.setCookies.find((header) => header.startsWith(CHALLENGE_COOKIE))).toMatch(/; Path=\/portal; Max-Age=600; HttpOnly; SameSite=Lax$/)
    expect(await sessionCount(contact.id)).toBe(sessionsBefore)
    expect(await eventsOf('login', contact.id)).toHaveLength(loginsBefore)

    const wrong = await http.post('two-factor', { code: '123456' }, { cookie: challengeCookie(first) })
    expect(wrong.location).toBe('/portal/verify?error=code')
    expect(wrong.session).toBeUndefined()
    expect(await eventsOf('two_factor_failed', contact.id)).toHaveLength(1)

    const code = codeNow(secret)
    const right = await http.post('two-factor', { code }, { cookie: challengeCookie(first) })
    expect(right.location).toBe('/portal/invoices')
    expect(await authenticate(portal, right.session)).toMatchObject({ id: contact.id })
    expect(right.setCookies.some((header) => header.startsWith(`${CHALLENGE_COOKIE}=;`) && header.includes('Max-Age=0'))).toBe(true)
    const logins = await eventsOf('login', contact.id)
    expect(logins).toHaveLength(loginsBefore + 1)
    expect(logins.at(-1)!.details).toEqual({ twoFactor: 'totp' })

    // The same code once more, after a new password step: refused (no replay).
    const again = await http.post('login', { email: contact.email, password: passwords.contact })
    const replay = await http.post('two-factor', { code }, { cookie: challengeCookie(again) })
    expect(replay.location).toBe('/portal/verify?error=code')
    expect(replay.session).toBeUndefined()
  })

  it('refuses a missing, altered or expired challenge', async () => {
    const contact = await newContact('challenge@open.test')
    const { secret } = await enrol(contact)
    expect((await http.post('two-factor', { code: codeNow(secret) })).location).toBe('/portal/verify?error=expired')
    const first = await http.post('login', { email: contact.email, password: passwords.contact })
    const [body, mac] = challengeOf(first)!.split('.')
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), contactId: 1 })).toString('base64url')
    const altered = await http.post('two-factor', { code: codeNow(secret) }, { cookie: `${CHALLENGE_COOKIE}=${forged}.${mac}` })
    expect(altered.location).toBe('/portal/verify?error=expired')
    vi.useFakeTimers({ now: Date.now() + 11 * 60_000, toFake: ['Date'] })
    const late = await http.post('two-factor', { code: totpCode(secret, totpStep()) }, { cookie: challengeCookie(first) })
    expect(late.location).toBe('/portal/verify?error=expired')
    expect(late.session).toBeUndefined()
  })

  it('takes each recovery code once instead of the app', async () => {
    const contact = await newContact('recovery@open.test')
    const { codes } = await enrol(contact)
    const first = await http.post('login', { email: contact.email, password: passwords.contact })
    const used = await http.post('two-factor', { code: codes[3].toUpperCase() }, { cookie: challengeCookie(first) })
    expect(used.session).toBeTruthy()
    expect((await eventsOf('two_factor_recovery_used', contact.id))).toHaveLength(1)
    expect(((await storedRow(contact.id)).two_factor_recovery_codes as string[])).toHaveLength(9)
    const second = await http.post('login', { email: contact.email, password: passwords.contact })
    const reused = await http.post('two-factor', { code: codes[3] }, { cookie: challengeCookie(second) })
    expect(reused.session).toBeUndefined()
  })

  it('accepts one code once when it is sent twice at the same moment', async () => {
    const contact = await newContact('race@open.test')
    const { secret } = await enrol(contact)
    const [a, b] = await Promise.all([1, 2].map(() => http.post('login', { email: contact.email, password: passwords.contact })))
    const code = codeNow(secret)
    const answers = await Promise.all([a, b].map((first) => http.post('two-factor', { code }, { cookie: challengeCookie(first) })))
    expect(answers.filter((answer) => answer.session)).toHaveLength(1)
  })

  it('asks for the code after a magic link and after a password reset as well', async () => {
    const contact = await newContact('links@open.test')
    await enrol(contact)
    await http.post('magic-link', { email: contact.email })
    const { token } = linkIn(await smtp.waitFor(contact.email), 'magic')
    const magic = await http.post('magic', { token })
    expect(magic.location).toBe('/portal/verify')
    expect(magic.session).toBeUndefined()
    expect(challengeOf(magic)).toBeTruthy()

    await http.post('forgot-password', { email: contact.email })
    const mail = await smtp.waitFor(contact.email)
    const reset = await http.post('reset-password', { password: 'a-new-password-42', passwordAgain: 'a-new-password-42', token: linkIn(mail, 'reset-password').token })
    expect(reset.location).toBe('/portal/verify')
    expect(reset.session).toBeUndefined()
    // Payload ends every session at a reset; the portal opens none before the second step.
    expect(await sessionCount(contact.id)).toBe(0)
    // The password did change.
    expect((await http.post('login', { email: contact.email, password: 'a-new-password-42' })).location).toBe('/portal/verify')
  })

  it('counts codes like sign-ins: past the limit 429 with Retry-After, even for the right code', async () => {
    const contact = await newContact('guess@open.test')
    const { secret } = await enrol(contact)
    const first = await http.post('login', { email: contact.email, password: passwords.contact })
    const answers: number[] = []
    for (let attempt = 0; attempt < 12; attempt++) answers.push((await http.post('two-factor', { code: String(100000 + attempt) }, { cookie: challengeCookie(first) })).status)
    expect(answers.filter((status) => status === 429).length).toBeGreaterThan(0)
    const right = await http.post('two-factor', { code: codeNow(secret) }, { cookie: challengeCookie(first) })
    expect(right.status).toBe(429)
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(right.session).toBeUndefined()
  })
})

describe('REST and GraphQL', () => {
  it('sign in with twoFactorCode next to the password, and not without it', async () => {
    const contact = await newContact('rest@open.test')
    const { codes, secret } = await enrol(contact)
    const bare = await api.rest('POST', '/api/contacts/login', { body: { email: contact.email, password: passwords.contact } })
    expect(bare.status).toBe(401)
    expect(bare.text).toMatch(/twoFactorCode/)
    expect(bare.body.token).toBeUndefined()
    const wrong = await api.rest('POST', '/api/contacts/login', { body: { email: contact.email, password: passwords.contact, twoFactorCode: '000000' } })
    expect(wrong.status).toBe(401)
    expect(await eventsOf('two_factor_failed', contact.id)).not.toHaveLength(0)
    const right = await api.rest('POST', '/api/contacts/login', { body: { email: contact.email, password: passwords.contact, twoFactorCode: codeNow(secret) } })
    expect(right.status).toBe(200)
    expect(await authenticate(portal, right.body.token)).toMatchObject({ id: contact.id })
    const recovery = await api.rest('POST', '/api/contacts/login', { body: { email: contact.email, password: passwords.contact, twoFactorCode: codes[0] } })
    expect(recovery.status).toBe(200)
    const graphql = await api.graphql(`mutation { loginContact(email: "${contact.email}", password: "${passwords.contact}") { token } }`)
    expect(graphql.body.data?.loginContact?.token ?? null).toBeNull()
    expect(graphql.body.errors?.[0].message).toMatch(/two factors/)
  })

  it('reset a password only with twoFactorCode as well, since a reset signs in', async () => {
    const contact = await newContact('rest-reset@open.test')
    const { secret } = await enrol(contact)
    const resetWith = async (password: string, twoFactorCode?: string) => {
      await api.rest('POST', '/api/contacts/forgot-password', { body: { email: contact.email } })
      const { token } = linkIn(await smtp.waitFor(contact.email), 'reset-password')
      return api.rest('POST', '/api/contacts/reset-password', { body: { password, token, ...(twoFactorCode ? { twoFactorCode } : {}) } })
    }
    const bare = await resetWith('rest-new-password-1')
    expect(bare.status).toBe(401)
    expect(bare.body.token).toBeUndefined()
    // Refused as a whole: the old password still works, the new one does not.
    expect((await http.post('login', { email: contact.email, password: 'rest-new-password-1' })).location).toBe('/portal/login?error=invalid')
    expect((await http.post('login', { email: contact.email, password: passwords.contact })).location).toBe('/portal/verify')
    await new Promise((resolve) => setTimeout(resolve, 15_500)) // Payload sends one reset e-mail per contact per 15 s.
    const right = await resetWith('rest-new-password-2', codeNow(secret))
    expect(right.status).toBe(200)
    expect(await authenticate(portal, right.body.token)).toMatchObject({ id: contact.id })
  }, 40_000)

  it('never return the secret, the set-up secret, the recovery codes or the last step', async () => {
    const contact = await newContact('hidden@open.test')
    const { secret } = await enrol(contact)
    // A set-up under way as well, so the pending secret is stored too.
    const pendingSecret = sealSecret(keyringFor(portal, payload), 'PENDINGSECRETPENDINGSECRET', twoFactorLabel(contact.id))
    await payload.db.updateOne({ collection: 'contacts', data: { twoFactor: { ...(await twoFactorState(portal, portal, contact.id))!.contact.twoFactor, pendingSecret } }, id: contact.id })
    const row = await storedRow(contact.id)
    const token = await (async () => (await api.rest('POST', '/api/contacts/login', { body: { email: contact.email, password: passwords.contact, twoFactorCode: codeNow(secret) } })).body.token as string)()
    const answers = [
      (await api.rest('GET', `/api/contacts/${contact.id}`, { token: staffToken })).text,
      (await api.rest('GET', `/api/contacts/${contact.id}`, { token })).text,
      (await api.rest('GET', '/api/contacts/me', { token })).text,
      (await api.rest('GET', `/api/contacts?where[id][equals]=${contact.id}`, { token: staffToken })).text,
      JSON.stringify((await api.graphql(`{ Contact(id: ${contact.id}) { email twoFactor { enabled enabledAt } } }`, staffToken)).body),
      JSON.stringify(await payload.findByID({ collection: 'contacts', id: contact.id })),
    ]
    for (const answer of answers) {
      expect(answer).toContain(contact.email)
      for (const hidden of [row.two_factor_secret, row.two_factor_pending_secret, secret, 'PENDINGSECRET', ...(row.two_factor_recovery_codes as string[])]) expect(answer).not.toContain(hidden)
      expect(answer).not.toMatch(/"(secret|pendingSecret|recoveryCodes|lastStep)"/)
    }
    expect(JSON.parse(answers[0]).twoFactor).toMatchObject({ enabled: true })
  })

  it('refuse to write what is stored for it, for contacts and staff alike', async () => {
    const contact = await newContact('write@open.test')
    const { secret } = await enrol(contact)
    const token = (await api.rest('POST', '/api/contacts/login', { body: { email: contact.email, password: passwords.contact, twoFactorCode: codeNow(secret) } })).body.token as string
    const before = await storedRow(contact.id)
    const forged = { twoFactor: { enabled: true, enabledAt: '2020-01-01T00:00:00.000Z', lastStep: 0, pendingSecret: 'v1.forged', recoveryCodes: ['x'], secret: 'v1.forged' } }
    for (const who of [token, staffToken]) await api.rest('PATCH', `/api/contacts/${contact.id}`, { body: forged, token: who })
    expect(await storedRow(contact.id)).toEqual(before)
    const fresh = await newContact('write-fresh@open.test')
    await api.rest('PATCH', `/api/contacts/${fresh.id}`, { body: { twoFactor: { secret: 'v1.forged' } }, token: staffToken })
    expect(await storedRow(fresh.id)).toMatchObject({ two_factor_enabled: false, two_factor_secret: null })
  })
})

describe('clients that require it', () => {
  it('send a contact without it to set it up before anything else, and refuse REST until then', async () => {
    const contact = await newContact('strict@strict.test', 'strict')
    const rest = await api.rest('POST', '/api/contacts/login', { body: { email: contact.email, password: passwords.contact } })
    expect(rest.status).toBe(403)
    expect(rest.text).toMatch(/set it up/)
    const first = await http.post('login', { email: contact.email, password: passwords.contact })
    expect(first.location).toBe('/portal/verify')
    expect(first.session).toBeUndefined()
    const secret = await shownSecret(contact.id)
    const done = await http.post('two-factor', { code: codeNow(secret) }, { cookie: challengeCookie(first) })
    expect(done.status).toBe(200)
    expect(done.session).toBeTruthy()
    expect([...done.body.matchAll(/<code>/g)]).toHaveLength(10)
    expect((await eventsOf('two_factor_enabled', contact.id))).toHaveLength(1)
    expect((await eventsOf('login', contact.id)).at(-1)!.details).toEqual({ twoFactor: 'enrolled' })
    // It cannot be turned off while the client requires it.
    const off = await http.post('two-factor-off', { code: codeNow(secret) }, { cookie: done.cookie })
    expect(off.location).toBe('/portal/two-factor?error=required')
    expect((await storedRow(contact.id)).two_factor_enabled).toBe(true)
  })

  it('end the sessions of contacts without it when staff switch it on, and keep those of contacts with it', async () => {
    const client = await payload.create({ collection: 'clients', data: { currency: 'EUR', name: 'Tightening' } })
    const plain = await payload.create({ collection: 'contacts', data: { client: client.id, email: 'plain@tightening.test', name: 'P', password: passwords.contact } })
    const secured = await payload.create({ collection: 'contacts', data: { client: client.id, email: 'secured@tightening.test', name: 'S', password: passwords.contact } })
    const plainSession = (await http.signIn(plain.email as string, passwords.contact)).session
    const { secret } = await enrol({ email: secured.email as string })
    const first = await http.post('login', { email: secured.email as string, password: passwords.contact })
    const securedSession = (await http.post('two-factor', { code: codeNow(secret) }, { cookie: challengeCookie(first) })).session
    expect(await authenticate(portal, plainSession)).not.toBeNull()
    const switched = await api.rest('PATCH', `/api/clients/${client.id}`, { body: { requireTwoFactor: true }, token: staffToken })
    expect(switched.status).toBe(200)
    expect(await authenticate(portal, plainSession)).toBeNull()
    expect(await authenticate(portal, securedSession)).toMatchObject({ id: secured.id })
  })
})

describe('the contact’s own settings', () => {
  it('turns off and makes new recovery codes only with a right code, and audits both', async () => {
    const contact = await newContact('settings@open.test')
    const { codes, secret } = await enrol(contact)
    const first = await http.post('login', { email: contact.email, password: passwords.contact })
    const { cookie } = await http.post('two-factor', { code: codeNow(secret) }, { cookie: challengeCookie(first) })
    const renewedWrong = await http.post('two-factor-codes', { code: '000000' }, { cookie })
    expect(renewedWrong.location).toBe('/portal/two-factor?error=code')
    const renewed = await http.post('two-factor-codes', { code: codeNow(secret) }, { cookie })
    const fresh = [...renewed.body.matchAll(/<code>([a-z2-9-]+)<\/code>/g)].map((match) => match[1])
    expect(fresh).toHaveLength(10)
    expect(fresh).not.toContain(codes[0])
    expect(await eventsOf('two_factor_recovery_codes_replaced', contact.id)).toHaveLength(1)
    // The old codes are gone.
    const old = await http.post('two-factor-off', { code: codes[1] }, { cookie })
    expect(old.location).toBe('/portal/two-factor?error=code')
    const off = await http.post('two-factor-off', { code: fresh[0] }, { cookie })
    expect(off.location).toBe('/portal/two-factor?saved=off')
    expect(await storedRow(contact.id)).toMatchObject({ two_factor_enabled: false, two_factor_secret: null })
    expect(await eventsOf('two_factor_disabled', contact.id)).toHaveLength(1)
    expect((await http.post('login', { email: contact.email, password: passwords.contact })).session).toBeTruthy()
  })

  it('asks for a fresh sign-in first when the session is older than reauthAfterMinutes', async () => {
    const contact = await newContact('stale@open.test')
    const { cookie } = await http.signIn(contact.email, passwords.contact)
    vi.useFakeTimers({ now: Date.now() + 31 * 60_000, toFake: ['Date'] })
    const start = await http.post('two-factor-start', {}, { cookie })
    expect(start.location).toBe('/portal/login?next=%2Fportal%2Ftwo-factor&reauth=1')
    expect((await storedRow(contact.id)).two_factor_pending_secret).toBeNull()
    const pay = await http.post('pay', { invoice: '1' }, { cookie })
    expect(pay.location).toBe('/portal/login?next=%2Fportal%2Finvoices%2F1&reauth=1')
    // Profile details are not sensitive.
    expect((await http.post('profile', { name: 'Still me' }, { cookie })).location).toBe('/portal/profile?saved=details')
  })
})

describe('key rotation', () => {
  it('reseals contacts’ two-factor secrets under the new first key, and sign-in goes on with them', async () => {
    const contact = await newContact('rotate@open.test')
    const { secret } = await enrol(contact)
    const before = await storedRow(contact.id)
    const key = randomBytes(32).toString('base64')
    const databaseUri = (payload.db as unknown as { poolOptions: { connectionString: string } }).poolOptions.connectionString
    const rotated = await getPayload({ config: createDevConfig({ databaseUri, plugin: { secrets: { keys: [key] } }, seed: false }), key: 'two-factor-rotation' })
    try {
      const counts = await rotateSecrets(rotated)
      expect(counts.resealed).toBeGreaterThanOrEqual(1)
      expect(counts.unreadable).toBe(0)
      const after = await storedRow(contact.id)
      expect(after.two_factor_secret.split('.')[1]).toBe(parseSecretKey(key)!.id)
      expect(after.two_factor_secret).not.toBe(before.two_factor_secret)
      expect(after.two_factor_recovery_codes).toEqual(before.two_factor_recovery_codes)
      expect((await rotateSecrets(rotated)).resealed).toBe(0)
      const rotatedPortal = portalOf(rotated)
      expect(await verifySecondFactor(rotatedPortal, rotated, contact.id, codeNow(secret))).toMatchObject({ method: 'totp' })
      // The app without the new key cannot open it, and says which key it would need.
      await expect(verifySecondFactor(portal, payload, contact.id, codeNow(secret))).rejects.toThrow(/not among the configured keys/)
    } finally {
      ;(rotated.db as unknown as { pool?: { on: (event: string, listener: () => void) => void } }).pool?.on('error', () => {})
      await rotated.destroy()
    }
  })
})

describe('staff', () => {
  it('reset a contact’s two-factor sign-in by switching it off, and cannot switch it on', async () => {
    const contact = await newContact('lost-phone@open.test')
    await enrol(contact)
    const on = await api.rest('PATCH', `/api/contacts/${contact.id}`, { body: { twoFactor: { enabled: true } }, token: staffToken })
    expect(on.status).toBe(200)
    const reset = await api.rest('PATCH', `/api/contacts/${contact.id}`, { body: { twoFactor: { enabled: false } }, token: staffToken })
    expect(reset.status).toBe(200)
    expect(await storedRow(contact.id)).toMatchObject({ two_factor_enabled: false, two_factor_pending_secret: null, two_factor_secret: null })
    expect(await eventsOf('two_factor_reset', contact.id)).toHaveLength(1)
    const again = await api.rest('PATCH', `/api/contacts/${contact.id}`, { body: { twoFactor: { enabled: true } }, token: staffToken })
    expect(again.status).toBe(400)
    expect(again.text).toMatch(/sets it up in the portal/)
    expect((await storedRow(contact.id)).two_factor_enabled).toBe(false)
    expect((await http.post('login', { email: contact.email, password: passwords.contact })).session).toBeTruthy()
  })
})
