import type { Payload } from 'payload'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { mollieProvider } from '../../src/payments/mollie.js'
import { type FakeMollie, startFakeMollie } from '../fakes/mollie.js'
import { line, openInvoice } from '../helpers/fixtures.js'
import { eventsOf, moneyOf, newestPayment, paymentOf, type PaymentsApp, postWebhook, startPaymentsApp } from '../helpers/payments.js'

// Mollie's SDK speaks HTTPS only and brings its own CA list; the fake's certificate is self-signed.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'

let mollie: FakeMollie
let app: PaymentsApp
let payload: Payload
let smtp: PaymentsApp['smtp']

beforeAll(async () => {
  mollie = await startFakeMollie()
  app = await startPaymentsApp([mollieProvider({ apiKey: mollie.apiKey, apiUrl: mollie.apiEndpoint })])
  ;({ payload, smtp } = app)
})
afterAll(async () => {
  await app?.stop()
  await mollie?.close()
})

const notify = (id: string) => postWebhook(app, 'mollie', { body: mollie.webhookBody(id), headers: { 'content-type': 'application/x-www-form-urlencoded' } })

/** Pays `invoice` through the portal form and returns our payment and Mollie's id for it. */
async function startPay(invoiceId: number | string, fields: Record<string, string> = {}) {
  const response = await app.portal.post('pay', { invoice: String(invoiceId), provider: 'mollie', ...fields }, { cookie: app.cookie })
  expect(response.status, response.location ?? '').toBe(303)
  const payment = await newestPayment(payload)
  expect(response.location).toBe(mollie.payment(payment.providerRef as string)._links.checkout!.href)
  return { mollieId: payment.providerRef as string, payment }
}

const inboxCount = async () => (await payload.count({ collection: 'webhook-events', where: { provider: { equals: 'mollie' } } })).totalDocs

describe('Mollie checkout', () => {
  it('records the attempt first, sends its id as the idempotency key, and settles only on the fetched status', async () => {
    const invoice = await openInvoice(payload, app.client.id) // 121.00
    const { mollieId, payment } = await startPay(invoice.id)
    expect(payment).toMatchObject({ amount: 12100, currency: 'EUR', provider: 'mollie', status: 'pending' })
    const create = mollie.requests.find((request) => request.method === 'POST' && request.path === '/v2/payments')!
    expect(create.idempotencyKey).toBe(`invoice-portal-payment-${payment.id}`)
    expect(create.body).toMatchObject({ amount: { currency: 'EUR', value: '121.00' }, metadata: { invoicePortalPayment: String(payment.id) } })
    expect((create.body as { webhookUrl: string }).webhookUrl).toMatch(/\/api\/invoice-portal\/mollie\/webhook$/)

    // A webhook before anything happened changes nothing: Mollie still says open.
    expect((await notify(mollieId)).status).toBe(200)
    expect(await moneyOf(payload, invoice.id)).toEqual({ amountDue: 12100, amountPaid: 0, status: 'open' })

    mollie.pay(mollieId, 'ideal')
    expect((await notify(mollieId)).status).toBe(200)
    expect(await moneyOf(payload, invoice.id)).toEqual({ amountDue: 0, amountPaid: 12100, status: 'paid' })
    expect(await paymentOf(payload, payment.id)).toMatchObject({ method: 'ideal', status: 'succeeded' })
    const mail = await smtp.waitFor('billing@payer.test')
    expect(mail.subject).toContain('€121.00')
    expect(mail.attachments.map((attachment) => attachment.mimeType)).toEqual(['application/pdf'])
  })

  it('an unknown or foreign id answers 200 and stores nothing; a body without id is a 400 naming the field', async () => {
    const before = await inboxCount()
    expect(await notify('tr_doesnotexist1')).toMatchObject({ status: 200 })
    expect(await postWebhook(app, 'mollie', { body: 'id=../../v2/methods', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).toMatchObject({ status: 200 })
    const missing = await postWebhook(app, 'mollie', { body: 'payment=tr_x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(missing.status).toBe(400)
    expect(missing.body.error).toContain('"id"')
    expect(await inboxCount()).toBe(before)
    expect((await eventsOf(payload, 'webhook_rejected')).at(-1)?.details).toMatchObject({ provider: 'mollie' })
  })

  it('SEPA Direct Debit is processing (not paid) until Mollie says paid, and failing leaves the invoice due', async () => {
    const settles = await openInvoice(payload, app.client.id)
    const bounces = await openInvoice(payload, app.client.id)
    const good = await startPay(settles.id)
    const bad = await startPay(bounces.id)
    for (const { mollieId } of [good, bad]) {
      mollie.pay(mollieId, 'directdebit')
      await notify(mollieId)
    }
    expect(await paymentOf(payload, good.payment.id)).toMatchObject({ method: 'sepa_debit', status: 'processing' })
    expect(await moneyOf(payload, settles.id)).toEqual({ amountDue: 12100, amountPaid: 0, status: 'open' })
    // Money already on its way is not asked for twice.
    const again = await app.portal.post('pay', { invoice: String(settles.id), provider: 'mollie' }, { cookie: app.cookie })
    expect(again.location).toContain('payError=inProgress')

    mollie.settle(good.mollieId, 'paid')
    mollie.settle(bad.mollieId, 'failed')
    await Promise.all([notify(good.mollieId), notify(bad.mollieId)])
    expect(await moneyOf(payload, settles.id)).toEqual({ amountDue: 0, amountPaid: 12100, status: 'paid' })
    expect(await moneyOf(payload, bounces.id)).toEqual({ amountDue: 12100, amountPaid: 0, status: 'open' })
    expect(await paymentOf(payload, bad.payment.id)).toMatchObject({ status: 'failed' })
  })

  it('refunds apply only the difference of Mollie’s cumulative amount, and a chargeback reopens what is due', async () => {
    const invoice = await openInvoice(payload, app.client.id, { lineItems: [line(10000, '1', '0')] })
    const { mollieId, payment } = await startPay(invoice.id)
    mollie.pay(mollieId, 'creditcard')
    await notify(mollieId)
    mollie.refund(mollieId, 2500)
    await notify(mollieId)
    await notify(mollieId) // the same state again: nothing more is refunded
    expect(await paymentOf(payload, payment.id)).toMatchObject({ amountRefunded: 2500, method: 'card', status: 'partially_refunded' })
    expect(await moneyOf(payload, invoice.id)).toEqual({ amountDue: 2500, amountPaid: 7500, status: 'partially_paid' })
    mollie.chargeback(mollieId)
    await notify(mollieId)
    expect(await paymentOf(payload, payment.id)).toMatchObject({ amountChargedBack: 7500, status: 'disputed' })
    expect(await moneyOf(payload, invoice.id)).toEqual({ amountDue: 10000, amountPaid: 0, status: 'open' })
    expect((await eventsOf(payload, 'payment_disputed')).some((event) => event.details && (event.details as { chargedBack?: number }).chargedBack === 7500)).toBe(true)
  })

  it('the same call five times at once is stored once and counted once', async () => {
    const invoice = await openInvoice(payload, app.client.id)
    const { mollieId, payment } = await startPay(invoice.id)
    mollie.pay(mollieId, 'bancontact')
    const before = await inboxCount()
    const answers = await Promise.all(Array.from({ length: 5 }, () => notify(mollieId)))
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200])
    expect(answers.filter((answer) => answer.body.duplicate === true)).toHaveLength(4)
    expect(await inboxCount()).toBe(before + 1)
    expect(await moneyOf(payload, invoice.id)).toEqual({ amountDue: 0, amountPaid: 12100, status: 'paid' })
    const succeeded = (await eventsOf(payload, 'payment_succeeded')).filter((event) => (event.details as { to?: string }).to === 'succeeded' && String(event.invoice) === String(invoice.id))
    expect(succeeded).toHaveLength(1)
    expect((await paymentOf(payload, payment.id)).receiptSentAt).toBeTruthy()
  })
})
