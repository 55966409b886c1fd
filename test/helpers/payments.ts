import type { Payload } from 'payload'

import { handleEndpoints } from 'payload'

import type { InvoicePortalPluginOptions } from '../../src/options.js'

import { afterResponseSettled } from '../../src/portal/afterResponse.js'
import { passwords } from './fixtures.js'
import { startTestApp, type TestApp } from './payload.js'
import { portalClient } from './portal.js'
import { startSmtpSink } from './smtp.js'

/**
 * The host app with the given payment providers, mailing to an SMTP sink of its own, with a client in
 * EUR and a billing contact signed in to the portal. `stop` also stops the sink.
 */
export async function startPaymentsApp(payments: NonNullable<InvoicePortalPluginOptions['payments']>, plugin: Omit<InvoicePortalPluginOptions, 'payments'> = {}) {
  const smtp = await startSmtpSink()
  const app = await startTestApp({ plugin: { ...plugin, payments }, smtpUrl: smtp.url })
  const { payload } = app
  const client = await payload.create({ collection: 'clients', data: { billingEmail: 'ap@payer.test', currency: 'EUR', locale: 'en', name: 'Payer BV' } })
  const contact = await payload.create({
    collection: 'contacts',
    data: { client: client.id, email: 'billing@payer.test', name: 'Bill Payer', password: passwords.contact, role: 'billing' },
  })
  const portal = portalClient(app.config)
  const { cookie } = await portal.signIn('billing@payer.test', passwords.contact)
  const stop = async () => {
    await app.stop()
    await smtp.stop()
  }
  return { ...app, client, contact, cookie: cookie!, portal, smtp, stop }
}

export type PaymentsApp = Awaited<ReturnType<typeof startPaymentsApp>>

/**
 * Posts a webhook to the host's real REST handler, as the provider would, and waits for the work the
 * answer started (the queued job run straight after it) before returning.
 */
export async function postWebhook(app: TestApp, provider: 'mollie' | 'stripe', delivery: { body: string; headers: Record<string, string> }) {
  const response = await handleEndpoints({
    config: app.config,
    request: new Request(`http://localhost/api/invoice-portal/${provider}/webhook`, { body: delivery.body, headers: delivery.headers, method: 'POST' }),
  })
  const text = await response.text()
  await afterResponseSettled()
  return { body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, status: response.status, text }
}

/** Everything the money rules derive, to compare after each step. */
export async function moneyOf(payload: Payload, invoiceId: number | string) {
  const invoice = await payload.findByID({ collection: 'invoices', depth: 0, id: invoiceId })
  return { amountDue: invoice.amountDue, amountPaid: invoice.amountPaid, status: invoice.status }
}

export async function paymentOf(payload: Payload, id: number | string) {
  return payload.findByID({ collection: 'payments', depth: 0, id })
}

export async function eventsOf(payload: Payload, type: string) {
  return (await payload.find({ collection: 'portal-events', depth: 0, pagination: false, sort: 'createdAt', where: { type: { equals: type } } })).docs
}

/** The payment a pay form post created: the newest one. */
export async function newestPayment(payload: Payload) {
  const { docs } = await payload.find({ collection: 'payments', depth: 0, limit: 1, sort: '-createdAt' })
  return docs[0]
}
