import type { Payload } from 'payload'

import { type ChildProcess, spawn } from 'node:child_process'
import http from 'node:http'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { SIGNATURE_HEADER, signatureHeader } from '../../src/exports/erp.js'
import { JOBS_QUEUE } from '../../src/jobs/queue.js'
import { stripeProvider } from '../../src/payments/stripe.js'
import { type FakeStripe, startFakeStripe } from '../fakes/stripe.js'
import { ERP_SECRET, erpEvent, erpInvoice } from '../helpers/erp.js'
import { line, openInvoice } from '../helpers/fixtures.js'
import { newestPayment, type PaymentsApp, startPaymentsApp } from '../helpers/payments.js'

/**
 * Crash safety: the API runs as a process of its own (crash-server.ts). In the middle of a burst of
 * ERP pushes and Stripe webhooks it is killed with SIGKILL and started again; the senders retry each
 * delivery until it is answered 2xx, as the ERP and Stripe do. Every event must be applied exactly
 * once and none lost: counted from the database.
 */
let stripe: FakeStripe
let app: PaymentsApp
let payload: Payload
let server: ChildProcess | null = null
let port = 0

const databaseUri = () => (payload.db as unknown as { poolOptions: { connectionString: string } }).poolOptions.connectionString

async function startServer(): Promise<void> {
  // Node itself with tsx's loader, not the tsx command: SIGKILL must reach the process that serves.
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/security/crash-server.ts')], {
    env: { ...process.env, DATABASE_URI: databaseUri(), ERP_WEBHOOK_SECRET: ERP_SECRET, NODE_ENV: 'test', PORT: String(port), STRIPE_API_URL: stripe.url, STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_WEBHOOK_SECRET: stripe.webhookSecret },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  server = child
  let errors = ''
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()))
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve())
    child.on('exit', (code) => reject(new Error(`crash-server exited with ${code} before it was ready:\n${errors.slice(-2000)}`)))
  })
}

/** One delivery, retried until it is answered 2xx: a refused connection, a cut one or a 5xx is tried again. */
async function deliver(path: string, body: string, headers: () => Record<string, string>, stats: { attempts: number }): Promise<number> {
  for (;;) {
    stats.attempts += 1
    const status = await new Promise<number>((resolve) => {
      const request = http.request({ headers: { ...headers(), 'content-length': Buffer.byteLength(body) }, host: '127.0.0.1', method: 'POST', path, port }, (response) => {
        response.resume()
        response.on('end', () => resolve(response.statusCode ?? 0))
        response.on('error', () => resolve(0))
      })
      request.on('error', () => resolve(0))
      request.end(body)
    })
    if (status >= 200 && status < 300) return status
    if (status >= 400 && status < 500) throw new Error(`${path} refused a delivery with ${status}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

beforeAll(async () => {
  stripe = await startFakeStripe()
  app = await startPaymentsApp([stripeProvider({ apiUrl: stripe.url, secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret })], { erp: { webhookSecret: ERP_SECRET } })
  payload = app.payload
  port = 20_000 + Math.floor(Math.random() * 20_000)
  await startServer()
}, 120_000)
afterAll(async () => {
  if (server?.pid && server.exitCode === null) server.kill('SIGKILL')
  await app?.stop()
  await stripe?.close()
})

describe('crash safety', () => {
  it('kill -9 in the middle of ERP pushes and Stripe webhooks: after a restart and the senders’ retries, every event is applied exactly once', async () => {
    // 30 checkouts paid at Stripe, whose webhooks go out during the burst.
    const paid: Array<{ invoice: number | string; payment: number | string; session: string }> = []
    for (let index = 0; index < 30; index += 1) {
      const invoice = await openInvoice(payload, app.client.id, { lineItems: [line(1000 + index, '1', '21')] })
      const answer = await app.portal.post('pay', { invoice: String(invoice.id), provider: 'stripe' }, { cookie: app.cookie })
      expect(answer.status).toBe(303)
      const payment = await newestPayment(payload)
      paid.push({ invoice: invoice.id, payment: payment.id, session: payment.providerRef as string })
    }
    const stripeDeliveries = paid.flatMap(({ session }) => stripe.pay(session, { method: 'card' }).map((event) => ({ event })))
    // 400 ERP pushes of new invoices, 80 of them sent twice (a retry after a lost answer).
    const pushes = Array.from({ length: 400 }, (_, index) => erpEvent('invoice.upserted', erpInvoice(`INV-CRASH-${index}`, 1, { client: { externalId: `C-CRASH-${index % 5}`, name: `Crash ${index % 5}` } })))
    const erpDeliveries = [...pushes, ...pushes.slice(0, 80)].map((push) => JSON.stringify(push))

    const stats = { attempts: 0 }
    const sends = [
      ...erpDeliveries.map((body) => () => deliver('/api/invoice-portal/erp/webhook', body, () => ({ 'content-type': 'application/json', [SIGNATURE_HEADER]: signatureHeader(ERP_SECRET, body) }), stats)),
      // Signed anew on each attempt, as Stripe does: a signature is only good for a few minutes.
      ...stripeDeliveries.map(({ event }) => () => deliver('/api/invoice-portal/stripe/webhook', stripe.signedDelivery(event).body, () => stripe.signedDelivery(event).headers, stats)),
    ].sort(() => Math.random() - 0.5)
    // 20 senders at a time; the server is killed once a third is answered, and started again at once.
    let answered = 0
    let killedAt = -1
    const queue = [...sends]
    const sender = async () => {
      for (let send = queue.shift(); send; send = queue.shift()) {
        await send()
        answered += 1
        if (killedAt < 0 && answered >= Math.floor(sends.length / 3)) {
          killedAt = answered
          server!.kill('SIGKILL')
          await new Promise((resolve) => server!.once('exit', resolve))
          await startServer()
        }
      }
    }
    await Promise.all(Array.from({ length: 20 }, sender))
    expect(killedAt).toBeGreaterThan(0)

    // What the killed process had answered but not applied is in the inbox with its job: the worker runs it.
    const pending = (await payload.count({ collection: 'webhook-events', where: { status: { not_equals: 'processed' } } })).totalDocs
    for (let round = 0; round < 50; round += 1) {
      await payload.jobs.run({ limit: 500, queue: JOBS_QUEUE })
      const waiting = (await payload.count({ collection: 'payload-jobs', where: { and: [{ completedAt: { exists: false } }, { hasError: { not_equals: true } }] } })).totalDocs
      if (waiting === 0) break
    }
    const erpInvoices = (await payload.find({ collection: 'invoices', depth: 0, limit: 0, pagination: false, select: { externalId: true }, where: { externalId: { like: 'INV-CRASH-' } } })).docs
    const inbox = (await payload.find({ collection: 'webhook-events', depth: 0, limit: 0, pagination: false, select: { eventId: true, status: true } })).docs
    const payments = await Promise.all(paid.map(async ({ invoice, payment }) => ({ invoice: await payload.findByID({ collection: 'invoices', depth: 0, id: invoice }), payment: await payload.findByID({ collection: 'payments', depth: 0, id: payment }) })))
    const succeeded = (await payload.count({ collection: 'payments', where: { status: { equals: 'succeeded' } } })).totalDocs
    console.log(
      `[crash] ${sends.length} deliveries (${erpDeliveries.length} ERP, ${stripeDeliveries.length} Stripe) in ${stats.attempts} attempts; killed after ${killedAt} answers, ${pending} answered but not yet applied at the last answer; ` +
        `${erpInvoices.length} ERP invoices, ${inbox.length} inbox events (${inbox.filter((event) => event.status === 'processed').length} processed), ${succeeded} payments succeeded`,
    )
    expect(stats.attempts).toBeGreaterThan(sends.length)
    expect(erpInvoices).toHaveLength(400)
    expect(new Set(erpInvoices.map((invoice) => invoice.externalId)).size).toBe(400)
    expect(inbox).toHaveLength(400 + new Set(stripeDeliveries.map(({ event }) => event.id)).size)
    expect(inbox.every((event) => event.status === 'processed')).toBe(true)
    expect(succeeded).toBe(30)
    for (const { invoice, payment } of payments) {
      expect(payment.status).toBe('succeeded')
      expect(invoice).toMatchObject({ amountDue: 0, amountPaid: invoice.total, status: 'paid' })
    }
  }, 600_000)
})
