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
 * the same transaction, so a retried job or a second app instance finds it sent.
 */
export async function sendPaymentReceipt(payments: Portal, paymentId: number | string): Promise<'no_recipient' | 'not_received' | 'sent' | 'was_sent'> {
  const { options, payload } = payments
  return inTransaction(payload, async (req) => {
    await lockRows(req, options.slugs.payments, [paymentId])
    const payment = await payload.findByID({ collection: options.slugs.payments, depth: 0, id: paymentId, overrideAccess: true, req })
    if (payment.receiptSentAt) return 'was_sent'
    if (!receiptPaymentStatuses.includes(payment.status as never)) return 'not_received'
    const clientId = relationId(payment.client)!
    // One after the other: these run on the transaction's single connection.
    const client = await payload.findByID({ collection: options.slugs.clients, depth: 0, id: clientId, overrideAccess: true, req })
    const contacts = await payload.find({
      collection: options.slugs.contacts,
      depth: 0,
      overrideAccess: true,
      pagination: false,
      req,
      where: { client: { equals: clientId }, 'notifications.paymentReceived': { not_equals: false } },
    })
    const invoices = await payload.find({
      collection: options.slugs.invoices,
      depth: 0,
      overrideAccess: true,
      pagination: false,
      req,
      select: { number: true },
      where: { id: { in: ((payment.allocations as Array<{ invoice: unknown }>) ?? []).map((allocation) => relationId(allocation.invoice)) } },
    })
    const settings = await loadSettings(payments)
    const to = contacts.docs.map((contact) => contact.email as string)
    if (to.length === 0 && client.billingEmail) to.push(client.billingEmail as string)
    if (to.length === 0) return 'no_recipient'

    const t = translator(toPortalLocale(client.locale))
    const name = brandingOf(payments, settings).name
    const amount = formatMoney(payment.amount as number, payment.currency as string, toPortalLocale(client.locale))
    const numbers = invoices.docs.map((invoice) => invoice.number as string).join(', ')
    const body = t('email.receipt.body', { amount, invoices: numbers })
    const link = portalUrl(payments, `/payments/${payment.id}`)
    const attachment = await pdfAttachment(payments, 'receipts', payment.id)
    await payload.sendEmail({
      attachments: attachment ? [attachment] : [],
      html: `<p>${escapeHtml(body)}</p><p>${escapeHtml(t('email.receipt.link'))} <a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`,
      subject: t('email.receipt.subject', { amount, name }),
      text: `${body}\n\n${t('email.receipt.link')} ${link}`,
      to,
    })
    await payload.update({
      collection: options.slugs.payments,
      data: { receiptSentAt: new Date().toISOString() },
      depth: 0,
      id: payment.id,
      overrideAccess: true,
      req,
    })
    return 'sent'
  })
}
