import { LockedAuth, logoutOperation } from 'payload'
import { readFile } from 'node:fs/promises'
import path from 'node:path'

import { relationId } from '../access/index.js'
import { recordEvent, recordLoginFailure } from '../hooks/audit.js'
import { PayError, startPayment } from '../payments/checkout.js'
import { countRequest, isTooManyAttempts } from '../security/throttle.js'
import { withFlags } from '../utilities/context.js'
import { escapeHtml } from '../utilities/html.js'
import { type HostConfig, loadPortal, type Portal, portalUrl } from './context.js'
import { downloadDocumentPdf, downloadStatement, downloadZip, isDocumentPdfPath, isPdfDownload } from './downloads.js'
import { toPortalLocale, translator } from './i18n.js'
import { formText as text, type Handler, isSecure, requestHost, requestIp, requestOrigin, safeNext, tooManyAttempts } from './requests.js'
import { eventRequest, notFound, seeOther } from './responses.js'
import { MIN_PASSWORD_LENGTH } from './rules.js'
import { HANDLER_PAGE_POLICY, securityHeaders } from './securityHeaders.js'
import { authenticate, clearedSessionCookie, type Contact, portalEnabledFor, readCookie, SESSION_COOKIE, sessionIsOld } from './session.js'
import { brandName } from './settings.js'
import { afterFirstFactor } from './signIn.js'
import { STYLESHEET, stylesheet } from './styles.js'
import { consumeMagicToken, createMagicToken } from './tokens.js'
import { confirmTwoFactor, newRecoveryCodes, startTwoFactor, turnOff, verifyTwoFactor } from './twoFactorHandlers.js'

/** The portal's form posts and downloads, mounted by the host at `<route>/api/[...path]`. */

const login: Handler = async ({ form, portal, request }) => {
  const { options, payload } = portal
  const route = options.portal.route
  const email = text(form, 'email').toLowerCase()
  const next = safeNext(portal, text(form, 'next'))
  try {
    const result = await payload.login({
      collection: options.slugs.contacts,
      context: withFlags(undefined, { twoFactorDeferred: true }),
      data: { email, password: String(form.get('password') ?? '') },
      req: { headers: request.headers },
    })
    return afterFirstFactor(portal, request, result.user!.id, next, result.token)
  } catch (error) {
    const status = (error as { status?: number }).status
    // Refused before the password was checked, and audited there.
    if (isTooManyAttempts(error)) return tooManyAttempts(portal, request, error.retryAfterSeconds)
    // Payload answers a locked account with LockedAuth, whose status is 401 like a wrong password's.
    const reason = error instanceof LockedAuth || status === 423 ? 'locked' : status === 403 ? 'disabled' : 'invalid'
    await recordLoginFailure(portal, await eventRequest(portal, request, null), email, reason)
    const query = new URLSearchParams({ error: reason, ...(next !== route ? { next } : {}) })
    return seeOther(`${route}/login?${query}`)
  }
}

const logout: Handler = async ({ contact, portal, request }) => {
  if (contact) {
    const req = await eventRequest(portal, request, contact)
    // Ends this session on the server too, so the cookie's token is worthless even if it was copied.
    await logoutOperation({ collection: portal.payload.collections[portal.options.slugs.contacts], req })
  }
  return seeOther(`${portal.options.portal.route}/login?signedOut=1`, clearedSessionCookie(portal, isSecure(request)))
}

/** Answers the same whether or not the address belongs to a contact, and before any e-mail is sent. */
const requestMagicLink: Handler = async ({ form, portal, request }) => {
  const email = text(form, 'email').toLowerCase()
  const next = safeNext(portal, text(form, 'next'))
  const origin = requestOrigin(request)
  const verdict = await countRequest(portal, portal, 'magicLink', { email, ip: requestIp(request) })
  if (!verdict.allowed) return tooManyAttempts(portal, request, verdict.retryAfterSeconds)
  void sendMagicLink(portal, email, next, requestIp(request), origin, request).catch((error: unknown) =>
    portal.payload.logger.error({ err: error, msg: 'payload-invoice-portal: magic link not sent' }),
  )
  return seeOther(`${portal.options.portal.route}/login?${new URLSearchParams({ sent: email })}`)
}

async function sendMagicLink(portal: Portal, email: string, next: string, ip: string | undefined, origin: string, request: Request) {
  const { options, payload } = portal
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) return
  const { docs } = await payload.find({ collection: options.slugs.contacts, depth: 0, limit: 1, where: { email: { equals: email } } })
  const contact = docs[0] as Contact | undefined
  if (!contact || !(await portalEnabledFor(portal, contact.client))) return
  const token = await createMagicToken(portal, contact.id, ip)
  if (!token) return
  const client = await payload.findByID({ collection: options.slugs.clients, depth: 0, id: relationId(contact.client)! })
  const t = translator(toPortalLocale((client as { locale?: string }).locale))
  const brand = await brandName(portal)
  const link = `${portalUrl(portal, `/magic/${token}`, origin)}${next !== options.portal.route ? `?${new URLSearchParams({ next })}` : ''}`
  await payload.sendEmail({
    html: `<p>${escapeHtml(t('email.magic.body', { minutes: options.portal.magicLinkMinutes, name: brand }))}</p><p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p><p>${escapeHtml(t('email.magic.ignore'))}</p>`,
    subject: t('email.magic.subject', { name: brand }),
    text: `${t('email.magic.body', { minutes: options.portal.magicLinkMinutes, name: brand })}\n\n${link}\n\n${t('email.magic.ignore')}`,
    to: contact.email,
  })
  await recordEvent(portal, await eventRequest(portal, request, null), { client: contact.client, contact: contact.id, type: 'magic_link_sent' })
}

const useMagicLink: Handler = async ({ form, portal, request }) => {
  const route = portal.options.portal.route
  const token = text(form, 'token')
  const contactId = await consumeMagicToken(portal, token)
  if (contactId === null) return seeOther(`${route}/magic/${encodeURIComponent(token)}`)
  const contact = (await portal.payload.findByID({ collection: portal.options.slugs.contacts, depth: 0, disableErrors: true, id: contactId })) as Contact | null
  if (!contact || !(await portalEnabledFor(portal, contact.client))) return seeOther(`${route}/login?error=disabled`)
  await recordEvent(portal, await eventRequest(portal, request, contact), { client: contact.client, contact: contact.id, type: 'magic_link_used' })
  return afterFirstFactor(portal, request, contact.id, safeNext(portal, text(form, 'next')))
}

const forgotPassword: Handler = async ({ form, portal, request }) => {
  const email = text(form, 'email').toLowerCase()
  // Counted before the answer, which otherwise comes before the e-mail is even looked up.
  const verdict = await countRequest(portal, portal, 'passwordReset', { email, ip: requestIp(request) })
  if (!verdict.allowed) return tooManyAttempts(portal, request, verdict.retryAfterSeconds)
  void portal.payload
    .forgotPassword({ collection: portal.options.slugs.contacts, context: withFlags(undefined, { throttleCounted: true }), data: { email } })
    .catch((error: unknown) => portal.payload.logger.error({ err: error, msg: 'payload-invoice-portal: reset e-mail not sent' }))
  return seeOther(`${portal.options.portal.route}/forgot-password?${new URLSearchParams({ sent: email })}`)
}

const resetPassword: Handler = async ({ form, portal, request }) => {
  const route = portal.options.portal.route
  const token = text(form, 'token')
  const password = String(form.get('password') ?? '')
  const back = (error: string) => seeOther(`${route}/reset-password/${encodeURIComponent(token)}?error=${error}`)
  if (password.length < MIN_PASSWORD_LENGTH) return back('passwordShort')
  if (password !== String(form.get('passwordAgain') ?? '')) return back('passwordMismatch')
  try {
    const result = await portal.payload.resetPassword({
      collection: portal.options.slugs.contacts,
      context: withFlags(undefined, { twoFactorDeferred: true }),
      data: { password, token },
      overrideAccess: true,
    })
    if (!result.token) return back('invalid')
    return afterFirstFactor(portal, request, (result.user as { id: number | string }).id, route, result.token)
  } catch {
    return back('invalid')
  }
}

const updateProfile: Handler = async ({ contact, form, portal }) => {
  const route = portal.options.portal.route
  const name = text(form, 'name')
  if (!name) return seeOther(`${route}/profile?error=name`)
  await portal.payload.update({
    collection: portal.options.slugs.contacts,
    data: {
      name,
      notifications: {
        invoiceIssued: form.get('invoiceIssued') === 'on',
        paymentReceived: form.get('paymentReceived') === 'on',
        reminders: form.get('reminders') === 'on',
      },
    },
    id: contact!.id,
    overrideAccess: false,
    user: contact!,
  })
  return seeOther(`${route}/profile?saved=details`)
}

const changePassword: Handler = async ({ contact, form, portal, request }) => {
  const route = portal.options.portal.route
  const password = String(form.get('password') ?? '')
  const back = (error: string) => seeOther(`${route}/profile?error=${error}`)
  if (password.length < MIN_PASSWORD_LENGTH) return back('passwordShort')
  if (password !== String(form.get('passwordAgain') ?? '')) return back('passwordMismatch')
  try {
    // Checking the current password through login counts failures towards the lockout, like sign-in;
    // the session that login opens is closed again at once, and it is not audited as a sign-in.
    const check = await portal.payload.login({
      collection: portal.options.slugs.contacts,
      context: withFlags(undefined, { verifyPassword: true }),
      data: { email: contact!.email, password: String(form.get('currentPassword') ?? '') },
      req: { headers: request.headers },
    })
    const verified = await authenticate(portal, check.token)
    if (verified) await logoutOperation({ collection: portal.payload.collections[portal.options.slugs.contacts], req: await eventRequest(portal, request, verified) })
  } catch {
    return back('wrongPassword')
  }
  await portal.payload.update({ collection: portal.options.slugs.contacts, data: { password }, id: contact!.id, overrideAccess: false, user: contact! })
  return seeOther(`${route}/profile?saved=password`)
}

/**
 * Starts a checkout and sends the browser to the provider. The invoice page posts one invoice (and,
 * when allowed, a part amount); the invoice list posts several as `ids`. Problems lead back to where
 * the form was, with a message.
 */
const pay: Handler = async ({ contact, form, portal, request }) => {
  const route = portal.options.portal.route
  const invoiceIds = [...form.getAll('invoice'), ...form.getAll('ids')].filter((value): value is string => typeof value === 'string' && value !== '')
  const back = invoiceIds.length === 1 && form.has('invoice') ? `${route}/invoices/${encodeURIComponent(invoiceIds[0])}` : `${route}/invoices`
  try {
    const started = await startPayment(
      portal,
      contact!,
      { amount: text(form, 'amount'), invoiceIds, provider: text(form, 'provider') || undefined, requestOrigin: requestOrigin(request) },
      await eventRequest(portal, request, contact),
    )
    return seeOther(started.redirectUrl)
  } catch (error) {
    if (!(error instanceof PayError)) throw error
    if (error.reason === 'notFound') return notFound()
    return seeOther(`${back}?${new URLSearchParams({ payError: error.reason, ...error.values })}`)
  }
}

const downloadDocument = async (portal: Portal, contact: Contact, id: string, request: Request): Promise<Response> => {
  const { options, payload } = portal
  const document = await payload
    .findByID({ collection: options.slugs.documents, depth: 0, disableErrors: true, id, overrideAccess: false, user: contact })
    .catch(() => null)
  const filename = (document as { filename?: string } | null)?.filename
  if (!document || !filename) return notFound()
  const staticDir = payload.collections[options.slugs.documents].config.upload.staticDir as string
  const data = await readFile(path.join(staticDir, path.basename(filename)))
  await recordEvent(portal, await eventRequest(portal, request, contact), {
    client: contact.client,
    details: { document: document.id, filename },
    type: 'document_downloaded',
  })
  return new Response(new Uint8Array(data), {
    headers: {
      'Cache-Control': 'private, no-store',
      'Content-Disposition': `attachment; filename="${filename.replace(/["\\\r\n]/g, '_')}"`,
      'Content-Type': (document as { mimeType?: string }).mimeType ?? 'application/octet-stream',
      'X-Content-Type-Options': 'nosniff',
    },
  })
}

const publicPosts: Record<string, Handler> = {
  'forgot-password': forgotPassword,
  login,
  logout,
  magic: useMagicLink,
  'magic-link': requestMagicLink,
  'reset-password': resetPassword,
  'two-factor': verifyTwoFactor,
}
const zip: Handler = async ({ contact, form, portal, request }) => downloadZip({ contact: contact!, portal, request }, form)

const contactPosts: Record<string, Handler> = {
  password: changePassword,
  pay,
  profile: updateProfile,
  'two-factor-codes': newRecoveryCodes,
  'two-factor-confirm': confirmTwoFactor,
  'two-factor-off': turnOff,
  'two-factor-start': startTwoFactor,
  zip,
}

/**
 * Posts that need a recent sign-in (`portal.reauthAfterMinutes`): paying, and changing how the
 * contact signs in. Changing the password asks for the current one instead.
 */
const sensitivePosts = new Set(['pay', 'two-factor-codes', 'two-factor-confirm', 'two-factor-off', 'two-factor-start'])

/** Where a form of the contact's was, to come back to after signing in. */
function pageOfPost(portal: Portal, action: string, form: FormData): string {
  const page = action === 'pay' ? (form.has('invoice') ? `invoices/${text(form, 'invoice')}` : 'invoices') : action === 'zip' ? 'invoices' : action.startsWith('two-factor') ? 'two-factor' : 'profile'
  return `${portal.options.portal.route}/${page}`
}

function segmentsOf(portal: Portal, request: Request): string[] {
  const prefix = `${portal.options.portal.route}/api/`
  const pathname = new URL(request.url).pathname
  return pathname.startsWith(prefix) ? pathname.slice(prefix.length).split('/').filter(Boolean).map(decodeURIComponent) : []
}

/**
 * Whether a form post comes from the portal's own pages, by what browsers send with every post:
 * `Sec-Fetch-Site`, then `Origin`, then `Referer`. An opaque origin ("null": a sandboxed frame, a
 * data: page) is refused. A request with none of them is not a browser's, so no contact's cookie
 * rides along with it unasked. With the session cookie's SameSite=Lax this is the portal's CSRF defence.
 */
function sameOrigin(request: Request): boolean {
  const site = request.headers.get('sec-fetch-site')
  if (site && site !== 'same-origin' && site !== 'none') return false
  const origin = request.headers.get('origin') ?? request.headers.get('referer')
  if (!origin) return true
  try {
    return new URL(origin).host === requestHost(request)
  } catch {
    return false
  }
}

/** Headers on every answer of the portal's route handlers (securityHeaders.ts); an answer's own win. */
function withSecurityHeaders(response: Response, request: Request): Response {
  const headers = new Headers(response.headers)
  const html = headers.get('content-type')?.startsWith('text/html')
  for (const [name, value] of Object.entries(securityHeaders({ contentPolicy: html ? HANDLER_PAGE_POLICY : undefined, secure: isSecure(request) }))) {
    if (!headers.has(name)) headers.set(name, value)
  }
  // Copied, since some answers' headers can't be changed in place (Response.redirect's).
  return new Response(response.body, { headers, status: response.status, statusText: response.statusText })
}

export function createPortalRouteHandlers(config: HostConfig) {
  const contactFrom = async (portal: Portal, request: Request) => {
    const contact = await authenticate(portal, readCookie(request.headers.get('cookie'), SESSION_COOKIE))
    return contact && (await portalEnabledFor(portal, contact.client)) ? contact : null
  }
  const handlers = {
    GET: async (request: Request): Promise<Response> => {
      const portal = await loadPortal(config)
      const segments = segmentsOf(portal, request)
      const [kind, id] = segments
      if (kind === STYLESHEET && segments.length === 1) return stylesheet(request)
      // A PDF download reads the contact's client anyway and checks its portal switch from there (downloads.ts).
      const contact = isPdfDownload(segments) ? await authenticate(portal, readCookie(request.headers.get('cookie'), SESSION_COOKIE)) : await contactFrom(portal, request)
      if (!contact) {
        // After sign-in the contact lands on the page the download was offered on.
        const page = isPdfDownload(segments) ? `/${kind}` : ''
        return seeOther(`${portal.options.portal.route}/login${page ? `?${new URLSearchParams({ next: `${portal.options.portal.route}${page}` })}` : ''}`)
      }
      if (kind === 'documents' && id && segments.length === 2) return downloadDocument(portal, contact, id, request)
      if (isDocumentPdfPath(segments)) return downloadDocumentPdf({ contact, portal, request }, segments)
      if (isPdfDownload(segments)) return downloadStatement({ contact, portal, request })
      return notFound()
    },
    POST: async (request: Request): Promise<Response> => {
      const portal = await loadPortal(config)
      if (!sameOrigin(request)) return new Response('Cross-site form posts are not accepted.', { status: 403 })
      const segments = segmentsOf(portal, request)
      const [action] = segments
      const form = await request.formData().catch(() => new FormData())
      const publicHandler: Handler | undefined = publicPosts[action]
      const contactHandler: Handler | undefined = contactPosts[action]
      if (!publicHandler && !contactHandler) return notFound()
      // Sign-in and the other public posts need no session; only sign-out and the contact's own forms read it.
      const contact = contactHandler !== undefined || action === 'logout' ? await contactFrom(portal, request) : null
      if (publicHandler) return publicHandler({ contact, form, portal, request, segments })
      if (!contact) return seeOther(`${portal.options.portal.route}/login?${new URLSearchParams({ next: pageOfPost(portal, action, form) })}`)
      if (sensitivePosts.has(action) && sessionIsOld(portal, contact)) {
        return seeOther(`${portal.options.portal.route}/login?${new URLSearchParams({ next: pageOfPost(portal, action, form), reauth: '1' })}`)
      }
      return contactHandler!({ contact, form, portal, request, segments })
    },
  }
  return {
    GET: async (request: Request) => withSecurityHeaders(await handlers.GET(request), request),
    POST: async (request: Request) => withSecurityHeaders(await handlers.POST(request), request),
  }
}
