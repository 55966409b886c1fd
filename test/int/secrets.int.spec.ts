import { getPayload, handleEndpoints, type Payload, type SanitizedConfig } from 'payload'

import { createHmac, randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createDevConfig } from '../../dev/config.js'
import { SIGNATURE_HEADER, signatureHeader } from '../../src/exports/erp.js'
import { rotateSecrets } from '../../src/index.js'
import { mollieProvider } from '../../src/payments/mollie.js'
import { stripeProvider } from '../../src/payments/stripe.js'
import { afterResponseSettled } from '../../src/portal/afterResponse.js'
import { parseSecretKey } from '../../src/security/secrets.js'
import { type FakeStripe, startFakeStripe } from '../fakes/stripe.js'
import { erpEvent, erpInvoice, postErp } from '../helpers/erp.js'
import { openInvoice, passwords } from '../helpers/fixtures.js'
import { httpClient } from '../helpers/http.js'
import { eventsOf, moneyOf, newestPayment, type PaymentsApp, postWebhook, startPaymentsApp } from '../helpers/payments.js'

const SLUG = 'invoice-portal-settings'
const keyA = randomBytes(32).toString('base64')
const keyB = randomBytes(32).toString('hex')
const idOf = (key: string) => parseSecretKey(key)!.id

let stripe: FakeStripe
let app: PaymentsApp
let payload: Payload
let http: ReturnType<typeof httpClient>
let staffToken: string
let database: pg.Client
let secrets: { erpWebhookSecret: string; mollieApiKey: string; stripeSecretKey: string; stripeWebhookSecret: string }
const instances: Payload[] = []

// Neither the code nor (yet) the settings give any key: each adapter reads the settings when it needs one.
const providers = () => [stripeProvider({ apiUrl: stripe.url }), mollieProvider({ apiUrl: 'https://127.0.0.1:9/v2/' })]

beforeAll(async () => {
  stripe = await startFakeStripe()
  // erp: {} drops the dev app's ERP secret, so the settings' one is used.
  app = await startPaymentsApp(providers(), { erp: {}, secrets: { keys: [keyA] } })
  payload = app.payload
  http = httpClient(app.config)
  await payload.create({ collection: 'users', data: { email: 'staff@host.test', password: passwords.staff } })
  staffToken = await http.login('users', 'staff@host.test', passwords.staff)
  database = new pg.Client({ connectionString: connectionString(payload) })
  await database.connect()
  secrets = {
    erpWebhookSecret: `erp-settings-${randomBytes(12).toString('hex')}`,
    mollieApiKey: `test_${randomBytes(20).toString('hex')}`,
    stripeSecretKey: stripe.secretKey,
    stripeWebhookSecret: stripe.webhookSecret,
  }
}, 60_000)
afterAll(async () => {
  for (const instance of instances) await instance.destroy()
  await database?.end()
  await app?.stop()
  await stripe?.close()
})

function connectionString(instance: Payload): string {
  return (instance.db as unknown as { poolOptions: { connectionString: string } }).poolOptions.connectionString
}

/** Saves the settings as the admin form does: multipart, the document as JSON in `_payload`. */
async function saveAsAdminForm(data: Record<string, unknown>) {
  const form = new FormData()
  form.append('_payload', JSON.stringify(data))
  const response = await handleEndpoints({
    config: app.config,
    request: new Request(`http://localhost/api/globals/${SLUG}?depth=0`, { body: form, headers: { Authorization: `JWT ${staffToken}` }, method: 'POST' }),
  })
  return { body: JSON.parse(await response.text()) as Record<string, any>, status: response.status }
}

/** The settings row as PostgreSQL holds it. */
async function storedRow() {
  const { rows } = await database.query(`select sealed_secrets, branding_name, row_to_json(s)::text as whole from invoice_portal_settings s`)
  return rows[0] as { branding_name: null | string; sealed_secrets: Record<string, string> | null; whole: string }
}

/** Every value of every table, as text: where a plaintext secret must never be. */
async function wholeDatabase(): Promise<string> {
  const { rows: tables } = await database.query(`select table_name from information_schema.tables where table_schema = 'public'`)
  const texts = await Promise.all(tables.map(async ({ table_name }) => (await database.query(`select coalesce(string_agg(t::text, ' '), '') as text from "${table_name}" t`)).rows[0].text as string))
  return texts.join('\n')
}

/** Neither a plaintext secret nor anything sealed (a whole database holds the sealed values, so it is checked for plaintexts alone). */
function expectNoSecretIn(text: string, { sealed = true } = {}) {
  for (const [name, value] of Object.entries(secrets)) expect(text.includes(value), `${name} in plaintext`).toBe(false)
  if (sealed) expect(text.match(/v1\.[0-9a-f]{12}\.[\w-]+/g), 'a sealed value').toBeNull()
}

function stripeSignature(body: string, secret: string) {
  const timestamp = Math.floor(Date.now() / 1000)
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/** Another app instance on the same database, with keys of its own. */
async function instance(name: string, plugin: Parameters<typeof createDevConfig>[0]['plugin']) {
  const config = createDevConfig({ databaseUri: connectionString(payload), plugin: { payments: providers(), ...plugin }, seed: false })
  const other = await getPayload({ config, key: name })
  ;(other.db as unknown as { pool: { on: (event: string, listener: () => void) => void } }).pool.on('error', () => {})
  instances.push(other)
  const post = async (path: string, body: string, headers: Record<string, string>) => {
    const response = await handleEndpoints({ config: config as Promise<SanitizedConfig>, payloadInstanceCacheKey: name, request: new Request(`http://localhost/api${path}`, { body, headers, method: 'POST' }) })
    const text = await response.text()
    await afterResponseSettled()
    return { body: (text ? JSON.parse(text) : {}) as Record<string, any>, status: response.status }
  }
  const erp = (secret: string) => {
    const body = JSON.stringify(erpEvent('client.upserted', { externalId: `C-${name}-${randomBytes(3).toString('hex')}`, name: 'Other BV', version: 1 }))
    return post('/invoice-portal/erp/webhook', body, { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: signatureHeader(secret, body) })
  }
  return { erp, payload: other }
}

describe('nothing configured anywhere', () => {
  it('Stripe, Mollie and ERP webhooks are refused 400 with the reason and audited; a checkout fails cleanly, not with a 500', async () => {
    const rejectedBefore = (await eventsOf(payload, 'webhook_rejected')).length
    const body = JSON.stringify({ data: { object: {} }, id: 'evt_unconfigured', object: 'event', type: 'checkout.session.completed' })
    const stripeAnswer = await postWebhook(app, 'stripe', { body, headers: { 'Content-Type': 'application/json', 'Stripe-Signature': stripeSignature(body, 'whsec_anything') } })
    expect(stripeAnswer.status).toBe(400)
    expect(stripeAnswer.body.error).toMatch(/no Stripe webhook signing secret is configured; enter one in the settings .* or set stripeProvider\(\{ webhookSecret \}\)/)
    const mollieAnswer = await postWebhook(app, 'mollie', { body: 'id=tr_abcdef', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })
    expect(mollieAnswer.status).toBe(400)
    expect(mollieAnswer.body.error).toMatch(/no Mollie API key is configured/)
    const erpAnswer = await postErp(app.config, erpEvent('invoice.upserted', erpInvoice('INV-UNCONFIGURED', 1)), { secret: 'any-secret-at-all-0000' })
    expect(erpAnswer.status).toBe(400)
    expect(erpAnswer.body.error).toMatch(/no ERP webhook secret is configured; .* or set erp\.webhookSecret/)
    const rejected = (await eventsOf(payload, 'webhook_rejected')).slice(rejectedBefore)
    expect(rejected.map((event) => (event.details as { provider: string }).provider).sort()).toEqual(['erp', 'mollie', 'stripe'])
    expect(await payload.count({ collection: 'webhook-events' })).toMatchObject({ totalDocs: 0 })

    const invoice = await openInvoice(payload, app.client.id)
    const pay = await app.portal.post('pay', { invoice: String(invoice.id), provider: 'stripe' }, { cookie: app.cookie })
    expect(pay.location).toContain('payError=provider')
    expect(await newestPayment(payload)).toMatchObject({ failureReason: expect.stringMatching(/no Stripe secret key is configured/), status: 'failed' })
    expect(stripe.requests.filter((request) => request.path === '/v1/checkout/sessions')).toHaveLength(0)
  })
})

describe('staff enter the secrets', () => {
  it('through the admin form (REST, multipart) and GraphQL: sealed in PostgreSQL, only the status comes back', async () => {
    const saved = await saveAsAdminForm({ mollieApiKey: secrets.mollieApiKey, stripeSecretKey: ` ${secrets.stripeSecretKey}\n`, stripeWebhookSecret: secrets.stripeWebhookSecret })
    expect(saved.status).toBe(200)
    const graphql = await http.graphql(
      `mutation { updateInvoicePortalSetting(data: { erpWebhookSecret: "${secrets.erpWebhookSecret}" }) { secretsStatus { erpWebhookSecret { keyId setAt } stripeSecretKey { keyId } } } }`,
      staffToken,
    )
    expect(graphql.body.errors).toBeUndefined()
    expect(graphql.body.data?.updateInvoicePortalSetting.secretsStatus).toMatchObject({ erpWebhookSecret: { keyId: idOf(keyA), setAt: expect.any(String) }, stripeSecretKey: { keyId: idOf(keyA) } })

    const row = await storedRow()
    expect(Object.keys(row.sealed_secrets ?? {}).sort()).toEqual(['erpWebhookSecret', 'mollieApiKey', 'stripeSecretKey', 'stripeWebhookSecret'])
    for (const sealed of Object.values(row.sealed_secrets!)) expect(sealed).toMatch(new RegExp(`^v1\\.${idOf(keyA)}\\.[\\w-]+\\.[\\w-]+\\.[\\w-]+$`))
    expectNoSecretIn(await wholeDatabase(), { sealed: false })
    // What the save answered: the status, none of the values.
    expectNoSecretIn(JSON.stringify(saved.body))
    expectNoSecretIn(JSON.stringify(graphql.body))
    expect(saved.body.result.secretsStatus.stripeSecretKey).toMatchObject({ keyId: idOf(keyA), setAt: expect.any(String) })
  })

  it('no API returns a secret or its sealed value: REST, GraphQL, the Local API with and without access, hidden fields shown; the global keeps no versions', async () => {
    const answers = [
      (await http.rest('GET', `/api/globals/${SLUG}?depth=0`, { token: staffToken })).text,
      (await http.rest('GET', `/api/globals/${SLUG}?select[sealedSecrets]=true&select[stripeSecretKey]=true`, { token: staffToken })).text,
      JSON.stringify((await http.graphql('{ InvoicePortalSetting { sealedSecrets stripeSecretKey stripeWebhookSecret mollieApiKey erpWebhookSecret removeSecrets } }', staffToken)).body),
      JSON.stringify(await payload.findGlobal({ slug: SLUG })),
      JSON.stringify(await payload.findGlobal({ overrideAccess: true, showHiddenFields: true, slug: SLUG })),
      JSON.stringify(await payload.findGlobal({ select: { sealedSecrets: true }, showHiddenFields: true, slug: SLUG })),
      JSON.stringify(await payload.findGlobal({ overrideAccess: false, slug: SLUG, user: await staffUser() })),
    ]
    for (const answer of answers) expectNoSecretIn(answer)
    const settings = await payload.findGlobal({ overrideAccess: true, showHiddenFields: true, slug: SLUG })
    expect(settings).not.toHaveProperty('sealedSecrets')
    expect(settings.secretsStatus).toMatchObject({ mollieApiKey: { keyId: idOf(keyA) }, stripeWebhookSecret: { keyId: idOf(keyA) } })
    // No versions, no drafts: no second copy of the stored fields anywhere.
    expect(payload.globals.config.find((global) => global.slug === SLUG)?.versions).toBeFalsy()
    const { rows } = await database.query(`select table_name from information_schema.tables where table_schema = 'public' and table_name like '%invoice_portal_settings%'`)
    expect(rows.map((table) => table.table_name).sort()).toEqual(['invoice_portal_settings', 'invoice_portal_settings_reminders_steps'])
  })

  it('an empty input keeps the stored value; values sent for the stored fields are ignored; a value is replaced and removed on request', async () => {
    const before = (await storedRow()).sealed_secrets!
    const kept = await http.rest('POST', `/api/globals/${SLUG}`, {
      body: { branding: { name: 'Kept BV' }, sealedSecrets: { stripeSecretKey: before.mollieApiKey }, secretsStatus: { stripeSecretKey: { keyId: 'forged' } }, stripeSecretKey: '' },
      token: staffToken,
    })
    expect(kept.status).toBe(200)
    await payload.updateGlobal({ data: { sealedSecrets: { stripeSecretKey: 'v1.000000000000.a.b.c' } } as never, slug: SLUG })
    const after = await storedRow()
    expect(after.branding_name).toBe('Kept BV')
    expect(after.sealed_secrets).toEqual(before)
    expect((await payload.findGlobal({ slug: SLUG })).secretsStatus.stripeSecretKey.keyId).toBe(idOf(keyA))

    // Entered again: sealed anew (a fresh IV), then removed, then entered once more for what follows.
    await http.rest('POST', `/api/globals/${SLUG}`, { body: { mollieApiKey: secrets.mollieApiKey }, token: staffToken })
    const replaced = (await storedRow()).sealed_secrets!
    expect(replaced.mollieApiKey).not.toBe(before.mollieApiKey)
    expect({ ...replaced, mollieApiKey: undefined }).toEqual({ ...before, mollieApiKey: undefined })
    const removed = await http.rest('POST', `/api/globals/${SLUG}`, { body: { removeSecrets: ['mollieApiKey'] }, token: staffToken })
    expect(removed.status).toBe(200)
    expect((await storedRow()).sealed_secrets).not.toHaveProperty('mollieApiKey')
    expect(removed.body.result.secretsStatus.mollieApiKey).toEqual({ keyId: null, setAt: null })
    await http.rest('POST', `/api/globals/${SLUG}`, { body: { mollieApiKey: secrets.mollieApiKey }, token: staffToken })
    expect(Object.keys((await storedRow()).sealed_secrets!)).toHaveLength(4)
  })

  it('malformed inputs are refused with 400 naming each field, and nothing is written', async () => {
    const before = await storedRow()
    const cases: Array<[Record<string, unknown>, RegExp[]]> = [
      [{ branding: { name: 'Never' }, mollieApiKey: 'test_short', stripeSecretKey: 'pk_test_publishable' }, [/Stripe secret key/, /Mollie API key/]],
      [{ stripeWebhookSecret: 'not-a-signing-secret' }, [/Stripe webhook signing secret/]],
      [{ erpWebhookSecret: 'too-short' }, [/ERP webhook secret/]],
      [{ removeSecrets: ['stripeSecretKey'], stripeSecretKey: 'sk_test_both_given_and_removed' }, [/Remove stored secrets/]],
    ]
    for (const [body, messages] of cases) {
      const response = await http.rest('POST', `/api/globals/${SLUG}`, { body, token: staffToken })
      expect(response.status, JSON.stringify(body)).toBe(400)
      for (const message of messages) expect(response.text).toMatch(message)
    }
    const graphql = await http.graphql('mutation { updateInvoicePortalSetting(data: { stripeSecretKey: "sk live with spaces" }) { updatedAt } }', staffToken)
    expect(graphql.body.errors?.[0].message).toMatch(/Stripe secret key/)
    expect(await storedRow()).toEqual(before)
  })
})

describe('the providers and the ERP use what staff stored', () => {
  it('a Stripe checkout through the fake API uses the key from the settings, and its webhooks signed with the settings secret pay the invoice', async () => {
    const invoice = await openInvoice(payload, app.client.id)
    const pay = await app.portal.post('pay', { invoice: String(invoice.id), provider: 'stripe' }, { cookie: app.cookie })
    expect(pay.status).toBe(303)
    const payment = await newestPayment(payload)
    const session = stripe.session(payment.providerRef as string)
    expect(pay.location).toBe(session.url)
    const created = stripe.requests.filter((request) => request.path === '/v1/checkout/sessions' && request.method === 'POST')
    expect(created.at(-1)!.headers.authorization).toBe(`Bearer ${secrets.stripeSecretKey}`)

    const events = stripe.pay(session.id, { method: 'card' })
    const forged = await postWebhook(app, 'stripe', stripe.signedDelivery(events[0], { secret: 'whsec_someone_else' }))
    expect(forged.status).toBe(400)
    expect(forged.body.error).toMatch(/does not match/)
    for (const event of events) expect((await postWebhook(app, 'stripe', stripe.signedDelivery(event))).status).toBe(200)
    expect(await moneyOf(payload, invoice.id)).toEqual({ amountDue: 0, amountPaid: 12100, status: 'paid' })
  })

  it('an ERP push signed with the settings secret is accepted, one signed otherwise refused; a replaced secret applies at once', async () => {
    const accepted = await postErp(app.config, erpEvent('invoice.upserted', erpInvoice('INV-SETTINGS-1', 1)), { secret: secrets.erpWebhookSecret })
    expect(accepted).toMatchObject({ body: { received: true }, status: 200 })
    const refused = await postErp(app.config, erpEvent('invoice.upserted', erpInvoice('INV-SETTINGS-2', 1)), { secret: 'erp-someone-else-0000' })
    expect(refused.status).toBe(400)
    expect(refused.body.error).toMatch(/does not match the body with any active secret/)

    const replacement = `erp-replaced-${randomBytes(12).toString('hex')}`
    expect((await http.rest('POST', `/api/globals/${SLUG}`, { body: { erpWebhookSecret: replacement }, token: staffToken })).status).toBe(200)
    expect((await postErp(app.config, erpEvent('invoice.upserted', erpInvoice('INV-SETTINGS-3', 1)), { secret: secrets.erpWebhookSecret })).status).toBe(400)
    expect((await postErp(app.config, erpEvent('invoice.upserted', erpInvoice('INV-SETTINGS-3', 1)), { secret: replacement })).status).toBe(200)
    secrets.erpWebhookSecret = replacement
    expect(await payload.count({ collection: 'invoices', where: { externalId: { like: 'INV-SETTINGS' } } })).toMatchObject({ totalDocs: 2 })
  })

  it('secrets given in the code win over the settings', async () => {
    const coded = await instance('secrets-coded', { erp: { webhookSecret: ['erp-in-the-code-0001', 'erp-in-the-code-0002'] }, secrets: { keys: [keyA] } })
    expect((await coded.erp(secrets.erpWebhookSecret)).status).toBe(400)
    expect((await coded.erp('erp-in-the-code-0002')).status).toBe(200)
  })
})

describe('rotation', () => {
  it('reseals every stored secret under the new first key; the new key alone then opens them, the old one alone cannot, and says so', async () => {
    const rotating = await instance('secrets-rotating', { erp: {}, secrets: { keys: [keyB, keyA] } })
    expect(await rotateSecrets(rotating.payload)).toEqual({ alreadyCurrent: 0, resealed: 4, unreadable: 0 })
    const sealed = (await storedRow()).sealed_secrets!
    for (const value of Object.values(sealed)) expect(value.split('.')[1]).toBe(idOf(keyB))
    expectNoSecretIn(await wholeDatabase(), { sealed: false })
    expect((await payload.findGlobal({ slug: SLUG })).secretsStatus.erpWebhookSecret.keyId).toBe(idOf(keyB))
    expect(await rotateSecrets(rotating.payload)).toEqual({ alreadyCurrent: 4, resealed: 0, unreadable: 0 })

    const newOnly = await instance('secrets-new-key', { erp: {}, secrets: { keys: [keyB] } })
    expect((await newOnly.erp(secrets.erpWebhookSecret)).status).toBe(200)

    const oldOnly = await instance('secrets-old-key', { erp: {}, secrets: { keys: [keyA] } })
    const refused = await oldOnly.erp(secrets.erpWebhookSecret)
    expect(refused.status).toBe(400)
    expect(refused.body.error).toMatch(new RegExp(`the settings' ERP webhook secret: sealed with key ${idOf(keyB)}, which is not among the configured keys`))
    expect((await eventsOf(payload, 'webhook_rejected')).at(-1)?.details).toMatchObject({ provider: 'erp', reason: expect.stringMatching(/cannot be opened/) })
    expect(await rotateSecrets(oldOnly.payload)).toEqual({ alreadyCurrent: 0, resealed: 0, unreadable: 4 })
    expect((await storedRow()).sealed_secrets).toEqual(sealed)

    // The first app still has only the old key: its checkout fails with the reason, nothing crashes.
    const invoice = await openInvoice(payload, app.client.id)
    const pay = await app.portal.post('pay', { invoice: String(invoice.id), provider: 'stripe' }, { cookie: app.cookie })
    expect(pay.location).toContain('payError=provider')
    expect((await newestPayment(payload)).failureReason).toMatch(/the settings' Stripe secret key: sealed with key .* not among the configured keys/)
  })
})

async function staffUser() {
  const { docs } = await payload.find({ collection: 'users', limit: 1, where: { email: { equals: 'staff@host.test' } } })
  return { ...docs[0], collection: 'users' }
}
