import type { Portal } from '../context.js'
import type { PortalLocale, Translate } from '../i18n.js'
import type { Contact } from '../session.js'

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
