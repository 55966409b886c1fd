import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import {
  canonicalDecimal,
  compareDecimals,
  compareDecimalToInteger,
  type Decimal,
  decimalToString,
  divideRoundHalfAwayFromZero,
  multiplyRounded,
  parseDecimal,
} from './decimal.js'

const d = (value: unknown): Decimal => {
  const parsed = parseDecimal(value)
  if (!parsed) throw new Error(`test setup: ${String(value)} is not a decimal`)
  return parsed
}

describe('parseDecimal', () => {
  it.each([
    ['1.25', { scale: 2, units: 125n }],
    ['0', { scale: 0, units: 0n }],
    ['-12.5', { scale: 1, units: -125n }],
    ['007.50', { scale: 1, units: 75n }],
    ['21.00', { scale: 0, units: 21n }],
    ['0.000', { scale: 0, units: 0n }],
    ['+3.14', { scale: 2, units: 314n }],
    ['  42  ', { scale: 0, units: 42n }],
    ['\t-0.5\n', { scale: 1, units: -5n }],
  ])('parses the string %j', (input, expected) => {
    expect(parseDecimal(input)).toEqual(expected)
  })

  it('normalises trailing zeros so that equal values have one representation', () => {
    expect(parseDecimal('21.50')).toEqual(parseDecimal('21.5'))
    expect(parseDecimal('100')).toEqual({ scale: 0, units: 100n })
    expect(parseDecimal('100.000')).toEqual({ scale: 0, units: 100n })
  })

  it('treats "-0" and -0 as plain zero (no negative zero)', () => {
    for (const input of ['-0', '-0.000', '+0', -0, 0]) {
      const parsed = parseDecimal(input)
      expect(parsed).toEqual({ scale: 0, units: 0n })
      expect(canonicalDecimal(input)).toBe('0')
    }
  })

  it('takes finite numbers by their shortest round-trip text, not their binary value', () => {
    expect(parseDecimal(0.1)).toEqual({ scale: 1, units: 1n })
    expect(parseDecimal(1.005)).toEqual({ scale: 3, units: 1005n })
    expect(parseDecimal(-2.5)).toEqual({ scale: 1, units: -25n })
    expect(parseDecimal(21)).toEqual({ scale: 0, units: 21n })
    // 0.1 + 0.2 really is 0.30000000000000004 as a number; it is taken as such.
    expect(canonicalDecimal(0.1 + 0.2)).toBe('0.30000000000000004')
  })

  it('expands numbers written in exponent notation without float arithmetic', () => {
    expect(String(1e-7)).toBe('1e-7') // make sure the case really uses exponent notation
    expect(parseDecimal(1e-7)).toEqual({ scale: 7, units: 1n })
    expect(canonicalDecimal(1e-7)).toBe('0.0000001')
    expect(canonicalDecimal(-1.5e-7)).toBe('-0.00000015')
    expect(canonicalDecimal(1.23e-18)).toBe('0.00000000000000000123')
    expect(String(1.5e21)).toBe('1.5e+21')
    expect(canonicalDecimal(1.5e21)).toBe('1500000000000000000000')
    expect(parseDecimal(1.5e21)).toEqual({ scale: 0, units: 1_500_000_000_000_000_000_000n })
    expect(canonicalDecimal(-1e21)).toBe('-1000000000000000000000')
    expect(canonicalDecimal(1.2345e22)).toBe('12345000000000000000000')
    expect(canonicalDecimal(Number.MAX_VALUE)).toBe(`17976931348623157${'0'.repeat(292)}`)
    expect(canonicalDecimal(Number.MIN_VALUE)).toBe(`0.${'0'.repeat(323)}5`)
  })

  it.each([
    '',
    '   ',
    'abc',
    '1,5',
    '1.2.3',
    '1e5',
    '1E-2',
    '0x10',
    '1 000',
    '--1',
    '+-1',
    '-',
    '+',
    '.',
    '.5',
    '5.',
    'Infinity',
    '-Infinity',
    'NaN',
    '١٢', // Arabic-Indic digits
    '12abc',
    '€12',
  ])('rejects the garbage string %j', (input) => {
    expect(parseDecimal(input)).toBeNull()
    expect(canonicalDecimal(input)).toBeNull()
  })

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'rejects the non-finite number %s',
    (input) => {
      expect(parseDecimal(input)).toBeNull()
    },
  )

  it.each([null, undefined, true, false, {}, [], ['1'], 10n, Symbol('x'), () => 1, new Date(0)])(
    'rejects the non-decimal value %s',
    (input) => {
      expect(parseDecimal(input)).toBeNull()
      expect(canonicalDecimal(input)).toBeNull()
    },
  )

  it('keeps arbitrary precision for long strings', () => {
    const long = '123456789012345678901234567890.123456789012345678901'
    expect(canonicalDecimal(long)).toBe(long)
    expect(parseDecimal(long)?.scale).toBe(21)
  })
})

describe('canonicalDecimal / decimalToString', () => {
  it.each([
    ['21', '21'],
    ['21.00', '21'],
    [21, '21'],
    ['5.50', '5.5'],
    ['+5.5', '5.5'],
    ['0005.5', '5.5'],
    [' 9 ', '9'],
    ['0.05', '0.05'],
    ['-0.05', '-0.05'],
    ['-1', '-1'],
    ['-10.10', '-10.1'],
    [1234567.891, '1234567.891'],
  ])('canonicalDecimal(%j) = %j', (input, expected) => {
    expect(canonicalDecimal(input)).toBe(expected)
  })

  it('pads the integer part of values below one', () => {
    expect(decimalToString({ scale: 3, units: 5n })).toBe('0.005')
    expect(decimalToString({ scale: 3, units: -5n })).toBe('-0.005')
    expect(decimalToString({ scale: 0, units: 0n })).toBe('0')
    expect(decimalToString({ scale: 2, units: 12345n })).toBe('123.45')
  })

  it('round-trips every canonical string', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ max: 10n ** 30n, min: -(10n ** 30n) }),
        fc.integer({ max: 12, min: 0 }),
        (units, scale) => {
          const text = canonicalDecimal(decimalToString({ scale, units }))
          expect(text).not.toBeNull()
          expect(canonicalDecimal(text)).toBe(text)
          // The value is unchanged: compare exactly by cross-scaling.
          expect(compareDecimals(d(text), { scale, units })).toBe(0)
        },
      ),
      { numRuns: 500 },
    )
  })
})

describe('divideRoundHalfAwayFromZero', () => {
  it.each([
    [5n, 2n, 3n], // 2.5 → 3
    [-5n, 2n, -3n], // -2.5 → -3
    [5n, -2n, -3n],
    [-5n, -2n, 3n],
    [1n, 2n, 1n], // 0.5 → 1
    [-1n, 2n, -1n], // -0.5 → -1
    [3n, 2n, 2n],
    [-3n, 2n, -2n],
    [7n, 2n, 4n],
    [149n, 100n, 1n],
    [150n, 100n, 2n],
    [151n, 100n, 2n],
    [-149n, 100n, -1n],
    [-150n, 100n, -2n],
    [1n, 3n, 0n],
    [2n, 3n, 1n],
    [-1n, 3n, 0n],
    [-2n, 3n, -1n],
    [0n, 7n, 0n],
    [0n, -7n, 0n],
    [6n, 3n, 2n],
    [-6n, 3n, -2n],
    [2079n, 100n, 21n], // 20.79 → 21
    [-1050n, 100n, -11n], // -10.5 → -11
  ])('%s / %s = %s', (numerator, denominator, expected) => {
    expect(divideRoundHalfAwayFromZero(numerator, denominator)).toBe(expected)
  })

  it('is exact for numbers far beyond the float range', () => {
    const big = 10n ** 40n
    expect(divideRoundHalfAwayFromZero(big * 3n + big / 2n, big)).toBe(4n)
    expect(divideRoundHalfAwayFromZero(-(big * 3n + big / 2n), big)).toBe(-4n)
    expect(divideRoundHalfAwayFromZero(big * 3n + big / 2n - 1n, big)).toBe(3n)
  })

  it('throws a RangeError on division by zero', () => {
    expect(() => divideRoundHalfAwayFromZero(1n, 0n)).toThrow(RangeError)
    expect(() => divideRoundHalfAwayFromZero(0n, 0n)).toThrow(RangeError)
  })

  it('agrees with a quotient/remainder formulation on random inputs', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ max: 10n ** 25n, min: -(10n ** 25n) }),
        fc.bigInt({ max: 10n ** 12n, min: -(10n ** 12n) }).filter((x) => x !== 0n),
        (numerator, denominator) => {
          const negative = numerator < 0n !== denominator < 0n
          const n = numerator < 0n ? -numerator : numerator
          const m = denominator < 0n ? -denominator : denominator
          let quotient = n / m
          if (2n * (n % m) >= m) quotient += 1n
          const expected = negative ? -quotient : quotient
          expect(divideRoundHalfAwayFromZero(numerator, denominator)).toBe(expected)
        },
      ),
      { numRuns: 2000 },
    )
  })
})

describe('multiplyRounded', () => {
  it('rounds integer × decimal half away from zero', () => {
    expect(multiplyRounded(100n, d('0.333'))).toBe(33n)
    expect(multiplyRounded(100n, d('1.005'))).toBe(101n)
    expect(multiplyRounded(-100n, d('1.005'))).toBe(-101n)
    expect(multiplyRounded(3n, d('2.5'))).toBe(8n)
    expect(multiplyRounded(-3n, d('2.5'))).toBe(-8n)
    expect(multiplyRounded(3n, d('-2.5'))).toBe(-8n)
    expect(multiplyRounded(7n, d('0'))).toBe(0n)
    expect(multiplyRounded(7n, d('3'))).toBe(21n)
  })
})

describe('compareDecimals', () => {
  it.each([
    ['1', '1.0', 0],
    ['0.1', '0.10', 0],
    ['-0', '0', 0],
    ['1.05', '1.5', -1],
    ['1.5', '1.05', 1],
    ['-1', '1', -1],
    ['1', '-1', 1],
    ['-1.5', '-1.05', -1],
    ['9', '21', -1], // numeric, not lexicographic
    ['100', '99.9999', 1],
    ['0.0000001', '0', 1],
    ['-0.0000001', '0', -1],
    ['123456789012345678901234567890', '123456789012345678901234567889.9999', 1],
  ])('compareDecimals(%s, %s) = %i', (a, b, expected) => {
    expect(compareDecimals(d(a), d(b))).toBe(expected)
    expect(compareDecimals(d(b), d(a))).toBe(-expected || 0)
  })

  it('also compares non-normalised decimals exactly', () => {
    expect(compareDecimals({ scale: 2, units: 2100n }, { scale: 0, units: 21n })).toBe(0)
    expect(compareDecimals({ scale: 5, units: 1n }, { scale: 4, units: 1n })).toBe(-1)
  })

  it('compareDecimalToInteger compares a decimal with an integer', () => {
    expect(compareDecimalToInteger(d('100'), 100)).toBe(0)
    expect(compareDecimalToInteger(d('100.0001'), 100)).toBe(1)
    expect(compareDecimalToInteger(d('99.9999'), 100)).toBe(-1)
    expect(compareDecimalToInteger(d('-0.5'), 0)).toBe(-1)
    expect(compareDecimalToInteger(d('9007199254740993'), Number.MAX_SAFE_INTEGER)).toBe(1)
  })
})
