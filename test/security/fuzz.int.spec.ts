import type { Payload } from 'payload'

import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { mollieProvider } from '../../src/payments/mollie.js'
import { stripeProvider } from '../../src/payments/stripe.js'
import { type FakeMollie, startFakeMollie } from '../fakes/mollie.js'
import { type FakeStripe, startFakeStripe } from '../fakes/stripe.js'
import { ERP_SECRET, postErp } from '../helpers/erp.js'
import { openInvoice } from '../helpers/fixtures.js'
import { type PaymentsApp, postWebhook, startPaymentsApp } from '../helpers/payments.js'

/**
 * Fuzzing (fast-check) of every webhook and portal form with thousands of malformed inputs: none may
 * answer 5xx, and none may write anything of the business (clients, contacts, invoices, payments,
 * credit notes, documents, and the money on invoices) unless it was a valid request that did.
 */
let stripe: FakeStripe
let mollie: FakeMollie
let app: PaymentsApp
let payload: Payload
let inputs = 0
const failures: string[] = []

beforeAll(async () => {
  stripe = await startFakeStripe()
  mollie = await startFakeMollie()
  app = await startPaymentsApp(
    [stripeProvider({ apiUrl: stripe.url, secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret }), mollieProvider({ apiKey: mollie.apiKey, apiUrl: mollie.apiEndpoint })],
    { erp: { webhookSecret: ERP_SECRET } },
  )
  payload = app.payload
  await openInvoice(payload, app.client.id)
}, 120_000)
afterAll(async () => {
  await app?.stop()
  await stripe?.close()
  await mollie?.close()
})

/** The business state: what no malformed input may change. */
async function businessState() {
  const counts = await Promise.all(['clients', 'contacts', 'invoices', 'payments', 'credit-notes', 'documents'].map(async (collection) => [collection, (await payload.count({ collection })).totalDocs] as const))
  const invoices = (await payload.find({ collection: 'invoices', depth: 0, limit: 0, pagination: false, select: { amountDue: true, amountPaid: true, status: true } })).docs
  return JSON.stringify({ counts, invoices: invoices.map((invoice) => [invoice.id, invoice.amountPaid, invoice.amountDue, invoice.status]) })
}

/** Runs `send` on each input: no 5xx, and the business state as before unless `wrote` says the answer made a legitimate write. */
async function fuzz<T>(name: string, arbitrary: fc.Arbitrary<T>, runs: number, send: (input: T) => Promise<{ location?: null | string; status: number }>, wrote: (answer: { location?: null | string; status: number }) => boolean = () => false) {
  await fc.assert(
    fc.asyncProperty(arbitrary, async (input) => {
      const before = await businessState()
      const answer = await send(input)
      inputs += 1
      if (answer.status >= 500) failures.push(`${name}: ${answer.status} for ${JSON.stringify(input).slice(0, 300)}`)
      if (!wrote(answer) && (await businessState()) !== before) failures.push(`${name}: a partial or unexpected write for ${JSON.stringify(input).slice(0, 300)}`)
      return true
    }),
    { numRuns: runs, seed: 20261122 },
  )
}

const text = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', ' ', '0', '-1', '1e309', 'NaN', '{}', '[]', 'null', '\u0000', '../../etc/passwd', '<script>', "' OR 1=1 --", '💸'.repeat(50), 'a'.repeat(5000)))
/** A header value a client can send at all (the Headers API refuses control characters). */
const headerText = text.map((value) => value.replace(/[^\x20-\x7e]/g, '?'))
const jsonish = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.object({ maxDepth: 2 }), text)

describe('fuzzing every webhook and portal form', () => {
  it('the ERP webhook: signed garbage, signed events of every type with garbage data, and bad signatures', async () => {
    const types = ['client.upserted', 'contact.upserted', 'invoice.upserted', 'invoice.voided', 'credit_note.upserted', 'payment.recorded', 'nope']
    const envelope = fc.record({ data: jsonish, id: fc.oneof(text, fc.integer()), occurredAt: fc.oneof(text, fc.date({ noInvalidDate: true }).map((date) => date.toISOString())), type: fc.oneof(fc.constantFrom(...types), text) }, { requiredKeys: [] })
    await fuzz('ERP signed envelope', envelope, 500, async (event) => postErp(app.config, event))
    await fuzz('ERP signed body', fc.oneof(text, fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1'))), 300, async (body) => postErp(app.config, null, { body }))
    await fuzz('ERP bad signature', fc.record({ body: text, signature: headerText }), 200, async ({ body, signature }) => postErp(app.config, null, { body, headers: { 'Content-Type': 'application/json', 'X-Invoice-Portal-Signature': signature } }))
  }, 600_000)

  it('the Stripe webhook: correctly signed events with garbage objects, and garbage deliveries', async () => {
    const types = ['checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed', 'checkout.session.expired', 'charge.refunded', 'charge.dispute.created', 'payment_intent.succeeded', 'unknown.event']
    const event = fc.record({ data: fc.record({ object: fc.oneof(fc.object({ maxDepth: 2 }), fc.record({ id: text, metadata: fc.record({ invoice_portal_payment: fc.oneof(text, fc.integer().map(String)) }), object: fc.constantFrom('checkout.session', 'charge', 'dispute'), payment_intent: text })) }), id: text, object: fc.constant('event'), type: fc.constantFrom(...types) })
    await fuzz('Stripe signed event', event, 400, async (input) => postWebhook(app, 'stripe', stripe.signedDelivery(input as never)))
    await fuzz('Stripe unsigned', fc.record({ body: text, signature: headerText }), 200, async ({ body, signature }) => postWebhook(app, 'stripe', { body, headers: { 'content-type': 'application/json', 'stripe-signature': signature } }))
  }, 600_000)

  it('the Mollie webhook: ids of nothing, and malformed bodies', async () => {
    await fuzz('Mollie id', text, 300, async (id) => postWebhook(app, 'mollie', { body: new URLSearchParams({ id }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } }))
    await fuzz('Mollie body', fc.record({ body: text, type: fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain') }), 200, async ({ body, type }) => postWebhook(app, 'mollie', { body, headers: { 'content-type': type } }))
  }, 600_000)

  it('every portal form, signed in and not: arbitrary fields and values', async () => {
    const fields = ['email', 'password', 'passwordAgain', 'currentPassword', 'next', 'token', 'invoice', 'ids', 'amount', 'provider', 'name', 'notifications', 'q', 'status', 'page', 'sort', 'from', 'to', 'code']
    const form = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...fields), text), fc.oneof(text, fc.integer().map(String))), { maxLength: 8 })
    const actions = ['login', 'magic-link', 'magic', 'forgot-password', 'reset-password', 'two-factor', 'pay', 'zip', 'profile', 'password', 'two-factor-start', 'two-factor-confirm', 'two-factor-codes', 'two-factor-off', 'nothing-here']
    for (const action of actions) {
      for (const signedIn of [true, false]) {
        await fuzz(`portal ${action}${signedIn ? ' (signed in)' : ''}`, form, 60, async (pairs) => {
          const answer = await app.portal.post(action, new URLSearchParams(pairs), signedIn ? { cookie: app.cookie } : {})
          return { location: answer.location, status: answer.status }
        }, (answer) => action === 'pay' && answer.status === 303 && Boolean(answer.location?.startsWith(stripe.url) || answer.location?.includes('mollie')))
      }
    }
    // The contact is still who it was: fields it may not change were not changed by any form.
    expect(await payload.findByID({ collection: 'contacts', depth: 0, id: app.contact.id })).toMatchObject({ client: app.client.id, email: 'billing@payer.test', role: 'billing', twoFactor: { enabled: false } })
  }, 600_000)

  it('sums up', () => {
    console.log(`[fuzz] ${inputs} malformed inputs to 3 webhooks and 15 portal forms: ${failures.filter((failure) => / 5\d\d /.test(failure) || /: 5\d\d for/.test(failure)).length} answered 5xx, ${failures.filter((failure) => failure.includes('partial')).length} wrote something`)
    for (const failure of failures.slice(0, 30)) console.log(`[fuzz] ${failure}`)
    expect(failures).toEqual([])
    expect(inputs).toBeGreaterThan(3500)
  })
})
