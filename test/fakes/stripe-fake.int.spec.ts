/**
 * The fake Stripe (./stripe.ts) against the real `stripe` SDK: if the SDK accepts its answers, its errors and its
 * signatures, the plugin's Stripe code tested against the fake meets what it will meet in production.
 */
import { readFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

import Stripe from 'stripe'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { type FakeStripe, startFakeStripe } from './stripe.js'

const fixtures = JSON.parse(readFileSync(new URL('./stripe-fixtures.json', import.meta.url), 'utf8')).resources

/** A webhook endpoint that verifies each delivery as the plugin would, with the SDK. */
async function startReceiver(secret: () => string) {
  const received: Array<{ event: Stripe.Event; headers: http.IncomingHttpHeaders }> = []
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    try {
      const event = new Stripe('sk_unused').webhooks.constructEvent(Buffer.concat(chunks), String(req.headers['stripe-signature']), secret())
      received.push({ event, headers: req.headers })
      res.writeHead(200).end('{"received":true}')
    } catch (error) {
      res.writeHead(400).end((error as Error).message)
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/stripe/webhook`
  return { received, url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

let fake: FakeStripe
let stripe: Stripe
let receiver: Awaited<ReturnType<typeof startReceiver>>

const clientFor = (key: string) => new Stripe(key, { host: fake.host, port: fake.port, protocol: 'http', telemetry: false, maxNetworkRetries: 0 })
// stripe@23's types dropped payment_method_types for allowed_payment_method_types; the plugin sends the former all the same.
type CreateParams = Stripe.Checkout.SessionCreateParams & { payment_method_types?: string[] }
const createSession = (overrides: CreateParams = {}, options?: Stripe.RequestOptions) => {
  const params: CreateParams = {
    mode: 'payment',
    line_items: [
      { price_data: { currency: 'EUR', unit_amount: 1250, product_data: { name: 'Invoice INV-0001' } }, quantity: 2 },
      { price_data: { currency: 'eur', unit_amount: 99, product_data: { name: 'Fee' } }, quantity: 1 },
    ],
    payment_method_types: ['card', 'ideal', 'bancontact', 'sepa_debit'],
    success_url: 'https://portal.example/pay/done?session={CHECKOUT_SESSION_ID}',
    cancel_url: 'https://portal.example/pay/cancel',
    customer_email: 'client@example.com',
    client_reference_id: 'invoice-42',
    metadata: { invoiceId: '42', tenant: 'acme' },
    payment_intent_data: { metadata: { invoiceId: '42' } },
    locale: 'nl',
    ...overrides,
  }
  return stripe.checkout.sessions.create(params, options)
}
const types = (events: Stripe.Event[]) => events.map((event) => event.type)
const objectOf = (event: Stripe.Event) => event.data.object as any

beforeAll(async () => {
  receiver = await startReceiver(() => fake.webhookSecret)
  fake = await startFakeStripe({ webhookUrl: receiver.url })
  stripe = clientFor(fake.secretKey)
})
afterAll(async () => {
  await fake?.close()
  await receiver?.close()
})
beforeEach(() => {
  receiver.received.length = 0
})

describe('API', () => {
  it('creates a Checkout Session from the parameters the plugin sends, in the fixture shape', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 3600
    const session = await createSession({ expires_at: expiresAt })
    expect(session).toMatchObject({
      object: 'checkout.session',
      status: 'open',
      payment_status: 'unpaid',
      mode: 'payment',
      amount_total: 2599,
      amount_subtotal: 2599,
      currency: 'eur',
      metadata: { invoiceId: '42', tenant: 'acme' },
      client_reference_id: 'invoice-42',
      customer_email: 'client@example.com',
      customer_details: null,
      payment_intent: null,
      payment_method_types: ['card', 'ideal', 'bancontact', 'sepa_debit'],
      success_url: 'https://portal.example/pay/done?session={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://portal.example/pay/cancel',
      locale: 'nl',
      livemode: false,
      expires_at: expiresAt,
      url: `${fake.url}/checkout/${session.id}`,
    })
    expect(session.id).toMatch(/^cs_test_[A-Za-z0-9]{58}$/)
    expect(Object.keys(session).sort()).toEqual(expect.arrayContaining(Object.keys(fixtures['checkout.session']).sort()))
    expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ id: session.id, amount_total: 2599 })

    const recorded = fake.requests.find((request) => request.method === 'POST' && request.path === '/v1/checkout/sessions')!
    expect(recorded.body.line_items[0]).toEqual({
      price_data: { currency: 'EUR', unit_amount: '1250', product_data: { name: 'Invoice INV-0001' } },
      quantity: '2',
    })
    expect(recorded.body.payment_method_types).toEqual(['card', 'ideal', 'bancontact', 'sepa_debit'])
    expect(recorded.body.payment_intent_data).toEqual({ metadata: { invoiceId: '42' } })
    expect(recorded.headers.authorization).toBe(`Bearer ${fake.secretKey}`)
    // The SDK gives every POST a key of its own, so a retry it makes can never pay twice.
    expect(session.allowed_payment_method_types).toBeNull()
    expect(recorded.idempotencyKey).toMatch(/^stripe-node-retry-/)
  })

  it('parses both Stripe array notations', async () => {
    const body = new URLSearchParams({ 'payment_method_types[]': 'card', 'line_items[0][quantity]': '1' }).toString()
    const response = await fetch(`${fake.url}/v1/checkout/sessions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${fake.secretKey}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `${body}&payment_method_types[]=ideal&mode=payment`,
    })
    expect(response.status).toBe(400)
    expect(fake.requests.at(-1)!.body).toEqual({ payment_method_types: ['card', 'ideal'], line_items: [{ quantity: '1' }], mode: 'payment' })
  })

  it('takes allowed_payment_method_types, the stripe@23 name, as the offered methods too', async () => {
    const session = await createSession({ payment_method_types: undefined, allowed_payment_method_types: ['ideal', 'card'] })
    expect(session).toMatchObject({ payment_method_types: ['ideal', 'card'], allowed_payment_method_types: ['ideal', 'card'] })
    const defaulted = await createSession({ payment_method_types: undefined })
    expect(defaulted).toMatchObject({ payment_method_types: ['card'], allowed_payment_method_types: null })
    await expect(createSession({ payment_method_types: ['card', 'klarna'] })).rejects.toMatchObject({ param: 'payment_method_types[1]' })
  })

  it('validates like Stripe: 400 naming the param', async () => {
    const lineItem = (currency: string, unitAmount: number) => ({ price_data: { currency, unit_amount: unitAmount, product_data: { name: 'X' } }, quantity: 1 })
    const cases: Array<[CreateParams, string]> = [
      [{ mode: undefined }, 'mode'],
      [{ line_items: [] }, 'line_items'],
      [{ line_items: [lineItem('eur', 100), lineItem('usd', 100)] }, 'line_items[1][price_data][currency]'],
      [{ line_items: [lineItem('eur', 0)] }, 'line_items[0][price_data][unit_amount]'],
      [{ line_items: [lineItem('eur', 12.5)] }, 'line_items[0][price_data][unit_amount]'],
      [{ success_url: undefined }, 'success_url'],
      [{ expires_at: Math.floor(Date.now() / 1000) + 60 }, 'expires_at'],
    ]
    for (const [overrides, param] of cases) {
      await expect(createSession(overrides), param).rejects.toMatchObject({
        type: 'StripeInvalidRequestError',
        rawType: 'invalid_request_error',
        statusCode: 400,
        param,
      })
    }
  })

  it('answers 404 resource_missing for unknown ids and 401 for a wrong key', async () => {
    const missing = { type: 'StripeInvalidRequestError', statusCode: 404, code: 'resource_missing', param: 'id' }
    await expect(stripe.checkout.sessions.retrieve('cs_test_nope')).rejects.toMatchObject({ ...missing, message: "No such checkout.session: 'cs_test_nope'" })
    await expect(stripe.paymentIntents.retrieve('pi_nope')).rejects.toMatchObject(missing)
    await expect(stripe.charges.retrieve('ch_nope')).rejects.toMatchObject(missing)
    await expect(stripe.refunds.retrieve('re_nope')).rejects.toMatchObject(missing)
    await expect(stripe.disputes.retrieve('dp_nope')).rejects.toMatchObject(missing)
    await expect(stripe.checkout.sessions.expire('cs_test_nope')).rejects.toMatchObject(missing)
    await expect(clientFor('sk_test_wrong').checkout.sessions.retrieve('cs_test_nope')).rejects.toMatchObject({
      type: 'StripeAuthenticationError',
      statusCode: 401,
    })
  })

  it('replays an idempotent request and refuses the key for other parameters', async () => {
    const first = await createSession({}, { idempotencyKey: 'invoice-42-attempt-1' })
    const again = await createSession({}, { idempotencyKey: 'invoice-42-attempt-1' })
    expect(again.id).toBe(first.id)
    expect(again).toEqual(first)
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined()
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true')
    expect(again.lastResponse.idempotencyKey).toBe('invoice-42-attempt-1')
    expect(fake.requests.at(-1)!.idempotencyKey).toBe('invoice-42-attempt-1')

    await expect(createSession({ client_reference_id: 'other' }, { idempotencyKey: 'invoice-42-attempt-1' })).rejects.toMatchObject({
      type: 'StripeIdempotencyError',
      rawType: 'idempotency_error',
      statusCode: 400,
      message: expect.stringMatching(/^Keys for idempotent requests can only be used with the same parameters they were first used with/),
    })

    // A request that failed validation is not saved: the key stays usable.
    await expect(createSession({ success_url: undefined }, { idempotencyKey: 'fresh-key' })).rejects.toMatchObject({ param: 'success_url' })
    expect((await createSession({}, { idempotencyKey: 'fresh-key' })).status).toBe('open')
  })

  it('expires an open session once', async () => {
    const session = await createSession()
    const expired = await stripe.checkout.sessions.expire(session.id)
    expect(expired).toMatchObject({ id: session.id, status: 'expired', url: null })
    await expect(stripe.checkout.sessions.expire(session.id)).rejects.toMatchObject({ statusCode: 400, type: 'StripeInvalidRequestError' })

    const other = await createSession()
    const events = fake.expire(other.id)
    expect(types(events)).toEqual(['checkout.session.expired'])
    expect(objectOf(events[0])).toMatchObject({ id: other.id, status: 'expired' })
    expect(() => fake.pay(other.id, { method: 'card' })).toThrow(/not open/)
  })
})

describe('payments', () => {
  it.each(['card', 'ideal', 'bancontact'] as const)('pays by %s at once', async (method) => {
    const session = await createSession()
    const events = fake.pay(session.id, { method })
    expect(types(events)).toEqual(['charge.succeeded', 'payment_intent.succeeded', 'checkout.session.completed'])
    for (const event of events) {
      expect(event).toMatchObject({ object: 'event', livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null } })
      expect(event.id).toMatch(/^evt_/)
      expect(event.api_version).toBe(Stripe.API_VERSION)
      expect(Object.keys(event).sort()).toEqual(Object.keys(fixtures.event).sort())
    }

    const paid = await stripe.checkout.sessions.retrieve(session.id)
    expect(paid).toMatchObject({ status: 'complete', payment_status: 'paid', customer_details: { email: 'client@example.com' } })
    expect(objectOf(events[2])).toEqual(JSON.parse(JSON.stringify(paid)))

    const intent = await stripe.paymentIntents.retrieve(paid.payment_intent as string)
    expect(intent).toMatchObject({
      object: 'payment_intent',
      status: 'succeeded',
      amount: 2599,
      amount_received: 2599,
      currency: 'eur',
      metadata: { invoiceId: '42' },
      payment_method_types: ['card', 'ideal', 'bancontact', 'sepa_debit'],
    })
    const charge = await stripe.charges.retrieve(intent.latest_charge as string)
    expect(charge).toMatchObject({
      object: 'charge',
      status: 'succeeded',
      paid: true,
      payment_intent: intent.id,
      amount: 2599,
      amount_captured: 2599,
      amount_refunded: 0,
      refunded: false,
      disputed: false,
      metadata: { invoiceId: '42' },
      payment_method_details: { type: method },
    })
    expect(charge.payment_method_details![method]).toBeTypeOf('object')
    expect(fake.charge(charge.id)).toEqual(JSON.parse(JSON.stringify(charge)))
    expect(fake.paymentIntent(intent.id).status).toBe('succeeded')
  })

  it('takes SEPA Direct Debit as processing, then settles it either way', async () => {
    const session = await createSession()
    expect(types(fake.pay(session.id, { method: 'sepa_debit' }))).toEqual(['payment_intent.processing', 'checkout.session.completed'])
    const pending = fake.session(session.id)
    expect(pending).toMatchObject({ status: 'complete', payment_status: 'unpaid' })
    const intent = fake.paymentIntent(pending.payment_intent as string)
    expect(intent).toMatchObject({ status: 'processing', amount_received: 0 })
    expect(fake.charge(intent.latest_charge as string)).toMatchObject({ status: 'pending', payment_method_details: { type: 'sepa_debit' } })
    expect(() => fake.refund(session.id, 100)).toThrow(/not succeeded/)

    const settled = fake.settle(session.id, 'succeeded')
    expect(types(settled)).toEqual(['charge.succeeded', 'payment_intent.succeeded', 'checkout.session.async_payment_succeeded'])
    expect(objectOf(settled[2])).toMatchObject({ payment_status: 'paid' })
    expect(fake.paymentIntent(intent.id)).toMatchObject({ status: 'succeeded', amount_received: 2599 })
    expect(() => fake.settle(session.id, 'failed')).toThrow(/no processing payment/)

    const failing = await createSession()
    fake.pay(failing.id, { method: 'sepa_debit' })
    const failed = fake.settle(failing.id, 'failed')
    expect(types(failed)).toEqual(['charge.failed', 'payment_intent.payment_failed', 'checkout.session.async_payment_failed'])
    expect(objectOf(failed[0])).toMatchObject({ status: 'failed', failure_code: 'insufficient_funds', paid: false })
    expect(objectOf(failed[1])).toMatchObject({ status: 'requires_payment_method', last_payment_error: { code: 'insufficient_funds' } })
    expect(objectOf(failed[2])).toMatchObject({ status: 'complete', payment_status: 'unpaid' })
  })

  it('declines a card while the session stays open, then reuses the PaymentIntent', async () => {
    const session = await createSession()
    const declined = fake.decline(session.id)
    expect(types(declined)).toEqual(['payment_intent.payment_failed'])
    const intent = objectOf(declined[0])
    expect(intent).toMatchObject({ status: 'requires_payment_method', metadata: { invoiceId: '42' }, last_payment_error: { code: 'card_declined' } })
    expect(fake.session(session.id)).toMatchObject({ status: 'open', payment_intent: intent.id })

    fake.pay(session.id, { method: 'card' })
    expect(fake.paymentIntent(intent.id)).toMatchObject({ status: 'succeeded', last_payment_error: null })
  })

  it('refunds cumulatively and refuses to over-refund', async () => {
    const session = await createSession()
    const chargeId = objectOf(fake.pay(session.id, { method: 'card' })[0]).id
    const first = fake.refund(session.id, 599)
    expect(types(first)).toEqual(['refund.created', 'charge.refunded'])
    expect(objectOf(first[0])).toMatchObject({ object: 'refund', status: 'succeeded', amount: 599, charge: chargeId })
    expect(objectOf(first[1])).toMatchObject({ amount_refunded: 599, refunded: false })

    expect(() => fake.refund(session.id, 2001)).toThrow(/Cannot refund/)
    const second = fake.refund(session.id, 2000)
    expect(objectOf(second[1])).toMatchObject({ amount_refunded: 2599, refunded: true })
    const refund = await stripe.refunds.retrieve(objectOf(second[0]).id)
    expect(refund).toMatchObject({ amount: 2000, charge: chargeId, payment_intent: objectOf(second[1]).payment_intent })
    expect((await stripe.charges.retrieve(chargeId)).refunds!.data.map((item) => item.amount)).toEqual([2000, 599])
    expect(() => fake.refund(session.id, 1)).toThrow(/Cannot refund/)
  })

  it('opens and closes a dispute', async () => {
    const session = await createSession()
    fake.pay(session.id, { method: 'card' })
    fake.refund(session.id, 599)
    const opened = fake.dispute(session.id)
    expect(types(opened)).toEqual(['charge.dispute.created'])
    const dispute = objectOf(opened[0])
    expect(dispute).toMatchObject({ object: 'dispute', status: 'needs_response', amount: 2000, reason: 'fraudulent' })
    expect(fake.charge(dispute.charge).disputed).toBe(true)
    expect(() => fake.refund(session.id, 100)).toThrow(/disputed/)

    const list = await stripe.disputes.list({ charge: dispute.charge })
    expect(list).toMatchObject({ object: 'list', has_more: false, url: '/v1/disputes' })
    expect(list.data.map((item) => item.id)).toEqual([dispute.id])
    expect((await stripe.disputes.list({ charge: 'ch_other' })).data).toEqual([])

    const closed = fake.closeDispute(session.id, 'lost')
    expect(types(closed)).toEqual(['charge.dispute.closed'])
    expect(objectOf(closed[0])).toMatchObject({ id: dispute.id, status: 'lost' })
    expect(await stripe.disputes.retrieve(dispute.id)).toMatchObject({ status: 'lost', payment_intent: dispute.payment_intent })
    expect(() => fake.closeDispute(session.id, 'won')).toThrow(/no open dispute/)
  })
})

describe('webhooks', () => {
  it('signs deliveries exactly as Stripe does', async () => {
    const session = await createSession()
    const [event] = fake.pay(session.id, { method: 'card' })
    const { body, headers } = fake.signedDelivery(event)
    expect(body).toBe(JSON.stringify(event, null, 2))
    expect(stripe.webhooks.constructEvent(body, headers['Stripe-Signature'], fake.webhookSecret)).toEqual(event)

    const timestamp = Math.floor(Date.now() / 1000) - 30
    const signed = fake.signedDelivery(event, { secret: 'whsec_other', timestamp })
    expect(signed.headers['Stripe-Signature']).toBe(
      stripe.webhooks.generateTestHeaderString({ payload: signed.body, secret: 'whsec_other', timestamp }),
    )
    expect(() => stripe.webhooks.constructEvent(signed.body, signed.headers['Stripe-Signature'], fake.webhookSecret)).toThrow()
    const stale = fake.signedDelivery(event, { timestamp: timestamp - 600 })
    expect(() => stripe.webhooks.constructEvent(stale.body, stale.headers['Stripe-Signature'], fake.webhookSecret)).toThrow(/tolerance/)
  })

  it('delivers an event to a URL with Stripe headers', async () => {
    const session = await createSession()
    const [event] = fake.expire(session.id)
    expect(await fake.deliver(event, receiver.url)).toBe(200)
    expect(receiver.received).toHaveLength(1)
    expect(receiver.received[0].event).toEqual(event)
    expect(receiver.received[0].headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    })
  })
})

describe('hosted checkout page', () => {
  it('shows the session, pays on submit, delivers the webhooks in order, then redirects', async () => {
    const session = await createSession({ payment_method_types: ['card', 'ideal'] })
    const pageResponse = await fetch(session.url!)
    expect(pageResponse.status).toBe(200)
    const html = await pageResponse.text()
    expect(html).toContain('Fake Stripe Checkout')
    expect(html).toContain('EUR 25.99')
    expect(html).toContain(`<form method="post" action="/checkout/${session.id}/pay">`)
    expect(html).toContain('<button type="submit" name="method" value="card">Pay with card</button>')
    expect(html).toContain('<button type="submit" name="method" value="ideal">Pay with ideal</button>')
    expect(html).not.toContain('sepa_debit')
    expect(html).toContain('<a href="https://portal.example/pay/cancel">Cancel</a>')

    const paid = await fetch(new URL(`/checkout/${session.id}/pay`, fake.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ method: 'ideal' }),
      redirect: 'manual',
    })
    expect(paid.status).toBe(303)
    expect(paid.headers.get('location')).toBe(`https://portal.example/pay/done?session=${session.id}`)
    expect(receiver.received.map(({ event }) => event.type)).toEqual([
      'charge.succeeded',
      'payment_intent.succeeded',
      'checkout.session.completed',
    ])
    expect(receiver.received[2].event.data.object).toMatchObject({ id: session.id, status: 'complete', payment_status: 'paid' })
    expect(fake.session(session.id).status).toBe('complete')

    expect((await fetch(session.url!)).status).toBe(410)
    expect((await fetch(`${fake.url}/checkout/cs_test_unknown`)).status).toBe(404)
  })

  it('pays without delivering when no webhook URL is set', async () => {
    fake.setWebhookUrl(undefined)
    try {
      const session = await createSession()
      const paid = await fetch(`${fake.url}/checkout/${session.id}/pay`, { method: 'POST', body: new URLSearchParams({ method: 'sepa_debit' }), redirect: 'manual' })
      expect(paid.status).toBe(303)
      expect(receiver.received).toEqual([])
      expect(fake.session(session.id)).toMatchObject({ status: 'complete', payment_status: 'unpaid' })
    } finally {
      fake.setWebhookUrl(receiver.url)
    }
  })
})
