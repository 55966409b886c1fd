import { createLocalReq } from 'payload'
import { cookies, headers } from 'next/headers.js'
import { notFound, redirect } from 'next/navigation.js'
import React, { cache } from 'react'

import type { PortalView, SearchParams } from './views/types.js'

import { relationId } from '../access/index.js'
import { type PortalEventType, recordEvent, withAuditBuffered } from '../hooks/audit.js'
import { afterResponse } from './afterResponse.js'
import { documentId, type HostConfig, loadPortal, type Portal } from './context.js'
import { localeFromHeader, type MessageKey, type PortalLocale, toPortalLocale, translator } from './i18n.js'
import { authenticate, type Contact, SESSION_COOKIE, sessionIsOld } from './session.js'
import { AccountViews } from './views/index.js'
import { brandingOf, loadSettings } from './settings.js'
import { ForgotPasswordView, LoginView, MagicView, type PublicView, ResetPasswordView } from './views/auth.js'
import { VerifyView } from './views/twoFactor.js'
import { CHALLENGE_COOKIE, readChallenge } from './challenge.js'
import { param } from './views/types.js'
import { type Branding, Shell } from './views/shell.js'

export type PortalPageProps = {
  params: Promise<{ segments?: string[] }>
  searchParams: Promise<SearchParams>
}

const publicViews: Record<string, { title: MessageKey; View: (view: PublicView) => Promise<React.ReactNode> | React.ReactNode }> = {
  'forgot-password': { title: 'forgot.title', View: ForgotPasswordView },
  login: { title: 'login.title', View: LoginView },
  magic: { title: 'magic.title', View: MagicView },
  'reset-password': { title: 'reset.title', View: ResetPasswordView },
  verify: { title: 'twoFactor.verifyTitle', View: VerifyView },
}

const loadBranding = async (portal: Portal): Promise<Branding> => brandingOf(portal, await loadSettings(portal))

type Viewer = { client: (PortalView['client'] & { portalEnabled?: boolean }) | null; contact: Contact | null; locale: PortalLocale }

/**
 * Who is looking: the signed-in contact and its client (read as the contact), and the language to use.
 * Once per request: the page and its not-found boundary (which Next renders alongside) share it.
 */
const resolveViewer = cache(async (portal: Portal, token: string | undefined, acceptLanguage: null | string): Promise<Viewer> => {
  const contact = await authenticate(portal, token)
  const client = contact
    ? ((await portal.payload
        .findByID({ collection: portal.options.slugs.clients, depth: 0, disableErrors: true, id: relationId(contact.client)!, overrideAccess: false, user: contact })
        .catch(() => null)) as Viewer['client'])
    : null
  return { client, contact, locale: client ? toPortalLocale(client.locale) : localeFromHeader(acceptLanguage) }
})

/** The branding and the viewer of this request, fetched side by side. */
async function requestContext(config: HostConfig) {
  const [portal, headerList, cookieStore] = await Promise.all([loadPortal(config), headers(), cookies()])
  const acceptLanguage = headerList.get('accept-language')
  const [branding, viewer] = await Promise.all([loadBranding(portal), resolveViewer(portal, cookieStore.get(SESSION_COOKIE)?.value, acceptLanguage)])
  return { acceptLanguage, branding, challengeValue: cookieStore.get(CHALLENGE_COOKIE)?.value, headerList, portal, viewer }
}

/**
 * The whole portal as one server component, mounted by the host at `<route>/[[...segments]]/page.tsx`.
 * Every read goes through the Local API as the signed-in contact with `overrideAccess: false`.
 */
export function createPortalPage(config: HostConfig) {
  return async function PortalPage({ params, searchParams }: PortalPageProps) {
    const [{ acceptLanguage, branding, challengeValue, headerList, portal, viewer }, { segments = [] }, query] = await Promise.all([requestContext(config), params, searchParams])
    const route = portal.options.portal.route
    const { client, contact } = viewer
    const publicView = publicViews[segments[0] ?? '']
    if (publicView) {
      // Signed in already, unless asked to sign in again before a sensitive action.
      if (contact && segments[0] === 'login' && !param(query, 'reauth')) redirect(route)
      const locale = localeFromHeader(acceptLanguage)
      const t = translator(locale)
      return (
        <Shell branding={branding} view={{ locale, route, t }}>
          <title>{`${t(publicView.title)} · ${branding.name}`}</title>
          {await publicView.View({ challenge: segments[0] === 'verify' ? readChallenge(portal, challengeValue) : null, portal, query, route, segments, t })}
        </Shell>
      )
    }

    const here = `${route}${segments.length ? `/${segments.map(encodeURIComponent).join('/')}` : ''}`
    if (!contact) redirect(`${route}/login?${new URLSearchParams({ next: here })}`)
    if (!client || client.portalEnabled === false) redirect(`${route}/login?error=disabled`)
    const { locale } = viewer

    const view: PortalView = { client, contact, locale, portal, query, route, segments, t: translator(locale), timezone: client.timezone || 'UTC' }
    const page = AccountViews.resolve(segments)
    if (!page) notFound()
    // A client that requires two-factor sign-in lets a contact without it see only where it is set up.
    if ((client as { requireTwoFactor?: boolean }).requireTwoFactor && !contact.twoFactor?.enabled && page.nav !== '/two-factor') redirect(`${route}/two-factor`)
    if (page.sensitive && sessionIsOld(portal, contact)) redirect(`${route}/login?${new URLSearchParams({ next: here, reauth: '1' })}`)
    const content = await page.render(view)

    // The audit write happens after the response is sent, so it never slows the page down.
    const event: { invoice?: unknown; type: PortalEventType } = page.invoiceId
      ? { invoice: documentId(portal, page.invoiceId), type: 'invoice_viewed' }
      : { type: 'page_viewed' }
    const requestHeaders = new Headers(headerList)
    afterResponse(portal.payload, async () => {
      const req = await createLocalReq({ req: { headers: requestHeaders }, user: contact }, portal.payload)
      // One INSERT, not a Local API create: every page view writes one, and a create (access, operation hooks, the row read back) costs the server more CPU than the page's own reads.
      await withAuditBuffered(portal, req, () => recordEvent(portal, req, { client: client.id, details: { path: here }, invoice: event.invoice, type: event.type }))
    })

    return (
      <Shell branding={branding} contact={contact} current={page.nav} view={view}>
        <title>{`${view.t(page.title)} · ${branding.name}`}</title>
        {content}
      </Shell>
    )
  }
}

/**
 * The portal's not-found page, in the portal's chrome and the viewer's language. Mounted by the host as
 * `<route>/[[...segments]]/not-found.tsx`; the page answers 404 through it for unknown pages and for
 * records the contact may not see, which look exactly alike.
 */
export function createPortalNotFound(config: HostConfig) {
  return async function PortalNotFound() {
    const { branding, portal, viewer } = await requestContext(config)
    const route = portal.options.portal.route
    const t = translator(viewer.locale)
    return (
      <Shell branding={branding} contact={viewer.client ? (viewer.contact ?? undefined) : undefined} view={{ locale: viewer.locale, route, t }}>
        <title>{`${t('notFound.title')} · ${branding.name}`}</title>
        <h1>{t('notFound.title')}</h1>
        <p>{t('notFound.body')}</p>
        <p><a href={route}>{t('nav.dashboard')}</a></p>
      </Shell>
    )
  }
}
