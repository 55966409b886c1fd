import { describe, expect, it } from 'vitest'

import {
  checkCreditNoteMove,
  checkPaymentMove,
  checkRequestedInvoiceMove,
  creditNoteStatuses,
  invoiceStatuses,
  isOverdue,
  paymentStatuses,
  settlementStatus,
} from './machines.js'

/** Every pair of statuses, checked against the allowed moves written out independently here. */
function everyPair<S extends string>(statuses: readonly S[], allowed: string[], check: (from: S, to: S) => { allowed: boolean }) {
  for (const from of statuses) {
    for (const to of statuses) {
      if (from === to) continue
      const expected = allowed.includes(`${from}>${to}`)
      it(`${from} → ${to}: ${expected ? 'allowed' : 'rejected'}`, () => {
        const result = check(from, to)
        expect(result.allowed).toBe(expected)
        if (!result.allowed) expect((result as unknown as { message: string }).message).toMatch(/can't move from/)
      })
    }
  }
}

describe('invoice moves someone may ask for', () => {
  everyPair(invoiceStatuses, ['draft>open', 'open>void', 'open>uncollectible', 'partially_paid>void', 'partially_paid>uncollectible'], checkRequestedInvoiceMove)
  it('explains that paid follows payments', () => {
    const result = checkRequestedInvoiceMove('open', 'paid')
    expect(result.allowed).toBe(false)
    expect((result as { message: string }).message).toMatch(/record a payment instead/)
  })
})

describe('credit note moves', () => {
  everyPair(creditNoteStatuses, ['draft>issued', 'draft>void', 'issued>void'], checkCreditNoteMove)
})

describe('payment moves', () => {
  everyPair(
    paymentStatuses,
    [
      'pending>processing', 'pending>succeeded', 'pending>failed', 'pending>canceled',
      'processing>succeeded', 'processing>failed', 'processing>canceled',
      'succeeded>partially_refunded', 'succeeded>refunded', 'succeeded>disputed',
      'partially_refunded>refunded', 'partially_refunded>disputed',
      'disputed>succeeded', 'disputed>partially_refunded', 'disputed>refunded',
    ],
    checkPaymentMove,
  )
  it('a further partial refund keeps the status', () => expect(checkPaymentMove('partially_refunded', 'partially_refunded').allowed).toBe(true))
})

describe('settlement status and overdue', () => {
  it('follows the balance', () => {
    expect(settlementStatus({ amountDue: 100, amountPaid: 0 })).toBe('open')
    expect(settlementStatus({ amountDue: 50, amountPaid: 50 })).toBe('partially_paid')
    expect(settlementStatus({ amountDue: 90, amountPaid: 0 })).toBe('open')
    expect(settlementStatus({ amountDue: 0, amountPaid: 0 })).toBe('paid')
    expect(settlementStatus({ amountDue: 0, amountPaid: 100 })).toBe('paid')
  })

  it("is overdue from the day after the due date in the client's timezone", () => {
    const invoice = { dueDate: '2026-11-20T12:00:00.000Z', status: 'open' }
    // 23:30 UTC on the 20th is already the 21st in Amsterdam, still the 20th in New York.
    const now = new Date('2026-11-20T23:30:00Z')
    expect(isOverdue(invoice, 'Europe/Amsterdam', now)).toBe(true)
    expect(isOverdue(invoice, 'America/New_York', now)).toBe(false)
    expect(isOverdue(invoice, 'UTC', now)).toBe(false)
    expect(isOverdue({ ...invoice, status: 'paid' }, 'Europe/Amsterdam', now)).toBe(false)
    expect(isOverdue({ ...invoice, status: 'partially_paid' }, 'Europe/Amsterdam', now)).toBe(true)
    expect(isOverdue({ ...invoice, status: 'draft' }, 'Europe/Amsterdam', now)).toBe(false)
  })
})
