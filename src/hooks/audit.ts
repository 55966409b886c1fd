import type { JsonObject, PayloadRequest } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { relationId } from '../access/index.js'
import { createMany } from '../db/createMany.js'

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
    ip: clientIp(req),
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

function clientIp(req: PayloadRequest): string | undefined {
  const forwarded = req.headers?.get('x-forwarded-for')?.split(',')[0]?.trim()
  return forwarded || req.headers?.get('x-real-ip') || undefined
}
