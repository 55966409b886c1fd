import type { Payload } from 'payload'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { inTransaction } from '../../src/db/transaction.js'
import { nextDocumentNumber, reserveDocumentNumbers } from '../../src/hooks/numbering.js'
import { loadPortal } from '../../src/portal/context.js'
import { expectFieldError, expectLocalFieldError } from '../helpers/errors.js'
import { line, openInvoice } from '../helpers/fixtures.js'
import { httpClient } from '../helpers/http.js'
import { startStaffApp, type TestApp } from '../helpers/payload.js'

let app: TestApp
let payload: Payload
let http: ReturnType<typeof httpClient>
let staffToken: string
let clientId: number | string

beforeAll(async () => {
  app = await startStaffApp()
  ;({ http, payload, staffToken } = app as Awaited<ReturnType<typeof startStaffApp>>)
  clientId = (await payload.create({ collection: 'clients', data: { currency: 'EUR', name: 'Client' } })).id
})
afterAll(async () => app?.stop())

const pay = (invoice: { id: number | string }, amount: number, status = 'succeeded') =>
  payload.create({
    collection: 'payments',
    data: { allocations: [{ amount, invoice: invoice.id }], amount, client: clientId, currency: 'EUR', status },
  })
const invoiceById = (id: number | string) => payload.findByID({ collection: 'invoices', depth: 0, id })
const statusEvents = async (invoiceId: number | string) =>
  (
    await payload.find({
      collection: 'portal-events',
      pagination: false,
      sort: 'createdAt',
      where: { invoice: { equals: invoiceId }, type: { equals: 'invoice_status_changed' } },
    })
  ).docs.map((event) => event.details as { from: null | string; to: string })

/** An invoice of 121.00 (100.00 + 21 % VAT) brought to `status` the way it happens in real life. */
async function invoiceIn(status: string) {
  if (status === 'draft') return payload.create({ collection: 'invoices', data: { client: clientId, dueDate: '2026-12-31', lineItems: [line(10000)] } })
  const invoice = await openInvoice(payload, clientId)
  if (status === 'partially_paid') await pay(invoice, 5000)
  if (status === 'paid') await pay(invoice, 12100)
  if (status === 'void' || status === 'uncollectible') await payload.update({ collection: 'invoices', data: { status }, id: invoice.id })
  const stored = await invoiceById(invoice.id)
  expect(stored.status).toBe(status)
  return stored
}

const invoiceStatuses = ['draft', 'open', 'partially_paid', 'paid', 'void', 'uncollectible']
/** DESIGN.md §3, written out: the moves a person may ask for. Paid/partially paid follow payments. */
const allowedRequests = new Set(['draft>open', 'open>void', 'open>uncollectible', 'partially_paid>void', 'partially_paid>uncollectible'])

describe('invoice status machine', () => {
  for (const from of invoiceStatuses) {
    for (const to of invoiceStatuses) {
      if (from === to) continue
      const allowed = allowedRequests.has(`${from}>${to}`)
      it(`${from} → ${to} is ${allowed ? 'allowed and logged' : 'rejected with a clear message'}`, async () => {
        const invoice = await invoiceIn(from)
        const eventsBefore = await statusEvents(invoice.id)
        const result = await http.rest('PATCH', `/api/invoices/${invoice.id}`, { body: { status: to }, token: staffToken })
        const events = await statusEvents(invoice.id)
        if (allowed) {
          expect(result.status, result.text).toBe(200)
          expect((await invoiceById(invoice.id)).status).toBe(to)
          expect(events.slice(eventsBefore.length)).toEqual([expect.objectContaining({ from, to })])
        } else {
          expectFieldError(result, 'status', new RegExp(`can't move from ${from.replace(/_/g, ' ')} to ${to.replace(/_/g, ' ')}`))
          expect((await invoiceById(invoice.id)).status).toBe(from)
          expect(events).toEqual(eventsBefore)
        }
      })
    }
  }

  it('a new invoice can only start as draft or open', async () => {
    for (const status of ['paid', 'partially_paid', 'void', 'uncollectible']) {
      const result = await http.rest('POST', '/api/invoices', {
        body: { client: clientId, dueDate: '2026-12-31', lineItems: [line(100)], status },
        token: staffToken,
      })
      expectFieldError(result, 'status', /starts as draft or open/)
    }
  })

  it('payments and credit notes move the invoice through partially paid to paid, and back on refund; every move is logged', async () => {
    const invoice = await openInvoice(payload, clientId)
    const first = await pay(invoice, 2100)
    expect(await invoiceById(invoice.id)).toMatchObject({ amountDue: 10000, amountPaid: 2100, status: 'partially_paid' })
    const processing = await pay(invoice, 1000, 'processing')
    expect(await invoiceById(invoice.id)).toMatchObject({ amountDue: 10000, status: 'partially_paid' })
    await payload.create({ collection: 'credit-notes', data: { amount: 3000, invoice: invoice.id, status: 'issued' } })
    expect(await invoiceById(invoice.id)).toMatchObject({ amountCredited: 3000, amountDue: 7000 })
    await payload.update({ collection: 'payments', data: { status: 'succeeded' }, id: processing.id })
    await pay(invoice, 6000)
    const paid = await invoiceById(invoice.id)
    expect(paid).toMatchObject({ amountDue: 0, amountPaid: 9100, status: 'paid' })
    expect(paid.paidAt).toBeTruthy()
    await payload.update({ collection: 'payments', data: { amountRefunded: 2100, status: 'refunded' }, id: first.id })
    const refunded = await invoiceById(invoice.id)
    expect(refunded).toMatchObject({ amountDue: 2100, amountPaid: 7000, paidAt: null, status: 'partially_paid' })
    expect((await statusEvents(invoice.id)).map((event) => `${event.from}>${event.to}`)).toEqual([
      'null>open',
      'open>partially_paid',
      'partially_paid>paid',
      'paid>partially_paid',
    ])
  })

  it('an invoice of zero is paid as soon as it is issued', async () => {
    const invoice = await openInvoice(payload, clientId, { lineItems: [line(0)] })
    expect(invoice).toMatchObject({ amountDue: 0, status: 'paid', total: 0 })
  })
})

describe('an issued invoice is locked', () => {
  it('rejects changed lines with a message pointing to credit notes, and changes nothing', async () => {
    const invoice = await openInvoice(payload, clientId)
    const result = await http.rest('PATCH', `/api/invoices/${invoice.id}`, {
      body: { lineItems: [line(99999)] },
      token: staffToken,
    })
    expectFieldError(result, 'lineItems', /can't be changed once issued\. Issue a credit note/)
    expect(await invoiceById(invoice.id)).toMatchObject({ lineItems: [expect.objectContaining({ unitAmount: 10000 })], total: 12100 })
    for (const body of [{ currency: 'USD' }, { issueDate: '2026-01-01' }, { exchangeRate: '1.5' }]) {
      const field = Object.keys(body)[0]
      expectFieldError(await http.rest('PATCH', `/api/invoices/${invoice.id}`, { body, token: staffToken }), field, /once issued/)
    }
  })

  it('accepts a save that sends the same lines back (as the admin form does) and changes to notes or due date', async () => {
    const invoice = await openInvoice(payload, clientId)
    const result = await http.rest('PATCH', `/api/invoices/${invoice.id}`, {
      body: { dueDate: '2027-01-15', lineItems: invoice.lineItems, notes: 'Please pay by transfer' },
      token: staffToken,
    })
    expect(result.status, result.text).toBe(200)
    expect(result.body.doc).toMatchObject({ notes: 'Please pay by transfer', total: 12100 })
    expect(result.body.doc.dueDate.slice(0, 10)).toBe('2027-01-15')
  })

  it('a draft stays editable', async () => {
    const draft = await invoiceIn('draft')
    const updated = await payload.update({ collection: 'invoices', data: { lineItems: [line(200, '2', '9')] }, id: draft.id })
    expect(updated).toMatchObject({ subtotal: 400, taxTotal: 36, total: 436 })
  })

  it('only drafts can be deleted', async () => {
    const open = await openInvoice(payload, clientId)
    expectFieldError(await http.rest('DELETE', `/api/invoices/${open.id}`, { token: staffToken }), 'status', /is open: only draft invoices can be deleted\. Void it instead/)
    expect((await invoiceById(open.id)).id).toBe(open.id)
    const draft = await invoiceIn('draft')
    expect((await http.rest('DELETE', `/api/invoices/${draft.id}`, { token: staffToken })).status).toBe(200)
  })
})

describe('derived amounts cannot be forged', () => {
  const forged = { amountCredited: 7, amountDue: 1, amountPaid: 99999, subtotal: 5, taxBreakdown: [{ base: 1, rate: '0', tax: 0 }], taxTotal: 3, total: 1 }

  it('a create through REST ignores forged totals and balances', async () => {
    const result = await http.rest('POST', '/api/invoices', {
      body: { client: clientId, dueDate: '2026-12-31', lineItems: [line(10000)], status: 'open', ...forged },
      token: staffToken,
    })
    expect(result.status, result.text).toBe(201)
    expect(result.body.doc).toMatchObject({ amountCredited: 0, amountDue: 12100, amountPaid: 0, subtotal: 10000, taxBreakdown: [expect.objectContaining({ base: 10000, rate: '21', tax: 2100 })], taxTotal: 2100, total: 12100 })
  })

  it('an update through REST or the Local API ignores them too', async () => {
    const invoice = await openInvoice(payload, clientId)
    const rest = await http.rest('PATCH', `/api/invoices/${invoice.id}`, { body: forged, token: staffToken })
    expect(rest.status, rest.text).toBe(200)
    const local = await payload.update({ collection: 'invoices', data: forged, id: invoice.id })
    for (const doc of [rest.body.doc, local]) expect(doc).toMatchObject({ amountDue: 12100, amountPaid: 0, total: 12100 })
  })

  it('line totals are computed, not taken from the request', async () => {
    const invoice = await openInvoice(payload, clientId, { lineItems: [{ ...line(333, '3'), amount: 1 }] })
    expect(invoice.lineItems[0].amount).toBe(999)
  })
})

describe('numbering', () => {
  it('50 concurrent creations get 50 distinct, gapless numbers', async () => {
    const other = await payload.create({ collection: 'clients', data: { name: 'Numbering' } })
    await payload.updateGlobal({ slug: 'invoice-portal-settings', data: { numbering: { invoicePattern: 'C-{YYYY}-{SEQ:4}' } } })
    try {
      const created = await Promise.all(
        Array.from({ length: 50 }, () => openInvoice(payload, other.id, { issueDate: '2031-03-01', dueDate: '2031-03-31' })),
      )
      const numbers = created.map((invoice) => invoice.number as string)
      expect(new Set(numbers).size).toBe(50)
      expect([...numbers].sort()).toEqual(Array.from({ length: 50 }, (_, index) => `C-2031-${String(index + 1).padStart(4, '0')}`))
    } finally {
      await payload.updateGlobal({ slug: 'invoice-portal-settings', data: { numbering: { invoicePattern: null } } })
    }
  })

  it('50 drafts issued concurrently also get distinct numbers, and drafts have none', async () => {
    const drafts = await Promise.all(
      Array.from({ length: 50 }, () =>
        payload.create({ collection: 'invoices', data: { client: clientId, dueDate: '2032-02-01', issueDate: '2032-01-10', lineItems: [line(100)] } }),
      ),
    )
    expect(drafts.every((draft) => !draft.number)).toBe(true)
    const issued = await Promise.all(drafts.map((draft) => payload.update({ collection: 'invoices', data: { status: 'open' }, id: draft.id })))
    expect(new Set(issued.map((invoice) => invoice.number)).size).toBe(50)
    expect(issued.every((invoice) => /^INV-2032-\d{5}$/.test(invoice.number as string))).toBe(true)
  })

  it('the counter restarts with the year, keeps a supplied number and rejects a duplicate one', async () => {
    const a = await openInvoice(payload, clientId, { dueDate: '2040-02-01', issueDate: '2040-01-05' })
    const b = await openInvoice(payload, clientId, { dueDate: '2041-02-01', issueDate: '2041-01-05' })
    expect([a.number, b.number]).toEqual(['INV-2040-00001', 'INV-2041-00001'])
    const own = await openInvoice(payload, clientId, { number: 'LEGACY-7' })
    expect(own.number).toBe('LEGACY-7')
    const duplicate = await http.rest('POST', '/api/invoices', {
      body: { client: clientId, dueDate: '2026-12-31', lineItems: [line(100)], number: 'LEGACY-7', status: 'open' },
      token: staffToken,
    })
    expectFieldError(duplicate, 'number')
  })

  it('a rejected issue gives its number back (no gap)', async () => {
    const first = await openInvoice(payload, clientId, { dueDate: '2050-02-01', issueDate: '2050-01-05' })
    const bad = await http.rest('POST', '/api/invoices', {
      // The hook draws a number; field validation then rejects the currency and the transaction rolls back.
      body: { client: clientId, currency: 'EURO', dueDate: '2050-02-01', issueDate: '2050-01-05', lineItems: [line(100)], status: 'open' },
      token: staffToken,
    })
    expect(bad.status).toBe(400)
    const next = await openInvoice(payload, clientId, { dueDate: '2050-02-01', issueDate: '2050-01-05' })
    expect([first.number, next.number]).toEqual(['INV-2050-00001', 'INV-2050-00002'])
  })

  it('numbers reserved for a batch are handed out in order, and those no invoice took are given back', async () => {
    const portal = await loadPortal(app.config)
    const dates = ['2060-01-05', '2060-02-05', '2061-01-05'].map((day) => new Date(`${day}T12:00:00Z`))
    const numbers = await inTransaction(payload, async (req) => {
      const giveBack = await reserveDocumentNumbers(portal, req, 'invoice', dates)
      // Two of the three reserved numbers are used; the 2060 counter took two, the 2061 one took one.
      const taken = [await nextDocumentNumber(portal, req, 'invoice', dates[0]), await nextDocumentNumber(portal, req, 'invoice', dates[1])]
      await giveBack()
      return taken
    })
    expect(numbers).toEqual(['INV-2060-00001', 'INV-2060-00002'])
    // Beyond the reservation, and after the unused 2061 value went back, numbering goes on without a gap.
    const next = await Promise.all([openInvoice(payload, clientId, { dueDate: '2060-03-01', issueDate: '2060-02-10' }), openInvoice(payload, clientId, { dueDate: '2061-03-01', issueDate: '2061-02-10' })])
    expect(next.map((invoice) => invoice.number)).toEqual(['INV-2060-00003', 'INV-2061-00001'])
  })
})

describe('bad input: a 400 naming the field, and nothing written', () => {
  const counts = async () => ({
    events: (await payload.count({ collection: 'portal-events' })).totalDocs,
    invoices: (await payload.count({ collection: 'invoices' })).totalDocs,
    sequences: JSON.stringify((await payload.find({ collection: 'invoice-portal-sequences', pagination: false, sort: 'key' })).docs.map((doc) => [doc.key, doc.value])),
  })
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['unknown currency', { currency: 'EURO' }, 'currency', /not an ISO 4217 currency/],
    ['lower-case unknown currency', { currency: 'xyz' }, 'currency', /not an ISO 4217 currency/],
    ['negative quantity', { lineItems: [line(100, '-2')] }, 'lineItems.0.quantity', /at least 0/],
    ['quantity that is not a number', { lineItems: [line(100, 'two')] }, 'lineItems.0.quantity', /not a decimal/],
    ['fractional minor units', { lineItems: [{ ...line(100), unitAmount: 10.5 }] }, 'lineItems.0.unitAmount', /whole number/],
    ['tax rate above 100', { lineItems: [line(100, '1', '150')] }, 'lineItems.0.taxRate', /at most 100/],
    ['empty lines on issue', { lineItems: [] }, 'lineItems', /at least one line/],
    ['due date before issue date', { dueDate: '2026-10-01', issueDate: '2026-11-01' }, 'dueDate', /before the issue date/],
    ['no due date on issue', { dueDate: null }, 'dueDate', /needs a due date/],
    ['negative total', { lineItems: [line(-500)] }, 'lineItems', /cannot be negative/],
    ['zero exchange rate', { exchangeRate: '0' }, 'exchangeRate', /greater than 0/],
  ]
  for (const [name, override, path, message] of cases) {
    it(name, async () => {
      const before = await counts()
      const result = await http.rest('POST', '/api/invoices', {
        body: { client: clientId, dueDate: '2026-12-31', issueDate: '2026-11-01', lineItems: [line(100)], status: 'open', ...override },
        token: staffToken,
      })
      expectFieldError(result, path, message)
      expect(await counts()).toEqual(before)
    })
  }

  it('a bad update of a draft changes nothing', async () => {
    const draft = await invoiceIn('draft')
    await expectLocalFieldError(
      payload.update({ collection: 'invoices', data: { dueDate: '2020-01-01', issueDate: '2021-01-01', notes: 'x' }, id: draft.id }),
      'dueDate',
    )
    expect((await invoiceById(draft.id)).notes ?? null).toBeNull()
  })
})
