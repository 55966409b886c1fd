/**
 * ISO 4217 currencies and their minor-unit exponents.
 *
 * Kept as a static table rather than read from `Intl`: ICU's digits differ from ISO 4217 for several
 * currencies (ICU gives ISK, IQD and others display digits), and money must follow the standard.
 */
const ACTIVE_CODES = `AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP
BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS
GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP
LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK
PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP
TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG`.split(/\s+/)

const EXPONENT_OVERRIDES: Record<string, number> = {
  ...Object.fromEntries(
    'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF'.split(' ').map((c) => [c, 0]),
  ),
  ...Object.fromEntries('BHD IQD JOD KWD LYD OMR TND'.split(' ').map((c) => [c, 3])),
  CLF: 4,
  UYW: 4,
}

const CURRENCIES: ReadonlyMap<string, number> = new Map(
  ACTIVE_CODES.map((code) => [code, EXPONENT_OVERRIDES[code] ?? 2]),
)

export const currencyCodes: readonly string[] = ACTIVE_CODES

export function isCurrency(code: unknown): code is string {
  return typeof code === 'string' && CURRENCIES.has(code)
}

/** Number of decimal places of the currency's minor unit (EUR 2, JPY 0, BHD 3). */
export function currencyExponent(code: string): number {
  const exponent = CURRENCIES.get(code)
  if (exponent === undefined) throw new RangeError(`Unknown ISO 4217 currency "${code}"`)
  return exponent
}
