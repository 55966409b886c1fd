/**
 * The app under test for `npm run bench:webhooks`, in its own process: the dev host app with a Stripe
 * provider pointed at the bench's fake Stripe, served over plain HTTP by Payload's own REST handler.
 * It seeds BENCH_PAYMENTS checkouts through the portal's payment code, writes them to BENCH_SEED_FILE,
 * then prints "ready <port>".
 */
import { writeFileSync } from 'node:fs'
import { createLocalReq, getPayload } from 'payload'

import { createDevConfig } from '../../dev/config.js'
import { startPayment } from '../../src/payments/checkout.js'
import { stripeProvider } from '../../src/payments/stripe.js'
import { loadPortal } from '../../src/portal/context.js'
import { serveRestApi } from '../lib/serve.js'

const env = (name: string) => {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set`)
  return value
}

const config = createDevConfig({
  databaseUri: env('DATABASE_URI'),
  plugin: {
    paymentReconciliation: { cron: false },
    payments: [stripeProvider({ apiUrl: env('STRIPE_API_URL'), secretKey: env('STRIPE_SECRET_KEY'), webhookSecret: env('STRIPE_WEBHOOK_SECRET') })],
  },
  seed: false,
})
const payload = await getPayload({ config })
const portal = await loadPortal(config)

// By default nobody gets receipts (the client has no billing address, its contact wants none), so the
// figures are the webhooks' own. BENCH_RECEIPTS=1: the contact wants them, and each payment's receipt
// PDF is rendered on the same two cores while deliveries arrive, as in production.
const client = await payload.create({ collection: 'clients', data: { currency: 'EUR', name: 'Bench BV' } })
const contact = await payload.create({
  collection: 'contacts',
  data: { client: client.id, email: 'bench@bench.test', name: 'Bench', notifications: { paymentReceived: process.env.BENCH_RECEIPTS === '1' }, password: 'bench-password-1', role: 'billing' },
})
const seeded: Array<{ invoice: number | string; payment: number | string; session: string; total: number }> = []
const count = Number(env('BENCH_PAYMENTS'))
const audit = await createLocalReq({}, payload)
for (let index = 0; index < count; index += 1) {
  const invoice = await payload.create({
    collection: 'invoices',
    data: { client: client.id, dueDate: '2026-12-31', issueDate: '2026-11-01', lineItems: [{ description: 'Work', quantity: '1', taxRate: '21', unitAmount: 1000 + index }], status: 'open' },
  })
  const { paymentId } = await startPayment(portal, { ...contact, collection: 'contacts' } as never, { invoiceIds: [String(invoice.id)] }, audit)
  const payment = await payload.findByID({ collection: 'payments', depth: 0, id: paymentId })
  seeded.push({ invoice: invoice.id, payment: paymentId, session: payment.providerRef as string, total: invoice.total as number })
}
writeFileSync(env('BENCH_SEED_FILE'), JSON.stringify(seeded))

serveRestApi(config)
