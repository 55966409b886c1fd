import { describe, expect, it } from 'vitest'

import { type AllocatedPayment, invoiceBalance, SETTLED_PAYMENT_STATUSES, settledAllocations } from './balance.js'

const allocations = [
  { amount: 1000, invoice: 'A' },
  { amount: 500, invoice: 'B' },
  { amount: 300, invoice: 'C' },
]
const payment = (
  status: string,
  amountRefunded?: null | number,
  allocs: AllocatedPayment['allocations'] = allocations,
): AllocatedPayment => ({
  allocations: allocs,
  amountRefunded,
  status,
})

describe('settledAllocations', () => {
  it('counts succeeded, partially_refunded and disputed payments as settled', () => {
    expect([...SETTLED_PAYMENT_STATUSES].sort()).toEqual(['disputed', 'partially_refunded', 'succeeded'])
  })

  it.each(['pending', 'processing', 'failed', 'canceled', 'refunded', 'unknown', ''])(
    'a %j payment settles nothing',
    (status) => {
      expect(settledAllocations(payment(status))).toEqual([])
      expect(settledAllocations(payment(status, 0))).toEqual([])
      expect(settledAllocations(payment(status, 200))).toEqual([])
    },
  )

  it('a standing chargeback is taken back like a refund, from the last allocations first', () => {
    expect(settledAllocations({ allocations, amountChargedBack: 600, amountRefunded: 100, status: 'disputed' })).toEqual([
      { amount: 1000, invoice: 'A' },
      { amount: 100, invoice: 'B' },
    ])
    // A won dispute puts the payment back to succeeded: everything counts again.
    expect(settledAllocations({ allocations, amountChargedBack: 600, status: 'succeeded' })).toEqual(allocations)
  })

  it('a refunded payment settles nothing even when amountRefunded is missing', () => {
    expect(settledAllocations(payment('refunded', null))).toEqual([])
  })

  it('a succeeded payment settles every allocation in full', () => {
    expect(settledAllocations(payment('succeeded'))).toEqual(allocations)
    expect(settledAllocations(payment('succeeded', null))).toEqual(allocations)
  })

  it('does not mutate or alias the payment’s allocations', () => {
    const input = allocations.map((allocation) => ({ ...allocation }))
    const result = settledAllocations(payment('partially_refunded', 600, input))
    expect(input).toEqual(allocations)
    result.forEach((allocation) => expect(input).not.toContain(allocation))
  })

  it.each([
    [0, allocations],
    [null, allocations],
    [undefined, allocations],
    [-100, allocations], // a negative refund is no refund
    [
      100,
      [
        { amount: 1000, invoice: 'A' },
        { amount: 500, invoice: 'B' },
        { amount: 200, invoice: 'C' },
      ],
    ],
    [
      300,
      [
        { amount: 1000, invoice: 'A' },
        { amount: 500, invoice: 'B' },
      ],
    ], // C fully refunded: dropped
    [
      600,
      [
        { amount: 1000, invoice: 'A' },
        { amount: 200, invoice: 'B' },
      ],
    ], // C 300 + B 300
    [800, [{ amount: 1000, invoice: 'A' }]], // C and B exactly
    [1500, [{ amount: 300, invoice: 'A' }]], // C 300 + B 500 + A 700
    [1799, [{ amount: 1, invoice: 'A' }]],
    [1800, []],
    [5000, []], // more than was allocated
  ])('partially_refunded with %s refunded takes the refund from the last allocations first', (refunded, expected) => {
    expect(settledAllocations(payment('partially_refunded', refunded))).toEqual(expected)
  })

  it('a disputed payment counts net of any refund', () => {
    expect(settledAllocations(payment('disputed'))).toEqual(allocations)
    expect(settledAllocations(payment('disputed', 400))).toEqual([
      { amount: 1000, invoice: 'A' },
      { amount: 400, invoice: 'B' },
    ])
  })

  it('spreads the refund across allocations to the same invoice and keeps their order', () => {
    const allocs = [
      { amount: 100, invoice: 1 },
      { amount: 200, invoice: 2 },
      { amount: 300, invoice: 1 },
      { amount: 400, invoice: 3 },
    ]
    expect(settledAllocations(payment('partially_refunded', 650, allocs))).toEqual([
      { amount: 100, invoice: 1 },
      { amount: 200, invoice: 2 },
      { amount: 50, invoice: 1 },
    ])
  })

  it('drops zero allocations and handles a payment without allocations', () => {
    expect(settledAllocations(payment('succeeded', 0, []))).toEqual([])
    expect(settledAllocations(payment('partially_refunded', 10, []))).toEqual([])
    expect(
      settledAllocations(
        payment('succeeded', 0, [
          { amount: 0, invoice: 'A' },
          { amount: 5, invoice: 'B' },
        ]),
      ),
    ).toEqual([{ amount: 5, invoice: 'B' }])
  })
})

describe('invoiceBalance', () => {
  it.each([
    // total, paid, credited → credited, due, paid, overpaid
    [1000, 0, 0, { amountCredited: 0, amountDue: 1000, amountPaid: 0, overpaid: 0 }],
    [1000, 400, 100, { amountCredited: 100, amountDue: 500, amountPaid: 400, overpaid: 0 }],
    [1000, 1000, 0, { amountCredited: 0, amountDue: 0, amountPaid: 1000, overpaid: 0 }],
    [1000, 0, 1000, { amountCredited: 1000, amountDue: 0, amountPaid: 0, overpaid: 0 }],
    [1000, 1200, 0, { amountCredited: 0, amountDue: 0, amountPaid: 1200, overpaid: 200 }],
    [1000, 600, 600, { amountCredited: 600, amountDue: 0, amountPaid: 600, overpaid: 200 }],
    // Credit above the total is capped at the total (the rest is client credit, not a negative due).
    [1000, 0, 1500, { amountCredited: 1000, amountDue: 0, amountPaid: 0, overpaid: 0 }],
    [1000, 300, 1500, { amountCredited: 1000, amountDue: 0, amountPaid: 300, overpaid: 300 }],
    [0, 0, 0, { amountCredited: 0, amountDue: 0, amountPaid: 0, overpaid: 0 }],
    [0, 0, 250, { amountCredited: 0, amountDue: 0, amountPaid: 0, overpaid: 0 }],
    [0, 250, 0, { amountCredited: 0, amountDue: 0, amountPaid: 250, overpaid: 250 }],
  ])('invoiceBalance(total %i, paid %i, credited %i)', (total, paid, credited, expected) => {
    const balance = invoiceBalance(total, paid, credited)
    expect(balance).toEqual(expected)
    expect(balance.amountDue + balance.amountPaid + balance.amountCredited - balance.overpaid).toBe(total)
  })

  it('works at the edge of safe integers', () => {
    const M = Number.MAX_SAFE_INTEGER
    expect(invoiceBalance(M, M - 1, 0)).toEqual({ amountCredited: 0, amountDue: 1, amountPaid: M - 1, overpaid: 0 })
    expect(invoiceBalance(M, 1, M)).toEqual({ amountCredited: M, amountDue: 0, amountPaid: 1, overpaid: 1 })
  })
})
