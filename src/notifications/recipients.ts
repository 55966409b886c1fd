import type { PayloadRequest } from 'payload'

import type { Portal } from '../portal/context.js'

import { relationId } from '../access/index.js'

/** The e-mails a contact can turn off in the portal (contacts' `notifications` group). */
export type NotificationPreference = 'invoiceIssued' | 'paymentReceived' | 'reminders'

type Id = number | string
export type Recipients = {
  /** The client's billing address, used only when the client has no contacts at all. */
  billingEmail: null | string
  client: { billingEmail?: null | string; id: Id; locale?: null | string; name?: string; portalEnabled?: boolean | null; timezone?: null | string }
  contacts: Array<{ email: string; id: Id; name?: string }>
}

/**
 * Who gets a client's e-mails of one kind: its billing contacts who haven't turned that kind off; a
 * client with no contacts at all, at its billing e-mail. For many clients in three queries, one after
 * the other (within a transaction they share its one connection).
 */
export async function recipientsOfClients(portal: Portal, clientIds: readonly Id[], preference: NotificationPreference, req?: PayloadRequest): Promise<Map<string, Recipients>> {
  const { options, payload } = portal
  const ids = [...new Set(clientIds.map(String))]
  const found: Map<string, Recipients> = new Map()
  if (ids.length === 0) return found
  const common = { depth: 0, overrideAccess: true, pagination: false, req } as const
  const clients = await payload.find({ ...common, collection: options.slugs.clients, select: { billingEmail: true, locale: true, name: true, portalEnabled: true, timezone: true }, where: { id: { in: ids } } })
  const ofClients = { client: { in: ids } }
  const wanting = await payload.find({
    ...common,
    collection: options.slugs.contacts,
    select: { client: true, email: true, name: true },
    sort: 'id',
    where: { and: [ofClients, { role: { equals: 'billing' } }, { [`notifications.${preference}`]: { not_equals: false } }] },
  })
  const withContacts = new Set((await payload.find({ ...common, collection: options.slugs.contacts, select: { client: true }, where: ofClients })).docs.map((contact) => String(relationId(contact.client))))
  for (const client of clients.docs as Array<Recipients['client']>) {
    const key = String(client.id)
    found.set(key, { billingEmail: withContacts.has(key) ? null : (client.billingEmail ?? null), client, contacts: [] })
  }
  for (const contact of wanting.docs as Array<Recipients['contacts'][number] & { client: unknown }>) {
    found.get(String(relationId(contact.client)))?.contacts.push({ email: contact.email, id: contact.id, name: contact.name })
  }
  return found
}

/** `recipientsOfClients` for one client. */
export async function recipientsOf(portal: Portal, clientId: Id, preference: NotificationPreference, req?: PayloadRequest): Promise<Recipients> {
  const recipients = (await recipientsOfClients(portal, [clientId], preference, req)).get(String(clientId))
  if (!recipients) throw new Error(`No client ${String(clientId)}`)
  return recipients
}

export const hasRecipients = (recipients: Recipients | undefined) => Boolean(recipients && (recipients.contacts.length > 0 || recipients.billingEmail))
