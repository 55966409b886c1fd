import type { PayloadRequest } from 'payload'

import type { Portal } from '../portal/context.js'

import { relationId } from '../access/index.js'
import { lockRows } from '../db/postgres.js'
import { afterCommit, inTransaction } from '../db/transaction.js'
import { recordEvent } from '../hooks/audit.js'
import { JOBS_QUEUE, runSoon } from '../jobs/queue.js'
import { pdfAttachment } from '../pdf/index.js'
import { portalUrl } from '../portal/context.js'
import { day, money } from '../portal/format.js'
import { toPortalLocale, translator } from '../portal/i18n.js'
import { brandingOf, loadSettings } from '../portal/settings.js'
import { createMagicToken } from '../portal/tokens.js'
import { escapeHtml } from '../utilities/html.js'
import { hasRecipients, recipientsOf, recipientsOfClients } from './recipients.js'

export const INVOICE_ISSUED_TASK = 'invoicePortalInvoiceIssued'

/** How long the sign-in link in a new-invoice e-mail works (once): people read invoices days later. */
export const INVOICE_LINK_DAYS = 7

type Invoice = { amountDue: number; client: unknown; currency: string; dueDate?: string; id: number | string; number: string; sentAt?: null | string; status: string }
type Recipient = { email: string; link: string; signsIn: boolean }

/**
 * Queues the new-invoice e-mail on `req`'s transaction, so it is queued exactly when the invoice is
 * issued, and sends it once that transaction has committed (the job stays as the durable fallback
 * and then finds it sent). False, and nothing queued, when the client has nobody to send it to.
 */
export async function queueInvoiceIssued(portal: Portal, req: PayloadRequest, invoiceId: number | string, clientId: unknown): Promise<boolean> {
  return (await queueInvoicesIssued(portal, req, [{ client: clientId, id: invoiceId }])) > 0
}

/** `queueInvoiceIssued` for many invoices, looking each client's recipients up once; how many were queued. */
export async function queueInvoicesIssued(portal: Portal, req: PayloadRequest, invoices: ReadonlyArray<{ client?: unknown; id: number | string }>): Promise<number> {
  const byClient = new Map<number | string, Array<number | string>>()
  for (const { client, id } of invoices) {
    const clientId = relationId(client)!
    byClient.set(clientId, [...(byClient.get(clientId) ?? []), id])
  }
  let queued = 0
  const recipients = await recipientsOfClients(portal, [...byClient.keys()], 'invoiceIssued', req)
  for (const [clientId, invoiceIds] of byClient) {
    if (!hasRecipients(recipients.get(String(clientId)))) continue
    for (const invoiceId of invoiceIds) {
      await portal.payload.jobs.queue({ input: { invoice: String(invoiceId) }, queue: JOBS_QUEUE, req, task: INVOICE_ISSUED_TASK as never })
      afterCommit(req, () => runSoon(portal.payload, () => sendInvoiceIssued(portal, invoiceId)))
      queued += 1
    }
  }
  return queued
}

/**
 * E-mails a newly issued invoice, with its PDF, to its recipients (`recipientsOf`: billing contacts
 * who want new-invoice e-mails, or a client without contacts at its billing address): each contact with
 * a link that signs that contact in straight to the invoice, a billing address with a plain link.
 * Once per invoice: `sentAt` is set under the invoice's row lock in the transaction that sends.
 */
export async function sendInvoiceIssued(portal: Portal, invoiceId: number | string): Promise<'no_recipient' | 'not_issued' | 'sent' | 'was_sent'> {
  const { options, payload } = portal
  const invoice = (await payload.findByID({ collection: options.slugs.invoices, depth: 0, disableErrors: true, id: invoiceId, overrideAccess: true })) as Invoice | null
  if (!invoice || ['draft', 'void'].includes(invoice.status)) return 'not_issued'
  if (invoice.sentAt) return 'was_sent'
  const clientId = relationId(invoice.client)!
  const [{ billingEmail, client, contacts }, settings] = await Promise.all([recipientsOf(portal, clientId, 'invoiceIssued'), loadSettings(portal)])
  const path = `/invoices/${invoice.id}`
  const portalOn = client.portalEnabled !== false
  const recipients: Recipient[] = []
  for (const contact of contacts) {
    const token = portalOn ? await createMagicToken(portal, contact.id, undefined, { minutes: INVOICE_LINK_DAYS * 24 * 60 }) : null
    const link = token ? `${portalUrl(portal, `/magic/${token}`)}?${new URLSearchParams({ next: `${options.portal.route}${path}` })}` : portalUrl(portal, path)
    recipients.push({ email: contact.email as string, link, signsIn: Boolean(token) })
  }
  if (billingEmail) recipients.push({ email: billingEmail, link: portalUrl(portal, path), signsIn: false })
  if (recipients.length === 0) return 'no_recipient'

  const attachment = await pdfAttachment(portal, 'invoices', invoice.id)
  const locale = toPortalLocale(client.locale)
  const t = translator(locale)
  const brand = brandingOf(portal, settings).name
  const body = t('email.invoice.body', { amount: money(invoice.amountDue, invoice.currency, locale), dueDate: day(invoice.dueDate, locale), number: invoice.number })
  return inTransaction(payload, async (req) => {
    await lockRows(req, options.slugs.invoices, [invoice.id])
    const current = await payload.findByID({ collection: options.slugs.invoices, depth: 0, id: invoice.id, overrideAccess: true, req, select: { sentAt: true } })
    if (current.sentAt) return 'was_sent'
    for (const recipient of recipients) {
      const linkText = t(recipient.signsIn ? 'email.invoice.magicLink' : 'email.invoice.link', { days: INVOICE_LINK_DAYS })
      await payload.sendEmail({
        attachments: attachment ? [attachment] : [],
        html: `<p>${escapeHtml(body)}</p><p>${escapeHtml(linkText)}<br><a href="${escapeHtml(recipient.link)}">${escapeHtml(recipient.link)}</a></p>`,
        subject: t('email.invoice.subject', { name: brand, number: invoice.number }),
        text: `${body}\n\n${linkText}\n${recipient.link}`,
        to: recipient.email,
      })
    }
    await payload.update({ collection: options.slugs.invoices, data: { sentAt: new Date().toISOString() }, depth: 0, id: invoice.id, overrideAccess: true, req })
    await recordEvent(portal, req, { client: clientId, details: { recipients: recipients.length }, invoice: invoice.id, type: 'invoice_sent' })
    return 'sent'
  })
}
