import type { Payload } from 'payload'

import { getPayload, handleEndpoints } from 'payload'
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createDevConfig } from '../../dev/config.js'
import type { Portal } from '../../src/portal/context.js'
import { authenticate } from '../../src/portal/session.js'
import { countRequest } from '../../src/security/throttle.js'
import { passwords } from '../helpers/fixtures.js'
import type { TestApp } from '../helpers/payload.js'
import { type portalClient, startPortalTestApp } from '../helpers/portal.js'
import type { startSmtpSink } from '../helpers/smtp.js'

let app: TestApp
let payload: Payload
let portal: Portal
let smtp: Awaited<ReturnType<typeof startSmtpSink>>
let http: ReturnType<typeof portalClient>
let clientId: number | string

beforeAll(async () => {
  ;({ app, http, payload, portal, smtp } = await startPortalTestApp())
  clientId = (await payload.create({ collection: 'clients', data: { currency: 'EUR', name: 'Throttled BV' } })).id
})
afterAll(async () => {
  await app?.stop()
  await smtp?.stop()
})

const newContact = (email: string) => payload.create({ collection: 'contacts', data: { client: clientId, email, name: email, password: passwords.contact } })
const from = (ip: string) => ({ headers: { 'x-forwarded-for': `${ip}, 10.0.0.1` } })

/** Payload's REST endpoint, called as an API client on another address would. */
async function rest(path: string, body: Record<string, unknown>, ip: string) {
  const response = await handleEndpoints({
    config: app.config,
    request: new Request(`http://localhost/api/contacts/${path}`, { body: JSON.stringify(body), headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, method: 'POST' }),
  })
  return { body: (await response.json()) as { errors?: Array<{ message: string }>; token?: string }, retryAfter: response.headers.get('retry-after'), status: response.status }
}

const failedLogins = async (email: string) =>
  (await payload.find({ collection: 'portal-events', depth: 0, limit: 0, pagination: false, where: { and: [{ type: { equals: 'login_failed' } }, { 'details.email': { equals: email } }] } })).docs as unknown as Array<{ details: { reason: string } }>

describe('sign-in throttling', () => {
  it('1,000 wrong passwords for one contact from ten addresses, at once: at most 10 are checked, the right password never gets in meanwhile, every attempt is audited', async () => {
    const email = 'victim@throttled.test'
    const contact = await newContact(email)
    const attempts = Array.from({ length: 1000 }, (_, index) => ({ ip: `198.51.100.${index % 10}`, password: `guess-${index}`, via: index % 2 === 0 ? 'portal' : 'rest' }))
    const answers: Array<{ retryAfter: null | string; session: boolean; status: number }> = []
    // In waves of 50 at a time: the count must hold for attempts that arrive together.
    for (let start = 0; start < attempts.length; start += 50) {
      answers.push(
        ...(await Promise.all(
          attempts.slice(start, start + 50).map(async (attempt) => {
            if (attempt.via === 'portal') {
              const answer = await http.post('login', { email, password: attempt.password }, from(attempt.ip))
              return { retryAfter: answer.headers.get('retry-after'), session: Boolean(answer.session), status: answer.status }
            }
            const answer = await rest('login', { email, password: attempt.password }, attempt.ip)
            return { retryAfter: answer.retryAfter, session: Boolean(answer.body.token), status: answer.status }
          }),
        )),
      )
      if (start === 500) {
        // The right password, in the middle of the attack, from an address that has not been used.
        const right = await http.post('login', { email, password: passwords.contact }, from('203.0.113.77'))
        expect(right.status).toBe(429)
        expect(right.session).toBeUndefined()
        const rightRest = await rest('login', { email, password: passwords.contact }, '203.0.113.78')
        expect(rightRest.status).toBe(429)
        expect(rightRest.body.token).toBeUndefined()
      }
    }
    const throttled = answers.filter((answer) => answer.status === 429)
    console.log(`[throttle] 1,000 attempts: ${answers.length - throttled.length} checked, ${throttled.length} refused with 429`)
    expect(answers.some((answer) => answer.session)).toBe(false)
    expect(answers.length - throttled.length).toBeLessThanOrEqual(10)
    expect(throttled.length).toBeGreaterThanOrEqual(990)
    for (const answer of throttled) expect(Number(answer.retryAfter)).toBeGreaterThan(800)
    for (const answer of throttled) expect(Number(answer.retryAfter)).toBeLessThanOrEqual(900)
    // A trail: one login_failed per attempt, the refused ones marked throttled.
    const trail = await failedLogins(email)
    expect(trail).toHaveLength(1002)
    expect(trail.filter((event) => event.details.reason === 'throttled')).toHaveLength(throttled.length + 2)
    expect(await authenticate(portal, undefined)).toBeNull()
    expect(((await payload.db.findOne({ collection: 'contacts', where: { id: { equals: contact.id } } })) as { sessions?: unknown[] }).sessions ?? []).toEqual([])
  })

  it('the portal answers a refused sign-in with a 429 page that says when to try again, in the browser’s language', async () => {
    const email = 'impatient@throttled.test'
    await newContact(email)
    for (let index = 0; index < 10; index += 1) expect((await http.post('login', { email, password: 'wrong-password' })).status).toBe(303)
    const refused = await http.post('login', { email, password: 'wrong-password' }, { headers: { 'accept-language': 'nl-NL,nl;q=0.9' } })
    expect(refused.status).toBe(429)
    expect(refused.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(refused.body).toContain('<html lang="nl">')
    expect(refused.body).toMatch(/Probeer het over 15 minuten opnieuw/)
    expect(refused.body).toContain('href="/portal/login"')
  })

  it('one address trying many e-mail addresses is refused past its own limit; another address is not', async () => {
    const answers: number[] = []
    for (let index = 0; index < 55; index += 1) answers.push((await rest('login', { email: `spray-${index}@throttled.test`, password: 'Password-123' }, '192.0.2.200')).status)
    expect(answers.slice(0, 50).every((status) => status === 401)).toBe(true)
    expect(answers.slice(50)).toEqual([429, 429, 429, 429, 429])
    expect((await rest('login', { email: 'spray-0@throttled.test', password: 'Password-123' }, '192.0.2.201')).status).toBe(401)
  })

  it('successful sign-ins use up nothing: a contact may sign in again and again', async () => {
    const email = 'regular@throttled.test'
    await newContact(email)
    for (let index = 0; index < 25; index += 1) {
      const answer = await rest('login', { email, password: passwords.contact }, '192.0.2.10')
      expect(answer.status).toBe(200)
    }
    expect((await http.post('login', { email, password: passwords.contact }, from('192.0.2.10'))).session).toBeDefined()
  })

  it('staff sign-ins are throttled too, through REST, and audited with their collection', async () => {
    const statuses: number[] = []
    for (let index = 0; index < 11; index += 1) {
      const response = await handleEndpoints({
        config: app.config,
        request: new Request('http://localhost/api/users/login', { body: JSON.stringify({ email: 'nobody@staff.test', password: 'wrong-password' }), headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.77' }, method: 'POST' }),
      })
      statuses.push(response.status)
      if (index === 10) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(800)
    }
    expect(statuses).toEqual([...Array(10).fill(401), 429])
    const trail = await failedLogins('nobody@staff.test')
    const details = trail.map((event) => event.details as { collection?: string; reason: string })
    expect(details.every((entry) => entry.collection === 'users')).toBe(true)
    expect(details.map((entry) => entry.reason).sort()).toEqual([...Array(10).fill('invalid'), 'throttled'])
  })

  it('a window that has ended counts from zero again', async () => {
    // An address of nobody: a contact would be locked by Payload after five wrong passwords anyway.
    const email = 'later@throttled.test'
    const statuses: number[] = []
    for (let index = 0; index < 11; index += 1) statuses.push((await rest('login', { email, password: 'wrong-password' }, '192.0.2.30')).status)
    expect(statuses).toEqual([...Array(10).fill(401), 429])
    const table = (payload.db as unknown as { tableNameMap: Map<string, string> }).tableNameMap.get('invoice_portal_throttles')
    await (payload.db as unknown as { drizzle: { execute: (query: string) => Promise<unknown> } }).drizzle.execute(`update "${table}" set window_ends_at = now() - interval '1 second'`)
    // Checked again (and wrong again), not refused.
    expect((await rest('login', { email, password: 'wrong-password' }, '192.0.2.30')).status).toBe(401)
  })

  it('a second app instance on the same database counts with the first', async () => {
    const other = await getPayload({ config: createDevConfig({ databaseUri: (payload.db as unknown as { poolOptions: { connectionString: string } }).poolOptions.connectionString, seed: false }), key: 'throttle-second-instance' })
    // Its pool stays open after destroy (Payload leaves it), until the database is dropped after this file, as the app's own does (helpers/payload.ts).
    ;(other.db as unknown as { pool: { on: (event: string, listener: () => void) => void } }).pool.on('error', () => {})
    try {
      expect(other).not.toBe(payload)
      const verdicts: boolean[] = []
      for (let index = 0; index < 11; index += 1) verdicts.push((await countRequest(portal, { payload: index % 2 === 0 ? payload : other }, 'login', { email: 'shared@throttled.test' })).allowed)
      expect(verdicts).toEqual([...Array(10).fill(true), false])
      // Keys are hashes: the table names no address.
      const table = (payload.db as unknown as { tableNameMap: Map<string, string> }).tableNameMap.get('invoice_portal_throttles')
      const rows = (await (payload.db as unknown as { drizzle: { execute: (query: string) => Promise<{ rows: Array<{ hits: number; key: string }> }> } }).drizzle.execute(`select key, hits::integer as hits from "${table}"`)).rows
      expect(rows.every((row) => /^[0-9a-f]{64}$/.test(row.key))).toBe(true)
      const shared = createHash('sha256').update('login\u0000email\u0000shared@throttled.test').digest('hex')
      expect(rows.find((row) => row.key === shared)?.hits).toBe(11)
    } finally {
      await other.destroy()
    }
  })
})

describe('e-mail sending requests', () => {
  it('magic links: the eleventh request in an hour for one address is refused with 429, for a known and an unknown address alike, and sends nothing', async () => {
    const email = 'magic@throttled.test'
    await newContact(email)
    const known: number[] = []
    const unknown: number[] = []
    for (let index = 0; index < 11; index += 1) {
      known.push((await http.post('magic-link', { email })).status)
      unknown.push((await http.post('magic-link', { email: 'ghost@throttled.test' })).status)
    }
    expect(known).toEqual([...Array(10).fill(303), 429])
    expect(unknown).toEqual(known)
    const refused = await http.post('magic-link', { email })
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3500)
    // Of the ten let through, the contact's own limit sent five links; the refused ones sent none.
    const sent = () => smtp.messages.filter((message) => message.to.includes(email)).length
    for (let waited = 0; sent() < 5 && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50))
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(sent()).toBe(5)
  })

  it('one address asking for links for many e-mail addresses is refused past its own limit', async () => {
    const statuses: number[] = []
    for (let index = 0; index < 32; index += 1) statuses.push((await http.post('magic-link', { email: `list-${index}@throttled.test` }, from('192.0.2.90'))).status)
    expect(statuses.slice(0, 30).every((status) => status === 303)).toBe(true)
    expect(statuses.slice(30)).toEqual([429, 429])
    expect((await http.post('magic-link', { email: 'list-0@throttled.test' }, from('192.0.2.91'))).status).toBe(303)
  })

  it('password resets: the portal form and REST share one count per address', async () => {
    const email = 'reset@throttled.test'
    await newContact(email)
    const statuses: number[] = []
    for (let index = 0; index < 5; index += 1) {
      statuses.push((await http.post('forgot-password', { email })).status)
      statuses.push((await rest('forgot-password', { email }, `192.0.2.${50 + index}`)).status)
    }
    expect(statuses).toEqual([303, 200, 303, 200, 303, 200, 303, 200, 303, 200])
    const refused = await rest('forgot-password', { email }, '192.0.2.52')
    expect(refused.status).toBe(429)
    expect(Number(refused.retryAfter)).toBeGreaterThan(3500)
    expect(refused.body.errors?.[0].message).toMatch(/Too many attempts/)
    expect((await http.post('forgot-password', { email })).status).toBe(429)
    // The portal sends after answering. Payload itself sends one reset e-mail per account per 15 s, whatever was let through.
    const sent = () => smtp.messages.filter((message) => message.to.includes(email)).length
    for (let waited = 0; sent() < 1 && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50))
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(sent()).toBe(1)
  })
})
