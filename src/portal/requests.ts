import type { Portal } from './context.js'
import type { Contact } from './session.js'

import { escapeHtml } from '../utilities/html.js'
import { requestIp as ipOf } from '../utilities/requestIp.js'
import { localeFromHeader, translator, type Translate } from './i18n.js'
import { stylesheetHref } from './styles.js'

/**
 * A form post or download of the portal's route handlers. Every form is a plain HTML POST answered
 * with a 303 redirect (or a page), so the portal works without client JavaScript.
 */
export type Handler = (args: { contact: Contact | null; form: FormData; portal: Portal; request: Request; segments: string[] }) => Promise<Response>

export const isSecure = (request: Request) =>
  new URL(request.url).protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https'

/** The host the browser used: a proxy's X-Forwarded-Host, else Host; the server's own URL may name another. */
export const requestHost = (request: Request) =>
  request.headers.get('x-forwarded-host') ?? request.headers.get('host') ?? new URL(request.url).host

/** The origin the browser used, for links in e-mails when no `portal.baseUrl` is configured. */
export const requestOrigin = (request: Request) => `${isSecure(request) ? 'https' : 'http'}://${requestHost(request)}`

export const requestIp = (request: Request) => ipOf(request.headers)

export const formText = (form: FormData, name: string) => {
  const value = form.get(name)
  return typeof value === 'string' ? value.trim() : ''
}

/**
 * A page answered by a route handler itself, in the portal's stylesheet and the browser's language:
 * for what is shown once (recovery codes) or instead of a redirect (a 429). Never cached.
 */
export function plainPage(
  portal: Portal,
  request: Request,
  page: { body: (t: Translate) => string; cookies?: string[]; headers?: Record<string, string>; status?: number; title: (t: Translate) => string },
): Response {
  const locale = localeFromHeader(request.headers.get('accept-language'))
  const t = translator(locale)
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(page.title(t))}</title><link rel="stylesheet" href="${escapeHtml(stylesheetHref(portal.options.portal.route))}"></head><body><main id="content" class="auth"><h1>${escapeHtml(page.title(t))}</h1>${page.body(t)}</main></body></html>`
  const headers = new Headers({ 'Cache-Control': 'no-store', 'Content-Type': 'text/html; charset=utf-8', ...page.headers })
  for (const cookie of page.cookies ?? []) headers.append('Set-Cookie', cookie)
  return new Response(html, { headers, status: page.status ?? 200 })
}

/** 429 with `Retry-After`, as a page with the way back to the sign-in form. */
export function tooManyAttempts(portal: Portal, request: Request, retryAfterSeconds = 60): Response {
  const route = portal.options.portal.route
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60))
  return plainPage(portal, request, {
    body: (t) => `<p role="alert">${escapeHtml(t('throttle.body', { minutes }))}</p><p><a href="${escapeHtml(`${route}/login`)}">${escapeHtml(t('login.title'))}</a></p>`,
    headers: { 'Retry-After': String(Math.ceil(retryAfterSeconds)) },
    status: 429,
    title: (t) => t('throttle.title'),
  })
}

/**
 * A path inside the portal to go to after sign-in; anything else (another site, `//host`, a `..`
 * segment that a browser resolves to outside the portal) is ignored.
 */
export function safeNext(portal: Pick<Portal, 'options'>, next: unknown): string {
  const route = portal.options.portal.route
  if (typeof next !== 'string' || /[\\\s]|\/\/|%2f|%5c|\/(\.|%2e){1,2}(?=[/?#]|$)/i.test(next)) return route
  return next === route || next.startsWith(`${route}/`) || next.startsWith(`${route}?`) ? next : route
}
