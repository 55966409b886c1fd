import type { PayloadRequest } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { relationId } from '../access/index.js'
import { settingsSlug } from '../options.js'
import { portalUrl } from '../portal/context.js'
import { toPortalLocale, translator } from '../portal/i18n.js'
import { escapeHtml as escape } from '../utilities/html.js'

/** The password-reset e-mail of a contact: a link to the portal's reset page, in the client's language. */
export async function resetPasswordEmail(
  ctx: PluginContext,
  args: { req?: PayloadRequest; token?: string; user?: { client?: unknown } } | undefined,
): Promise<{ html: string; subject: string }> {
  const req = args?.req
  const clientId = relationId(args?.user?.client)
  const client = req && clientId !== null ? await req.payload.findByID({ collection: ctx.options.slugs.clients, depth: 0, disableErrors: true, id: clientId, req }) : null
  const t = translator(toPortalLocale((client as { locale?: string } | null)?.locale))
  const settings = req ? ((await req.payload.findGlobal({ slug: settingsSlug, depth: 0, req })) as { branding?: { name?: null | string } }) : {}
  const name = settings.branding?.name || ctx.options.portal.branding.name || 'Billing'
  const path = `/reset-password/${encodeURIComponent(args?.token ?? '')}`
  const link = req ? portalUrl({ options: ctx.options, payload: req.payload }, path, originOf(req)) : `${ctx.options.portal.route}${path}`
  return {
    html: `<p>${escape(t('email.reset.body', { name }))}</p><p><a href="${escape(link)}">${escape(link)}</a></p><p>${escape(t('email.magic.ignore'))}</p>`,
    subject: t('email.reset.subject', { name }),
  }
}

function originOf(req: PayloadRequest | undefined): string | undefined {
  const host = req?.headers?.get('x-forwarded-host') ?? req?.headers?.get('host')
  if (!host) return undefined
  return `${req?.headers?.get('x-forwarded-proto') ?? 'http'}://${host}`
}
