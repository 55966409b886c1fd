import type { Endpoint, PayloadRequest } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { documentId } from '../portal/context.js'
import { isUnsubscribeToken } from '../reminders/message.js'
import { escapeHtml } from '../utilities/html.js'

const page = (status: number, title: string, body: string) =>
  new Response(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#111}button{font:inherit;padding:.5rem 1rem;border-radius:.375rem;border:1px solid #1d4ed8;background:#1d4ed8;color:#fff;cursor:pointer}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`,
    { headers: { 'Cache-Control': 'no-store', 'Content-Type': 'text/html; charset=utf-8' }, status },
  )

/**
 * The unsubscribe link in every reminder (`/api/invoice-portal/unsubscribe?contact=…&token=…`). Opening
 * it shows a button, so a mail scanner that follows links unsubscribes nobody; the button, or a mail
 * client's one-click unsubscribe (RFC 8058, a POST), turns the contact's reminders off. No sign-in:
 * the token is an HMAC of the contact's id.
 */
export function createUnsubscribeEndpoints(ctx: PluginContext): Endpoint[] {
  const contactOf = async (req: PayloadRequest) => {
    const contact = req.searchParams.get('contact') ?? ''
    const token = req.searchParams.get('token') ?? ''
    const id = documentId({ ...ctx, payload: req.payload }, contact)
    if (id === null || !isUnsubscribeToken(req.payload.secret, contact, token)) return null
    return (await req.payload.findByID({ collection: ctx.options.slugs.contacts, depth: 0, disableErrors: true, id, overrideAccess: true, req })) as { email: string; id: number | string; notifications?: Record<string, unknown> } | null
  }
  const invalid = () => page(400, 'This link is not valid', '<p>The unsubscribe link is incomplete or was changed. Use the link from the latest reminder, or change your e-mail settings in the portal.</p>')
  const path = '/invoice-portal/unsubscribe'
  return [
    {
      handler: async (req) => {
        const contact = await contactOf(req)
        if (!contact) return invalid()
        return page(
          200,
          'Stop payment reminders?',
          `<p>${escapeHtml(contact.email)} will no longer get reminders about open invoices. New invoices and payment confirmations still arrive.</p><form method="post"><button type="submit">Stop payment reminders</button></form>`,
        )
      },
      method: 'get',
      path,
    },
    {
      handler: async (req) => {
        const contact = await contactOf(req)
        if (!contact) return invalid()
        await req.payload.update({ collection: ctx.options.slugs.contacts, data: { notifications: { ...contact.notifications, reminders: false } }, depth: 0, id: contact.id, overrideAccess: true, req })
        return page(200, 'Payment reminders stopped', `<p>${escapeHtml(contact.email)} will get no more payment reminders. You can turn them back on in the portal, under your account's e-mail settings.</p>`)
      },
      method: 'post',
      path,
    },
  ]
}
