import { describe, expect, it } from 'vitest'

import { currencyCodes, currencyExponent, isCurrency } from './currencies.js'

describe('currencyExponent', () => {
  it.each([
    ['EUR', 2],
    ['USD', 2],
    ['GBP', 2],
    ['CHF', 2],
    ['HUF', 2],
    ['MGA', 2], // ISO 4217 says 2 even though the ariary is not decimal
    ['MRU', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['ISK', 0], // ICU says 0 display digits too, but ISO is the source of truth
    ['CLP', 0],
    ['VND', 0],
    ['UGX', 0],
    ['XOF', 0],
    ['BHD', 3],
    ['KWD', 3],
    ['IQD', 3],
    ['JOD', 3],
    ['OMR', 3],
    ['TND', 3],
    ['LYD', 3],
    ['CLF', 4],
    ['UYW', 4],
  ])('%s has exponent %i', (code, exponent) => {
    expect(currencyExponent(code)).toBe(exponent)
    expect(isCurrency(code)).toBe(true)
  })

  it.each(['XXX', 'XAU', 'XDR', 'ABC', 'eur', 'Eur', ' EUR', 'EUR ', 'EURO', 'EU', '', 'DEM', 'VEF', 'HRK', 'ZWL'])(
    'rejects the unknown code %j',
    (code) => {
      expect(isCurrency(code)).toBe(false)
      expect(() => currencyExponent(code)).toThrow(RangeError)
      expect(() => currencyExponent(code)).toThrow(/Unknown ISO 4217 currency/)
    },
  )

  it.each([null, undefined, 978, {}, ['EUR'], new String('EUR')])('isCurrency rejects the non-string %s', (value) => {
    expect(isCurrency(value)).toBe(false)
  })
})

describe('currencyCodes', () => {
  it('lists unique three-letter upper-case codes, each with a valid exponent', () => {
    expect(currencyCodes.length).toBeGreaterThan(150)
    expect(new Set(currencyCodes).size).toBe(currencyCodes.length)
    for (const code of currencyCodes) {
      expect(code).toMatch(/^[A-Z]{3}$/)
      expect(isCurrency(code)).toBe(true)
      expect([0, 2, 3, 4]).toContain(currencyExponent(code))
    }
  })

  it('contains the currencies the portal is expected to bill in', () => {
    for (const code of ['EUR', 'USD', 'GBP', 'JPY', 'KRW', 'ISK', 'BHD', 'KWD', 'CLF', 'CHF', 'SEK', 'PLN']) {
      expect(currencyCodes).toContain(code)
    }
  })
})
