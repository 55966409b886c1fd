import type { PayloadRequest } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { relationId } from '../access/index.js'

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
  await req.payload.create({
    collection: ctx.options.slugs.portalEvents,
    // The created event is not used; depth 0 spares reading its client, contact and invoice back.
    depth: 0,
    data: {
      actor: req.user ? `${req.user.collection}:${req.user.id}` : 'system',
      client: relationId(event.client),
      contact: relationId(contact),
      details: event.details ?? {},
      invoice: relationId(event.invoice),
      ip: clientIp(req),
      type: event.type,
      userAgent: req.headers?.get('user-agent')?.slice(0, 512) ?? undefined,
    },
    overrideAccess: true,
    req,
  })
}

function clientIp(req: PayloadRequest): string | undefined {
  const forwarded = req.headers?.get('x-forwarded-for')?.split(',')[0]?.trim()
  return forwarded || req.headers?.get('x-real-ip') || undefined
}
