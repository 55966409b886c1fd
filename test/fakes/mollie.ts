/**
 * An in-process fake of Mollie's Payments API v2, for tests that drive the real @mollie/api-client.
 *
 * It speaks HTTPS because the client refuses anything else; the certificate is self-signed and made at start,
 * so the process using the client must set NODE_TLS_REJECT_UNAUTHORIZED=0 itself (a test's decision, not this
 * module's). Response shapes follow Mollie's reference and the client's own types (data/payments/data.d.ts), so
 * code tested here meets the same fields in production. Mollie calls webhooks when it likes; the fake never does
 * on its own: tests move a payment (pay, settle, refund, …) and then decide when to notify(). Only the hosted
 * checkout page notifies by itself, as Mollie does before redirecting the customer back.
 */
import { execFile } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

type Amount = { currency: string; value: string }
type Link = { href: string; type: string }
export type FakeMollieStatus = 'open' | 'pending' | 'paid' | 'canceled' | 'expired' | 'failed'
export type FakeMollieMethod = 'ideal' | 'creditcard' | 'bancontact' | 'directdebit' | 'banktransfer'

export interface FakeMolliePayment {
  resource: 'payment'
  id: string
  mode: 'test'
  createdAt: string
  status: FakeMollieStatus
  isCancelable: boolean
  amount: Amount
  amountRefunded?: Amount
  amountRemaining?: Amount
  amountChargedBack?: Amount
  description: string
  method: FakeMollieMethod | null
  metadata: unknown
  locale?: string
  redirectUrl?: string
  cancelUrl?: string
  webhookUrl?: string
  profileId: string
  sequenceType: 'oneoff'
  expiresAt?: string
  paidAt?: string
  canceledAt?: string
  expiredAt?: string
  failedAt?: string
  details?: Record<string, unknown>
  _links: { self: Link; checkout?: Link; dashboard: Link; documentation: Link }
}

export interface FakeMollieRequest {
  method: string
  path: string
  body: unknown
  headers: IncomingHttpHeaders
  idempotencyKey: string | undefined
}

export interface FakeMollie {
  url: string
  apiEndpoint: string
  apiKey: string
  requests: FakeMollieRequest[]
  /** The customer completes checkout: card-like methods are paid at once, SEPA direct debit turns pending, a bank transfer stays open until settle(). */
  pay(id: string, method: FakeMollieMethod): FakeMolliePayment
  /** A pending SEPA debit (or a chosen bank transfer) is collected, or bounces. */
  settle(id: string, outcome: 'paid' | 'failed'): FakeMolliePayment
  /** Moves an open or pending payment to a final status, as the customer or the clock would. */
  setStatus(id: string, status: 'canceled' | 'expired' | 'failed'): FakeMolliePayment
  /** Cumulative, in minor units (cents; yen); throws past what remains refundable. */
  refund(id: string, amountMinor: number): FakeMolliePayment
  /** Cumulative, in minor units; by default everything not yet refunded or charged back. */
  chargeback(id: string, amountMinor?: number): FakeMolliePayment
  /** A copy of the stored payment, exactly as GET /v2/payments/:id would answer. */
  payment(id: string): FakeMolliePayment
  /** What Mollie POSTs to a webhook: form-encoded, unsigned; the shop must fetch the payment to learn anything. */
  webhookBody(id: string): string
  /** POSTs webhookBody(id) to `url`, else the payment's webhookUrl, and resolves to the response status. */
  notify(id: string, url?: string): Promise<number>
  close(): Promise<void>
}

// `requested` is the method(s) the shop forced at creation; null lets the customer choose any.
type Stored = { data: FakeMolliePayment; minor: number; decimals: number; refunded: number; chargedBack: number; requested: FakeMollieMethod[] | null }
type Answer = { status: number; body: unknown }

// Mollie insists on exactly the currency's decimals ("10" is refused for EUR); a handful is enough for tests.
const DECIMALS: Record<string, number> = { AUD: 2, CAD: 2, CHF: 2, CZK: 2, DKK: 2, EUR: 2, GBP: 2, NOK: 2, PLN: 2, SEK: 2, USD: 2, ISK: 0, JPY: 0 }
const METHODS: FakeMollieMethod[] = ['ideal', 'creditcard', 'bancontact', 'directdebit', 'banktransfer']
const CHECKOUT_DEFAULT: FakeMollieMethod[] = ['ideal', 'creditcard', 'bancontact', 'directdebit']
const LABELS: Record<FakeMollieMethod, string> = {
  ideal: 'iDEAL', creditcard: 'Credit card', bancontact: 'Bancontact', directdebit: 'SEPA Direct Debit', banktransfer: 'Bank transfer',
}
const FINAL = new Set<FakeMollieStatus>(['paid', 'canceled', 'expired', 'failed'])
const ERROR_DOCS: Link = { href: 'https://docs.mollie.com/overview/handling-errors', type: 'text/html' }
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

const token = (length: number) => Array.from({ length }, () => ALNUM[randomInt(ALNUM.length)]).join('')
// Mollie writes timestamps as ISO 8601 with an explicit offset and no milliseconds.
const stamp = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, '+00:00')
const problem = (status: number, title: string, detail: string, field?: string): Answer => ({
  status,
  body: { status, title, detail, ...(field ? { field } : {}), _links: { documentation: ERROR_DOCS } },
})
const invalid = (detail: string, field?: string) => problem(422, 'Unprocessable Entity', detail, field)
const isUrl = (value: unknown) => typeof value === 'string' && URL.canParse(value)
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function formatMinor(minor: number, decimals: number): string {
  const digits = String(minor).padStart(decimals + 1, '0')
  return decimals ? `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}` : digits
}

/** Mollie's create-payment validation, the parts the plugin can get wrong. Returns the amount in minor units. */
function validateCreate(body: Record<string, unknown>): Answer | { minor: number; decimals: number; requested: FakeMollieMethod[] | null } {
  const amount = body.amount as { currency?: unknown; value?: unknown } | undefined
  if (!amount || typeof amount !== 'object') return invalid('The amount is required for payments', 'amount')
  const decimals = DECIMALS[String(amount.currency)]
  if (decimals === undefined) return invalid('The amount currency is invalid or not supported', 'amount.currency')
  const pattern = decimals ? new RegExp(`^\\d+\\.\\d{${decimals}}$`) : /^\d+$/
  if (typeof amount.value !== 'string' || !pattern.test(amount.value)) {
    return invalid(`The amount contains an invalid value: ${amount.currency} needs ${decimals} decimals, as a string`, 'amount.value')
  }
  const minor = Number(amount.value.replace('.', ''))
  if (minor <= 0) return invalid('The amount is lower than the minimum', 'amount.value')
  if (typeof body.description !== 'string' || !body.description.trim()) return invalid('The description is invalid', 'description')
  if (body.description.length > 255) return invalid('The description can contain at most 255 characters', 'description')
  if (!isUrl(body.redirectUrl)) return invalid('The redirect URL is invalid', 'redirectUrl')
  // Real Mollie refuses unreachable webhook hosts; the fake accepts loopback ones, which is the point of it.
  for (const field of ['cancelUrl', 'webhookUrl'] as const) {
    if (body[field] !== undefined && body[field] !== null && !isUrl(body[field])) return invalid(`The ${field} is invalid`, field)
  }
  if (body.locale !== undefined && !/^[a-z]{2}_[A-Z]{2}$/.test(String(body.locale))) return invalid('The locale is invalid', 'locale')
  const requested = body.method === undefined || body.method === null ? [] : [body.method].flat()
  if (!requested.every((m) => METHODS.includes(m as FakeMollieMethod))) return invalid('The payment method is invalid', 'method')
  return { minor, decimals, requested: requested.length ? (requested as FakeMollieMethod[]) : null }
}

/** Test-mode customer details Mollie reports once a method has been used. */
function detailsFor(method: FakeMollieMethod, id: string): Record<string, unknown> {
  const holder = { consumerName: 'T. TEST', consumerAccount: 'NL91ABNA0417164300', consumerBic: 'ABNANL2A' }
  if (method === 'ideal') return holder
  if (method === 'bancontact') return { ...holder, consumerAccount: 'BE68539007547034', consumerBic: 'GEBABEBB', cardNumber: '6703' }
  if (method === 'creditcard') {
    return { cardHolder: 'T. TEST', cardNumber: '4242', cardFingerprint: token(24), cardAudience: 'consumer', cardLabel: 'Visa', cardCountryCode: 'NL', cardSecurity: 'normal', feeRegion: 'intra-eu' }
  }
  if (method === 'banktransfer') {
    return { bankName: 'Stichting Mollie Payments', bankAccount: 'NL10ABNA0000000001', bankBic: 'ABNANL2A', transferReference: `RF${randomInt(10, 99)}-${id.slice(3, 7)}-${id.slice(7)}` }
  }
  return { ...holder, transferReference: `SD${randomInt(1e6, 1e7)}`, creditorIdentifier: 'NL08ZZZ502057730000', dueDate: stamp(3 * 864e5).slice(0, 10), signatureDate: stamp().slice(0, 10) }
}

export async function startFakeMollie(options: { apiKey?: string } = {}): Promise<FakeMollie> {
  const apiKey = options.apiKey ?? `test_${token(30)}`
  // The key pair lives on disk only while openssl writes it: once read, the directory goes, even if a test never reaches close().
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fake-mollie-'))
  const [keyFile, certFile] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')]
  const [key, cert] = await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyFile, '-out', certFile,
  ])
    .then(() => Promise.all([readFile(keyFile), readFile(certFile)]))
    .finally(() => rm(dir, { recursive: true, force: true }))

  const payments = new Map<string, Stored>()
  const idempotency = new Map<string, { fingerprint: string; answer: Answer }>()
  const requests: FakeMollieRequest[] = []
  const profileId = `pfl_${token(10)}`
  let url = ''

  const stored = (id: string) => payments.get(id) ?? fail(`Fake Mollie: no payment ${id}`)
  const money = (r: Stored, minor: number): Amount => ({ currency: r.data.amount.currency, value: formatMinor(minor, r.decimals) })
  const snapshot = (r: Stored) => structuredClone(r.data)

  /** Recomputes what Mollie derives from status and method, so no transition can leave them inconsistent. */
  function derive(r: Stored) {
    const p = r.data
    // As in Mollie, an open checkout payment cannot be canceled; a bank transfer awaiting money or a SEPA debit not yet collected can.
    p.isCancelable = (p.status === 'open' && p.method === 'banktransfer') || (p.status === 'pending' && p.method === 'directdebit')
    if (p.status === 'open' && !p.details) p._links.checkout = { href: `${url}/checkout/${p.id}`, type: 'text/html' }
    else delete p._links.checkout
    if (p.status !== 'open') delete p.expiresAt
    if (p.status === 'paid') {
      p.amountRefunded = money(r, r.refunded)
      p.amountRemaining = money(r, r.minor - r.refunded - r.chargedBack)
      if (r.chargedBack) p.amountChargedBack = money(r, r.chargedBack)
    }
    return snapshot(r)
  }

  function move(id: string, status: FakeMollieStatus, from: FakeMollieStatus[]) {
    const r = stored(id)
    if (!from.includes(r.data.status)) fail(`Fake Mollie: ${id} is ${r.data.status}, cannot become ${status}`)
    r.data.status = status
    if (FINAL.has(status)) r.data[`${status as 'paid' | 'canceled' | 'expired' | 'failed'}At`] = stamp()
    return r
  }

  function create(body: Record<string, unknown>): Answer {
    const checked = validateCreate(body)
    if ('status' in checked) return checked
    const id = `tr_${token(10)}`
    const { currency, value } = body.amount as Amount
    // Through JSON so that fields the shop left out are absent, as in Mollie's answer, rather than present and undefined.
    const data: FakeMolliePayment = JSON.parse(JSON.stringify({
      resource: 'payment', id, mode: 'test', createdAt: stamp(), status: 'open', isCancelable: false,
      amount: { currency, value }, description: body.description as string,
      method: typeof body.method === 'string' ? (body.method as FakeMollieMethod) : null,
      metadata: body.metadata ?? null, locale: body.locale as string | undefined,
      redirectUrl: body.redirectUrl as string, cancelUrl: body.cancelUrl as string | undefined, webhookUrl: body.webhookUrl as string | undefined,
      profileId, sequenceType: 'oneoff', expiresAt: stamp(body.method === 'banktransfer' ? 12 * 864e5 : 15 * 60_000),
      _links: {
        self: { href: `${url}/v2/payments/${id}`, type: 'application/hal+json' },
        dashboard: { href: `https://my.mollie.com/dashboard/payments/${id}`, type: 'text/html' },
        documentation: { href: 'https://docs.mollie.com/reference/create-payment', type: 'text/html' },
      },
    } satisfies FakeMolliePayment))
    const r: Stored = { data, minor: checked.minor, decimals: checked.decimals, refunded: 0, chargedBack: 0, requested: checked.requested }
    payments.set(id, r)
    return { status: 201, body: derive(r) }
  }

  function api(method: string, pathname: string, body: unknown): Answer {
    if (method === 'POST' && pathname === '/v2/payments') {
      return body && typeof body === 'object' ? create(body as Record<string, unknown>) : problem(400, 'Bad Request', 'The request body is not valid JSON')
    }
    const match = /^\/v2\/payments\/([^/]+)$/.exec(pathname)
    if (!match || (method !== 'GET' && method !== 'DELETE')) return problem(404, 'Not Found', 'The resource does not exist')
    const r = payments.get(match[1])
    if (!r) return problem(404, 'Not Found', `No payment exists with token ${match[1]}.`)
    if (method === 'GET') return { status: 200, body: snapshot(r) }
    if (!r.data.isCancelable) return invalid('The payment cannot be canceled')
    return { status: 200, body: derive(move(r.data.id, 'canceled', ['open', 'pending'])) }
  }

  const fake: FakeMollie = {
    get url() { return url },
    get apiEndpoint() { return `${url}/v2/` },
    apiKey,
    requests,
    pay(id, method) {
      const r = stored(id)
      if (r.data.status !== 'open' || r.data.details) fail(`Fake Mollie: ${id} is not awaiting checkout (${r.data.status})`)
      if (r.requested && !r.requested.includes(method)) fail(`Fake Mollie: ${id} was created for ${r.requested.join(', ')}, not ${method}`)
      Object.assign(r.data, { method, details: detailsFor(method, id) })
      // SEPA collection takes days, a bank transfer waits for the customer's money; everything else settles at once.
      if (method === 'directdebit') move(id, 'pending', ['open'])
      else if (method === 'banktransfer') r.data.expiresAt = stamp(12 * 864e5)
      else move(id, 'paid', ['open'])
      return derive(r)
    },
    settle(id, outcome) {
      const r = stored(id)
      if (!(r.data.status === 'pending' || (r.data.method === 'banktransfer' && r.data.details))) fail(`Fake Mollie: ${id} has nothing to settle`)
      move(id, outcome, ['open', 'pending'])
      if (outcome === 'failed' && r.data.method === 'directdebit') Object.assign(r.data.details!, { bankReasonCode: 'AM04', bankReason: 'Insufficient funds' })
      return derive(r)
    },
    setStatus: (id, status) => derive(move(id, status, ['open', 'pending'])),
    refund(id, amountMinor) {
      const r = stored(id)
      if (r.data.status !== 'paid') fail(`Fake Mollie: only paid payments can be refunded (${id} is ${r.data.status})`)
      if (!Number.isInteger(amountMinor) || amountMinor <= 0) fail(`Fake Mollie: refund amount must be a positive integer of minor units`)
      if (amountMinor > r.minor - r.refunded - r.chargedBack) fail(`Fake Mollie: refund of ${amountMinor} exceeds what remains on ${id}`)
      r.refunded += amountMinor
      return derive(r)
    },
    chargeback(id, amountMinor) {
      const r = stored(id)
      if (r.data.status !== 'paid') fail(`Fake Mollie: only paid payments can be charged back (${id} is ${r.data.status})`)
      const left = r.minor - r.refunded - r.chargedBack
      if (amountMinor !== undefined && (!Number.isInteger(amountMinor) || amountMinor <= 0 || amountMinor > left)) fail(`Fake Mollie: chargeback of ${amountMinor} is not possible on ${id}`)
      r.chargedBack += amountMinor ?? left
      return derive(r)
    },
    payment: (id) => snapshot(stored(id)),
    webhookBody: (id) => `id=${encodeURIComponent(id)}`,
    async notify(id, target) {
      const to = target ?? stored(id).data.webhookUrl ?? fail(`Fake Mollie: ${id} has no webhookUrl`)
      const response = await fetch(to, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'Mollie.nl HTTP client/1.0' },
        body: fake.webhookBody(id),
      })
      await response.arrayBuffer()
      return response.status
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }

  function checkoutPage(r: Stored): string {
    const p = r.data
    const buttons = (r.requested ?? CHECKOUT_DEFAULT).map((m) => `<button type="submit" name="method" value="${m}">${LABELS[m]}</button>`).join('\n      ')
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fake Mollie Checkout</title></head>
<body><main>
  <h1>Fake Mollie Checkout</h1>
  <p>Amount: <strong>${p.amount.currency} ${p.amount.value}</strong></p>
  <p>${escapeHtml(p.description)}</p>
  <form method="post" action="/checkout/${p.id}/pay">
    <fieldset><legend>Choose a payment method</legend>
      ${buttons}
    </fieldset>
    <button type="submit" name="method" value="cancel">Cancel</button>
  </form>
</main></body></html>`
  }

  async function checkout(request: IncomingMessage, response: ServerResponse, id: string, action: string | undefined, body: unknown) {
    const r = payments.get(id)
    if (!r) return response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Unknown payment')
    if (r.data.status !== 'open' || r.data.details) return response.writeHead(410, { 'Content-Type': 'text/plain' }).end(`Payment is ${r.data.status}`)
    if (!action && request.method === 'GET') return response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(checkoutPage(r))
    const choice = (body as Record<string, string> | undefined)?.method
    if (!action || request.method !== 'POST' || !(choice === 'cancel' || (r.requested ?? CHECKOUT_DEFAULT).includes(choice as FakeMollieMethod))) {
      return response.writeHead(400, { 'Content-Type': 'text/plain' }).end('Choose one of the offered methods')
    }
    const before = r.data.status
    if (choice === 'cancel') derive(move(id, 'canceled', ['open']))
    else fake.pay(id, choice as FakeMollieMethod)
    // Mollie calls the webhook on a status change before the customer lands back on the shop; a failing webhook does not stop the redirect.
    if (r.data.webhookUrl && r.data.status !== before) await fake.notify(id).catch(() => undefined)
    const back = choice === 'cancel' ? (r.data.cancelUrl ?? r.data.redirectUrl) : r.data.redirectUrl
    response.writeHead(303, { Location: back ?? '/' }).end()
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    const { pathname, search } = new URL(request.url ?? '/', url)
    const method = request.method ?? 'GET'
    const idempotencyKey = request.headers['idempotency-key'] as string | undefined
    const form = String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')
    let body: unknown = undefined
    try {
      body = !text ? undefined : form ? Object.fromEntries(new URLSearchParams(text)) : JSON.parse(text)
    } catch {
      body = text
    }
    requests.push({ method, path: pathname + search, body, headers: request.headers, idempotencyKey })

    const page = /^\/checkout\/([^/]+)(\/pay)?$/.exec(pathname)
    if (page) return checkout(request, response, page[1], page[2], body)

    let answer: Answer
    if (request.headers.authorization !== `Bearer ${apiKey}`) {
      answer = problem(401, 'Unauthorized Request', 'Missing authentication, or failed to authenticate')
    } else if (idempotencyKey && (method === 'POST' || method === 'DELETE')) {
      // The client sends a key with every POST and DELETE; Mollie replays the first answer for a key and refuses the key for any other request.
      const fingerprint = `${method} ${pathname} ${text}`
      const seen = idempotency.get(idempotencyKey)
      if (seen && seen.fingerprint !== fingerprint) answer = invalid('The Idempotency-Key has already been used for a different request')
      else answer = seen?.answer ?? api(method, pathname, body)
      if (!seen) idempotency.set(idempotencyKey, { fingerprint, answer: structuredClone(answer) })
    } else {
      answer = api(method, pathname, body)
    }
    response.writeHead(answer.status, { 'Content-Type': 'application/hal+json' }).end(JSON.stringify(answer.body))
  }

  const server = https.createServer({ key, cert }, (request, response) => {
    handle(request, response).catch((error: Error) => {
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'application/hal+json' })
      response.end(JSON.stringify(problem(500, 'Internal Server Error', `Fake Mollie: ${error.message}`).body))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
  return fake
}

function fail(message: string): never {
  throw new Error(message)
}
