import { describe, expect, it } from 'vitest'

import { invoiceQueryString, invoiceWhere, parseInvoiceQuery } from './filters.js'

describe('invoice list URL', () => {
  it('reads valid filters and drops malformed ones', () => {
    const query = parseInvoiceQuery({
      amountMax: '1000.50',
      amountMin: '-5',
      dueFrom: '2026-02-30x',
      issueFrom: '2026-01-01',
      page: '3',
      q: '  INV-2026 ',
      sort: 'DROP TABLE',
      status: 'overdue',
    })
    expect(query).toEqual({
      amountMax: '1000.50',
      amountMin: '',
      dueFrom: '',
      dueTo: '',
      issueFrom: '2026-01-01',
      issueTo: '',
      page: 3,
      q: 'INV-2026',
      sort: '-issueDate',
      status: 'overdue',
    })
    expect(parseInvoiceQuery({ page: '0', status: 'draftish' })).toMatchObject({ page: 1, status: '' })
    expect(parseInvoiceQuery({ status: ['paid', 'open'] }).status).toBe('paid')
  })

  it('writes the query back without defaults, so URLs stay short and bookmarkable', () => {
    const query = parseInvoiceQuery({ status: 'paid', sort: '-issueDate', page: '1' })
    expect(invoiceQueryString(query)).toBe('?status=paid')
    expect(invoiceQueryString(query, { page: 2 })).toBe('?page=2&status=paid')
    expect(invoiceQueryString(parseInvoiceQuery({}))).toBe('')
    const roundTrip = parseInvoiceQuery(Object.fromEntries(new URLSearchParams(invoiceQueryString(parseInvoiceQuery({ amountMin: '10', dueTo: '2026-12-31', q: 'A&B', sort: 'total' })).slice(1))))
    expect(roundTrip).toMatchObject({ amountMin: '10', dueTo: '2026-12-31', q: 'A&B', sort: 'total' })
  })

  it("turns filters into a Where: amounts in the client's minor units, overdue by the client's today", () => {
    const where = invoiceWhere(parseInvoiceQuery({ amountMax: '12.5', amountMin: '10', issueTo: '2026-03-31', status: 'overdue' }), { currency: 'EUR' }, '2026-11-21')
    expect(where).toEqual({
      and: [
        { status: { in: ['open', 'partially_paid'] } },
        { dueDate: { less_than: '2026-11-21T00:00:00.000Z' } },
        { issueDate: { less_than_equal: '2026-03-31T23:59:59.999Z' } },
        { total: { greater_than_equal: 1000 } },
        { total: { less_than_equal: 1250 } },
      ],
    })
    expect(invoiceWhere(parseInvoiceQuery({ amountMin: '1000' }), { currency: 'JPY' }, '2026-11-21')).toEqual({ and: [{ total: { greater_than_equal: 1000 } }] })
    expect(invoiceWhere(parseInvoiceQuery({}), { currency: 'EUR' }, '2026-11-21')).toEqual({})
    expect(invoiceWhere(parseInvoiceQuery({ status: 'unpaid' }), { currency: 'EUR' }, '2026-11-21')).toEqual({ and: [{ status: { in: ['open', 'partially_paid'] } }] })
  })
})
