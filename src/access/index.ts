import type { Access, CollectionConfig, FieldAccess, PayloadRequest, Where } from 'payload'

import type { InvoicePortalCollection, SanitizedOptions } from '../options.js'

/**
 * The one module that decides who sees and changes what (DESIGN.md §4).
 *
 * - Staff (users of the host's admin user collection, optionally narrowed by `access.isStaff`): everything.
 * - A contact: reads only its own client's records — never drafts, documents only when shared — and
 *   writes nothing but its own profile.
 * - Anyone else, anonymous included: nothing.
 *
 * Every access function of every plugin collection is set here explicitly, because Payload 3's default
 * lets a user of *any* auth collection in.
 */
type ContactScope = (ctx: { clientId: number | string; contactId: number | string }) => Where

const all = (...conditions: Where[]): Where => ({ and: conditions })

/** What a contact may read, per collection. A collection absent here is closed to contacts. */
const contactVisibility: Partial<Record<InvoicePortalCollection, ContactScope>> = {
  clients: ({ clientId }) => ({ id: { equals: clientId } }),
  contacts: ({ contactId }) => ({ id: { equals: contactId } }),
  creditNotes: ({ clientId }) => all({ client: { equals: clientId } }, { status: { not_equals: 'draft' } }),
  documents: ({ clientId }) => all({ client: { equals: clientId } }, { visibleToClient: { equals: true } }),
  invoices: ({ clientId }) => all({ client: { equals: clientId } }, { status: { not_equals: 'draft' } }),
  payments: ({ clientId }) => ({ client: { equals: clientId } }),
  portalEvents: ({ clientId }) => ({ client: { equals: clientId } }),
}

export const relationId = (value: unknown): null | number | string => {
  if (value && typeof value === 'object' && 'id' in value) return (value as { id: number | string }).id
  return typeof value === 'number' || typeof value === 'string' ? value : null
}

export type PortalAccess = ReturnType<typeof createAccess>

export function createAccess(options: SanitizedOptions) {
  const isStaff = (req: PayloadRequest) => Boolean(req.user) && options.isStaff({ req })
  const isContact = (req: PayloadRequest) => req.user?.collection === options.slugs.contacts

  /** The contact's client id, or null when the request is not a contact's (or it has no client). */
  const contactClientId = (req: PayloadRequest) => (isContact(req) ? relationId((req.user as { client?: unknown }).client) : null)

  const staffOnly: Access = ({ req }) => isStaff(req)
  const nobody: Access = () => false
  const staffField: FieldAccess = ({ req }) => isStaff(req)

  const readFor = (collection: InvoicePortalCollection): Access => ({ req }) => {
    if (isStaff(req)) return true
    const scope = contactVisibility[collection]
    const clientId = contactClientId(req)
    if (!scope || clientId === null || !req.user) return false
    return scope({ clientId, contactId: req.user.id })
  }

  /** Full access for staff, read access by visibility for contacts. */
  const standard = (collection: InvoicePortalCollection): NonNullable<CollectionConfig['access']> => ({
    create: staffOnly,
    delete: staffOnly,
    read: readFor(collection),
    readVersions: staffOnly,
    unlock: staffOnly,
    update: staffOnly,
  })

  return {
    clients: standard('clients'),
    contacts: {
      ...standard('contacts'),
      admin: () => false,
      /** A contact may update its own record; which fields is decided by `ownProfileField`. */
      update: ({ req }) => (isStaff(req) ? true : isContact(req) && req.user ? { id: { equals: req.user.id } } : false),
    } satisfies CollectionConfig['access'],
    creditNotes: standard('creditNotes'),
    documents: standard('documents'),
    invoices: standard('invoices'),
    payments: standard('payments'),
    /** Rendered PDFs, keyed by a hash of their content: written only by the PDF code; staff may look. */
    pdfCache: { ...standard('pdfCache'), create: nobody, delete: nobody, update: nobody },
    /** Append-only: written by the plugin's own server code; nobody creates, changes or deletes through an API. */
    portalEvents: { ...standard('portalEvents'), create: nobody, delete: nobody, update: nobody },
    /** Reminder steps, claimed and recorded by the reminder sweep only; staff read them. */
    reminders: { ...standard('reminders'), create: nobody, delete: nobody, update: nobody },
    sequences: { ...standard('sequences'), create: nobody, delete: nobody, update: nobody },
    /** Sign-in tokens: written and spent only by the portal's own code; staff may look. */
    portalTokens: { ...standard('portalTokens'), create: nobody, delete: nobody, update: nobody },
    /** Throttle counters: written only by the throttle's upsert; staff may look. */
    throttles: { ...standard('throttles'), create: nobody, delete: nobody, update: nobody },
    settings: { read: staffOnly, readDrafts: staffOnly, readVersions: staffOnly, update: staffOnly },
    /** The outbound delivery log is written by the delivery job only; staff read it and retry with its button. */
    webhookDeliveries: { ...standard('webhookDeliveries'), create: nobody, delete: nobody, update: nobody },
    /** The inbox is filled by verified webhooks only; staff may read it and mark retries. */
    webhookEvents: { ...standard('webhookEvents'), create: nobody, delete: nobody },

    /** Field level: internal fields (external ids, provider refs, raw payloads) are staff-only. */
    staffField,
    /** Field level: fields a contact may not change on its own record (client, role, e-mail). */
    staffWritableField: { create: staffField, update: staffField } satisfies Field['access'],
    /** Jobs: staff only, and never a contact whatever the host allows (DESIGN.md §4). */
    jobs: wrapForContacts(isContact, staffOnly),

    contactClientId,
    isContact,
    isStaff,
    /** Wraps a host access function so that portal contacts are always refused. */
    denyContacts: (access: Access | undefined, fallback: Access = staffOnly): Access =>
      wrapForContacts(isContact, access ?? fallback),
  }
}

type Field = { access?: { create?: FieldAccess; read?: FieldAccess; update?: FieldAccess } }

function wrapForContacts(isContact: (req: PayloadRequest) => boolean, access: Access): Access {
  return (args) => (isContact(args.req) ? false : access(args))
}
