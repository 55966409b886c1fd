import type { Portal } from '../portal/context.js'

import { relationId } from '../access/index.js'
import { lockRows } from '../db/postgres.js'
import { inTransaction } from '../db/transaction.js'
import { formatMoney } from '../money/format.js'
import { pdfAttachment } from '../pdf/index.js'
import { portalUrl } from '../portal/context.js'
import { toPortalLocale, translator } from '../portal/i18n.js'
import { brandingOf, loadSettings } from '../portal/settings.js'
import { receiptPaymentStatuses } from '../status/machines.js'
import { escapeHtml } from '../utilities/html.js'

/**
 * E-mails the receipt of a payment that arrived, with its PDF, to the client's contacts who want
 * receipts (else the billing address). Once per payment: the payment's row is locked and marked in
 * the same transaction as the send, so a retried job or a second app instance finds it sent.
 */
export async function sendPaymentReceipt(payments: Portal, paymentId: number | string): Promise<'no_recipient' | 'not_received' | 'sent' | 'was_sent'> {
  const { options, payload } = payments
  // Everything the e-mail needs is read first: under the row lock only the send and its mark happen,
  // so the transaction never waits on a second database connection.
  const payment = await payload.findByID({ collection: options.slugs.payments, depth: 0, id: paymentId, overrideAccess: true })
  if (payment.receiptSentAt) return 'was_sent'
  if (!receiptPaymentStatuses.includes(payment.status as never)) return 'not_received'
  const clientId = relationId(payment.client)!
  const [client, contacts, invoices, settings] = await Promise.all([
    payload.findByID({ collection: options.slugs.clients, depth: 0, id: clientId, overrideAccess: true }),
    payload.find({
      collection: options.slugs.contacts,
      depth: 0,
      overrideAccess: true,
      pagination: false,
      where: { client: { equals: clientId }, 'notifications.paymentReceived': { not_equals: false } },
    }),
    payload.find({
      collection: options.slugs.invoices,
      depth: 0,
      overrideAccess: true,
      pagination: false,
      select: { number: true },
      where: { id: { in: ((payment.allocations as Array<{ invoice: unknown }>) ?? []).map((allocation) => relationId(allocation.invoice)) } },
    }),
    loadSettings(payments),
  ])
  const to = contacts.docs.map((contact) => contact.email as string)
  if (to.length === 0 && client.billingEmail) to.push(client.billingEmail as string)
  if (to.length === 0) return 'no_recipient'
  const attachment = await pdfAttachment(payments, 'receipts', payment.id)

  const locale = toPortalLocale(client.locale)
  const t = translator(locale)
  const amount = formatMoney(payment.amount as number, payment.currency as string, locale)
  const body = t('email.receipt.body', { amount, invoices: invoices.docs.map((invoice) => invoice.number as string).join(', ') })
  const link = portalUrl(payments, `/payments/${payment.id}`)
  return inTransaction(payload, async (req) => {
    await lockRows(req, options.slugs.payments, [payment.id])
    const current = await payload.findByID({ collection: options.slugs.payments, depth: 0, id: payment.id, overrideAccess: true, req, select: { receiptSentAt: true } })
    if (current.receiptSentAt) return 'was_sent'
    await payload.sendEmail({
      attachments: attachment ? [attachment] : [],
      html: `<p>${escapeHtml(body)}</p><p>${escapeHtml(t('email.receipt.link'))} <a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`,
      subject: t('email.receipt.subject', { amount, name: brandingOf(payments, settings).name }),
      text: `${body}\n\n${t('email.receipt.link')} ${link}`,
      to,
    })
    await payload.update({ collection: options.slugs.payments, data: { receiptSentAt: new Date().toISOString() }, depth: 0, id: payment.id, overrideAccess: true, req })
    return 'sent'
  })
}
