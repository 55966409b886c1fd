import React from 'react'

import type { MessageKey } from '../i18n.js'
import type { PortalView } from './types.js'

import { relationId } from '../../access/index.js'
import { type PaymentStatus, receiptPaymentStatuses } from '../../status/machines.js'
import { day, money } from '../format.js'
import { Notice, StatusBadge } from './shell.js'
import { visibleRecordOr404 } from './types.js'

type Payment = {
  allocations?: Array<{ amount: number; id?: string; invoice: unknown }>
  amount: number
  amountChargedBack?: null | number
  amountRefunded?: null | number
  createdAt: string
  currency: string
  id: number | string
  paidAt?: null | string
  provider: string
  status: PaymentStatus
}

/** A pending payment's page refreshes itself for this long: the provider's webhook usually arrives within seconds. */
const REFRESH_FOR_MS = 30 * 60_000

const headline: Record<PaymentStatus, { body: MessageKey; kind: 'error' | 'info' | 'ok'; title: MessageKey }> = {
  canceled: { body: 'payment.canceledBody', kind: 'error', title: 'payment.canceled' },
  disputed: { body: 'payment.receivedBody', kind: 'ok', title: 'payment.received' },
  failed: { body: 'payment.failedBody', kind: 'error', title: 'payment.failed' },
  partially_refunded: { body: 'payment.receivedBody', kind: 'ok', title: 'payment.received' },
  pending: { body: 'payment.pendingBody', kind: 'info', title: 'payment.pending' },
  processing: { body: 'payment.processingBody', kind: 'info', title: 'payment.processing' },
  refunded: { body: 'payment.receivedBody', kind: 'ok', title: 'payment.received' },
  succeeded: { body: 'payment.receivedBody', kind: 'ok', title: 'payment.received' },
}

/**
 * `/payments/<id>`: where the provider sends the contact back. It says what the payment record says,
 * which only the provider's verified webhooks (or the reconciliation sweep) change; the return URL's
 * query string is never read.
 */
export async function PaymentView(view: PortalView & { paymentId: string }) {
  const { contact, locale, portal, route, t } = view
  const { slugs } = portal.options
  const payment = await visibleRecordOr404<Payment>(view, slugs.payments, view.paymentId)
  const allocations = payment.allocations ?? []
  const { docs: invoices } = await portal.payload.find({
    collection: slugs.invoices,
    depth: 0,
    overrideAccess: false,
    pagination: false,
    select: { number: true },
    user: contact,
    where: { id: { in: allocations.map((allocation) => relationId(allocation.invoice)) } },
  })
  const numbers = new Map(invoices.map((invoice) => [String(invoice.id), String(invoice.number ?? invoice.id)]))
  const amount = money(payment.amount, payment.currency, locale)
  const shown = headline[payment.status]
  const waiting = payment.status === 'pending' && Date.now() - new Date(payment.createdAt).getTime() < REFRESH_FOR_MS
  const retryInvoice = allocations[0] && ['canceled', 'failed'].includes(payment.status) ? String(relationId(allocations[0].invoice)) : null
  return (
    <>
      {/* React hoists <meta> into the head; a refresh needs no client script. */}
      {waiting ? <meta content="3" httpEquiv="refresh" /> : null}
      <h1>{t('payment.title', { ref: `P-${payment.id}` })} <StatusBadge status={payment.status} view={view} /></h1>
      <div aria-live="polite" data-testid="payment-outcome">
        <Notice kind={shown.kind}>
          <strong>{t(shown.title)}</strong> {t(shown.body, { amount, provider: payment.provider === 'mollie' ? 'Mollie' : 'Stripe' })}
        </Notice>
        {payment.amountRefunded ? <Notice>{t('payment.refundedBody', { amount: money(payment.amountRefunded, payment.currency, locale) })}</Notice> : null}
        {payment.amountChargedBack ? <Notice kind="error">{t('payment.disputedBody', { amount: money(payment.amountChargedBack, payment.currency, locale) })}</Notice> : null}
      </div>
      <table className="responsive">
        <caption className="skip">{t('payments.invoices')}</caption>
        <thead><tr><th scope="col">{t('payments.invoices')}</th><th className="num" scope="col">{t('invoice.lineTotal')}</th></tr></thead>
        <tbody>
          {allocations.map((allocation, index) => {
            const key = String(relationId(allocation.invoice))
            return (
              <tr key={allocation.id ?? index}>
                <td data-label={t('payments.invoices')}>{numbers.has(key) ? <a href={`${route}/invoices/${key}`}>{numbers.get(key)}</a> : null}</td>
                <td className="num" data-label={t('invoice.lineTotal')}>{money(allocation.amount, payment.currency, locale)}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
      <p className="muted">{t('payments.date')}: {day(payment.paidAt ?? payment.createdAt, locale)}</p>
      <div className="actions">
        {retryInvoice ? <a className="button" href={`${route}/invoices/${retryInvoice}`}>{t('payment.tryAgain')}</a> : null}
        {receiptPaymentStatuses.includes(payment.status) ? (
          <a className="button secondary" download href={`${route}/api/payments/${payment.id}/receipt`}>{t('download.receipt')}</a>
        ) : null}
      </div>
    </>
  )
}
