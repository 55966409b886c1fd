import type { PortalLocale } from './i18n.js'

import { formatMoney } from '../money/format.js'
import { dateTimeFormat } from '../utilities/intl.js'

const intlLocale = (locale: PortalLocale) => (locale === 'nl' ? 'nl-NL' : 'en-GB')

export const money = (amount: null | number | undefined, currency: null | string | undefined, locale: PortalLocale) =>
  typeof amount === 'number' && currency ? formatMoney(amount, currency, intlLocale(locale)) : '—'

/** Calendar dates are stored at noon UTC; formatting them in UTC shows the stored day everywhere. */
export const day = (value: null | string | undefined, locale: PortalLocale) =>
  value ? dateTimeFormat(intlLocale(locale), { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(value)) : '—'

export const dateTime = (value: null | string | undefined, locale: PortalLocale, timeZone: string) =>
  value ? dateTimeFormat(intlLocale(locale), { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(value)) : '—'

export const percent = (rate: string, locale: PortalLocale) => `${rate.replace('.', locale === 'nl' ? ',' : '.')}%`

export const quantity = (value: string, locale: PortalLocale) => value.replace('.', locale === 'nl' ? ',' : '.')
