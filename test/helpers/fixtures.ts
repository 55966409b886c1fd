import type { Payload } from 'payload'

import { tinyPdf } from '../../dev/seed.js'

export const passwords = { contact: 'contact-password-1', staff: 'staff-password-1' }

export const line = (unitAmount: number, quantity = '1', taxRate = '21', description = 'Work') => ({
  description,
  quantity,
  taxRate,
  unitAmount,
})

/** An open (issued) invoice of `client` with one line; `data` overrides anything. */
export function openInvoice(payload: Payload, client: number | string, data: Record<string, unknown> = {}) {
  return payload.create({
    collection: 'invoices',
    data: { client, dueDate: '2026-12-31', issueDate: '2026-11-01', lineItems: [line(10000)], status: 'open', ...data },
  })
}

/**
 * Two clients with one record of every kind each (plus records a contact must not see: a draft
 * invoice, a draft credit note, a hidden document), a staff user, and one contact per client.
 */
export async function seedTwoClients(payload: Payload) {
  const staff = await payload.create({ collection: 'users', data: { email: 'staff@host.test', password: passwords.staff } })
  const tenant = async (name: string) => {
    const client = await payload.create({ collection: 'clients', data: { currency: 'EUR', externalId: `ext-${name}`, name } })
    const contact = await payload.create({
      collection: 'contacts',
      data: { client: client.id, email: `${name.toLowerCase()}@client.test`, name: `${name} contact`, password: passwords.contact },
    })
    const invoice = await openInvoice(payload, client.id)
    const draftInvoice = await payload.create({ collection: 'invoices', data: { client: client.id, lineItems: [line(500)] } })
    const payment = await payload.create({
      collection: 'payments',
      data: { allocations: [{ amount: 1000, invoice: invoice.id }], amount: 1000, client: client.id, currency: 'EUR', providerRef: `ref-${name}`, status: 'succeeded' },
    })
    const creditNote = await payload.create({ collection: 'credit-notes', data: { amount: 500, invoice: invoice.id, status: 'issued' } })
    const draftCreditNote = await payload.create({ collection: 'credit-notes', data: { amount: 100, invoice: invoice.id } })
    const file = (title: string) => pdfUpload(title)
    const sharedDocument = await payload.create({
      collection: 'documents',
      data: { client: client.id, title: `${name} shared`, visibleToClient: true },
      file: file(`${name}-shared`),
    })
    const hiddenDocument = await payload.create({
      collection: 'documents',
      data: { client: client.id, title: `${name} hidden` },
      file: file(`${name}-hidden`),
    })
    const webhookEvent = await payload.create({
      collection: 'webhook-events',
      data: { eventId: `evt-${name}`, payload: { secret: true }, provider: 'erp', type: 'invoice.upserted' },
    })
    const loginToken = await payload.create({
      collection: 'invoice-portal-tokens',
      data: { contact: contact.id, expiresAt: new Date(Date.now() + 60_000).toISOString(), purpose: 'magic_link', tokenHash: `hash-${name}` },
    })
    const events = await payload.find({ collection: 'portal-events', pagination: false, where: { client: { equals: client.id } } })
    return { client, contact, creditNote, draftCreditNote, draftInvoice, events: events.docs, hiddenDocument, invoice, loginToken, payment, sharedDocument, webhookEvent }
  }
  const a = await tenant('Alpha')
  const b = await tenant('Beta')
  return { a, b, staff }
}

/** A valid one-page PDF as a Local API upload. */
export function pdfUpload(title: string) {
  const data = tinyPdf(title)
  return { data, mimetype: 'application/pdf', name: `${title}.pdf`, size: data.length }
}
