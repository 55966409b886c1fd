import { describe, expect, it } from 'vitest'

import { toMinorUnits } from './format.js'
import { computeTotals, type LineAmounts, lineTotal, linesAreComputable } from './totals.js'

const M = Number.MAX_SAFE_INTEGER
const line = (quantity: number | string, unitAmount: number, taxRate: number | string = 0): LineAmounts => ({
  quantity,
  taxRate,
  unitAmount,
})

describe('computeTotals: hand-computed invoices', () => {
  it('returns zeros and no breakdown for an empty document', () => {
    expect(computeTotals([])).toEqual({ lineTotals: [], subtotal: 0, taxBreakdown: [], taxTotal: 0, total: 0 })
  })

  it('3 lines × 0.333 at 21%: each 33.3 → 33, base 99, tax 20.79 → 21', () => {
    const totals = computeTotals([line('0.333', 100, 21), line('0.333', 100, 21), line('0.333', 100, 21)])
    expect(totals).toEqual({
      lineTotals: [33, 33, 33],
      subtotal: 99,
      taxBreakdown: [{ base: 99, rate: '21', tax: 21 }],
      taxTotal: 21,
      total: 120,
    })
  })

  it('computes tax per rate, not per line (3 × €0.10 at 5%: per line 3 × 0.5 → 3, per rate 1.5 → 2)', () => {
    const lines = [line(1, 10, 5), line(1, 10, 5), line(1, 10, 5)]
    const perLine = lines.reduce((sum) => sum + Math.round(10 * 0.05), 0)
    expect(perLine).toBe(3) // what rounding per line would give
    const totals = computeTotals(lines)
    expect(totals.taxBreakdown).toEqual([{ base: 30, rate: '5', tax: 2 }])
    expect(totals.taxTotal).toBe(2)
    expect(totals.total).toBe(32)
  })

  it('computes tax per rate, not per line (2 × €1.50 at 9%: per line 2 × 13.5 → 28, per rate 27)', () => {
    const totals = computeTotals([line(1, 150, 9), line(1, 150, '9')])
    expect(totals.taxBreakdown).toEqual([{ base: 300, rate: '9', tax: 27 }])
    expect(totals.taxTotal).toBe(27)
    expect(totals.total).toBe(327)
  })

  describe('rounds half away from zero at exactly .5', () => {
    it.each([
      ['0.5', 1, 1],
      ['0.5', -1, -1],
      ['-0.5', 1, -1],
      ['-0.5', -1, 1],
      ['2.5', 3, 8],
      ['2.5', -3, -8],
      ['-2.5', 3, -8],
      ['1.5', -25, -38],
      ['0.4999', 1, 0],
      ['0.5001', -1, -1],
      ['0.4999', -1, 0],
      ['1.25', 2, 3],
      ['1.25', -2, -3],
    ])('quantity %s × unitAmount %i = %i', (quantity, unitAmount, expected) => {
      const total = lineTotal(line(quantity, unitAmount))
      expect(total).toBe(expected)
      expect(Object.is(total, -0)).toBe(false)
    })

    it('a discount line rounds away from zero (−37.5 → −38), and the tax base includes it', () => {
      const totals = computeTotals([line(1, 1000, 21), line('1.5', -25, 21)])
      expect(totals.lineTotals).toEqual([1000, -38])
      // 962 × 21% = 202.02 → 202
      expect(totals.taxBreakdown).toEqual([{ base: 962, rate: '21', tax: 202 }])
      expect(totals.total).toBe(1164)
    })

    it('tax of exactly .5 rounds away from zero, positive and negative', () => {
      expect(computeTotals([line(2, 25, 21)])).toMatchObject({ subtotal: 50, taxTotal: 11, total: 61 }) // 10.5 → 11
      expect(computeTotals([line(2, -25, 21)])).toMatchObject({ subtotal: -50, taxTotal: -11, total: -61 }) // −10.5 → −11
      expect(computeTotals([line(1, 5, 10)])).toMatchObject({ taxTotal: 1 }) // 0.5 → 1
      expect(computeTotals([line(1, -5, 10)])).toMatchObject({ taxTotal: -1 }) // −0.5 → −1
      expect(computeTotals([line(1, 4, 10)])).toMatchObject({ taxTotal: 0 }) // 0.4 → 0
      expect(computeTotals([line(1, -4, 10)]).taxTotal).toBe(0)
      expect(Object.is(computeTotals([line(1, -4, 10)]).taxTotal, -0)).toBe(false)
    })
  })

  it('JPY (exponent 0): amounts are whole yen, 8% and 10% rates', () => {
    expect(computeTotals([line(3, 1000, 10)])).toEqual({
      lineTotals: [3000],
      subtotal: 3000,
      taxBreakdown: [{ base: 3000, rate: '10', tax: 300 }],
      taxTotal: 300,
      total: 3300,
    })
    const unit = toMinorUnits('1234', 'JPY')
    expect(unit).toBe(1234)
    // ¥1,234 at 8% → 98.72 → 99; ¥555 + ½ × ¥99 (49.5 → 50) = ¥605 at 10% → 60.5 → 61
    expect(computeTotals([line(1, unit, 8), line(1, 555, 10), line('0.5', 99, 10)])).toEqual({
      lineTotals: [1234, 555, 50],
      subtotal: 1839,
      taxBreakdown: [
        { base: 1234, rate: '8', tax: 99 },
        { base: 605, rate: '10', tax: 61 },
      ],
      taxTotal: 160,
      total: 1999,
    })
  })

  it('3-decimal currencies: 1.250 BHD = 1250 fils, KWD', () => {
    const unit = toMinorUnits('1.250', 'BHD')
    expect(unit).toBe(1250)
    expect(computeTotals([line(3, unit, 10)])).toMatchObject({ subtotal: 3750, taxTotal: 375, total: 4125 })
    // 0.333 × 1250 = 416.25 → 416; 10% of 416 = 41.6 → 42
    expect(computeTotals([line('0.333', unit, 10)])).toMatchObject({ lineTotals: [416], taxTotal: 42, total: 458 })
    // 2.5 × 1.999 KWD = 4.9975 → 4.998; 5% = 0.2499 → 0.250
    const kwd = toMinorUnits('1.999', 'KWD')
    expect(computeTotals([line('2.5', kwd, 5)])).toMatchObject({ lineTotals: [4998], taxTotal: 250, total: 5248 })
  })

  it('4-decimal currency (CLF): 0.5 × 1.2345 = 0.61725 → 0.6173', () => {
    expect(lineTotal(line('0.5', toMinorUnits('1.2345', 'CLF')))).toBe(6173)
  })

  it('mixed rates (0, 5.5, 9, 10, 21): one row per rate, ordered numerically by rate', () => {
    const totals = computeTotals([
      line('1.5', 1001, '5.5'), // 1501.5 → 1502
      line(2, 1000, 21), // 2000
      line(3, 333, 0), // 999
      line(1, 250, 10), // 250
      line(1, 1999, 9), // 1999
      line(1, 500, '21.00'), // 500
    ])
    expect(totals).toEqual({
      lineTotals: [1502, 2000, 999, 250, 1999, 500],
      subtotal: 7250,
      taxBreakdown: [
        { base: 999, rate: '0', tax: 0 },
        { base: 1502, rate: '5.5', tax: 83 }, // 82.61
        { base: 1999, rate: '9', tax: 180 }, // 179.91
        { base: 250, rate: '10', tax: 25 },
        { base: 2500, rate: '21', tax: 525 },
      ],
      taxTotal: 813,
      total: 8063,
    })
  })

  it('canonicalises rates: "21", "21.00", 21, " 21 ", "+21", "021" are one row', () => {
    const totals = computeTotals([
      line(1, 100, '21'),
      line(1, 100, '21.00'),
      line(1, 100, 21),
      line(1, 100, ' 21 '),
      line(1, 100, '+21'),
      line(1, 100, '021'),
      line(1, 100, 21.0),
      line(1, 200, '5.50'),
      line(1, 200, 5.5),
      line(1, 300, '0'),
      line(1, 300, '-0'),
      line(1, 300, 0),
      line(1, 300, '0.00'),
    ])
    expect(totals.taxBreakdown).toEqual([
      { base: 1200, rate: '0', tax: 0 },
      { base: 400, rate: '5.5', tax: 22 },
      { base: 700, rate: '21', tax: 147 },
    ])
    expect(totals.taxTotal).toBe(169)
    expect(totals.total).toBe(2300 + 169)
  })

  it('handles rates with four decimals', () => {
    // 10000 × 8.1234% = 812.34 → 812; 5 000 000 × 0.0001% = 5; 5000 × 0.0001% = 0.005 → 0
    expect(computeTotals([line(1, 10000, '8.1234')]).taxTotal).toBe(812)
    expect(computeTotals([line(1, 5_000_000, '0.0001')]).taxTotal).toBe(5)
    expect(computeTotals([line(1, 5000, '0.0001')]).taxTotal).toBe(0)
  })

  it('takes quantities given as numbers and strings alike', () => {
    for (const quantity of [1.5, '1.5', '1.50', ' 1.5 ', '+1.5']) {
      expect(lineTotal(line(quantity, 1000))).toBe(1500)
    }
    expect(lineTotal(line(-2, 1000))).toBe(-2000)
    expect(lineTotal(line('-2', 1000))).toBe(-2000)
  })

  it('never multiplies in floating point (1.005 × 100, 0.285 × 100, 1.15 × 50)', () => {
    expect(Math.round(1.005 * 100)).toBe(100) // the float trap
    expect(lineTotal(line(1.005, 100))).toBe(101)
    expect(lineTotal(line('1.005', 100))).toBe(101)
    expect(lineTotal(line(0.285, 100))).toBe(29)
    expect(lineTotal(line(1.15, 50))).toBe(58)
    expect(lineTotal(line(-1.15, 50))).toBe(-58)
    expect(lineTotal(line(0.1, 5))).toBe(1)
    // Quantities in exponent notation as numbers.
    expect(lineTotal(line(1e-7, 10_000_000))).toBe(1)
    expect(lineTotal(line(1e-7, 4_999_999))).toBe(0)
    expect(lineTotal(line(1e-7, 5_000_000))).toBe(1)
    expect(lineTotal(line(1e-7, -5_000_000))).toBe(-1)
  })
})

describe('computeTotals: values near Number.MAX_SAFE_INTEGER', () => {
  it('accepts the largest safe line total', () => {
    expect(lineTotal(line(1, M))).toBe(M)
    expect(lineTotal(line(-1, M))).toBe(-M)
    expect(lineTotal(line('0.5', M))).toBe(4503599627370496) // 4503599627370495.5 → …496
    expect(computeTotals([line(1, M, 0)])).toMatchObject({ subtotal: M, taxTotal: 0, total: M })
  })

  it('throws a RangeError when a line total is too large', () => {
    expect(() => lineTotal(line(2, M))).toThrow(RangeError)
    expect(() => lineTotal(line('1.0000001', M))).toThrow(RangeError)
    expect(() => lineTotal(line(-2, M))).toThrow(RangeError)
    expect(() => lineTotal(line('1e3', 1))).toThrow(RangeError)
    expect(() => computeTotals([line(1e21, 1)])).toThrow(RangeError)
  })

  it('throws a RangeError when the unit amount is not a safe integer, instead of using a rounded value', () => {
    // 2^53 + 2 is an integer number, but not a safe one: 2^53 + 1 would be stored as the same number.
    expect(() => lineTotal(line('0.001', 2 ** 53 + 2))).toThrow(RangeError)
    expect(() => lineTotal(line('0.001', 2 ** 53 + 2))).toThrow(/unitAmount/)
    expect(() => computeTotals([line('0.001', 2 ** 53 + 2)])).toThrow(/unitAmount/)
    expect(() => lineTotal(line('0.000001', -(2 ** 60)))).toThrow(RangeError)
    expect(() => lineTotal(line(1, 1.5))).toThrow(RangeError)
    expect(() => lineTotal(line(1, Number.NaN))).toThrow(RangeError)
    expect(() => lineTotal(line(1, Number.POSITIVE_INFINITY))).toThrow(RangeError)
    expect(() => lineTotal(line(1, '100' as unknown as number))).toThrow(RangeError)
  })

  it('throws a RangeError when the subtotal is too large', () => {
    expect(() => computeTotals([line(1, M, 0), line(1, 1, 21)])).toThrow(RangeError)
    expect(() => computeTotals([line(1, M, 0), line(1, 1, 21)])).toThrow(/Subtotal/)
    expect(() => computeTotals([line(1, M, 0), line(1, M, 0)])).toThrow(RangeError)
    expect(() => computeTotals([line(-1, M, 0), line(-1, M, 9)])).toThrow(RangeError)
  })

  it('keeps the subtotal exact when a running sum passes MAX_SAFE_INTEGER on the way', () => {
    // M + 2 − 3 = M − 1; adding in floats gives M − 2 (M + 2 rounds to 2^53).
    const totals = computeTotals([line(1, M, 0), line(1, 2, 9), line(1, -3, 0)])
    expect(totals.lineTotals).toEqual([M, 2, -3])
    expect(totals.taxBreakdown).toEqual([
      { base: M - 3, rate: '0', tax: 0 },
      { base: 2, rate: '9', tax: 0 },
    ])
    expect(totals.subtotal).toBe(M - 1)
    expect(totals.total).toBe(M - 1)
    expect(totals.taxBreakdown.reduce((sum, row) => sum + row.base, 0)).toBe(totals.subtotal)
  })

  it('throws a RangeError when the total (subtotal + tax) is too large', () => {
    expect(() => computeTotals([line(1, M, 21)])).toThrow(RangeError)
    expect(() => computeTotals([line(1, M, 21)])).toThrow(/^Total/)
    expect(() => computeTotals([line(1, 8_000_000_000_000_000, 21)])).toThrow(RangeError)
    expect(() => computeTotals([line(-1, 8_000_000_000_000_000, 21)])).toThrow(RangeError)
  })

  it('throws a RangeError when the tax total is too large even if the total is not', () => {
    // Taxes ≈ 4.6e15 (100%) + 4.6e15 (100.0001%) > MAX_SAFE_INTEGER; the subtotal is ≈ −4.6e15, so the
    // total (≈ 4.6e15) would fit, but taxTotal cannot be represented exactly.
    const lines = [
      line(1, 4_600_000_000_000_001, '100'),
      line(1, 4_600_000_000_000_003, '100.0001'),
      line(-1, 4_600_000_000_000_001, '0'),
      line(-1, 4_600_000_000_000_003, '0.0001'),
      line(-1, 4_600_000_000_000_000, '0.00001'),
    ]
    expect(() => computeTotals(lines)).toThrow(RangeError)
    expect(() => computeTotals(lines)).toThrow(/Tax total/)
  })

  it('throws a RangeError when one rate’s tax base is too large', () => {
    expect(() => computeTotals([line(1, M, 21), line(1, 1, 21), line(1, -M, 0)])).toThrow(RangeError)
    expect(() => computeTotals([line(1, M, 21), line(1, 1, 21), line(1, -M, 0)])).toThrow(/Tax base/)
  })
})

describe('invalid input', () => {
  const badQuantities: unknown[] = [
    '',
    ' ',
    'abc',
    '1,5',
    '1e3',
    '1.2.3',
    '--1',
    '.5',
    '1.',
    '½',
    null,
    undefined,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    {},
    true,
    [1],
  ]

  it.each(badQuantities)('rejects the quantity %j', (quantity) => {
    const bad = { quantity, taxRate: 21, unitAmount: 100 } as unknown as LineAmounts
    expect(() => lineTotal(bad)).toThrow(RangeError)
    expect(() => lineTotal(bad)).toThrow(/quantity/)
    expect(() => computeTotals([line(1, 100, 21), bad])).toThrow(/quantity/)
    expect(linesAreComputable([line(1, 100, 21), bad])).toBe(false)
  })

  it.each(['21%', 'abc', '', '2 1', null, undefined, Number.NaN])('rejects the tax rate %j', (taxRate) => {
    const bad = { quantity: 1, taxRate, unitAmount: 100 } as unknown as LineAmounts
    expect(() => computeTotals([bad])).toThrow(RangeError)
    expect(() => computeTotals([bad])).toThrow(/taxRate/)
    expect(linesAreComputable([bad])).toBe(false)
  })

  it('linesAreComputable accepts valid lines and rejects unusable unit amounts', () => {
    expect(linesAreComputable([])).toBe(true)
    expect(linesAreComputable([line('0.333', 100, '21'), line(2, -50, 5.5), line(1.5, 0, 0)])).toBe(true)
    expect(linesAreComputable([{ quantity: 1, taxRate: 21 }])).toBe(false)
    expect(linesAreComputable([{ quantity: 1, taxRate: 21, unitAmount: 1.5 }])).toBe(false)
    expect(linesAreComputable([{ quantity: 1, taxRate: 21, unitAmount: 2 ** 53 }])).toBe(false)
    expect(linesAreComputable([{ quantity: 1, taxRate: 21, unitAmount: '100' as unknown as number }])).toBe(false)
  })
})
