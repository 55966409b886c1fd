import type { StoredSecrets } from '../security/providerSecrets.js'
import type { PaymentStatus } from '../status/machines.js'

export type { StoredSecrets }

/**
 * The small interface every payment provider adapter implements. The plugin owns the money rules;
 * an adapter only translates between them and one provider's API.
 */
export type PaymentProviderName = 'mollie' | 'stripe'

/** Methods as the payments collection names them; adapters map their provider's names onto these. */
export type PaymentMethodName = 'bancontact' | 'bank_transfer' | 'card' | 'ideal' | 'other' | 'sepa_debit'

export type CheckoutRequest = {
  amount: number
  /** Where the provider sends the contact when they give up. */
  cancelUrl: string
  currency: string
  customerEmail?: string
  description: string
  /** Sent as the provider's idempotency key: a retried start can never open a second checkout. */
  idempotencyKey: string
  /** One line per invoice paid. */
  lines: Array<{ amount: number; name: string }>
  locale: 'en' | 'nl'
  /** Our payment's id, stored with the provider so every event leads back to it. */
  paymentId: string
  /** Where the provider sends the contact afterwards: the portal's return page. */
  returnUrl: string
  /** Where the provider posts its webhooks (Mollie takes it per payment). */
  webhookUrl: string
}

export type CheckoutStarted = { providerRef: string; redirectUrl: string }

/**
 * What the provider says about a payment now. A payment's status follows only this, never an
 * event's body or a return URL's query string.
 */
export type ProviderPaymentState = {
  /** Money taken back by disputes or chargebacks that stand (a won dispute gives it back). */
  amountChargedBack: number
  /** Cumulative, as providers report it; the plugin applies only the difference to what it booked. */
  amountRefunded: number
  failureReason?: string
  /** The part of the lifecycle before refunds and disputes. */
  lifecycle: 'canceled' | 'failed' | 'pending' | 'processing' | 'succeeded'
  method?: PaymentMethodName
}

export type VerifiedWebhook =
  /** Not from the provider, or not a valid event: answered 400 and recorded as `webhook_rejected`. */
  | { outcome: 'rejected'; problems?: string[]; reason: string }
  /** Nothing of ours (Mollie: an id it does not know): answered 200, nothing stored. */
  | { outcome: 'ignored' }
  /**
   * `payload` is stored as the inbox row's JSON: the raw body when it is the event itself. `event`:
   * the event as verified, when processing can start from it instead of reading the row back.
   */
  | { event?: unknown; eventId: string; outcome: 'accepted'; payload: string | unknown; type: string }

/** Who sends webhooks to the inbox: a payment provider, or the ERP. */
export type WebhookSource = Pick<PaymentProvider, 'verifyWebhook'> & { readonly name: 'erp' | PaymentProviderName }

/** Which payment an event concerns: our id (from metadata) or the provider's reference. */
export type PaymentReference = { paymentId?: string; providerRef?: string }

/**
 * Each method also receives the secrets staff keep in the settings, for the keys the adapter's options
 * leave out; it opens only what it needs, when it needs it, so a key changed in the settings is used
 * from the next call on. Missing or unreadable keys throw (`SecretNotConfigured`, `SecretUnreadable`).
 */
export interface PaymentProvider {
  /** Shown on the pay button, e.g. "Card, iDEAL, Bancontact or SEPA Direct Debit". */
  readonly label: string
  readonly name: PaymentProviderName
  /** The payment a stored webhook event is about, or null when it is not one of ours. */
  paymentOf(payload: unknown, secrets: StoredSecrets): Promise<null | PaymentReference>
  /** The provider's current state of a checkout we started; null when the provider does not know it. */
  fetchState(providerRef: string, secrets: StoredSecrets): Promise<null | ProviderPaymentState>
  startCheckout(request: CheckoutRequest, secrets: StoredSecrets): Promise<CheckoutStarted>
  /** Checks a webhook delivery on its raw body and says whether to store it, and under which id. */
  verifyWebhook(body: string, headers: Headers, secrets: StoredSecrets): Promise<VerifiedWebhook>
}

/** The stored status a provider state leads to: refunds and chargebacks apply only to money that arrived. */
export function statusFromState(state: ProviderPaymentState, amount: number): PaymentStatus {
  if (state.lifecycle !== 'succeeded') return state.lifecycle
  if (state.amountChargedBack > 0) return 'disputed'
  if (state.amountRefunded >= amount) return 'refunded'
  return state.amountRefunded > 0 ? 'partially_refunded' : 'succeeded'
}
