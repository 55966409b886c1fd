import { createHmac, timingSafeEqual } from 'node:crypto'

import type { ReminderStep } from '../options.js'
import type { Portal } from '../portal/context.js'
import type { Recipients } from '../notifications/recipients.js'
import type { ReminderInvoice } from './sweep.js'

import { pdfAttachment } from '../pdf/index.js'
import { portalUrl } from '../portal/context.js'
import { day, money } from '../portal/format.js'
import { toPortalLocale, translator } from '../portal/i18n.js'
import { brandingOf, loadSettings } from '../portal/settings.js'
import { escapeHtml } from '../utilities/html.js'
import { calendarDay } from '../status/machines.js'
import { daysBetween } from '../utilities/intl.js'

/** Fills `{name}` placeholders; an unknown one is left as written, so a typo shows instead of vanishing. */
export const fillTemplate = (template: string, values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (token, name: string) => values[name] ?? token)

/**
 * The token in a reminder's unsubscribe link: an HMAC of the contact's id with the app's secret, so
 * the link works without signing in (as mail clients' one-click unsubscribe needs) and can't be made
 * for another contact.
 */
export const unsubscribeToken = (secret: string, contactId: number | string) => createHmac('sha256', secret).update(`invoice-portal:unsubscribe-reminders:${String(contactId)}`).digest('base64url')

export function isUnsubscribeToken(secret: string, contactId: string, token: string): boolean {
  const expected = Buffer.from(unsubscribeToken(secret, contactId))
  const given = Buffer.from(token)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

export function unsubscribeUrl(portal: Portal, contactId: number | string): string {
  const origin = portal.options.portal.baseUrl ?? (portal.payload.config.serverURL || 'http://localhost:3000')
  const query = new URLSearchParams({ contact: String(contactId), token: unsubscribeToken(portal.payload.secret, contactId) })
  return `${origin.replace(/\/$/, '')}${portal.payload.config.routes.api}/invoice-portal/unsubscribe?${query}`
}

/**
 * E-mails one reminder: to each recipient with its own greeting, deep link and (contacts) unsubscribe
 * link, with the PDF when the step wants it, and a copy to the step's escalation address.
 */
export async function sendReminder(
  portal: Portal,
  reminder: { client: Recipients['client']; invoice: ReminderInvoice; recipients: Recipients; step: ReminderStep },
  now: Date = new Date(),
  /** The sender's name from the settings; a sweep reads it once for thousands of reminders. */
  brand?: string,
): Promise<void> {
  const { payload } = portal
  const { client, invoice, recipients, step } = reminder
  const locale = toPortalLocale(client.locale)
  const t = translator(locale)
  const timezone = client.timezone || 'UTC'
  const daysOverdue = daysBetween(invoice.dueDate.slice(0, 10), calendarDay(now, timezone))
  const when = daysOverdue < 0 ? 'before' : daysOverdue === 0 ? 'due' : 'after'
  const name = brand ?? (await brandName(portal))
  const link = portalUrl(portal, `/invoices/${invoice.id}`)
  const values = {
    amountDue: money(invoice.amountDue, invoice.currency, locale),
    client: client.name ?? '',
    daysOverdue: String(Math.max(daysOverdue, 0)),
    dueDate: day(invoice.dueDate, locale),
    link,
    name,
    number: invoice.number,
    total: money(invoice.total, invoice.currency, locale),
  }
  const subject = fillTemplate(step.subject || t(`email.reminder.subject.${when}`), values)
  const body = step.body || t(`email.reminder.body.${when}`)
  const attachments = step.attachPdf ? [await pdfAttachment(portal, 'invoices', invoice.id)].filter((file) => file !== null) : []
  const mail = async (to: string, greeting: string, unsubscribe?: string) => {
    const text = fillTemplate(body, { ...values, contact: greeting })
    const footer = unsubscribe ? `\n\n${t('email.reminder.unsubscribe')} ${unsubscribe}` : ''
    await payload.sendEmail({
      attachments,
      // RFC 8058: mail clients offer one-click unsubscribe, which POSTs to the link.
      ...(unsubscribe ? { headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } } : {}),
      html: `${escapeHtml(text + footer)
        .split('\n')
        .join('<br>')
        .replace(/(https?:\/\/[^\s<]+)/g, (url) => `<a href="${url}">${url}</a>`)}`,
      subject,
      text: text + footer,
      to,
    })
  }
  for (const contact of recipients.contacts) await mail(contact.email, contact.name || client.name || '', unsubscribeUrl(portal, contact.id))
  if (recipients.billingEmail) await mail(recipients.billingEmail, client.name ?? '')
  if (step.copyTo) await mail(step.copyTo, client.name ?? '')
}

/** The name reminders are sent in: the settings' brand over the plugin's. */
export const brandName = async (portal: Portal) => brandingOf(portal, await loadSettings(portal)).name
