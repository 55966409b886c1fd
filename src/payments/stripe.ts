import Stripe from 'stripe'

import type { CheckoutRequest, PaymentMethodName, PaymentProvider, PaymentReference, ProviderPaymentState, StoredSecrets, VerifiedWebhook } from './types.js'

import { configuredSecrets, secretOption } from '../security/providerSecrets.js'

export type StripeMethod = 'bancontact' | 'card' | 'ideal' | 'sepa_debit'

export type StripeProviderOptions = {
  /**
   * Stripe's API address, for a proxy or a test double (e.g. `http://127.0.0.1:12111`).
   * @default https://api.stripe.com
   */
  apiUrl?: string
  /** Shown on the portal's pay button. @default 'Card, iDEAL, Bancontact or SEPA Direct Debit' */
  label?: string
  /**
   * Payment methods offered in Checkout. iDEAL, Bancontact and SEPA Direct Debit take EUR only.
   * @default the methods enabled in the Stripe dashboard
   */
  methods?: StripeMethod[]
  /**
   * A secret (`sk_…`) or restricted (`rk_…`) key with Checkout Sessions write and read access.
   * @default the Stripe secret key staff enter in the settings (kept encrypted)
   */
  secretKey?: string
  /**
   * The endpoint's signing secret (`whsec_…`); give several while rotating it, and a delivery signed
   * with any of them is accepted. @default the Stripe webhook signing secret staff enter in the settings
   */
  webhookSecret?: string | string[]
}

const SECRET_KEY_OPTION = 'stripeProvider({ secretKey })'
const WEBHOOK_SECRET_OPTION = 'stripeProvider({ webhookSecret })'

/** Ties a Stripe object to our payment; Checkout copies it onto the PaymentIntent. */
const METADATA_KEY = 'invoice_portal_payment'

/** Dispute statuses in which Stripe has taken the money back (inquiries, `warning_*`, take nothing). */
const FUNDS_WITHDRAWN = new Set(['lost', 'needs_response', 'under_review'])

const methodNames: Record<string, PaymentMethodName> = { bancontact: 'bancontact', card: 'card', ideal: 'ideal', sepa_debit: 'sepa_debit' }

const idOf = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'object' && value !== null ? (value as { id?: string }).id : undefined

const isMissing = (error: unknown) => (error as { statusCode?: number }).statusCode === 404

function clientOptions(apiUrl: string | undefined): Stripe.StripeConfig {
  const base: Stripe.StripeConfig = { maxNetworkRetries: 2, telemetry: false, timeout: 20_000 }
  if (!apiUrl) return base
  const url = new URL(apiUrl)
  return { ...base, host: url.hostname, port: Number(url.port || (url.protocol === 'http:' ? 80 : 443)), protocol: url.protocol === 'http:' ? 'http' : 'https' }
}

/**
 * Card, iDEAL, Bancontact and SEPA Direct Debit through Stripe Checkout. Keys given here win; those
 * left out are read from the settings when needed.
 */
export function stripeProvider(options: StripeProviderOptions = {}): PaymentProvider {
  const givenKey = secretOption(options.secretKey, 'stripeSecretKey', SECRET_KEY_OPTION)
  const givenWebhookSecrets = secretOption(options.webhookSecret, 'stripeWebhookSecret', WEBHOOK_SECRET_OPTION, { list: true })
  const config = clientOptions(options.apiUrl)
  // One client for the key in use, built again only when the key changes (staff replaced it in the settings).
  let client: undefined | { key: string; stripe: Stripe }
  async function stripeFor(secrets: StoredSecrets): Promise<Stripe> {
    const [key] = await configuredSecrets(givenKey, secrets, 'stripeSecretKey', SECRET_KEY_OPTION)
    if (client?.key !== key) client = { key, stripe: new Stripe(key, config) }
    return client.stripe
  }

  async function fetchState(sessionId: string, secrets: StoredSecrets): Promise<null | ProviderPaymentState> {
    const stripe = await stripeFor(secrets)
    let session: Stripe.Checkout.Session
    try {
      session = await stripe.checkout.sessions.retrieve(sessionId)
    } catch (error) {
      if (isMissing(error)) return null
      throw error
    }
    const intentId = idOf(session.payment_intent)
    const unsettled = { amountChargedBack: 0, amountRefunded: 0 }
    if (!intentId) return { ...unsettled, lifecycle: session.status === 'expired' ? 'canceled' : 'pending' }
    const intent = await stripe.paymentIntents.retrieve(intentId)
    const lifecycle = intentLifecycle(intent, session)
    const chargeId = idOf(intent.latest_charge)
    const charge = chargeId ? await stripe.charges.retrieve(chargeId) : null
    const method = methodNames[charge?.payment_method_details?.type ?? (intent.payment_method_types.length === 1 ? intent.payment_method_types[0] : '')]
    const failureReason = lifecycle === 'failed' ? (intent.last_payment_error?.message ?? charge?.failure_message ?? undefined) : undefined
    if (!charge || lifecycle !== 'succeeded') return { ...unsettled, failureReason, lifecycle, method }
    let chargedBack = 0
    if (charge.disputed) {
      const disputes = await stripe.disputes.list({ charge: charge.id, limit: 100 })
      chargedBack = disputes.data.filter((dispute) => FUNDS_WITHDRAWN.has(dispute.status)).reduce((sum, dispute) => sum + dispute.amount, 0)
    }
    const amountRefunded = Math.min(charge.amount_refunded, charge.amount)
    return { amountChargedBack: Math.min(chargedBack, charge.amount - amountRefunded), amountRefunded, lifecycle, method }
  }

  async function paymentOf(payload: unknown, secrets: StoredSecrets): Promise<null | PaymentReference> {
    const object = (payload as { data?: { object?: Record<string, unknown> } })?.data?.object
    if (!object) return null
    const fromMetadata = (object.metadata as Record<string, string> | undefined)?.[METADATA_KEY]
    if (fromMetadata) return { paymentId: fromMetadata }
    if (object.object === 'checkout.session') return { providerRef: String(object.id) }
    // Charges, refunds and disputes name their PaymentIntent, which carries our metadata.
    const intentId = object.object === 'payment_intent' ? String(object.id) : idOf(object.payment_intent)
    if (!intentId) return null
    try {
      const intent = await (await stripeFor(secrets)).paymentIntents.retrieve(intentId)
      return intent.metadata?.[METADATA_KEY] ? { paymentId: intent.metadata[METADATA_KEY] } : null
    } catch (error) {
      if (isMissing(error)) return null
      throw error
    }
  }

  async function startCheckout(request: CheckoutRequest, secrets: StoredSecrets) {
    const metadata = { [METADATA_KEY]: request.paymentId }
    const session = await (await stripeFor(secrets)).checkout.sessions.create(
      {
        cancel_url: request.cancelUrl,
        client_reference_id: request.paymentId,
        customer_email: request.customerEmail,
        line_items: request.lines.map((line) => ({
          price_data: { currency: request.currency.toLowerCase(), product_data: { name: line.name }, unit_amount: line.amount },
          quantity: 1,
        })),
        locale: request.locale,
        metadata,
        mode: 'payment',
        payment_intent_data: { description: request.description, metadata },
        ...(options.methods ? { allowed_payment_method_types: options.methods } : {}),
        success_url: request.returnUrl,
      },
      { idempotencyKey: request.idempotencyKey },
    )
    if (!session.url) throw new Error(`Stripe returned Checkout Session ${session.id} without a URL`)
    return { providerRef: session.id, redirectUrl: session.url }
  }

  async function verifyWebhook(body: string, headers: Headers, stored: StoredSecrets): Promise<VerifiedWebhook> {
    const secrets = await configuredSecrets(givenWebhookSecrets, stored, 'stripeWebhookSecret', WEBHOOK_SECRET_OPTION)
    const signature = headers.get('stripe-signature')
    if (!signature) return { outcome: 'rejected', reason: 'The Stripe-Signature header is missing.' }
    let problem = 'The Stripe-Signature header does not match the body.'
    for (const secret of secrets) {
      try {
        // Checking a signature needs only the signing secret, not an API client (nor its key).
        const event = Stripe.webhooks.constructEvent(body, signature, secret)
        if (typeof event?.id !== 'string' || !event.id) return { outcome: 'rejected', reason: 'The event has no "id".' }
        if (typeof event.type !== 'string') return { outcome: 'rejected', reason: 'The event has no "type".' }
        // The verified raw body is the event: stored as is, it needs no second serialisation.
        return { eventId: event.id, outcome: 'accepted', payload: body, type: event.type }
      } catch (error) {
        if (error instanceof SyntaxError) return { outcome: 'rejected', reason: 'The body is not a JSON Stripe event.' }
        problem = `The Stripe-Signature header does not match the body: ${(error as Error).message}`
      }
    }
    return { outcome: 'rejected', reason: problem.slice(0, 300) }
  }

  return {
    fetchState,
    label: options.label ?? 'Card, iDEAL, Bancontact or SEPA Direct Debit',
    name: 'stripe',
    paymentOf,
    startCheckout,
    verifyWebhook,
  }
}

/**
 * Where a Checkout payment stands before refunds and disputes. A declined card leaves the session
 * open for another try; a SEPA debit that bounces days later has completed the session, so it failed.
 */
function intentLifecycle(intent: Stripe.PaymentIntent, session: Stripe.Checkout.Session): ProviderPaymentState['lifecycle'] {
  switch (intent.status) {
    case 'canceled':
      return 'canceled'
    case 'processing':
      return 'processing'
    case 'succeeded':
      return 'succeeded'
    case 'requires_payment_method':
      return session.status === 'complete' ? 'failed' : session.status === 'expired' ? 'canceled' : 'pending'
    default:
      return session.status === 'expired' ? 'canceled' : 'pending'
  }
}
