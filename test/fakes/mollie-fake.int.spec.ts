/**
 * The Mollie fake, checked through the real @mollie/api-client: if the client can read what the fake answers,
 * plugin code tested against the fake reads the same fields it will meet in production.
 */
import { createMollieClient, MollieApiError, PaymentMethod, PaymentStatus } from '@mollie/api-client'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type FakeMollie, startFakeMollie } from './mollie.js'

// The fake's certificate is self-signed, and the client trusts only its own CA bundle.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'

type Client = ReturnType<typeof createMollieClient>

let fake: FakeMollie
let mollie: Client
let shop: http.Server
let shopUrl = ''
const deliveries: Array<{ contentType?: string; body: string }> = []

const order = (overrides: Record<string, unknown> = {}) => ({
  amount: { currency: 'EUR', value: '12.34' },
  description: 'Invoice INV-0001',
  redirectUrl: 'https://shop.example/portal/invoices/1',
  cancelUrl: 'https://shop.example/portal/invoices/1?canceled=1',
  webhookUrl: `${shopUrl}/webhooks/mollie`,
  metadata: { invoiceId: 1 },
  ...overrides,
})
const create = (overrides: Record<string, unknown> = {}) => mollie.payments.create(order(overrides) as Parameters<Client['payments']['create']>[0])
const refusal = (promise: Promise<unknown>) => promise.then(() => expect.unreachable('Mollie accepted it'), (error: unknown) => error as MollieApiError)

beforeAll(async () => {
  fake = await startFakeMollie()
  mollie = createMollieClient({ apiKey: fake.apiKey, apiEndpoint: fake.apiEndpoint })
  // Stands in for the shop's webhook endpoint: records what Mollie posts.
  shop = http.createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => {
      deliveries.push({ contentType: request.headers['content-type'], body })
      response.writeHead(200).end()
    })
  })
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve))
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`
})

afterAll(async () => {
  await fake?.close()
  await new Promise((resolve) => shop?.close(resolve))
})

describe('Payments API', () => {
  it('creates an open payment in Mollie’s shape, with a checkout link', async () => {
    const payment = await create()
    expect(payment.id).toMatch(/^tr_[A-Za-z0-9]{10}$/)
    expect(payment).toMatchObject({
      resource: 'payment', mode: 'test', status: PaymentStatus.open, isCancelable: false, method: null, sequenceType: 'oneoff',
      amount: { currency: 'EUR', value: '12.34' }, description: 'Invoice INV-0001', metadata: { invoiceId: 1 },
    })
    expect(payment.profileId).toMatch(/^pfl_/)
    expect(payment.amountRefunded).toBeUndefined()
    expect(Date.parse(payment.expiresAt!)).toBeGreaterThan(Date.parse(payment.createdAt))
    expect(payment.getCheckoutUrl()).toBe(`${fake.url}/checkout/${payment.id}`)
    expect(payment._links.self.href).toBe(`${fake.url}/v2/payments/${payment.id}`)

    const recorded = fake.requests.at(-1)!
    expect(recorded).toMatchObject({ method: 'POST', path: '/v2/payments', body: order() })
    expect(recorded.headers.authorization).toBe(`Bearer ${fake.apiKey}`)
    expect(recorded.idempotencyKey).toEqual(expect.any(String)) // the client adds one to every POST
  })

  it('replays a request repeated with the same Idempotency-Key, and refuses the key for another body', async () => {
    const first = await create({ idempotencyKey: 'invoice-7-attempt-1' })
    const again = await create({ idempotencyKey: 'invoice-7-attempt-1' })
    expect(again.id).toBe(first.id)
    expect(fake.requests.at(-1)!.idempotencyKey).toBe('invoice-7-attempt-1')

    const error = await refusal(create({ idempotencyKey: 'invoice-7-attempt-1', description: 'Something else' }))
    expect(error).toBeInstanceOf(MollieApiError)
    expect(error.statusCode).toBe(422)
    expect(error.message).toMatch(/Idempotency-Key/)
  })

  it('validates like Mollie: amount decimals per currency, description, redirectUrl, method', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ amount: undefined }, 'amount'],
      [{ amount: { currency: 'EUR', value: '12.3' } }, 'amount.value'],
      [{ amount: { currency: 'EUR', value: 12.34 } }, 'amount.value'],
      [{ amount: { currency: 'JPY', value: '1500.00' } }, 'amount.value'],
      [{ amount: { currency: 'XXX', value: '1.00' } }, 'amount.currency'],
      [{ description: undefined }, 'description'],
      [{ redirectUrl: undefined }, 'redirectUrl'],
      [{ method: 'bitcoin' }, 'method'],
    ]
    for (const [overrides, field] of cases) {
      const error = await refusal(create(overrides))
      expect({ status: error.statusCode, field: error.field }).toEqual({ status: 422, field })
    }
    expect((await create({ amount: { currency: 'JPY', value: '1500' } })).amount).toEqual({ currency: 'JPY', value: '1500' })
    expect((await create({ amount: { currency: 'USD', value: '0.50' } })).amount.value).toBe('0.50')
  })

  it('gets a payment, answers 404 for an unknown one and 401 for a wrong key', async () => {
    const { id } = await create()
    expect((await mollie.payments.get(id)).id).toBe(id)

    const missing = await refusal(mollie.payments.get('tr_0000000000'))
    expect(missing).toMatchObject({ statusCode: 404, title: 'Not Found', message: 'No payment exists with token tr_0000000000.' })

    const stranger = createMollieClient({ apiKey: `test_${'x'.repeat(30)}`, apiEndpoint: fake.apiEndpoint })
    expect((await refusal(stranger.payments.get(id))).statusCode).toBe(401)
  })

  it('cancels only what Mollie lets cancel', async () => {
    const checkout = await create()
    expect((await refusal(mollie.payments.cancel(checkout.id))).statusCode).toBe(422)

    const transfer = await create({ method: PaymentMethod.banktransfer })
    expect(transfer).toMatchObject({ method: 'banktransfer', isCancelable: true })
    const canceled = await mollie.payments.cancel(transfer.id)
    expect(canceled).toMatchObject({ status: PaymentStatus.canceled, isCancelable: false })
    expect(canceled.canceledAt).toBeDefined()
    expect(canceled._links.checkout).toBeUndefined()
    expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v2/payments/${transfer.id}` })
  })
})

describe('state changes, as the client sees them', () => {
  it('pay → paid, then refunds and a chargeback move the amounts', async () => {
    const { id } = await create()
    fake.pay(id, 'ideal')
    let payment = await mollie.payments.get(id)
    expect(payment).toMatchObject({ status: PaymentStatus.paid, method: 'ideal', isCancelable: false })
    expect(payment.details).toMatchObject({ consumerName: expect.any(String), consumerAccount: expect.any(String), consumerBic: expect.any(String) })
    expect(payment.paidAt).toBeDefined()
    expect(payment.expiresAt).toBeUndefined()
    expect(payment.getCheckoutUrl()).toBeNull()
    expect(payment.amountRefunded).toEqual({ currency: 'EUR', value: '0.00' })
    expect(payment.amountRemaining).toEqual({ currency: 'EUR', value: '12.34' })
    expect(payment.amountChargedBack).toBeUndefined()

    fake.refund(id, 234)
    fake.refund(id, 100)
    payment = await mollie.payments.get(id)
    expect([payment.amountRefunded?.value, payment.amountRemaining?.value, payment.status]).toEqual(['3.34', '9.00', PaymentStatus.paid])
    expect(() => fake.refund(id, 901)).toThrow(/exceeds/)

    fake.chargeback(id)
    payment = await mollie.payments.get(id)
    expect([payment.amountChargedBack?.value, payment.amountRemaining?.value]).toEqual(['9.00', '0.00'])
  })

  it('SEPA direct debit is pending until settled; settling can fail', async () => {
    const first = await create()
    fake.pay(first.id, 'directdebit')
    const pending = await mollie.payments.get(first.id)
    expect(pending).toMatchObject({ status: PaymentStatus.pending, method: 'directdebit', isCancelable: true })
    expect(pending.details).toMatchObject({ consumerName: expect.any(String), consumerAccount: expect.any(String), transferReference: expect.any(String) })
    fake.settle(first.id, 'paid')
    expect((await mollie.payments.get(first.id)).status).toBe(PaymentStatus.paid)

    const second = await create()
    fake.pay(second.id, 'directdebit')
    fake.settle(second.id, 'failed')
    const failed = await mollie.payments.get(second.id)
    expect(failed.status).toBe(PaymentStatus.failed)
    expect(failed.failedAt).toBeDefined()
    expect(() => fake.settle(second.id, 'paid')).toThrow()
  })

  it('setStatus expires, cancels or fails an open payment, and nothing moves a final one', async () => {
    for (const status of ['expired', 'canceled', 'failed'] as const) {
      const { id } = await create()
      fake.setStatus(id, status)
      const payment = await mollie.payments.get(id)
      expect(payment.status).toBe(status)
      expect(payment[`${status}At`]).toBeDefined()
      expect(() => fake.pay(id, 'ideal')).toThrow()
    }
    const { id } = await create()
    const copy = fake.payment(id)
    copy.status = 'paid'
    expect(fake.payment(id).status).toBe('open')
  })

  it('notify posts the unsigned form body Mollie sends', async () => {
    const { id } = await create()
    expect(fake.webhookBody(id)).toBe(`id=${id}`)
    deliveries.length = 0
    expect(await fake.notify(id)).toBe(200)
    expect(deliveries).toEqual([{ contentType: 'application/x-www-form-urlencoded', body: `id=${id}` }])
  })
})

describe('hosted checkout', () => {
  const submit = (id: string, method: string) =>
    fetch(`${fake.url}/checkout/${id}/pay`, { method: 'POST', body: new URLSearchParams({ method }), redirect: 'manual' })

  it('shows the amount and the methods on offer', async () => {
    const { id } = await create()
    const html = await (await fetch(`${fake.url}/checkout/${id}`)).text()
    expect(html).toContain('Fake Mollie Checkout')
    expect(html).toContain('EUR 12.34')
    expect(html).toContain(`action="/checkout/${id}/pay"`)
    for (const label of ['iDEAL', 'Credit card', 'Bancontact', 'SEPA Direct Debit', 'Cancel']) expect(html).toContain(`>${label}</button>`)

    const forced = await create({ method: [PaymentMethod.ideal, PaymentMethod.creditcard] })
    const narrow = await (await fetch(forced.getCheckoutUrl()!)).text()
    expect(narrow).toContain('value="creditcard"')
    expect(narrow).not.toContain('value="bancontact"')
    expect((await fetch(`${fake.url}/checkout/tr_0000000000`)).status).toBe(404)
  })

  it('paying calls the webhook, then sends the customer back with a 303', async () => {
    const { id } = await create()
    deliveries.length = 0
    const response = await submit(id, 'ideal')
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(order().redirectUrl)
    expect(deliveries).toEqual([{ contentType: 'application/x-www-form-urlencoded', body: `id=${id}` }])
    expect((await mollie.payments.get(id)).status).toBe(PaymentStatus.paid)
    expect((await fetch(`${fake.url}/checkout/${id}`)).status).toBe(410)
  })

  it('cancel returns the customer to cancelUrl', async () => {
    const { id } = await create()
    const response = await submit(id, 'cancel')
    expect([response.status, response.headers.get('location')]).toEqual([303, order().cancelUrl])
    expect((await mollie.payments.get(id)).status).toBe(PaymentStatus.canceled)
  })
})
