import { notFound } from 'next/navigation.js'

import type { Portal } from '../context.js'
import type { PortalLocale, Translate } from '../i18n.js'
import type { Contact } from '../session.js'

import { documentId } from '../context.js'

export type SearchParams = Record<string, string | string[] | undefined>

/** Everything a signed-in page needs: the portal, who is looking, in which language and timezone. */
export type PortalView = {
  client: { currency?: null | string; id: number | string; locale?: null | string; name?: string; timezone?: null | string }
  contact: Contact
  locale: PortalLocale
  portal: Portal
  query: SearchParams
  route: string
  segments: string[]
  t: Translate
  timezone: string
}

export const param = (query: SearchParams, name: string) => {
  const value = query[name]
  return (Array.isArray(value) ? value[0] : value) ?? ''
}

/** The record a URL names (`/invoices/<id>`), as the contact may see it; one 404 for missing and not theirs. */
export async function visibleRecordOr404<T>(view: PortalView, collection: string, idText: string): Promise<T> {
  const id = documentId(view.portal, idText)
  const found =
    id === null
      ? null
      : await view.portal.payload
          .findByID({ collection, depth: 0, disableErrors: true, id, overrideAccess: false, user: view.contact })
          .catch(() => null)
  if (!found) notFound()
  return found as T
}
