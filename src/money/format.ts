import { numberFormat } from '../utilities/intl.js'
import { currencyExponent } from './currencies.js'
import { divideRoundHalfAwayFromZero, parseDecimal } from './decimal.js'

/** Minor units as an exact major-unit decimal string: 123456 EUR → "1234.56", 5 JPY → "5". */
export function toMajorUnits(amount: number, currency: string): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`Amount ${amount} is not an integer number of minor units`)
  const exponent = currencyExponent(currency)
  const digits = Math.abs(amount).toString().padStart(exponent + 1, '0')
  const text = exponent ? `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}` : digits
  return `${amount < 0 ? '-' : ''}${text}`
}

/** Formats minor units for people, e.g. 123456 EUR in nl-NL → "€ 1.234,56". */
export function formatMoney(amount: number, currency: string, locale = 'en'): string {
  const major = toMajorUnits(amount, currency)
  const exponent = currencyExponent(currency)
  const format = numberFormat(locale, {
    currency,
    maximumFractionDigits: exponent,
    minimumFractionDigits: exponent,
    style: 'currency',
  })
  // Format the exact decimal string so large amounts never pass through float division.
  return format.format(major as unknown as number)
}

/** Converts a major-unit decimal ("12.345" BHD) to minor units (12345), rounding half away from zero. */
export function toMinorUnits(major: number | string, currency: string): number {
  const decimal = parseDecimal(major)
  if (!decimal) throw new RangeError('Amount must be a decimal number')
  const exponent = currencyExponent(currency)
  const scaled =
    decimal.scale <= exponent
      ? decimal.units * 10n ** BigInt(exponent - decimal.scale)
      : divideRoundHalfAwayFromZero(decimal.units, 10n ** BigInt(decimal.scale - exponent))
  if (scaled > BigInt(Number.MAX_SAFE_INTEGER) || scaled < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError('Amount is too large to be represented exactly')
  }
  return Number(scaled)
}
