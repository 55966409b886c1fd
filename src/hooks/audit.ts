import type { JsonObject, PayloadRequest } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { relationId } from '../access/index.js'
import { createMany } from '../db/createMany.js'
import { requestIp } from '../utilities/requestIp.js'

const AUDIT_BUFFER = 'invoicePortalAuditBuffer'

export type PortalEventType = (typeof portalEventTypes)[number]

export const portalEventTypes = [
  'login',
  'login_failed',
  'magic_link_sent',
  'magic_link_used',
  'page_viewed',
  'invoice_viewed',
  'pdf_downloaded',
  'zip_downloaded',
  'statement_downloaded',
  'document_downloaded',
  'payment_started',
  'payment_succeeded',
  'payment_failed',
  'payment_refunded',
  'payment_disputed',
  'payment_status_changed',
  'reminder_sent',
  'invoice_status_changed',
  'credit_note_status_changed',
  'webhook_rejected',
  'invoice_sent',
  'two_factor_enabled',
  'two_factor_disabled',
  'two_factor_failed',
  'two_factor_recovery_used',
  'two_factor_recovery_codes_replaced',
  'two_factor_reset',
] as const

/**
 * Appends to the audit log. Joins the request's transaction, so an event is recorded exactly when
 * the change it describes is.
 */
export async function recordEvent(
  ctx: PluginContext,
  req: PayloadRequest,
  event: {
    client?: unknown
    contact?: unknown
    details?: Record<string, unknown>
    invoice?: unknown
    type: PortalEventType
  },
): Promise<void> {
  const contact = event.contact ?? (ctx.access.isContact(req) ? req.user?.id : undefined)
  const data = {
    actor: req.user ? `${req.user.collection}:${req.user.id}` : 'system',
    client: relationId(event.client),
    contact: relationId(contact),
    details: event.details ?? {},
    invoice: relationId(event.invoice),
    ip: requestIp(req.headers),
    type: event.type,
    userAgent: req.headers?.get('user-agent')?.slice(0, 512) ?? undefined,
  }
  const buffer = req.context?.[AUDIT_BUFFER]
  if (Array.isArray(buffer)) {
    buffer.push(data)
    return
  }
  // The created event is not used; depth 0 spares reading its client, contact and invoice back.
  await req.payload.create({ collection: ctx.options.slugs.portalEvents, data, depth: 0, overrideAccess: true, req })
}

/**
 * A contact signed in (with a password, a link, and a second factor when it has one): its last sign-in
 * time and the audit trail, in the sign-in's transaction.
 */
export async function recordSignIn(ctx: PluginContext, req: PayloadRequest, contact: { client: unknown; id: number | string }, factor?: { method: string }): Promise<void> {
  await req.payload.update({ collection: ctx.options.slugs.contacts, data: { lastLoginAt: new Date().toISOString() }, depth: 0, id: contact.id, req })
  await recordEvent(ctx, req, { client: contact.client, contact: contact.id, details: factor ? { twoFactor: factor.method } : undefined, type: 'login' })
  if (factor?.method === 'recovery') await recordEvent(ctx, req, { client: contact.client, contact: contact.id, type: 'two_factor_recovery_used' })
}

/** A refused sign-in of a contact, tied to the contact (and its client) its address belongs to, if any. */
export async function recordLoginFailure(ctx: PluginContext, req: PayloadRequest, email: string, reason: string, type: 'login_failed' | 'two_factor_failed' = 'login_failed'): Promise<void> {
  const { docs } = await req.payload.find({ collection: ctx.options.slugs.contacts, depth: 0, limit: 1, overrideAccess: true, where: { email: { equals: email.toLowerCase() } } })
  await recordEvent(ctx, req, { client: docs[0]?.client, contact: docs[0]?.id, details: { email, reason }, type })
}

/**
 * Runs `work`, holding the audit events it records and appending them all at the end, in `req`'s
 * transaction, with one statement: work that changes hundreds of documents at once (a burst of ERP
 * pushes) would otherwise spend more on its audit entries than on the documents.
 */
export async function withAuditBuffered<T>(ctx: PluginContext, req: PayloadRequest, work: () => Promise<T>): Promise<T> {
  const buffer: JsonObject[] = []
  req.context = { ...req.context, [AUDIT_BUFFER]: buffer }
  let result: T
  try {
    result = await work()
  } finally {
    delete req.context[AUDIT_BUFFER]
  }
  await createMany(req, ctx.options.slugs.portalEvents, buffer)
  return result
}
