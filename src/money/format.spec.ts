import { describe, expect, it } from 'vitest'

import { formatMoney, toMinorUnits } from './format.js'

/** ICU uses no-break spaces (U+00A0, U+202F) between symbol and number; compare them as plain spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ')

describe('formatMoney', () => {
  it.each([
    [123456, 'EUR', 'en', '€1,234.56'],
    [123456, 'EUR', 'nl', '€ 1.234,56'],
    [123456, 'EUR', 'nl-NL', '€ 1.234,56'],
    [-123456, 'EUR', 'en', '-€1,234.56'],
    [-123456, 'EUR', 'nl', '€ -1.234,56'],
    [5, 'EUR', 'en', '€0.05'],
    [-5, 'EUR', 'en', '-€0.05'],
    [-5, 'EUR', 'nl', '€ -0,05'],
    [0, 'EUR', 'en', '€0.00'],
    [100, 'EUR', 'en', '€1.00'],
    [1234, 'JPY', 'en', '¥1,234'],
    [-1234, 'JPY', 'en', '-¥1,234'],
    [1, 'JPY', 'en', '¥1'],
    [1250, 'BHD', 'en', 'BHD 1.250'],
    [-1250, 'BHD', 'en', '-BHD 1.250'],
    [1, 'BHD', 'en', 'BHD 0.001'],
    [1234567, 'KWD', 'en', 'KWD 1,234.567'],
    [1234, 'ISK', 'en', 'ISK 1,234'],
    [12345, 'CLF', 'en', 'CLF 1.2345'],
    [1, 'CLF', 'en', 'CLF 0.0001'],
  ])('formats %i %s in %s as %j', (amount, currency, locale, expected) => {
    expect(plain(formatMoney(amount, currency, locale))).toBe(expected)
  })

  it('defaults to English', () => {
    expect(plain(formatMoney(123456, 'EUR'))).toBe('€1,234.56')
  })

  it('formats the largest safe amount exactly (no float division)', () => {
    expect(plain(formatMoney(Number.MAX_SAFE_INTEGER, 'EUR', 'en'))).toBe('€90,071,992,547,409.91')
    expect(plain(formatMoney(-Number.MAX_SAFE_INTEGER, 'BHD', 'en'))).toBe('-BHD 9,007,199,254,740.991')
    expect(plain(formatMoney(Number.MAX_SAFE_INTEGER, 'JPY', 'en'))).toBe('¥9,007,199,254,740,991')
  })

  it('throws a RangeError for an unknown currency', () => {
    expect(() => formatMoney(100, 'XXX')).toThrow(RangeError)
    expect(() => formatMoney(100, 'eur')).toThrow(RangeError)
  })

  it('throws a RangeError for amounts that are not integer minor units', () => {
    expect(() => formatMoney(12.5, 'EUR')).toThrow(RangeError)
    expect(() => formatMoney(Number.NaN, 'EUR')).toThrow(RangeError)
    expect(() => formatMoney(Number.POSITIVE_INFINITY, 'EUR')).toThrow(RangeError)
    expect(() => formatMoney(1e21, 'EUR')).toThrow(RangeError)
  })
})

describe('toMinorUnits', () => {
  it.each([
    ['12.345', 'EUR', 1235],
    ['-12.345', 'EUR', -1235],
    ['12.344', 'EUR', 1234],
    ['-12.344', 'EUR', -1234],
    ['12.34', 'EUR', 1234],
    ['12.3', 'EUR', 1230],
    ['12', 'EUR', 1200],
    ['0.005', 'EUR', 1],
    ['-0.005', 'EUR', -1],
    ['0.00499999', 'EUR', 0],
    ['1.2', 'JPY', 1],
    ['1.5', 'JPY', 2],
    ['-1.5', 'JPY', -2],
    ['2.5', 'JPY', 3],
    ['1234', 'JPY', 1234],
    ['1234', 'KRW', 1234],
    ['1.2345', 'BHD', 1235],
    ['-1.2345', 'BHD', -1235],
    ['1.2344', 'BHD', 1234],
    ['1.250', 'BHD', 1250],
    ['1.25', 'BHD', 1250],
    ['12', 'BHD', 12000],
    ['0.001', 'KWD', 1],
    ['1', 'CLF', 10000],
    ['0.00005', 'CLF', 1],
    ['0.00004', 'CLF', 0],
    [' +7.10 ', 'EUR', 710],
  ])('toMinorUnits(%j, %s) = %i', (major, currency, expected) => {
    expect(toMinorUnits(major, currency)).toBe(expected)
  })

  it('takes numbers by their decimal text, not their binary value', () => {
    // 12.34 * 100 === 1233.9999999999998 and Math.round(1.005 * 100) === 100 in floats.
    expect(toMinorUnits(12.34, 'EUR')).toBe(1234)
    expect(toMinorUnits(1.005, 'EUR')).toBe(101)
    expect(toMinorUnits(-1.005, 'EUR')).toBe(-101)
    expect(toMinorUnits(1.2345, 'BHD')).toBe(1235)
    expect(toMinorUnits(1e-7, 'EUR')).toBe(0)
    expect(toMinorUnits(1.5e3, 'JPY')).toBe(1500)
  })

  it('never returns negative zero', () => {
    expect(Object.is(toMinorUnits('-0.004', 'EUR'), 0)).toBe(true)
    expect(Object.is(toMinorUnits('-0', 'EUR'), 0)).toBe(true)
    expect(Object.is(toMinorUnits(-0, 'JPY'), 0)).toBe(true)
  })

  it('accepts the largest safe amount and rejects anything that cannot be represented exactly', () => {
    expect(toMinorUnits('90071992547409.91', 'EUR')).toBe(Number.MAX_SAFE_INTEGER)
    expect(toMinorUnits('-90071992547409.91', 'EUR')).toBe(-Number.MAX_SAFE_INTEGER)
    expect(() => toMinorUnits('90071992547409.92', 'EUR')).toThrow(RangeError)
    expect(() => toMinorUnits('123456789012345678.91', 'EUR')).toThrow(RangeError)
    expect(() => toMinorUnits(1e21, 'JPY')).toThrow(RangeError)
  })

  it.each(['', 'abc', '1,50', '1e3', '12.34.5', 'NaN', null, undefined, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects the invalid amount %j',
    (major) => {
      expect(() => toMinorUnits(major as unknown as string, 'EUR')).toThrow(RangeError)
    },
  )

  it('rejects unknown currencies', () => {
    expect(() => toMinorUnits('1', 'XXX')).toThrow(RangeError)
  })
})
