import type { PayloadRequest } from 'payload'

import type { Contact } from '../portal/session.js'

import { relationId } from '../access/index.js'
import { recordEvent } from '../hooks/audit.js'
import { formatMoney, toMinorUnits } from '../money/format.js'
import { documentId, type Portal, portalUrl } from '../portal/context.js'
import { toPortalLocale } from '../portal/i18n.js'
import { loadSettings } from '../portal/settings.js'
import { storedSecrets } from '../security/storedSecrets.js'
import { payableInvoiceStatuses } from '../status/machines.js'
import { providerNamed } from './sync.js'

/** Why a payment could not start, by the portal's message key (`pay.error.<reason>`). */
export type PayErrorReason = 'amount' | 'currency' | 'inProgress' | 'noneSelected' | 'notAllowed' | 'nothingDue' | 'notFound' | 'provider' | 'unavailable'

export class PayError extends Error {
  constructor(
    readonly reason: PayErrorReason,
    readonly values: Record<string, string> = {},
  ) {
    super(`payment not started: ${reason}`)
  }
}

/** Most invoices one checkout pays: the provider shows each as a line. */
export const MAX_INVOICES_PER_CHECKOUT = 50

type PayableInvoice = { amountDue: number; client: unknown; currency: string; id: number | string; number?: string; status: string }

export type PayRequest = {
  /** A part of one invoice's amount due, in major units as typed ("125.50"); empty pays it all. */
  amount?: string
  invoiceIds: string[]
  /** The provider chosen on the form; the first configured one when there is a single choice. */
  provider?: string
  /** The origin the contact's browser used, for return URLs when no base URL is configured. */
  requestOrigin?: string
}

/**
 * Starts a checkout for one or more of the contact's invoices. The payment is recorded as pending,
 * with what it is meant to pay, before the provider is asked; its id is the provider's idempotency
 * key, so a retried start can never open a second charge for the same attempt.
 */
export async function startPayment(portal: Portal, contact: Contact, request: PayRequest, auditReq: PayloadRequest): Promise<{ paymentId: number | string; redirectUrl: string }> {
  const { options, payload } = portal
  const providers = options.payments.providers
  const provider = request.provider ? providerNamed(options, request.provider) : providers.length === 1 ? providers[0] : undefined
  if (!provider) throw new PayError('unavailable')
  if (contact.role !== 'billing') throw new PayError('notAllowed')

  const ids = [...new Set(request.invoiceIds)].map((id) => documentId(portal, id))
  if (ids.length === 0) throw new PayError('noneSelected')
  if (ids.length > MAX_INVOICES_PER_CHECKOUT || ids.some((id) => id === null)) throw new PayError('notFound')
  const { docs } = await payload.find({
    collection: options.slugs.invoices,
    depth: 0,
    overrideAccess: false,
    pagination: false,
    user: contact,
    where: { id: { in: ids } },
  })
  // In the order chosen: the earliest invoices a payment settles stay settled longest after a refund.
  const found = new Map((docs as unknown as PayableInvoice[]).map((invoice) => [String(invoice.id), invoice]))
  const invoices = ids.map((id) => found.get(String(id))).filter((invoice) => invoice !== undefined)
  if (invoices.length !== ids.length) throw new PayError('notFound')
  const currency = invoices[0].currency
  if (invoices.some((invoice) => invoice.currency !== currency)) throw new PayError('currency')

  const inFlight = await moneyInFlight(portal, contact, invoices)
  const allocations = invoices.map((invoice) => ({
    amount: payableInvoiceStatuses.includes(invoice.status as never) ? Math.max(0, invoice.amountDue - (inFlight.get(String(invoice.id)) ?? 0)) : 0,
    invoice: invoice.id,
  }))
  const blocked = allocations.find((allocation) => allocation.amount === 0)
  if (blocked) {
    const invoice = invoices.find((candidate) => candidate.id === blocked.invoice)!
    throw new PayError(invoice.amountDue > 0 && payableInvoiceStatuses.includes(invoice.status as never) ? 'inProgress' : 'nothingDue')
  }
  if (invoices.length === 1 && request.amount) allocations[0].amount = await partialAmount(portal, request.amount, allocations[0].amount, currency)

  const amount = allocations.reduce((sum, allocation) => sum + allocation.amount, 0)
  const payment = await payload.create({
    collection: options.slugs.payments,
    data: { allocations, amount, client: relationId(contact.client), contact: contact.id, currency, provider: provider.name, status: 'pending' },
    depth: 0,
    overrideAccess: true,
  })
  const numbers = new Map(invoices.map((invoice) => [String(invoice.id), invoice.number ?? `#${invoice.id}`]))
  await recordEvent(portal, auditReq, {
    client: contact.client,
    contact: contact.id,
    details: { amount, currency, invoices: invoices.map((invoice) => invoice.id), payment: payment.id, provider: provider.name },
    invoice: invoices[0].id,
    type: 'payment_started',
  })

  const update = (data: Record<string, unknown>) =>
    payload.update({ collection: options.slugs.payments, data, depth: 0, id: payment.id, overrideAccess: true })
  let started: Awaited<ReturnType<typeof provider.startCheckout>>
  try {
    started = await provider.startCheckout({
      amount,
      cancelUrl: portalUrl(portal, `/invoices/${invoices[0].id}`, request.requestOrigin),
      currency,
      customerEmail: contact.email,
      description: `${invoices.length === 1 ? 'Invoice' : 'Invoices'} ${[...numbers.values()].join(', ')}`,
      idempotencyKey: `invoice-portal-payment-${payment.id}`,
      lines: allocations.map((allocation) => ({ amount: allocation.amount, name: `Invoice ${numbers.get(String(allocation.invoice))}` })),
      locale: toPortalLocale(await clientLocale(portal, contact)),
      paymentId: String(payment.id),
      returnUrl: portalUrl(portal, `/payments/${payment.id}`, request.requestOrigin),
      webhookUrl: webhookUrl(portal, provider.name, request.requestOrigin),
    }, storedSecrets(portal))
  } catch (error) {
    payload.logger.error({ err: error, msg: `payload-invoice-portal: ${provider.name} checkout for payment ${payment.id} not started` })
    await update({ failureReason: `The checkout could not be started: ${(error as Error).message}`.slice(0, 500), status: 'failed' })
    throw new PayError('provider')
  }
  await update({ providerRef: started.providerRef })
  return { paymentId: payment.id, redirectUrl: started.redirectUrl }
}

/** Money on its way to each invoice (SEPA debits still processing): it must not be asked for twice. */
async function moneyInFlight(portal: Portal, contact: Contact, invoices: PayableInvoice[]): Promise<Map<string, number>> {
  const { docs } = await portal.payload.find({
    collection: portal.options.slugs.payments,
    depth: 0,
    overrideAccess: false,
    pagination: false,
    user: contact,
    where: { 'allocations.invoice': { in: invoices.map((invoice) => invoice.id) }, status: { equals: 'processing' } },
  })
  const result = new Map<string, number>()
  for (const payment of docs) {
    for (const allocation of (payment.allocations as Array<{ amount: number; invoice: unknown }>) ?? []) {
      const key = String(relationId(allocation.invoice))
      result.set(key, (result.get(key) ?? 0) + allocation.amount)
    }
  }
  return result
}

/** A typed part payment, when the settings allow one: at least their minimum, never more than is payable. */
async function partialAmount(portal: Portal, typed: string, payable: number, currency: string): Promise<number> {
  const settings = await loadSettings(portal)
  const minimum = Math.min(payable, Math.max(1, settings.portal?.minimumPartialAmount ?? 1))
  const bounds = { max: formatMoney(payable, currency), min: formatMoney(minimum, currency) }
  let amount: number
  try {
    amount = toMinorUnits(typed.replace(',', '.'), currency)
  } catch {
    throw new PayError('amount', bounds)
  }
  if (amount === payable) return amount
  if (!settings.portal?.allowPartialPayment || amount < minimum || amount > payable) throw new PayError('amount', bounds)
  return amount
}

async function clientLocale(portal: Portal, contact: Contact): Promise<unknown> {
  const client = await portal.payload.findByID({ collection: portal.options.slugs.clients, depth: 0, id: relationId(contact.client)!, select: { locale: true } })
  return (client as { locale?: string }).locale
}

/** The provider's webhook URL on this host, from the same origin e-mails link to. */
function webhookUrl(portal: Portal, provider: string, requestOrigin?: string): string {
  const portalRoot = portalUrl(portal, '', requestOrigin)
  const origin = new URL(portalRoot).origin
  const api = portal.payload.config.routes?.api ?? '/api'
  return `${origin}${api}/invoice-portal/${provider}/webhook`
}
