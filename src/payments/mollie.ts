import { createMollieClient, type Locale, type Payment, type PaymentMethod } from '@mollie/api-client'

import type { CheckoutRequest, PaymentMethodName, PaymentProvider, PaymentReference, ProviderPaymentState, VerifiedWebhook } from './types.js'

import { toMajorUnits, toMinorUnits } from '../money/format.js'

export type MollieMethod = 'bancontact' | 'banktransfer' | 'creditcard' | 'directdebit' | 'ideal'

export type MollieProviderOptions = {
  /** A live or test API key (`live_…` / `test_…`). */
  apiKey: string
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

/** iDEAL, Bancontact, cards, SEPA Direct Debit and bank transfer through Mollie's hosted checkout. */
export function mollieProvider(options: MollieProviderOptions): PaymentProvider {
  if (typeof options?.apiKey !== 'string' || !/^(live|test)_\w{30,}$/.test(options.apiKey)) {
    throw new Error('payload-invoice-portal: mollieProvider needs apiKey, a Mollie API key (live_… or test_…)')
  }
  const mollie = createMollieClient({ apiKey: options.apiKey, ...(options.apiUrl ? { apiEndpoint: options.apiUrl } : {}) })

  /** The payment as Mollie has it now; null for an id Mollie does not know. */
  async function fetchPayment(id: string): Promise<null | Payment> {
    if (!PAYMENT_ID.test(id)) return null
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

  async function startCheckout(request: CheckoutRequest) {
    const payment = await mollie.payments.create({
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
  async function verifyWebhook(body: string): Promise<VerifiedWebhook> {
    const id = new URLSearchParams(body).get('id')
    if (!id) return { outcome: 'rejected', reason: 'The form field "id" is missing.' }
    const payment = await fetchPayment(id)
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
    fetchState: async (providerRef) => {
      const payment = await fetchPayment(providerRef)
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
