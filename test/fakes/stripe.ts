/**
 * An in-process fake of the Stripe API for tests that drive the official `stripe` SDK:
 * `new Stripe(fake.secretKey, { host: fake.host, port: fake.port, protocol: 'http', telemetry: false, maxNetworkRetries: 0 })`.
 *
 * Every object it returns is a deep clone of Stripe's own example object (stripe/openapi fixtures3.json, in
 * test/fakes/stripe-fixtures.json) with ids, amounts, statuses and metadata overridden, so code tested here meets the
 * shapes Stripe really sends. Stripe sends webhooks when it likes; the fake never does on its own: tests move a
 * payment (pay, settle, refund, …), get back the events Stripe would send, in Stripe's order, and decide when
 * to deliver() them. Only the hosted checkout page delivers by itself, as Stripe does before redirecting.
 */
import { createHmac, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

import type Stripe from 'stripe'

type Json = Record<string, any>
export type FakeStripePaymentMethod = 'card' | 'ideal' | 'bancontact' | 'sepa_debit'
export interface FakeStripeRequest {
  method: string
  path: string
  query: Json
  body: Json
  headers: http.IncomingHttpHeaders
  idempotencyKey: string | null
}

export interface FakeStripe {
  url: string
  host: string
  port: number
  secretKey: string
  webhookSecret: string
  requests: FakeStripeRequest[]
  /** The customer pays: card, iDEAL and Bancontact succeed at once; SEPA Direct Debit stays processing until settle(). */
  pay(sessionId: string, options?: { method?: FakeStripePaymentMethod }): Stripe.Event[]
  /** The bank's answer to a processing SEPA debit. */
  settle(sessionId: string, outcome: 'succeeded' | 'failed'): Stripe.Event[]
  /** A card declined while the session stays open (the customer may try again). */
  decline(sessionId: string): Stripe.Event[]
  /** Refunds `amount` (default: all that is left) of the session's charge; throws on over-refunding. */
  refund(sessionId: string, amount?: number): Stripe.Event[]
  dispute(sessionId: string, options?: { amount?: number }): Stripe.Event[]
  closeDispute(sessionId: string, outcome: 'won' | 'lost'): Stripe.Event[]
  expire(sessionId: string): Stripe.Event[]
  session(id: string): Stripe.Checkout.Session
  paymentIntent(id: string): Stripe.PaymentIntent
  charge(id: string): Stripe.Charge
  signedDelivery(event: Stripe.Event, options?: { secret?: string; timestamp?: number }): { body: string; headers: Record<string, string> }
  /** POSTs the event, signed with webhookSecret, to `url`; resolves with the response status. */
  deliver(event: Stripe.Event, url: string): Promise<number>
  setWebhookUrl(url: string | undefined): void
  close(): Promise<void>
}

// Stripe's official example objects (see `_source` in the file), vendored so a clean clone has them.
const fixtures: Record<string, Json> = JSON.parse(readFileSync(new URL('./stripe-fixtures.json', import.meta.url), 'utf8')).resources

const methods = ['card', 'ideal', 'bancontact', 'sepa_debit']
// fixtures3's charge only shows card details; these field lists are the stripe SDK's Charge.PaymentMethodDetails
// types, left null as a test-mode payment may leave them.
const bankRedirect = { bic: null, generated_sepa_debit: null, generated_sepa_debit_mandate: null, iban_last4: null, verified_name: null }
const bankDetails: Record<string, Json> = {
  bancontact: { ...bankRedirect, bank_code: null, bank_name: null, preferred_language: null },
  ideal: { ...bankRedirect, bank: null, transaction_id: null },
  sepa_debit: { bank_code: null, branch_code: null, country: null, fingerprint: null, last4: null, mandate: null },
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const random = (length: number) => Array.from(randomBytes(length), (byte) => ALPHABET[byte % 62]).join('')
const newId = (prefix: string, length = 24) => `${prefix}_${random(length)}`
const now = () => Math.floor(Date.now() / 1000)
const clone = <T>(value: T): T => structuredClone(value)
const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!)

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: { type?: string; param?: string; code?: string } = {},
  ) {
    super(message)
  }
  body(): Json {
    return { error: { type: 'invalid_request_error', message: this.message, ...this.details } }
  }
}
const invalid = (param: string, message: string, code?: string) => new ApiError(400, message, { param, ...(code && { code }) })
const missingParam = (param: string) => invalid(param, `Missing required param: ${param}.`, 'parameter_missing')
const positiveInteger = (value: unknown) => (typeof value === 'string' && /^\d+$/.test(value) && Number(value) > 0 ? Number(value) : null)

/** Stripe's form encoding (`a[b][0][c]=1`, `a[]=x`) back into nested objects and arrays. */
function parseForm(encoded: string): Json {
  const root: Json = {}
  for (const [key, value] of new URLSearchParams(encoded)) {
    const [head, ...rest] = key.split('[')
    const path = [head, ...rest.map((segment) => segment.replace(/\]$/, ''))]
    if (path.some((segment) => ['__proto__', 'constructor', 'prototype'].includes(segment))) continue
    let node: any = root
    path.forEach((segment, i) => {
      const slot = Array.isArray(node) && segment === '' ? node.length : segment
      if (i === path.length - 1) node[slot] = value
      else node = node[slot] ??= /^\d*$/.test(path[i + 1]) ? [] : {}
    })
  }
  return root
}

export async function startFakeStripe(options: { port?: number; secretKey?: string; webhookSecret?: string; webhookUrl?: string } = {}): Promise<FakeStripe> {
  const secretKey = options.secretKey ?? `sk_test_fake_${random(24)}`
  const webhookSecret = options.webhookSecret ?? `whsec_fake_${random(32)}`
  let webhookUrl = options.webhookUrl
  // Events carry the API version the SDK last asked for, as an endpoint pinned to it would receive them.
  let apiVersion: string | null = fixtures.event.api_version
  const requests: FakeStripeRequest[] = []
  const [sessions, intents, charges, refunds, disputes] = Array.from({ length: 5 }, () => new Map<string, Json>())
  // What a session knows but does not show: the PaymentIntent's metadata-to-be and the (unexpanded) line items.
  const hidden = new Map<string, { intentMetadata: Json; items: Array<{ name: string; quantity: number }> }>()
  // Idempotency-Key → the request it was first used with and the answer given then.
  const idempotent = new Map<string, { fingerprint: string; status: number; body: Json }>()

  const find = (store: Map<string, Json>, kind: string, id: string) => {
    const found = store.get(id)
    if (!found) throw new ApiError(404, `No such ${kind}: '${id}'`, { code: 'resource_missing', param: 'id' })
    return found
  }
  const emit = (...pairs: Array<[type: string, object: Json]>): Stripe.Event[] =>
    pairs.map(([type, object]) => {
      const data = { object: clone(object) }
      const request = { id: null, idempotency_key: null }
      return { ...clone(fixtures.event), api_version: apiVersion, created: now(), data, id: newId('evt'), livemode: false, pending_webhooks: 1, request, type } as Stripe.Event
    })

  function createSession(params: Json, baseUrl: string): Json {
    if (!params.mode) throw missingParam('mode')
    if (params.mode !== 'payment') throw invalid('mode', `The fake Stripe only implements mode=payment, not '${params.mode}'.`)
    const lineItems: Json[] = Array.isArray(params.line_items) ? params.line_items : []
    if (lineItems.length === 0) throw invalid('line_items', 'You must provide at least one line item.', 'parameter_missing')
    let currency = ''
    let total = 0
    const items = lineItems.map((item, i) => {
      const at = `line_items[${i}]`
      const price = item?.price_data
      if (!price) throw invalid(`${at}[price_data]`, 'The fake Stripe only understands line items with price_data.', 'parameter_missing')
      const itemCurrency = String(price.currency ?? '').toLowerCase()
      if (!/^[a-z]{3}$/.test(itemCurrency)) throw missingParam(`${at}[price_data][currency]`)
      if (currency && itemCurrency !== currency) throw invalid(`${at}[price_data][currency]`, `All line items must use one currency (${currency}).`)
      currency = itemCurrency
      const unitAmount = positiveInteger(price.unit_amount)
      if (unitAmount === null) throw invalid(`${at}[price_data][unit_amount]`, 'Invalid positive integer', 'parameter_invalid_integer')
      if (!price.product_data?.name) throw missingParam(`${at}[price_data][product_data][name]`)
      const quantity = positiveInteger(item.quantity)
      if (quantity === null) throw invalid(`${at}[quantity]`, 'Invalid positive integer', 'parameter_invalid_integer')
      total += unitAmount * quantity
      return { name: String(price.product_data.name), quantity }
    })
    if (!params.success_url) throw missingParam('success_url')
    // stripe@23 types replaced payment_method_types by allowed_payment_method_types; either one names the methods offered.
    const typesParam = params.payment_method_types ? 'payment_method_types' : 'allowed_payment_method_types'
    const types: string[] = params[typesParam] ?? ['card']
    const unknown = types.findIndex((type) => !methods.includes(type))
    if (unknown >= 0) throw invalid(`${typesParam}[${unknown}]`, `The fake Stripe takes only ${methods.join(', ')}.`)
    const created = now()
    const expiresAt = params.expires_at === undefined ? created + 86_400 : Number(params.expires_at)
    // Stripe's own window: from 30 minutes to 24 hours after creation.
    if (!Number.isInteger(expiresAt) || expiresAt < created + 1800 || expiresAt > created + 86_400)
      throw invalid('expires_at', 'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.')

    const id = newId('cs_test', 58)
    const session = clone(fixtures['checkout.session'])
    // The fixture's placeholders (shipping, tax, conversion, custom texts) are reset to what a plain payment session has.
    Object.assign(session, {
      id, created, expires_at: expiresAt, mode: 'payment', status: 'open', payment_status: 'unpaid', url: `${baseUrl}/checkout/${id}`,
      amount_subtotal: total, amount_total: total, currency, payment_intent: null, payment_method_types: types,
      allowed_payment_method_types: params.allowed_payment_method_types ?? null,
      success_url: params.success_url, cancel_url: params.cancel_url ?? null, locale: params.locale ?? null, metadata: params.metadata ?? {},
      client_reference_id: params.client_reference_id ?? null, customer_email: params.customer_email ?? null, customer_details: null,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 }, shipping_cost: null, shipping_address_collection: null,
      automatic_tax: { ...session.automatic_tax, liability: null }, invoice_creation: { ...session.invoice_creation, enabled: false },
      adaptive_pricing: { enabled: false }, managed_payments: { enabled: false }, after_expiration: null, collected_information: null,
      consent: null, consent_collection: null, currency_conversion: null, payment_method_configuration_details: null,
      custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    })
    sessions.set(id, session)
    hidden.set(id, { intentMetadata: params.payment_intent_data?.metadata ?? {}, items })
    return session
  }

  const openSession = (sessionId: string) => {
    const session = find(sessions, 'checkout.session', sessionId)
    if (session.status !== 'open') throw new Error(`Checkout session ${sessionId} is ${session.status}, not open`)
    return session
  }
  // Checkout creates the PaymentIntent at the first payment attempt and reuses it for the next ones.
  function intentFor(session: Json): Json {
    if (session.payment_intent) return find(intents, 'payment_intent', session.payment_intent)
    const id = newId('pi')
    const intent = clone(fixtures.payment_intent)
    Object.assign(intent, {
      id, created: now(), status: 'requires_payment_method', amount: session.amount_total, amount_received: 0, currency: session.currency,
      metadata: clone(hidden.get(session.id)!.intentMetadata), payment_method_types: [...session.payment_method_types],
      client_secret: `${id}_secret_${random(25)}`, latest_charge: null, last_payment_error: null, canceled_at: null, next_action: null,
      processing: null, automatic_payment_methods: null, payment_method_configuration_details: null, shipping: null, transfer_data: null,
    })
    intents.set(id, intent)
    session.payment_intent = id
    return intent
  }
  const chargeOf = (session: Json) => {
    const charge = session.payment_intent && charges.get(intents.get(session.payment_intent)?.latest_charge)
    if (!charge) throw new Error(`Checkout session ${session.id} has no charge`)
    return charge as Json
  }
  const succeededCharge = (sessionId: string) => {
    const charge = chargeOf(find(sessions, 'checkout.session', sessionId))
    if (charge.status !== 'succeeded') throw new Error(`Charge ${charge.id} is ${charge.status}, not succeeded`)
    return charge
  }
  const paymentError = (type: string, code: string, message: string, extra: Json = {}) =>
    ({ ...clone(fixtures.payment_intent.last_payment_error), type, code, message, ...extra })
  const outcome = (approved: boolean, sellerMessage: string) => ({
    ...clone(fixtures.charge.outcome), seller_message: sellerMessage,
    network_status: approved ? 'approved_by_network' : 'declined_by_network', type: approved ? 'authorized' : 'issuer_declined',
  })
  const succeed = (charge: Json) =>
    Object.assign(charge, { status: 'succeeded', paid: true, balance_transaction: newId('txn'), outcome: outcome(true, 'Payment complete.') })

  function createCharge(session: Json, intent: Json, method: string): Json {
    const id = newId('ch')
    const charge = clone(fixtures.charge)
    const card = charge.payment_method_details.card
    const details =
      method === 'card'
        ? { ...card, amount_authorized: intent.amount, overcapture: { ...card.overcapture, maximum_amount_capturable: intent.amount }, wallet: null }
        : clone(bankDetails[method])
    Object.assign(charge, {
      id, created: now(), status: 'pending', paid: false, captured: true, amount: intent.amount, amount_captured: intent.amount,
      amount_refunded: 0, refunded: false, disputed: false, currency: intent.currency, metadata: clone(intent.metadata),
      payment_intent: intent.id, payment_method: newId('pm'), payment_method_details: { [method]: details, type: method },
      billing_details: { ...charge.billing_details, email: session.customer_email, name: null },
      refunds: { ...charge.refunds, data: [], url: `/v1/charges/${id}/refunds` },
      balance_transaction: null, description: null, outcome: null, receipt_url: null, shipping: null, source: null, transfer_data: null,
    })
    charges.set(id, charge)
    return charge
  }

  function pay(sessionId: string, { method = 'card' }: { method?: FakeStripePaymentMethod } = {}): Stripe.Event[] {
    const session = openSession(sessionId)
    if (!session.payment_method_types.includes(method)) throw new Error(`Checkout session ${sessionId} does not offer ${method}`)
    const intent = intentFor(session)
    const charge = createCharge(session, intent, method)
    // SEPA Direct Debit is confirmed by the bank days later (settle); the others are final at once.
    const delayed = method === 'sepa_debit'
    if (!delayed) succeed(charge)
    Object.assign(intent, {
      status: delayed ? 'processing' : 'succeeded', amount_received: delayed ? 0 : intent.amount,
      latest_charge: charge.id, payment_method: charge.payment_method, last_payment_error: null,
    })
    const customer = fixtures['checkout.session'].customer_details
    Object.assign(session, {
      status: 'complete', payment_status: delayed ? 'unpaid' : 'paid', url: null,
      customer_details: { ...clone(customer), email: session.customer_email ?? customer.email },
    })
    if (delayed) return emit(['payment_intent.processing', intent], ['checkout.session.completed', session])
    return emit(['charge.succeeded', charge], ['payment_intent.succeeded', intent], ['checkout.session.completed', session])
  }

  function settle(sessionId: string, result: 'succeeded' | 'failed'): Stripe.Event[] {
    const session = find(sessions, 'checkout.session', sessionId)
    const intent = intents.get(session.payment_intent)
    if (intent?.status !== 'processing') throw new Error(`Checkout session ${sessionId} has no processing payment to settle`)
    const charge = chargeOf(session)
    if (result === 'succeeded') {
      succeed(charge)
      Object.assign(intent, { status: 'succeeded', amount_received: intent.amount })
      session.payment_status = 'paid'
      return emit(['charge.succeeded', charge], ['payment_intent.succeeded', intent], ['checkout.session.async_payment_succeeded', session])
    }
    const message = "The customer's account has insufficient funds to cover this payment."
    Object.assign(charge, {
      status: 'failed', captured: false, amount_captured: 0, failure_code: 'insufficient_funds', failure_message: message,
      outcome: outcome(false, 'The bank returned the decline code `insufficient_funds`.'),
    })
    Object.assign(intent, {
      status: 'requires_payment_method', payment_method: null,
      last_payment_error: paymentError('invalid_request_error', 'insufficient_funds', message, { charge: charge.id }),
    })
    return emit(['charge.failed', charge], ['payment_intent.payment_failed', intent], ['checkout.session.async_payment_failed', session])
  }

  function decline(sessionId: string): Stripe.Event[] {
    const intent = intentFor(openSession(sessionId))
    const error = paymentError('card_error', 'card_declined', 'Your card was declined.', { decline_code: 'generic_decline' })
    Object.assign(intent, { status: 'requires_payment_method', last_payment_error: error })
    return emit(['payment_intent.payment_failed', intent])
  }

  function refund(sessionId: string, amount?: number): Stripe.Event[] {
    const charge = succeededCharge(sessionId)
    const left = charge.amount - charge.amount_refunded
    const value = amount ?? left
    if (charge.disputed) throw new Error(`Charge ${charge.id} is disputed; Stripe does not refund it`)
    if (!Number.isInteger(value) || value <= 0 || value > left) throw new Error(`Cannot refund ${value}: ${left} is left on charge ${charge.id}`)
    const created = clone(fixtures.refund)
    Object.assign(created, {
      id: newId('re'), created: now(), status: 'succeeded', amount: value, currency: charge.currency, metadata: {},
      charge: charge.id, payment_intent: charge.payment_intent, payment_method: charge.payment_method, balance_transaction: newId('txn'),
    })
    // The fixture's destination details describe a card reversal; other methods get none.
    if (charge.payment_method_details.type !== 'card') delete created.destination_details
    refunds.set(created.id, created)
    charge.amount_refunded += value
    charge.refunded = charge.amount_refunded === charge.amount
    charge.refunds.data.unshift(clone(created))
    return emit(['refund.created', created], ['charge.refunded', charge])
  }

  function dispute(sessionId: string, { amount }: { amount?: number } = {}): Stripe.Event[] {
    const charge = succeededCharge(sessionId)
    if (charge.disputed) throw new Error(`Charge ${charge.id} is already disputed`)
    const created = clone(fixtures.dispute)
    Object.assign(created, {
      id: newId('dp'), created: now(), status: 'needs_response', reason: 'fraudulent', amount: amount ?? charge.amount - charge.amount_refunded,
      currency: charge.currency, charge: charge.id, payment_intent: charge.payment_intent, is_charge_refundable: false,
      enhanced_eligibility_types: [], evidence_details: { ...created.evidence_details, due_by: now() + 7 * 86_400 },
    })
    // Likewise the fixture's payment_method_details (a card inquiry): kept, as a chargeback, for cards only.
    if (charge.payment_method_details.type === 'card') created.payment_method_details.card.case_type = 'chargeback'
    else delete created.payment_method_details
    disputes.set(created.id, created)
    charge.disputed = true
    return emit(['charge.dispute.created', created])
  }

  function closeDispute(sessionId: string, result: 'won' | 'lost'): Stripe.Event[] {
    const charge = succeededCharge(sessionId)
    const open = [...disputes.values()].find((item) => item.charge === charge.id && !['won', 'lost'].includes(item.status))
    if (!open) throw new Error(`Charge ${charge.id} has no open dispute`)
    open.status = result
    return emit(['charge.dispute.closed', open])
  }

  function expire(sessionId: string): Stripe.Event[] {
    const session = find(sessions, 'checkout.session', sessionId)
    if (session.status !== 'open')
      throw invalid('session', `Only Checkout Sessions with a status in ["open"] can be expired. This session has status "${session.status}".`)
    Object.assign(session, { status: 'expired', url: null })
    return emit(['checkout.session.expired', session])
  }

  function signedDelivery(event: Stripe.Event, { secret = webhookSecret, timestamp = now() }: { secret?: string; timestamp?: number } = {}) {
    const body = JSON.stringify(event, null, 2)
    const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')
    const headers = {
      'Content-Type': 'application/json; charset=utf-8',
      'Stripe-Signature': `t=${timestamp},v1=${signature}`,
      'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    }
    return { body, headers }
  }
  async function deliver(event: Stripe.Event, url: string) {
    const response = await fetch(url, { method: 'POST', ...signedDelivery(event) })
    await response.arrayBuffer()
    return response.status
  }

  const routes: Array<[method: string, path: RegExp, answer: (id: string, params: Json, baseUrl: string) => Json]> = [
    ['POST', /^\/v1\/checkout\/sessions$/, (_id, params, baseUrl) => createSession(params, baseUrl)],
    ['GET', /^\/v1\/checkout\/sessions\/([^/]+)$/, (id) => find(sessions, 'checkout.session', id)],
    ['POST', /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/, (id) => (expire(id), find(sessions, 'checkout.session', id))],
    ['GET', /^\/v1\/payment_intents\/([^/]+)$/, (id) => find(intents, 'payment_intent', id)],
    ['GET', /^\/v1\/charges\/([^/]+)$/, (id) => find(charges, 'charge', id)],
    ['GET', /^\/v1\/refunds\/([^/]+)$/, (id) => find(refunds, 'refund', id)],
    ['GET', /^\/v1\/disputes\/([^/]+)$/, (id) => find(disputes, 'dispute', id)],
    ['GET', /^\/v1\/disputes$/, (_id, query) => {
      const data = [...disputes.values()].reverse()
      return { object: 'list', data: data.filter((item) => !query.charge || item.charge === query.charge), has_more: false, url: '/v1/disputes' }
    }],
  ]

  function answerApi(request: FakeStripeRequest, raw: string, baseUrl: string): { status: number; body: Json; replayed?: boolean } {
    const { method, path, idempotencyKey } = request
    if (request.headers.authorization !== `Bearer ${secretKey}`) {
      const shown = String(request.headers.authorization ?? '').slice(7, 15)
      return { status: 401, body: new ApiError(401, `Invalid API Key provided: ${shown}***`).body() }
    }
    const key = method === 'POST' ? idempotencyKey : null
    const fingerprint = `${method} ${path} ${raw}`
    const seen = key ? idempotent.get(key) : undefined
    if (seen && seen.fingerprint !== fingerprint) {
      const message = `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`
      return { status: 400, body: new ApiError(400, message, { type: 'idempotency_error' }).body() }
    }
    if (seen) return { status: seen.status, body: seen.body, replayed: true }
    let answer: { status: number; body: Json }
    try {
      const route = routes.find(([routeMethod, pattern]) => routeMethod === method && pattern.test(path))
      if (!route) throw new ApiError(404, `Unrecognized request URL (${method}: ${path}).`)
      const id = decodeURIComponent(route[1].exec(path)![1] ?? '')
      answer = { status: 200, body: clone(route[2](id, method === 'GET' ? request.query : request.body, baseUrl)) }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      answer = { status: error.status, body: error.body() }
    }
    // Stripe saves no result for a request whose parameters failed validation (its error names the param).
    if (key && !answer.body.error?.param) idempotent.set(key, { fingerprint, ...answer })
    return answer
  }

  function page(res: http.ServerResponse, status: number, title: string, main: string) {
    const head = `<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} – Fake Stripe Checkout</title>`
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' })
    res.end(`<!doctype html>\n<html lang="en"><head>${head}</head>\n<body><main><h1>Fake Stripe Checkout</h1>\n${main}\n</main></body></html>\n`)
  }

  async function answerCheckout(request: FakeStripeRequest, res: http.ServerResponse) {
    const [, id = '', pays] = /^\/checkout\/([^/]+)(\/pay)?$/.exec(request.path) ?? []
    const session = sessions.get(decodeURIComponent(id))
    if (!session || request.method !== (pays ? 'POST' : 'GET')) return page(res, 404, 'Not found', '<p>There is no such checkout session.</p>')
    if (session.status !== 'open') return page(res, 410, 'Closed', `<p>This checkout session is ${escapeHtml(session.status)}.</p>`)
    if (pays) {
      const method = String(request.body.method ?? '')
      if (!session.payment_method_types.includes(method)) return page(res, 400, 'Unknown method', '<p>Choose an offered payment method.</p>')
      // Like Stripe, the webhooks go out before the customer lands on success_url; in order, each awaited, so a
      // test that follows the redirect finds them handled.
      for (const event of pay(session.id, { method: method as FakeStripePaymentMethod })) {
        if (webhookUrl) await deliver(event, webhookUrl).catch(() => 0)
      }
      res.writeHead(303, { Location: session.success_url.replaceAll('{CHECKOUT_SESSION_ID}', session.id) }).end()
      return
    }
    const digits = new Intl.NumberFormat('en', { currency: session.currency, style: 'currency' }).resolvedOptions().maximumFractionDigits ?? 2
    const amount = `${session.currency.toUpperCase()} ${(session.amount_total / 10 ** digits).toFixed(digits)}`
    const items = hidden.get(session.id)!.items.map((item) => `<li>${escapeHtml(item.name)} × ${item.quantity}</li>`).join('')
    const buttons = session.payment_method_types.map(
      (type: string) => `<button type="submit" name="method" value="${escapeHtml(type)}">Pay with ${escapeHtml(type)}</button>`,
    )
    const cancel = session.cancel_url ? `\n<p><a href="${escapeHtml(session.cancel_url)}">Cancel</a></p>` : ''
    page(res, 200, 'Pay', `<ul aria-label="Items">${items}</ul>\n<p>Amount due: <strong>${amount}</strong></p>\n` +
      `<form method="post" action="/checkout/${escapeHtml(session.id)}/pay">\n${buttons.join('\n')}\n</form>${cancel}`)
  }

  const server = http.createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      const raw = Buffer.concat(chunks).toString('utf8')
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const key = req.headers['idempotency-key']
      const request: FakeStripeRequest = {
        method: req.method ?? 'GET', path: url.pathname, query: parseForm(url.search.slice(1)), body: parseForm(raw),
        headers: req.headers, idempotencyKey: typeof key === 'string' ? key : null,
      }
      requests.push(request)
      if (typeof req.headers['stripe-version'] === 'string') apiVersion = req.headers['stripe-version']
      if (url.pathname.startsWith('/checkout/')) return await answerCheckout(request, res)
      const { status, body, replayed } = answerApi(request, raw, fake.url)
      res.writeHead(status, {
        'Content-Type': 'application/json',
        'Request-Id': newId('req', 14),
        ...(request.method === 'POST' && request.idempotencyKey && { 'Idempotency-Key': request.idempotencyKey }),
        ...(replayed && { 'Idempotent-Replayed': 'true' }),
      })
      res.end(JSON.stringify(body, null, 2))
    } catch (error) {
      // A bug in the fake, not a Stripe answer: say so loudly to the SDK (it throws StripeAPIError).
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ error: { type: 'api_error', message: `Fake Stripe failed: ${(error as Error).stack}` } }))
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo

  const fake: FakeStripe = {
    url: `http://127.0.0.1:${port}`, host: '127.0.0.1', port, secretKey, webhookSecret, requests,
    pay, settle, decline, refund, dispute, closeDispute, expire, signedDelivery, deliver,
    session: (id) => clone(find(sessions, 'checkout.session', id)) as Stripe.Checkout.Session,
    paymentIntent: (id) => clone(find(intents, 'payment_intent', id)) as Stripe.PaymentIntent,
    charge: (id) => clone(find(charges, 'charge', id)) as Stripe.Charge,
    setWebhookUrl: (url) => void (webhookUrl = url),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    },
  }
  return fake
}
