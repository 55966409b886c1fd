/**
 * Playwright globalSetup: the fake Stripe API the app's Stripe provider talks to during the e2e run.
 * Playwright starts the web server first, so the app is configured with a fixed address and keys
 * (playwright.config.ts), and the fake listens there; its checkout page posts the signed webhooks
 * to the app, as Stripe would.
 */
import { startFakeStripe } from '../fakes/stripe.js'

export const e2eStripe = {
  port: () => Number(process.env.E2E_STRIPE_PORT || 12111),
  secretKey: 'sk_test_e2e_invoice_portal',
  webhookSecret: 'whsec_e2e_invoice_portal',
}

export default async function startStripeFake() {
  const baseUrl = `http://127.0.0.1:${Number(process.env.E2E_PORT || 3210)}`
  const fake = await startFakeStripe({
    port: e2eStripe.port(),
    secretKey: e2eStripe.secretKey,
    webhookSecret: e2eStripe.webhookSecret,
    webhookUrl: `${baseUrl}/api/invoice-portal/stripe/webhook`,
  })
  return () => fake.close()
}
