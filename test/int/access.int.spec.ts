import type { Payload } from 'payload'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { passwords, pdfUpload, seedTwoClients } from '../helpers/fixtures.js'
import { httpClient } from '../helpers/http.js'
import { startTestApp, type TestApp } from '../helpers/payload.js'

/**
 * The access matrix of DESIGN.md §4: staff / contact of client A / contact of client B / anonymous,
 * × every plugin collection × read, create, update, delete — through the Local API with
 * overrideAccess: false, through REST with a JWT, and through GraphQL.
 */
let app: TestApp
let payload: Payload
let fx: Awaited<ReturnType<typeof seedTwoClients>>
let http: ReturnType<typeof httpClient>
type Actor = 'anonymous' | 'contactA' | 'contactB' | 'staff'
const users: Partial<Record<Actor, Record<string, unknown>>> = {}
const tokens: Partial<Record<Actor, string>> = {}

const collections = [
  'clients',
  'contacts',
  'invoices',
  'payments',
  'credit-notes',
  'documents',
  'portal-events',
  'webhook-events',
  'invoice-portal-sequences',
  'invoice-portal-tokens',
] as const
type Slug = (typeof collections)[number]

const graphqlNames: Record<Slug, string> = {
  clients: 'Clients',
  contacts: 'Contacts',
  'credit-notes': 'CreditNotes',
  documents: 'Documents',
  'invoice-portal-sequences': 'InvoicePortalSequences',
  'invoice-portal-tokens': 'InvoicePortalTokens',
  invoices: 'Invoices',
  'payment-events': '',
  payments: 'Payments',
  'portal-events': 'PortalEvents',
  'webhook-events': 'WebhookEvents',
} as Record<Slug, string>

type Tenant = typeof fx.a
/** What a contact of `t` may see: written out per collection, independently of the access module. */
const visibleToContactOf = (t: Tenant): Record<Slug, Array<number | string> | 'forbidden'> => ({
  clients: [t.client.id],
  contacts: [t.contact.id],
  'credit-notes': [t.creditNote.id],
  documents: [t.sharedDocument.id],
  'invoice-portal-sequences': 'forbidden',
  'invoice-portal-tokens': 'forbidden',
  invoices: [t.invoice.id],
  payments: [t.payment.id],
  'portal-events': t.events.map((event) => event.id),
  'webhook-events': 'forbidden',
})

const sorted = (ids: Array<number | string>) => [...ids].map(String).sort()
const statusOf = async (work: Promise<unknown>): Promise<'ok' | number> => {
  try {
    await work
    return 'ok'
  } catch (error) {
    return (error as { status?: number }).status ?? 500
  }
}

beforeAll(async () => {
  app = await startTestApp()
  payload = app.payload
  fx = await seedTwoClients(payload)
  http = httpClient(app.config)
  users.staff = { ...fx.staff, collection: 'users' }
  users.contactA = { ...fx.a.contact, collection: 'contacts' }
  users.contactB = { ...fx.b.contact, collection: 'contacts' }
  tokens.staff = await http.login('users', 'staff@host.test', passwords.staff)
  tokens.contactA = await http.login('contacts', 'alpha@client.test', passwords.contact)
  tokens.contactB = await http.login('contacts', 'beta@client.test', passwords.contact)
  // Signing in is audited too: take each client's events as they stand now.
  for (const tenant of [fx.a, fx.b]) {
    tenant.events = (await payload.find({ collection: 'portal-events', pagination: false, where: { client: { equals: tenant.client.id } } })).docs
  }
})
afterAll(async () => app?.stop())

const allIds = async (slug: Slug) =>
  sorted((await payload.find({ collection: slug, depth: 0, pagination: false })).docs.map((doc) => doc.id))

describe('read', () => {
  for (const slug of collections) {
    it(`${slug}: staff sees all, each contact only its own client's visible records, anonymous nothing`, async () => {
      const expectations: Array<[Actor, Array<number | string> | 'forbidden']> = [
        ['staff', await allIds(slug)],
        ['contactA', visibleToContactOf(fx.a)[slug]],
        ['contactB', visibleToContactOf(fx.b)[slug]],
        ['anonymous', 'forbidden'],
      ]
      for (const [actor, expected] of expectations) {
        const user = users[actor]
        // Local API
        const local = payload.find({ collection: slug, depth: 0, overrideAccess: false, pagination: false, user: user as never })
        if (expected === 'forbidden') {
          expect(await statusOf(local), `local ${actor}`).toBe(403)
        } else {
          expect(sorted((await local).docs.map((doc) => doc.id)), `local ${actor}`).toEqual(sorted(expected))
        }
        // REST
        const rest = await http.rest('GET', `/api/${slug}?limit=1000&depth=0`, { token: tokens[actor] })
        if (expected === 'forbidden') {
          expect(rest.status, `rest ${actor}`).toBe(403)
        } else {
          expect(rest.status, `rest ${actor}`).toBe(200)
          expect(sorted(rest.body.docs.map((doc: { id: number }) => doc.id)), `rest ${actor}`).toEqual(sorted(expected))
        }
        // GraphQL
        const gql = await http.graphql(`{ ${graphqlNames[slug]}(limit: 1000) { docs { id } } }`, tokens[actor])
        if (expected === 'forbidden') {
          expect(gql.body.errors?.[0]?.message, `graphql ${actor}`).toMatch(/not allowed/i)
        } else {
          expect(gql.body.errors, `graphql ${actor}`).toBeUndefined()
          const docs = gql.body.data?.[graphqlNames[slug]].docs as Array<{ id: number }>
          expect(sorted(docs.map((doc) => doc.id)), `graphql ${actor}`).toEqual(sorted(expected))
        }
      }
    })
  }

  it("a contact asking for another client's invoice by id gets the same 404 as for an id that does not exist", async () => {
    const other = await http.rest('GET', `/api/invoices/${fx.b.invoice.id}`, { token: tokens.contactA })
    const missing = await http.rest('GET', `/api/invoices/99999999`, { token: tokens.contactA })
    expect(other.status).toBe(404)
    expect(other.body).toEqual(missing.body)
    expect(other.text).not.toContain(String(fx.b.invoice.number))
    expect(await statusOf(payload.findByID({ collection: 'invoices', id: fx.b.invoice.id, overrideAccess: false, user: users.contactA as never }))).toBe(404)
    const gql = await http.graphql(`{ Invoice(id: ${fx.b.invoice.id}) { id number } }`, tokens.contactA)
    expect(gql.body.data?.Invoice ?? null).toBeNull()
    expect(JSON.stringify(gql.body)).not.toContain(String(fx.b.invoice.number))
  })

  it('a contact gets 404 for its own draft invoice and its hidden document', async () => {
    expect((await http.rest('GET', `/api/invoices/${fx.a.draftInvoice.id}`, { token: tokens.contactA })).status).toBe(404)
    expect((await http.rest('GET', `/api/documents/${fx.a.hiddenDocument.id}`, { token: tokens.contactA })).status).toBe(404)
    expect((await http.rest('GET', `/api/credit-notes/${fx.a.draftCreditNote.id}`, { token: tokens.contactA })).status).toBe(404)
  })

  it('internal fields are staff-only', async () => {
    const asContact = await http.rest('GET', `/api/clients/${fx.a.client.id}`, { token: tokens.contactA })
    expect(asContact.status).toBe(200)
    expect(asContact.body).not.toHaveProperty('externalId')
    const asStaff = await http.rest('GET', `/api/clients/${fx.a.client.id}`, { token: tokens.staff })
    expect(asStaff.body.externalId).toBe('ext-Alpha')
    const payment = await http.rest('GET', `/api/payments/${fx.a.payment.id}`, { token: tokens.contactA })
    expect(payment.status).toBe(200)
    expect(payment.body).not.toHaveProperty('providerRef')
    const events = await http.rest('GET', `/api/portal-events?limit=1`, { token: tokens.contactA })
    expect(events.body.docs[0]).not.toHaveProperty('ip')
    expect(events.body.docs[0]).not.toHaveProperty('actor')
  })
})

/** Valid data for a new record of each collection, so only access decides whether a create succeeds. */
const createData = (slug: Slug): Record<string, unknown> => {
  const client = fx.a.client.id
  switch (slug) {
    case 'clients':
      return { name: 'New client' }
    case 'contacts':
      return { client, email: `new-${Math.random().toString(36).slice(2)}@client.test`, name: 'New', password: 'new-password-1' }
    case 'credit-notes':
      return { amount: 100, invoice: fx.a.invoice.id }
    case 'documents':
      return { client, title: 'New document' }
    case 'invoice-portal-sequences':
      return { key: `k-${Math.random()}`, value: 1 }
    case 'invoice-portal-tokens':
      return { contact: fx.a.contact.id, expiresAt: new Date().toISOString(), purpose: 'magic_link', tokenHash: `h-${Math.random()}` }
    case 'invoices':
      return { client, lineItems: [{ description: 'x', quantity: '1', taxRate: '0', unitAmount: 100 }] }
    case 'payments':
      return { amount: 100, client, currency: 'EUR' }
    case 'portal-events':
      return { client, type: 'login' }
    case 'webhook-events':
      return { eventId: `evt-${Math.random()}`, provider: 'stripe' }
  }
}
const uploadFile = pdfUpload('upload')
/** Staff may create, update and delete everything but the append-only and system-written collections. */
const staffCannot: Record<'create' | 'delete' | 'update', Slug[]> = {
  create: ['portal-events', 'webhook-events', 'invoice-portal-sequences', 'invoice-portal-tokens'],
  delete: ['portal-events', 'webhook-events', 'invoice-portal-sequences', 'invoice-portal-tokens'],
  update: ['portal-events', 'invoice-portal-sequences', 'invoice-portal-tokens'],
}

describe('create', () => {
  for (const slug of collections) {
    it(`${slug}: only staff may create${staffCannot.create.includes(slug) ? ' (here: nobody)' : ''}`, async () => {
      const create = (actor: Actor) =>
        statusOf(
          payload.create({
            collection: slug,
            data: createData(slug),
            ...(slug === 'documents' ? { file: uploadFile } : {}),
            overrideAccess: false,
            user: users[actor] as never,
          }),
        )
      const before = (await payload.count({ collection: slug })).totalDocs
      for (const actor of ['contactA', 'contactB', 'anonymous'] as Actor[]) expect(await create(actor), actor).toBe(403)
      expect((await payload.count({ collection: slug })).totalDocs).toBe(before)
      expect(await create('staff')).toBe(staffCannot.create.includes(slug) ? 403 : 'ok')
      if (slug !== 'documents') {
        const rest = await http.rest('POST', `/api/${slug}`, { body: createData(slug), token: tokens.contactA })
        expect(rest.status, 'rest contactA').toBe(403)
      }
    })
  }
})

/** A record of client A to change, and a harmless change to it. */
const updateTarget = (slug: Slug): { data: Record<string, unknown>; id: number | string } => {
  switch (slug) {
    case 'clients':
      return { data: { name: 'Renamed' }, id: fx.a.client.id }
    case 'contacts':
      return { data: { name: 'Renamed' }, id: fx.a.contact.id }
    case 'credit-notes':
      return { data: { reason: 'Changed' }, id: fx.a.creditNote.id }
    case 'documents':
      return { data: { title: 'Renamed' }, id: fx.a.sharedDocument.id }
    case 'invoice-portal-sequences':
      return { data: { value: 999 }, id: 'first' }
    case 'invoice-portal-tokens':
      return { data: { usedAt: new Date().toISOString() }, id: fx.a.loginToken.id }
    case 'invoices':
      return { data: { notes: 'Changed' }, id: fx.a.invoice.id }
    case 'payments':
      return { data: { notes: 'Changed' }, id: fx.a.payment.id }
    case 'portal-events':
      return { data: { details: { forged: true } }, id: fx.a.events[0].id }
    case 'webhook-events':
      return { data: { attempts: 1 }, id: fx.a.webhookEvent.id }
  }
}

describe('update', () => {
  for (const slug of collections) {
    it(`${slug}: staff may update, a contact only its own profile, anonymous nothing`, async () => {
      const target = updateTarget(slug)
      const id = target.id === 'first' ? (await payload.find({ collection: slug, limit: 1 })).docs[0].id : target.id
      const update = (actor: Actor) =>
        statusOf(payload.update({ collection: slug, data: target.data, id, overrideAccess: false, user: users[actor] as never }))
      const expected: Record<Exclude<Actor, 'staff'>, 'ok' | number> = {
        anonymous: 403,
        contactA: slug === 'contacts' ? 'ok' : 403,
        contactB: 403,
      }
      const snapshot = JSON.stringify(await payload.findByID({ collection: slug, depth: 0, id }))
      for (const actor of ['contactB', 'anonymous'] as const) {
        expect(await update(actor), actor).toBe(expected[actor])
      }
      expect(JSON.stringify(await payload.findByID({ collection: slug, depth: 0, id })), 'unchanged').toBe(snapshot)
      expect(await update('contactA'), 'contactA').toBe(expected.contactA)
      expect(await update('staff'), 'staff').toBe(staffCannot.update.includes(slug) ? 403 : 'ok')
      const rest = await http.rest('PATCH', `/api/${slug}/${id}`, { body: target.data, token: tokens.contactB })
      expect(rest.status, 'rest contactB').toBe(expected.contactB === 'ok' ? 200 : expected.contactB)
    })
  }

  it('a contact changes its own name, preferences and password, but not its client, role or e-mail', async () => {
    const contact = fx.b.contact
    const result = await http.rest('PATCH', `/api/contacts/${contact.id}`, {
      body: { client: fx.a.client.id, email: 'hijack@evil.test', name: 'Beta Person', notifications: { reminders: false }, role: 'viewer', password: 'changed-password-1' },
      token: tokens.contactB,
    })
    expect(result.status).toBe(200)
    const stored = await payload.findByID({ collection: 'contacts', depth: 0, id: contact.id })
    expect(stored).toMatchObject({ client: fx.b.client.id, email: 'beta@client.test', name: 'Beta Person', notifications: { reminders: false }, role: 'billing' })
    await expect(http.login('contacts', 'beta@client.test', 'changed-password-1')).resolves.toBeTruthy()
  })
})

/** A fresh record per collection, so that a staff delete that succeeds takes nothing the other tests use. */
async function disposable(slug: Slug): Promise<number | string> {
  if (slug === 'portal-events') return fx.a.events[0].id
  if (slug === 'webhook-events') return fx.a.webhookEvent.id
  if (slug === 'invoice-portal-sequences') return (await payload.find({ collection: slug, limit: 1 })).docs[0].id
  if (slug === 'invoice-portal-tokens') return fx.a.loginToken.id
  const doc = await payload.create({ collection: slug, data: createData(slug), ...(slug === 'documents' ? { file: uploadFile } : {}) })
  return doc.id
}

describe('delete', () => {
  for (const slug of collections) {
    it(`${slug}: only staff may delete${staffCannot.delete.includes(slug) ? ' (here: nobody)' : ''}`, async () => {
      const id = await disposable(slug)
      const remove = (actor: Actor) => statusOf(payload.delete({ collection: slug, id, overrideAccess: false, user: users[actor] as never }))
      for (const actor of ['contactA', 'contactB', 'anonymous'] as Actor[]) expect(await remove(actor), actor).toBe(403)
      expect((await http.rest('DELETE', `/api/${slug}/${id}`, { token: tokens.contactA })).status).toBe(403)
      expect(await statusOf(payload.findByID({ collection: slug, id })), 'still there').toBe('ok')
      expect(await remove('staff')).toBe(staffCannot.delete.includes(slug) ? 403 : 'ok')
    })
  }
})

describe('the host and the jobs queue', () => {
  it("a contact cannot read the host's users, through any API", async () => {
    expect(await statusOf(payload.find({ collection: 'users', overrideAccess: false, user: users.contactA as never }))).toBe(403)
    expect((await http.rest('GET', '/api/users', { token: tokens.contactA })).status).toBe(403)
    expect((await http.rest('GET', `/api/users/${fx.staff.id}`, { token: tokens.contactA })).status).toBe(403)
    const gql = await http.graphql('{ Users { docs { id email } } }', tokens.contactA)
    expect(gql.body.errors?.[0]?.message).toMatch(/not allowed/i)
    expect(JSON.stringify(gql.body)).not.toContain('staff@host.test')
    expect((await http.rest('GET', '/api/users', { token: tokens.staff })).status).toBe(200)
  })

  it('a contact cannot run, queue or cancel jobs; staff can', async () => {
    const { jobs } = await app.config
    const asActor = (actor: Actor) => ({ req: { payload, user: users[actor] ?? null } }) as never
    for (const operation of ['run', 'queue', 'cancel'] as const) {
      const check = jobs.access?.[operation]
      expect(check, operation).toBeTypeOf('function')
      expect(await check!(asActor('contactA')), `${operation} contact`).toBe(false)
      expect(await check!(asActor('anonymous')), `${operation} anonymous`).toBe(false)
      expect(await check!(asActor('staff')), `${operation} staff`).toBe(true)
    }
    // With no task registered yet the jobs endpoints are not mounted; whatever mounts them, a contact gets no 200.
    for (const path of ['/api/payload-jobs/run', '/api/payload-jobs/handle-schedules', '/api/payload-jobs']) {
      expect((await http.rest('GET', path, { token: tokens.contactA })).status, path).not.toBe(200)
    }
  })

  it('a contact cannot enter the admin panel', async () => {
    const access = await http.rest('GET', '/api/access', { token: tokens.contactA })
    // Payload strips false permissions from this response: absent means no.
    expect(access.body.canAccessAdmin ?? false).toBe(false)
    const staffAccess = await http.rest('GET', '/api/access', { token: tokens.staff })
    expect(staffAccess.body.canAccessAdmin).toBe(true)
  })
})
