import type { Payload } from 'payload'

import http from 'node:http'
import { type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { SIGNATURE_HEADER, verifyPortalEvent } from '../../src/exports/erp.js'
import { sweepOverdue } from '../../src/outbound/overdue.js'
import { loadPortal } from '../../src/portal/context.js'
import { afterResponseSettled } from '../../src/portal/afterResponse.js'
import { ERP_SECRET, erpEvent, erpInvoice, postErp } from '../helpers/erp.js'
import { passwords } from '../helpers/fixtures.js'
import { httpClient } from '../helpers/http.js'
import { startTestApp, type TestApp } from '../helpers/payload.js'

const OUTBOUND_SECRET = 'outbound-secret-0123456789'
const FLAKY_SECRET = 'flaky-secret-0123456789ab'

type Received = { body: string; headers: http.IncomingHttpHeaders }

/** The ERP's receiving end: answers each request with the next planned status (then 200), and keeps what it got. */
async function startReceiver() {
  const received: Received[] = []
  const plan: number[] = []
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: request.headers })
      const status = plan.shift() ?? 200
      response.writeHead(status, { 'Content-Type': 'text/plain' }).end(status === 200 ? 'ok' : 'ERP is down for maintenance')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { plan, received, stop: () => new Promise<void>((resolve) => server.close(() => resolve())), url }
}

let app: TestApp
let payload: Payload
let receiver: Awaited<ReturnType<typeof startReceiver>>
let flaky: Awaited<ReturnType<typeof startReceiver>>

beforeAll(async () => {
  receiver = await startReceiver()
  flaky = await startReceiver()
  app = await startTestApp({
    plugin: {
      erp: {
        outbound: [
          { secret: OUTBOUND_SECRET, url: `${receiver.url}/portal-events` },
          { events: ['invoice.paid'], secret: FLAKY_SECRET, url: `${flaky.url}/paid-only` },
        ],
        outboundRetry: { attempts: 2, delaySeconds: 0.2 },
        // The test runs the overdue sweep itself, at chosen moments.
        overdueCron: false,
        webhookSecret: ERP_SECRET,
      },
    },
  })
  payload = app.payload
})
afterAll(async () => {
  await app?.stop()
  await receiver?.stop()
  await flaky?.stop()
})

const deliveries = async (url: string) =>
  (await payload.find({ collection: 'invoice-portal-webhook-deliveries', depth: 0, pagination: false, sort: 'createdAt', where: { url: { equals: url } } })).docs
const runJobs = async () => {
  await payload.jobs.run({ queue: 'invoice-portal' })
  await afterResponseSettled()
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('outbound events', () => {
  it('a paid invoice is delivered signed; a receiver that fails twice gets it on the third attempt, the same body each time', async () => {
    flaky.plan.push(500, 503)
    await postErp(app.config, erpEvent('invoice.upserted', erpInvoice('INV-OUT-1', 1, { number: 'OUT-1' })))
    await postErp(app.config, erpEvent('payment.recorded', { allocations: [{ amount: 12100, invoice: { externalId: 'INV-OUT-1' } }], amount: 12100, currency: 'EUR', externalId: 'PAY-OUT-1', paidAt: '2026-11-21T10:00:00Z', version: 1 }))

    // The receiver that wants everything got payment.succeeded and invoice.paid at once.
    const types = receiver.received.map(({ body }) => JSON.parse(body).type)
    expect(types.sort()).toEqual(['invoice.paid', 'payment.succeeded'])
    for (const { body, headers } of receiver.received) {
      expect(verifyPortalEvent(body, headers[SIGNATURE_HEADER.toLowerCase()] as string, OUTBOUND_SECRET)).toEqual({ ok: true })
      expect(verifyPortalEvent(body, headers[SIGNATURE_HEADER.toLowerCase()] as string, 'some-other-secret-000')).toMatchObject({ ok: false })
      expect(headers['x-invoice-portal-event']).toBe(JSON.parse(body).type)
    }
    const paid = JSON.parse(receiver.received.find(({ body }) => JSON.parse(body).type === 'invoice.paid')!.body)
    expect(paid).toMatchObject({
      data: { amountPaid: 12100, client: { externalId: 'C-100' }, currency: 'EUR', externalId: 'INV-OUT-1', number: 'OUT-1', total: 12100 },
      id: expect.stringMatching(/^evt_[0-9a-f]{32}$/),
      type: 'invoice.paid',
    })
    const succeeded = JSON.parse(receiver.received.find(({ body }) => JSON.parse(body).type === 'payment.succeeded')!.body)
    expect(succeeded.data).toMatchObject({ allocations: [{ amount: 12100, invoice: { externalId: 'INV-OUT-1', number: 'OUT-1' } }], amount: 12100, provider: 'erp', providerRef: 'PAY-OUT-1' })

    // The flaky one: attempt 1 (straight after the change) failed; the job retries with backoff.
    expect(await deliveries(`${flaky.url}/paid-only`)).toMatchObject([{ attempts: 1, lastError: 'The endpoint answered 500: ERP is down for maintenance', lastStatusCode: 500, status: 'retrying', type: 'invoice.paid' }])
    await runJobs()
    expect(await deliveries(`${flaky.url}/paid-only`)).toMatchObject([{ attempts: 2, lastStatusCode: 503, status: 'retrying' }])
    await sleep(900)
    await runJobs()
    expect(await deliveries(`${flaky.url}/paid-only`)).toMatchObject([{ attempts: 3, deliveredAt: expect.any(String), lastError: null, lastStatusCode: 200, status: 'delivered' }])
    expect(flaky.received).toHaveLength(3)
    expect(new Set(flaky.received.map(({ body }) => body)).size).toBe(1)
    for (const { body, headers } of flaky.received) expect(verifyPortalEvent(body, headers[SIGNATURE_HEADER.toLowerCase()] as string, FLAKY_SECRET)).toEqual({ ok: true })
    // Delivered is final: the durable job, run again, sends nothing more.
    await runJobs()
    expect(flaky.received).toHaveLength(3)
  })

  it('a delivery that keeps failing ends failed; staff retry it by hand; contacts cannot see the log or retry', async () => {
    flaky.received.length = 0
    flaky.plan.push(500, 500, 500, 500, 500)
    await postErp(app.config, erpEvent('invoice.upserted', erpInvoice('INV-OUT-2', 1, { status: 'paid' })))
    for (let round = 0; round < 4; round += 1) {
      await sleep(900)
      await runJobs()
    }
    const [failed] = await deliveries(`${flaky.url}/paid-only`).then((rows) => rows.slice(-1))
    expect(failed).toMatchObject({ status: 'failed' })
    expect(failed.attempts).toBeGreaterThanOrEqual(3)
    flaky.plan.length = 0

    const client = httpClient(app.config)
    await payload.create({ collection: 'users', data: { email: 'staff@host.test', password: passwords.staff } })
    const staffToken = await client.login('users', 'staff@host.test', passwords.staff)
    expect((await client.rest('POST', `/api/invoice-portal/webhook-deliveries/${failed.id}/retry`)).status).toBe(401)
    const retried = await client.rest('POST', `/api/invoice-portal/webhook-deliveries/${failed.id}/retry`, { token: staffToken })
    expect(retried.status).toBe(202)
    await afterResponseSettled()
    expect(await payload.findByID({ collection: 'invoice-portal-webhook-deliveries', id: failed.id })).toMatchObject({ status: 'delivered' })
    const again = await client.rest('POST', `/api/invoice-portal/webhook-deliveries/${failed.id}/retry`, { token: staffToken })
    expect(again.status).toBe(409)
    expect(again.body.errors[0].message).toMatch(/was delivered on/)
    const unknown = await client.rest('POST', '/api/invoice-portal/webhook-deliveries/999999/retry', { token: staffToken })
    expect(unknown.status).toBe(404)
    expect(unknown.body.errors[0].message).toBe('No such delivery.')

    const log = await client.rest('GET', '/api/invoice-portal-webhook-deliveries?limit=100', { token: staffToken })
    expect(log.status).toBe(200)
    expect(log.body.totalDocs).toBeGreaterThanOrEqual(4)
    const clientId = (await payload.find({ collection: 'clients', where: { externalId: { equals: 'C-100' } } })).docs[0].id
    await payload.create({ collection: 'contacts', data: { client: clientId, email: 'peek@erp-client.test', name: 'Peek', password: passwords.contact } })
    const contactToken = await client.login('contacts', 'peek@erp-client.test', passwords.contact)
    expect((await client.rest('GET', '/api/invoice-portal-webhook-deliveries', { token: contactToken })).status).toBe(403)
    expect((await client.rest('POST', `/api/invoice-portal/webhook-deliveries/${failed.id}/retry`, { token: contactToken })).status).toBe(403)
  })

  it('refunds and issued credit notes are sent too', async () => {
    receiver.received.length = 0
    const paid = (await payload.find({ collection: 'payments', where: { providerRef: { equals: 'PAY-OUT-1' } } })).docs[0]
    await payload.update({ collection: 'payments', data: { amountRefunded: 2100, status: 'partially_refunded' }, id: paid.id })
    await afterResponseSettled()
    await runJobs()
    const refund = receiver.received.map(({ body }) => JSON.parse(body)).find((event) => event.type === 'payment.refunded')
    expect(refund?.data).toMatchObject({ amountRefunded: 2100, refundedNow: 2100, status: 'partially_refunded' })

    await postErp(app.config, erpEvent('invoice.upserted', erpInvoice('INV-OUT-3', 1)))
    await postErp(app.config, erpEvent('credit_note.upserted', { amount: 1000, externalId: 'CN-OUT-1', invoice: { externalId: 'INV-OUT-3' }, reason: 'Goodwill', status: 'issued', version: 1 }))
    await runJobs()
    const credit = receiver.received.map(({ body }) => JSON.parse(body)).find((event) => event.type === 'credit_note.issued')
    expect(credit?.data).toMatchObject({ amount: 1000, externalId: 'CN-OUT-1', invoice: { externalId: 'INV-OUT-3' }, reason: 'Goodwill' })
  })

  it('an invoice that became overdue in its client’s timezone is announced once', async () => {
    receiver.received.length = 0
    const portal = await loadPortal(app.config)
    const client = (name: string, timezone: string) => payload.create({ collection: 'clients', data: { externalId: `C-${name}`, name, timezone } })
    const amsterdam = await client('Amsterdam BV', 'Europe/Amsterdam')
    const losAngeles = await client('LA Inc', 'America/Los_Angeles')
    const invoice = (clientId: number | string, dueDate: string, issueDate = '2026-11-01') =>
      payload.create({
        collection: 'invoices',
        data: { client: clientId, dueDate, issueDate, lineItems: [{ description: 'Work', quantity: '1', taxRate: '21', unitAmount: 10000 }], status: 'open' },
      })
    const dueInAmsterdam = await invoice(amsterdam.id, '2026-12-01')
    const dueTodayInAmsterdam = await invoice(amsterdam.id, '2026-12-02')
    const dueInLosAngeles = await invoice(losAngeles.id, '2026-12-01')
    await afterResponseSettled()
    receiver.received.length = 0

    // 02:00 UTC on 2 December: already the 2nd in Amsterdam, still the 1st in Los Angeles.
    expect(await sweepOverdue(portal, new Date('2026-12-02T02:00:00Z'))).toEqual({ marked: 1 })
    await afterResponseSettled()
    const overdue = receiver.received.map(({ body }) => JSON.parse(body)).filter((event) => event.type === 'invoice.overdue')
    expect(overdue.map((event) => event.data)).toEqual([
      { amountDue: 12100, client: { externalId: 'C-Amsterdam BV', id: amsterdam.id }, currency: 'EUR', dueDate: '2026-12-01', externalId: null, id: dueInAmsterdam.id, number: dueInAmsterdam.number, total: 12100 },
    ])
    expect((await payload.findByID({ collection: 'invoices', id: dueInAmsterdam.id })).overdueAt).toBe('2026-12-02T02:00:00.000Z')
    expect((await payload.findByID({ collection: 'invoices', id: dueTodayInAmsterdam.id })).overdueAt).toBeNull()

    // Swept again: nothing new. Later that day Los Angeles reaches the 2nd too.
    expect(await sweepOverdue(portal, new Date('2026-12-02T03:00:00Z'))).toEqual({ marked: 0 })
    expect(await sweepOverdue(portal, new Date('2026-12-02T09:00:00Z'))).toEqual({ marked: 1 })
    await afterResponseSettled()
    expect(receiver.received.map(({ body }) => JSON.parse(body)).filter((event) => event.type === 'invoice.overdue').map((event) => event.data.id)).toEqual([dueInAmsterdam.id, dueInLosAngeles.id])

    // The sweep as node-cron queues it: a job on the plugin's queue, run by the host's runner, at the real now.
    const longOverdue = await invoice(amsterdam.id, '2025-01-31', '2025-01-01')
    await payload.jobs.queue({ input: {}, queue: 'invoice-portal', task: 'invoicePortalOverdueSweep' as never })
    await runJobs()
    expect((await payload.findByID({ collection: 'invoices', id: longOverdue.id })).overdueAt).toEqual(expect.any(String))
    expect(receiver.received.map(({ body }) => JSON.parse(body)).filter((event) => event.type === 'invoice.overdue').map((event) => event.data.id)).toEqual([dueInAmsterdam.id, dueInLosAngeles.id, longOverdue.id])
  })
})
