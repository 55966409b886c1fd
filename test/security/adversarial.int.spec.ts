import type { Payload } from 'payload'

import { formatNames } from 'payload'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { passwords, seedTwoClients } from '../helpers/fixtures.js'
import { httpClient } from '../helpers/http.js'
import { startTestApp, type TestApp } from '../helpers/payload.js'
import { portalClient } from '../helpers/portal.js'

/**
 * The adversarial suite (`npm run test:security`): a signed-in contact of client A goes after client
 * B's records in every collection, and after ids that do not exist (sequential ones next to B's,
 * guessed ones far away, malformed ones), through REST, GraphQL (single, list, nested relations,
 * mutations), the portal's download and form handlers. A probe leaks when it succeeds, changes
 * anything, or answers a record of B differently from a record that does not exist (which would
 * tell the record is there). The portal's pages are probed the same way in test/e2e/security.e2e.spec.ts.
 */
let app: TestApp
let payload: Payload
let fx: Awaited<ReturnType<typeof seedTwoClients>>
let http: ReturnType<typeof httpClient>
let portal: ReturnType<typeof portalClient>
let tokenA: string
let cookieA: string

type Probe = { body: string; status: number }
const leaks: string[] = []
let probes = 0
const byKind = new Map<string, number>()

/** What A may see, per collection, written out independently of the access module (the oracle). */
const visibleToA = (ownEvents: Array<number | string>) =>
  new Map<string, Set<string>>([
    ['clients', new Set([String(fx.a.client.id)])],
    ['contacts', new Set([String(fx.a.contact.id)])],
    ['credit-notes', new Set([String(fx.a.creditNote.id)])],
    ['documents', new Set([String(fx.a.sharedDocument.id)])],
    ['invoices', new Set([String(fx.a.invoice.id)])],
    ['payments', new Set([String(fx.a.payment.id)])],
    ['portal-events', new Set(ownEvents.map(String))],
  ])

/** An answer with the probed id taken out where an answer may name it, so that answers about two ids compare. */
const normalised = (probe: Probe, id: number | string) => ({
  body: [`"id":${id}`, `"${id}"`, `/${id}`].reduce((body, named) => body.split(named).join(named.replace(String(id), '<id>')), probe.body),
  status: probe.status,
})

/**
 * Runs one kind of probe against a record A may not see and against ids that do not exist: none may
 * succeed, and the record's answer must be the answer for ids of its shape that do not exist. A
 * malformed id ('not-an-id') must not succeed either, and may be refused differently.
 */
async function probe(label: string, target: number | string, absent: Array<number | string>, send: (id: number | string) => Promise<Probe>, succeeded: (answer: Probe) => boolean) {
  const answers = [{ answer: await send(target), id: target }]
  for (const id of absent) answers.push({ answer: await send(id), id })
  probes += answers.length
  const kind = label.replace(/\/api\/[^/?]+/, '/api/<collection>').replace(/^GraphQL (delete)?\w+/, 'GraphQL $1<Collection>')
  byKind.set(kind, (byKind.get(kind) ?? 0) + answers.length)
  for (const { answer, id } of answers) {
    if (succeeded(answer)) leaks.push(`${label} #${id}${id === target ? '' : ' (absent)'}: succeeded (${answer.status}) ${answer.body.slice(0, 200)}`)
    if (answer.status >= 500) leaks.push(`${label} #${id}: ${answer.status} ${answer.body.slice(0, 200)}`)
  }
  const sameShape = answers.filter(({ id }) => typeof id === typeof target)
  const expected = JSON.stringify(normalised(sameShape[1].answer, sameShape[1].id))
  for (const { answer, id } of sameShape) {
    if (JSON.stringify(normalised(answer, id)) !== expected) leaks.push(`${label}: #${id} answers unlike an absent id: ${JSON.stringify(normalised(answer, id)).slice(0, 200)} vs ${expected.slice(0, 200)}`)
  }
}

const restAnswer = async (method: string, path: string, body?: Record<string, unknown>): Promise<Probe> => {
  const answer = await http.rest(method, path, { body, token: tokenA })
  return { body: answer.text, status: answer.status }
}
const graphqlAnswer = async (query: string): Promise<Probe> => {
  const answer = await http.graphql(query, tokenA)
  return { body: JSON.stringify(answer.body), status: answer.status }
}
const portalAnswer = async (read: Promise<{ body: string; location: null | string; status: number }>): Promise<Probe> => {
  const answer = await read
  return { body: `${answer.location ?? ''} ${answer.body}`, status: answer.status }
}

beforeAll(async () => {
  app = await startTestApp()
  payload = app.payload
  fx = await seedTwoClients(payload)
  http = httpClient(app.config)
  portal = portalClient(app.config)
  tokenA = await http.login('contacts', 'alpha@client.test', passwords.contact)
  cookieA = (await portal.signIn('alpha@client.test', passwords.contact)).cookie!
}, 120_000)
afterAll(async () => {
  await app?.stop()
})

describe('a contact of client A against everything that is not its own', () => {
  it('REST, GraphQL and the portal: zero successes, and no answer tells a record of B from one that does not exist', async () => {
    const ownEvents = (await payload.find({ collection: 'portal-events', depth: 0, limit: 0, pagination: false, where: { client: { equals: fx.a.client.id } } })).docs.map((doc) => doc.id)
    const oracle = visibleToA(ownEvents)
    const schema = (await http.graphql('{ __schema { queryType { fields { name } } } }', tokenA)).body as { data?: { __schema: { queryType: { fields: Array<{ name: string }> } } } }
    const queryFields = new Set(schema.data?.__schema.queryType.fields.map((field) => field.name) ?? [])
    const snapshot = new Map<string, string>()
    const collections = payload.config.collections.map((collection) => collection.slug).filter((slug) => !slug.startsWith('payload-migrations'))
    for (const slug of collections) {
      const all = (await payload.find({ collection: slug, depth: 0, limit: 0, overrideAccess: true, pagination: false })).docs
      const mine = oracle.get(slug) ?? new Set<string>()
      const targets = all.filter((doc) => !mine.has(String(doc.id)))
      for (const doc of all) snapshot.set(`${slug}:${doc.id}`, JSON.stringify(doc))
      const numeric = all.map((doc) => Number(doc.id)).filter(Number.isFinite)
      const top = numeric.length ? Math.max(...numeric) : 0
      // Sequential (the next ids), guessed (far away) and malformed.
      const absent: Array<number | string> = [top + 1, top + 2, top + 1_000_003, 'not-an-id']
      // GraphQL's names for the collection, as Payload derives them (a collection may set its own).
      const names = payload.collections[slug].config.graphQL === false ? null : formatNames(slug)
      const graphql = names && queryFields.has(names.singular) && queryFields.has(names.plural) ? { paginatedType: { name: names.plural }, type: { name: names.singular } } : null
      if (names && !graphql) leaks.push(`GraphQL names of ${slug} not found (${names.singular}, ${names.plural}): the suite would skip it`)
      for (const doc of targets) {
        const id = doc.id
        await probe(`REST GET /api/${slug}/:id`, id, absent, (probeId) => restAnswer('GET', `/api/${slug}/${probeId}`), (answer) => answer.status < 300)
        await probe(`REST list /api/${slug}?where[id]`, id, absent, (probeId) => restAnswer('GET', `/api/${slug}?where[id][equals]=${probeId}&depth=2`), (answer) => answer.status < 300 && (JSON.parse(answer.body) as { totalDocs?: number }).totalDocs !== 0)
        await probe(`REST PATCH /api/${slug}/:id`, id, absent, (probeId) => restAnswer('PATCH', `/api/${slug}/${probeId}`, { name: 'pwned', notes: 'pwned', title: 'pwned' }), (answer) => answer.status < 300)
        await probe(`REST DELETE /api/${slug}/:id`, id, absent, (probeId) => restAnswer('DELETE', `/api/${slug}/${probeId}`), (answer) => answer.status < 300)
        if (graphql?.type && graphql.paginatedType) {
          const single = graphql.type.name
          const plural = graphql.paginatedType.name
          const quote = (probeId: number | string) => (typeof probeId === 'number' ? String(probeId) : JSON.stringify(probeId))
          await probe(`GraphQL ${single}(id)`, id, absent, (probeId) => graphqlAnswer(`{ ${single}(id: ${quote(probeId)}) { id } }`), (answer) => /"id":/.test(answer.body))
          await probe(`GraphQL ${plural}(where id)`, id, absent, (probeId) => graphqlAnswer(`{ ${plural}(where: { id: { equals: ${quote(probeId)} } }) { totalDocs docs { id } } }`), (answer) => /"id":/.test(answer.body))
          await probe(`GraphQL delete${single}`, id, absent, (probeId) => graphqlAnswer(`mutation { delete${single}(id: ${quote(probeId)}) { id } }`), (answer) => /"id":/.test(answer.body))
        }
      }
    }
    // Nested: A's own records, read as deep as GraphQL and REST go, reach nothing of B.
    const deep = await restAnswer('GET', `/api/invoices?depth=5&limit=100`)
    const deepGraphql = await graphqlAnswer(`{ Invoices(limit: 100) { docs { id client { id name } } } Payments(limit: 100) { docs { id allocations { invoice { id client { id } } } } } CreditNotes(limit: 100) { docs { id invoice { id client { id } } } } }`)
    probes += 2
    for (const answer of [deep, deepGraphql]) {
      for (const own of [fx.b.client.id, fx.b.invoice.id, fx.b.draftInvoice.id, fx.b.payment.id]) {
        if (new RegExp(`"id":"?${own}"?[,}]`).test(answer.body) && ![fx.a.client.id, fx.a.invoice.id, fx.a.payment.id, fx.a.draftInvoice.id].map(String).includes(String(own))) leaks.push(`nested read reached a record of B (#${own})`)
      }
    }

    // The portal's handlers: downloads, ZIP and pay with B's ids, against absent ones.
    const portalTargets: Array<[string, number | string]> = [
      ['invoices', fx.b.invoice.id],
      ['invoices', fx.b.draftInvoice.id],
      ['invoices', fx.a.draftInvoice.id],
      ['credit-notes', fx.b.creditNote.id],
      ['payments', fx.b.payment.id],
      ['documents', fx.b.sharedDocument.id],
      ['documents', fx.b.hiddenDocument.id],
      ['documents', fx.a.hiddenDocument.id],
    ]
    for (const [kind, id] of portalTargets) {
      const absent = [9_999_991, 9_999_992, 'x']
      const path = (probeId: number | string) => (kind === 'documents' ? `documents/${probeId}` : `${kind}/${probeId}/${kind === 'payments' ? 'receipt' : 'pdf'}`)
      await probe(`portal GET ${kind} download`, id, absent, (probeId) => portalAnswer(portal.get(path(probeId), { cookie: cookieA })), (answer) => answer.status < 300)
      if (kind === 'invoices') {
        await probe('portal POST zip', id, absent, (probeId) => portalAnswer(portal.post('zip', new URLSearchParams([['ids', String(probeId)]]), { cookie: cookieA })), (answer) => answer.status < 300)
        await probe('portal POST pay', id, absent, (probeId) => portalAnswer(portal.post('pay', { invoice: String(probeId) }, { cookie: cookieA })), (answer) => /checkout|stripe|mollie/i.test(answer.body))
      }
    }
    // The staff PDF endpoint refuses a contact outright, whatever the id.
    await probe('REST GET /api/invoice-portal/pdf/invoices/:id', fx.b.invoice.id, [9_999_991, 'x'], (probeId) => restAnswer('GET', `/api/invoice-portal/pdf/invoices/${probeId}`), (answer) => answer.status < 300)

    // Nothing anyone may not change was changed.
    for (const slug of collections) {
      for (const doc of (await payload.find({ collection: slug, depth: 0, limit: 0, overrideAccess: true, pagination: false })).docs) {
        const before = snapshot.get(`${slug}:${doc.id}`)
        // A's own sign-ins changed its contact (sessions, last login) and the counters; the queue runs on.
        const expectedToChange = (slug === 'contacts' && String(doc.id) === String(fx.a.contact.id)) || ['payload-jobs', 'payload-locked-documents', 'payload-preferences', 'invoice-portal-throttles'].includes(slug)
        if (before !== undefined && before !== JSON.stringify(doc) && !expectedToChange) leaks.push(`${slug} #${doc.id} changed`)
      }
    }
    for (const leak of leaks) console.log(`[security] LEAK ${leak}`)
    for (const [kind, count] of byKind) console.log(`[security]   ${String(count).padStart(4)} × ${kind}`)
    console.log(`[security] ${probes} probes by a contact of client A (REST, GraphQL, portal handlers), ${leaks.length} leaks`)
    expect(leaks).toEqual([])
    expect(probes).toBeGreaterThan(500)
  }, 300_000)
})
