import { createMollieClient, type Locale, type MollieClient, type Payment, type PaymentMethod } from '@mollie/api-client'

import type { CheckoutRequest, PaymentMethodName, PaymentProvider, PaymentReference, ProviderPaymentState, StoredSecrets, VerifiedWebhook } from './types.js'

import { toMajorUnits, toMinorUnits } from '../money/format.js'
import { configuredSecrets, secretOption } from '../security/providerSecrets.js'

export type MollieMethod = 'bancontact' | 'banktransfer' | 'creditcard' | 'directdebit' | 'ideal'

export type MollieProviderOptions = {
  /**
   * A live or test API key (`live_…` / `test_…`).
   * @default the Mollie API key staff enter in the settings (kept encrypted)
   */
  apiKey?: string
  /**
   * Mollie's API address, for a proxy or a test double (HTTPS only).
   * @default https://api.mollie.com:443/v2/
   */
  apiUrl?: string
  /** Shown on the portal's pay button. @default 'iDEAL, Bancontact, card or SEPA (Mollie)' */
  label?: string
  /** Methods offered on Mollie's hosted page. @default the methods enabled in the Mollie dashboard */
  methods?: MollieMethod[]
}

/** Ties a Mollie payment to ours. */
const METADATA_KEY = 'invoicePortalPayment'
const PAYMENT_ID = /^tr_[A-Za-z0-9]{4,64}$/

const methodNames: Record<string, PaymentMethodName> = {
  bancontact: 'bancontact',
  banktransfer: 'bank_transfer',
  creditcard: 'card',
  directdebit: 'sepa_debit',
  ideal: 'ideal',
}

/**
 * Mollie statuses before refunds and chargebacks. `pending` is money on its way (SEPA Direct Debit,
 * bank transfer): it never settles an invoice until Mollie says `paid`.
 */
const lifecycles: Record<string, ProviderPaymentState['lifecycle']> = {
  authorized: 'processing',
  canceled: 'canceled',
  expired: 'canceled',
  failed: 'failed',
  open: 'pending',
  paid: 'succeeded',
  pending: 'processing',
}

const isMissing = (error: unknown) => (error as { statusCode?: number }).statusCode === 404

const API_KEY_OPTION = 'mollieProvider({ apiKey })'

/**
 * iDEAL, Bancontact, cards, SEPA Direct Debit and bank transfer through Mollie's hosted checkout. An
 * API key given here wins; without one, the key staff enter in the settings is used.
 */
export function mollieProvider(options: MollieProviderOptions = {}): PaymentProvider {
  const givenKey = secretOption(options.apiKey, 'mollieApiKey', API_KEY_OPTION)
  // One client for the key in use, built again only when the key changes (staff replaced it in the settings).
  let client: undefined | { key: string; mollie: MollieClient }
  async function mollieFor(secrets: StoredSecrets): Promise<MollieClient> {
    const [apiKey] = await configuredSecrets(givenKey, secrets, 'mollieApiKey', API_KEY_OPTION)
    if (client?.key !== apiKey) client = { key: apiKey, mollie: createMollieClient({ apiKey, ...(options.apiUrl ? { apiEndpoint: options.apiUrl } : {}) }) }
    return client.mollie
  }

  /** The payment as Mollie has it now; null for an id Mollie does not know. */
  async function fetchPayment(id: string, secrets: StoredSecrets): Promise<null | Payment> {
    if (!PAYMENT_ID.test(id)) return null
    const mollie = await mollieFor(secrets)
    try {
      return await mollie.payments.get(id)
    } catch (error) {
      if (isMissing(error)) return null
      throw error
    }
  }

  function stateOf(payment: Payment): ProviderPaymentState {
    const currency = payment.amount.currency
    const minor = (amount: { value: string } | undefined) => (amount ? toMinorUnits(amount.value, currency) : 0)
    const lifecycle = lifecycles[payment.status] ?? 'pending'
    const settled = lifecycle === 'succeeded'
    const amountRefunded = settled ? minor(payment.amountRefunded) : 0
    return {
      amountChargedBack: settled ? Math.min(minor(payment.amountChargedBack), minor(payment.amount) - amountRefunded) : 0,
      amountRefunded,
      failureReason: lifecycle === 'failed' ? ((payment.details as { failureMessage?: string } | undefined)?.failureMessage ?? 'Mollie reported the payment as failed.') : undefined,
      lifecycle,
      method: payment.method ? (methodNames[payment.method] ?? 'other') : undefined,
    }
  }

  async function startCheckout(request: CheckoutRequest, secrets: StoredSecrets) {
    const payment = await (await mollieFor(secrets)).payments.create({
      amount: { currency: request.currency, value: toMajorUnits(request.amount, request.currency) },
      cancelUrl: request.cancelUrl,
      description: request.description.slice(0, 255),
      idempotencyKey: request.idempotencyKey,
      locale: (request.locale === 'nl' ? 'nl_NL' : 'en_US') as Locale,
      metadata: { [METADATA_KEY]: request.paymentId },
      ...(options.methods ? { method: options.methods as PaymentMethod[] } : {}),
      redirectUrl: request.returnUrl,
      webhookUrl: request.webhookUrl,
    })
    const redirectUrl = payment.getCheckoutUrl()
    if (!redirectUrl) throw new Error(`Mollie returned payment ${payment.id} without a checkout URL`)
    return { providerRef: payment.id, redirectUrl }
  }

  /**
   * Mollie's classic webhook is unsigned and carries only an id, so the delivery is verified by
   * fetching that id: only a payment Mollie has, and that is ours, is stored, under a key of its
   * current state, so a repeated call about the same state is a duplicate and a refund is not.
   */
  async function verifyWebhook(body: string, _headers: Headers, secrets: StoredSecrets): Promise<VerifiedWebhook> {
    // Without a key no delivery can be verified: refused as "not configured", whatever it holds.
    await mollieFor(secrets)
    const id = new URLSearchParams(body).get('id')
    if (!id) return { outcome: 'rejected', reason: 'The form field "id" is missing.' }
    const payment = await fetchPayment(id, secrets)
    const ours = (payment?.metadata as Record<string, unknown> | null | undefined)?.[METADATA_KEY]
    if (!payment || !ours) return { outcome: 'ignored' }
    const state = stateOf(payment)
    return {
      eventId: [payment.id, payment.status, state.amountRefunded, state.amountChargedBack].join(':'),
      outcome: 'accepted',
      payload: JSON.parse(JSON.stringify(payment)),
      type: `payment.${payment.status}`,
    }
  }

  return {
    fetchState: async (providerRef, secrets) => {
      const payment = await fetchPayment(providerRef, secrets)
      return payment && stateOf(payment)
    },
    label: options.label ?? 'iDEAL, Bancontact, card or SEPA (Mollie)',
    name: 'mollie',
    paymentOf: async (payload): Promise<null | PaymentReference> => {
      const payment = payload as { id?: string; metadata?: Record<string, unknown> }
      const paymentId = payment?.metadata?.[METADATA_KEY]
      return typeof paymentId === 'string' ? { paymentId, providerRef: payment.id } : null
    },
    startCheckout,
    verifyWebhook,
  }
}
