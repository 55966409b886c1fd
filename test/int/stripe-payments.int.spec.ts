import type Stripe from 'stripe'

import { createLocalReq, type Payload } from 'payload'

import { sql } from '@payloadcms/db-postgres/drizzle'
import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { processWebhookEvent, storeWebhookEvent, WEBHOOK_TASK } from '../../src/payments/inbox.js'
import { stripeProvider } from '../../src/payments/stripe.js'
import { loadPortal } from '../../src/portal/context.js'
import { type FakeStripe, startFakeStripe } from '../fakes/stripe.js'
import { line, openInvoice } from '../helpers/fixtures.js'
import { eventsOf, moneyOf, newestPayment, paymentOf, type PaymentsApp, postWebhook, startPaymentsApp } from '../helpers/payments.js'
import { pdfText } from '../helpers/pdf.js'

let stripe: FakeStripe
let app: PaymentsApp
let payload: Payload
let smtp: PaymentsApp['smtp']

beforeAll(async () => {
  stripe = await startFakeStripe()
  const provider = stripeProvider({ apiUrl: stripe.url, methods: ['card', 'ideal', 'sepa_debit'], secretKey: stripe.secretKey, webhookSecret: ['whsec_retired_one', stripe.webhookSecret] })
  app = await startPaymentsApp([provider])
  ;({ payload, smtp } = app)
  await payload.updateGlobal({ data: { portal: { allowPartialPayment: true, minimumPartialAmount: 1000 } }, slug: 'invoice-portal-settings' })
})
afterAll(async () => {
  await app?.stop()
  await stripe?.close()
})

const deliver = (event: Stripe.Event, options?: Parameters<FakeStripe['signedDelivery']>[1]) => postWebhook(app, 'stripe', stripe.signedDelivery(event, options))
const deliverAll = async (events: Stripe.Event[]) => {
  for (const event of events) expect((await deliver(event)).status).toBe(200)
}
const inboxCount = async () => (await payload.count({ collection: 'webhook-events', where: { provider: { equals: 'stripe' } } })).totalDocs

/** Posts the portal's pay form and returns our payment and the Checkout Session it opened. */
async function startPay(fields: Record<string, string> | URLSearchParams) {
  const response = await app.portal.post('pay', fields, { cookie: app.cookie })
  expect(response.status).toBe(303)
  const payment = await newestPayment(payload)
  const session = stripe.session(payment.providerRef as string)
  expect(response.location).toBe(session.url)
  return { payment, session }
}
const payInvoice = (invoiceId: number | string, extra: Record<string, string> = {}) => startPay({ invoice: String(invoiceId), provider: 'stripe', ...extra })

describe('Stripe Checkout', () => {
  it('a full card payment: attempt recorded first, idempotency key, paid by the verified webhook, receipt mailed once', async () => {
    const invoice = await openInvoice(payload, app.client.id) // 121.00
    const { payment, session } = await payInvoice(invoice.id)
    expect(payment).toMatchObject({ amount: 12100, provider: 'stripe', status: 'pending' })
    const create = stripe.requests.find((request) => request.path === '/v1/checkout/sessions' && request.method === 'POST')!
    expect(create.idempotencyKey).toBe(`invoice-portal-payment-${payment.id}`)
    expect(create.body.metadata).toEqual({ invoice_portal_payment: String(payment.id) })
    expect(session).toMatchObject({ amount_total: 12100, currency: 'eur', success_url: expect.stringMatching(new RegExp(`/portal/payments/${payment.id}$`)) })

    await deliverAll(stripe.pay(session.id, { method: 'card' }))
    expect(await moneyOf(payload, invoice.id)).toEqual({ amountDue: 0, amountPaid: 12100, status: 'paid' })
    expect(await paymentOf(payload, payment.id)).toMatchObject({ method: 'card', status: 'succeeded' })
    const mail = await smtp.waitFor('billing@payer.test')
    expect(mail.text).toContain(invoice.number)
    expect(mail.text).toMatch(new RegExp(`/portal/payments/${payment.id}`))
    expect(await pdfText(mail.attachments[0].content)).toContain('121.00')
    const succeeded = (await eventsOf(payload, 'payment_succeeded')).filter((event) => String(event.invoice) === String(invoice.id))
    expect(succeeded).toHaveLength(1)
    expect(smtp.messages.filter((message) => message.to.includes('billing@payer.test'))).toHaveLength(0)
  })

  it('a partial payment within the settings, and the form’s bad amounts are refused without a write', async () => {
    const invoice = await openInvoice(payload, app.client.id) // 121.00
    const before = (await payload.count({ collection: 'payments' })).totalDocs
    for (const amount of ['5.00', '121.01', 'abc', '-20']) {
      const response = await app.portal.post('pay', { amount, invoice: String(invoice.id), provider: 'stripe' }, { cookie: app.cookie })
      expect(response.location, amount).toContain('payError=amount')
      expect(response.location).toContain('min=%E2%82%AC10.00')
    }
    expect((await payload.count({ collection: 'payments' })).totalDocs).toBe(before)

    const { payment, session } = await payInvoice(invoice.id, { amount: '50.00' })
    expect(payment.amount).toBe(5000)
    await deliverAll(stripe.pay(session.id, { method: 'ideal' }))
    expect(await moneyOf(payload, invoice.id)).toEqual({ amountDue: 7100, amountPaid: 5000, status: 'partially_paid' })
  })

  it('two invoices in one checkout, each settled by its own allocation', async () => {
    const first = await openInvoice(payload, app.client.id)
    const second = await openInvoice(payload, app.client.id, { lineItems: [line(5000, '1', '0')] })
    const { payment, session } = await startPay(new URLSearchParams([['ids', String(first.id)], ['ids', String(second.id)], ['provider', 'stripe']]))
    expect(payment.amount).toBe(17100)
    expect(payment.allocations.map((allocation: { amount: number }) => allocation.amount)).toEqual([12100, 5000])
    expect(session.amount_total).toBe(17100)
    await deliverAll(stripe.pay(session.id, { method: 'card' }))
    expect(await moneyOf(payload, first.id)).toEqual({ amountDue: 0, amountPaid: 12100, status: 'paid' })
    expect(await moneyOf(payload, second.id)).toEqual({ amountDue: 0, amountPaid: 5000, status: 'paid' })
  })

  it('SEPA: processing until it settles; a later failure of another debit leaves that invoice due; stale events change nothing', async () => {
    const settles = await openInvoice(payload, app.client.id)
    const bounces = await openInvoice(payload, app.client.id)
    const good = await payInvoice(settles.id)
    const bad = await payInvoice(bounces.id)
    const processingEvents = stripe.pay(good.session.id, { method: 'sepa_debit' })
    await deliverAll(processingEvents)
    await deliverAll(stripe.pay(bad.session.id, { method: 'sepa_debit' }))
    expect(await paymentOf(payload, good.payment.id)).toMatchObject({ method: 'sepa_debit', status: 'processing' })
    expect(await moneyOf(payload, settles.id)).toEqual({ amountDue: 12100, amountPaid: 0, status: 'open' })
    const page = await app.portal.post('pay', { invoice: String(settles.id), provider: 'stripe' }, { cookie: app.cookie })
    expect(page.location).toContain('payError=inProgress')

    await deliverAll(stripe.settle(good.session.id, 'succeeded'))
    await deliverAll(stripe.settle(bad.session.id, 'failed'))
    expect(await moneyOf(payload, settles.id)).toEqual({ amountDue: 0, amountPaid: 12100, status: 'paid' })
    expect(await moneyOf(payload, bounces.id)).toEqual({ amountDue: 12100, amountPaid: 0, status: 'open' })
    expect(await paymentOf(payload, bad.payment.id)).toMatchObject({ status: 'failed' })
    // The old "processing" events delivered again after success: the current state is what counts.
    await deliverAll(processingEvents.map((event) => ({ ...event, id: `${event.id}_late` })))
    expect(await paymentOf(payload, good.payment.id)).toMatchObject({ status: 'succeeded' })
    expect(await moneyOf(payload, settles.id)).toEqual({ amountDue: 0, amountPaid: 12100, status: 'paid' })
  })

  it('a refund of part then all applies only the difference of the cumulative amount', async () => {
    const invoice = await openInvoice(payload, app.client.id, { lineItems: [line(10000, '1', '0')] })
    const { payment, session } = await payInvoice(invoice.id)
    await deliverAll(stripe.pay(session.id, { method: 'card' }))
    const partRefund = stripe.refund(session.id, 3000)
    await deliverAll(partRefund)
    await deliverAll(partRefund.map((event) => ({ ...event, id: `${event.id}_again` }))) // same cumulative figure again
    expect(await paymentOf(payload, payment.id)).toMatchObject({ amountRefunded: 3000, status: 'partially_refunded' })
    expect(await moneyOf(payload, invoice.id)).toEqual({ amountDue: 3000, amountPaid: 7000, status: 'partially_paid' })
    await deliverAll(stripe.refund(session.id, 7000))
    expect(await paymentOf(payload, payment.id)).toMatchObject({ amountRefunded: 10000, status: 'refunded' })
    expect(await moneyOf(payload, invoice.id)).toEqual({ amountDue: 10000, amountPaid: 0, status: 'open' })
    const refunds = (await eventsOf(payload, 'payment_refunded')).filter((event) => String(event.invoice) === String(invoice.id))
    expect(refunds.map((event) => (event.details as { refunded: number }).refunded)).toEqual([3000, 7000])
  })

  it('a dispute reopens the amount due; a won dispute settles it again', async () => {
    const invoice = await openInvoice(payload, app.client.id, { lineItems: [line(10000, '1', '0')] })
    const { payment, session } = await payInvoice(invoice.id)
    await deliverAll(stripe.pay(session.id, { method: 'card' }))
    await deliverAll(stripe.dispute(session.id))
    expect(await paymentOf(payload, payment.id)).toMatchObject({ amountChargedBack: 10000, status: 'disputed' })
    expect(await moneyOf(payload, invoice.id)).toEqual({ amountDue: 10000, amountPaid: 0, status: 'open' })
    await deliverAll(stripe.closeDispute(session.id, 'won'))
    expect(await paymentOf(payload, payment.id)).toMatchObject({ amountChargedBack: 0, status: 'succeeded' })
    expect(await moneyOf(payload, invoice.id)).toEqual({ amountDue: 0, amountPaid: 10000, status: 'paid' })
  })

  it('the same event delivered five times at once is stored once and counted once', async () => {
    const invoice = await openInvoice(payload, app.client.id)
    const { payment, session } = await payInvoice(invoice.id)
    const completed = stripe.pay(session.id, { method: 'card' }).find((event) => event.type === 'checkout.session.completed')!
    const before = await inboxCount()
    const answers = await Promise.all(Array.from({ length: 5 }, () => deliver(completed)))
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200])
    expect(answers.filter((answer) => answer.body.duplicate === true)).toHaveLength(4)
    expect(await inboxCount()).toBe(before + 1)
    expect(await moneyOf(payload, invoice.id)).toEqual({ amountDue: 0, amountPaid: 12100, status: 'paid' })
    expect((await eventsOf(payload, 'payment_succeeded')).filter((event) => String(event.invoice) === String(invoice.id))).toHaveLength(1)
    await smtp.waitFor('billing@payer.test')
    expect((await paymentOf(payload, payment.id)).receiptSentAt).toBeTruthy()
    // Processed straight after its answer: its queued job was ended with it, nothing is left to run.
    const [row] = (await payload.find({ collection: 'webhook-events', depth: 0, where: { eventId: { equals: completed.id } } })).docs
    const jobs = await payload.find({ collection: 'payload-jobs', depth: 0, limit: 0, pagination: false, where: { completedAt: { exists: false }, taskSlug: { equals: WEBHOOK_TASK } } })
    expect(row.status).toBe('processed')
    expect(jobs.docs.filter((job) => String((job.input as { event: string }).event) === String(row.id))).toEqual([])
  })

  it('events in reverse order end in the same state', async () => {
    const invoice = await openInvoice(payload, app.client.id, { lineItems: [line(10000, '1', '0')] })
    const { payment, session } = await payInvoice(invoice.id)
    const events = [...stripe.pay(session.id, { method: 'card' }), ...stripe.refund(session.id, 4000)]
    await deliverAll(events.reverse())
    expect(await paymentOf(payload, payment.id)).toMatchObject({ amountRefunded: 4000, status: 'partially_refunded' })
    expect(await moneyOf(payload, invoice.id)).toEqual({ amountDue: 4000, amountPaid: 6000, status: 'partially_paid' })
    // Booked as it happened: the money arrived, then part went back.
    const log = (await payload.find({ collection: 'portal-events', pagination: false, sort: 'createdAt', where: { invoice: { equals: invoice.id }, type: { in: ['payment_succeeded', 'payment_refunded'] } } })).docs
    expect(log.map((event) => event.type)).toEqual(['payment_succeeded', 'payment_refunded'])
  })

  it('forged, stale, unsigned and malformed deliveries are 400s that store nothing and are audited', async () => {
    const invoice = await openInvoice(payload, app.client.id)
    const { payment, session } = await payInvoice(invoice.id)
    const [event] = stripe.pay(session.id, { method: 'card' })
    const before = await inboxCount()
    const forged = await deliver(event, { secret: 'whsec_attacker' })
    expect(forged.status).toBe(400)
    expect(forged.body.error).toMatch(/Stripe-Signature/)
    expect((await deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(400)
    const unsigned = await postWebhook(app, 'stripe', { body: JSON.stringify(event), headers: { 'content-type': 'application/json' } })
    expect(unsigned).toMatchObject({ body: { error: 'The Stripe-Signature header is missing.' }, status: 400 })
    const tampered = stripe.signedDelivery(event)
    const changed = await postWebhook(app, 'stripe', { ...tampered, body: tampered.body.replace('"card"', '"ideal"') })
    expect(changed.status).toBe(400)
    const notJson = stripe.signedDelivery({ ...event, id: 'x' })
    const malformed = await postWebhook(app, 'stripe', { body: 'not json', headers: { ...notJson.headers, 'stripe-signature': signatureFor('not json') } })
    expect(malformed).toMatchObject({ body: { error: 'The body is not a JSON Stripe event.' }, status: 400 })
    const huge = await postWebhook(app, 'stripe', { body: 'x'.repeat(600 * 1024), headers: stripe.signedDelivery(event).headers })
    expect(huge).toMatchObject({ body: { error: 'The body is larger than 524288 bytes.' }, status: 413 })
    expect(await inboxCount()).toBe(before)
    expect(await paymentOf(payload, payment.id)).toMatchObject({ status: 'pending' })
    expect((await eventsOf(payload, 'webhook_rejected')).filter((rejected) => (rejected.details as { provider: string }).provider === 'stripe').length).toBeGreaterThanOrEqual(5)
  })

  it('the reconciliation sweep settles a payment whose webhooks never came', async () => {
    const sweep = async () => {
      const job = await payload.jobs.queue({ input: {}, queue: 'invoice-portal', task: 'invoicePortalReconcilePayments' as never })
      await payload.jobs.runByID({ id: (job as { id: number | string }).id })
    }
    const invoice = await openInvoice(payload, app.client.id)
    const { payment, session } = await payInvoice(invoice.id)
    stripe.pay(session.id, { method: 'card' }) // events lost
    await sweep()
    expect(await paymentOf(payload, payment.id)).toMatchObject({ status: 'pending' }) // not stale yet
    const db = payload.db as unknown as { drizzle: { execute: (query: unknown) => Promise<unknown> } }
    await db.drizzle.execute(sql`update payments set updated_at = now() - interval '2 hours' where id = ${payment.id}`)
    await sweep()
    expect(await paymentOf(payload, payment.id)).toMatchObject({ status: 'succeeded' })
    expect(await moneyOf(payload, invoice.id)).toEqual({ amountDue: 0, amountPaid: 12100, status: 'paid' })
  })

  it('a stored event left to the job queue (the app stopped before doing it) is processed by its job', async () => {
    const invoice = await openInvoice(payload, app.client.id)
    const { payment, session } = await payInvoice(invoice.id)
    const completed = stripe.pay(session.id, { method: 'card' }).find((event) => event.type === 'checkout.session.completed')!
    const stored = await storeWebhookEvent(await loadPortal(app.config), await createLocalReq({}, payload), {
      eventId: completed.id,
      payload: completed,
      provider: 'stripe',
      type: completed.type,
    })
    if (stored.duplicate) throw new Error('a new event was taken for a duplicate')
    expect(await paymentOf(payload, payment.id)).toMatchObject({ status: 'pending' })
    await payload.jobs.runByID({ id: stored.job })
    expect(await paymentOf(payload, payment.id)).toMatchObject({ status: 'succeeded' })
    expect(await payload.findByID({ collection: 'webhook-events', id: stored.event })).toMatchObject({ attempts: 1, status: 'processed' })
    expect(await moneyOf(payload, invoice.id)).toEqual({ amountDue: 0, amountPaid: 12100, status: 'paid' })
  })

  it('an event whose processing fails keeps the error and counts the attempt; the retry processes it', async () => {
    const invoice = await openInvoice(payload, app.client.id)
    const { payment, session } = await payInvoice(invoice.id)
    const completed = stripe.pay(session.id, { method: 'card' }).find((event) => event.type === 'checkout.session.completed')!
    const portal = await loadPortal(app.config)
    const stored = await storeWebhookEvent(portal, await createLocalReq({}, payload), { eventId: completed.id, payload: completed, provider: 'stripe', type: completed.type })
    if (stored.duplicate) throw new Error('a new event was taken for a duplicate')
    const db = payload.db as unknown as { drizzle: { execute: (query: unknown) => Promise<unknown> } }
    // As if the host had removed the provider's configuration since the event arrived.
    await db.drizzle.execute(sql`update webhook_events set provider = 'mollie' where id = ${stored.event}`)
    await expect(processWebhookEvent(portal, stored.event)).rejects.toThrow('No "mollie" payment provider is configured')
    expect(await payload.findByID({ collection: 'webhook-events', id: stored.event })).toMatchObject({ attempts: 1, lastError: expect.stringMatching(/No "mollie"/), status: 'failed' })
    expect(await paymentOf(payload, payment.id)).toMatchObject({ status: 'pending' })

    await db.drizzle.execute(sql`update webhook_events set provider = 'stripe' where id = ${stored.event}`)
    await processWebhookEvent(portal, stored.event)
    const row = await payload.findByID({ collection: 'webhook-events', id: stored.event })
    expect(row).toMatchObject({ attempts: 2, lastError: null, status: 'processed' })
    expect(Date.parse(row.processedAt as string)).toBeGreaterThan(Date.now() - 60_000)
    expect(await processWebhookEvent(portal, stored.event)).toBe('already_processed')
    expect(await moneyOf(payload, invoice.id)).toEqual({ amountDue: 0, amountPaid: 12100, status: 'paid' })
  })

  it('money that arrives for an invoice another attempt already paid stays on the payment as client credit', async () => {
    const invoice = await openInvoice(payload, app.client.id)
    const first = await payInvoice(invoice.id)
    const second = await payInvoice(invoice.id) // a second tab: pending money does not count yet
    await deliverAll(stripe.pay(first.session.id, { method: 'card' }))
    await deliverAll(stripe.pay(second.session.id, { method: 'ideal' }))
    expect(await moneyOf(payload, invoice.id)).toEqual({ amountDue: 0, amountPaid: 12100, status: 'paid' })
    expect(await paymentOf(payload, second.payment.id)).toMatchObject({ allocations: [], amount: 12100, status: 'succeeded' })
    const arrived = (await eventsOf(payload, 'payment_succeeded')).find((event) => (event.details as { payment?: unknown }).payment === second.payment.id)
    expect(arrived?.details).toMatchObject({ unallocated: 12100 })
  })

  it('who may pay what: viewers, foreign invoices, nothing selected, mixed currencies, paid invoices', async () => {
    const paid = await openInvoice(payload, app.client.id)
    const { session } = await payInvoice(paid.id)
    await deliverAll(stripe.pay(session.id, { method: 'card' }))
    const dollars = await openInvoice(payload, app.client.id, { currency: 'USD' })
    const open = await openInvoice(payload, app.client.id)
    const other = await payload.create({ collection: 'clients', data: { name: 'Other' } })
    const foreign = await openInvoice(payload, other.id)
    const before = (await payload.count({ collection: 'payments' })).totalDocs
    const post = (fields: Record<string, string> | URLSearchParams, cookie = app.cookie) => app.portal.post('pay', fields, { cookie })
    expect((await post({ invoice: String(paid.id), provider: 'stripe' })).location).toContain('payError=nothingDue')
    expect((await post({ invoice: String(foreign.id), provider: 'stripe' })).status).toBe(404)
    expect((await post({ provider: 'stripe' })).location).toContain('payError=noneSelected')
    expect((await post(new URLSearchParams([['ids', String(open.id)], ['ids', String(dollars.id)], ['provider', 'stripe']]))).location).toContain('payError=currency')
    expect((await post({ invoice: String(open.id), provider: 'mollie' })).location).toContain('payError=unavailable')
    await payload.create({ collection: 'contacts', data: { client: app.client.id, email: 'viewer@payer.test', name: 'Viewer', password: 'viewer-password-1', role: 'viewer' } })
    const viewer = await app.portal.signIn('viewer@payer.test', 'viewer-password-1')
    expect((await post({ invoice: String(open.id), provider: 'stripe' }, viewer.cookie)).location).toContain('payError=notAllowed')
    expect((await payload.count({ collection: 'payments' })).totalDocs).toBe(before)
  })
})

/** A valid signature over an arbitrary body, as Stripe computes it. */
function signatureFor(body: string): string {
  const timestamp = Math.floor(Date.now() / 1000)
  return `t=${timestamp},v1=${createHmac('sha256', stripe.webhookSecret).update(`${timestamp}.${body}`).digest('hex')}`
}
