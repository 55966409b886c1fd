import type { Payload } from 'payload'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { expectFieldError } from '../helpers/errors.js'
import { line, openInvoice } from '../helpers/fixtures.js'
import { httpClient } from '../helpers/http.js'
import { startStaffApp, type TestApp } from '../helpers/payload.js'

let app: TestApp
let payload: Payload
let http: ReturnType<typeof httpClient>
let token: string
let clientId: number | string
let otherClientId: number | string

beforeAll(async () => {
  app = await startStaffApp()
  ;({ http, payload, staffToken: token } = app as Awaited<ReturnType<typeof startStaffApp>>)
  clientId = (await payload.create({ collection: 'clients', data: { name: 'Payer' } })).id
  otherClientId = (await payload.create({ collection: 'clients', data: { name: 'Other' } })).id
})
afterAll(async () => app?.stop())

const paymentBody = (invoiceId: number | string, amount: number, extra: Record<string, unknown> = {}) => ({
  allocations: [{ amount, invoice: invoiceId }],
  amount,
  client: clientId,
  currency: 'EUR',
  status: 'succeeded',
  ...extra,
})
const invoiceById = (id: number | string) => payload.findByID({ collection: 'invoices', depth: 0, id })
const countOf = async (collection: 'credit-notes' | 'payments' | 'portal-events') => (await payload.count({ collection })).totalDocs

describe('payments against invoices', () => {
  it('a partial payment leaves the rest due; only succeeded money counts', async () => {
    const invoice = await openInvoice(payload, clientId) // 121.00
    for (const status of ['pending', 'processing', 'failed', 'canceled']) {
      const result = await http.rest('POST', '/api/payments', { body: paymentBody(invoice.id, 5000, { status }), token })
      expect(result.status, result.text).toBe(201)
    }
    expect(await invoiceById(invoice.id)).toMatchObject({ amountDue: 12100, amountPaid: 0, status: 'open' })
    await http.rest('POST', '/api/payments', { body: paymentBody(invoice.id, 5000), token })
    expect(await invoiceById(invoice.id)).toMatchObject({ amountDue: 7100, amountPaid: 5000, status: 'partially_paid' })
  })

  it('one payment can settle several invoices', async () => {
    const first = await openInvoice(payload, clientId)
    const second = await openInvoice(payload, clientId, { lineItems: [line(5000, '1', '0')] })
    const result = await http.rest('POST', '/api/payments', {
      body: { ...paymentBody(first.id, 12100), allocations: [{ amount: 12100, invoice: first.id }, { amount: 2000, invoice: second.id }], amount: 14100 },
      token,
    })
    expect(result.status, result.text).toBe(201)
    expect(await invoiceById(first.id)).toMatchObject({ amountDue: 0, status: 'paid' })
    expect(await invoiceById(second.id)).toMatchObject({ amountDue: 3000, status: 'partially_paid' })
  })

  it('a partial refund is taken from the last allocation first', async () => {
    const first = await openInvoice(payload, clientId, { lineItems: [line(1000, '1', '0')] })
    const second = await openInvoice(payload, clientId, { lineItems: [line(1000, '1', '0')] })
    const payment = await payload.create({
      collection: 'payments',
      data: { ...paymentBody(first.id, 2000), allocations: [{ amount: 1000, invoice: first.id }, { amount: 1000, invoice: second.id }] },
    })
    await payload.update({ collection: 'payments', data: { amountRefunded: 1200, status: 'partially_refunded' }, id: payment.id })
    expect(await invoiceById(first.id)).toMatchObject({ amountDue: 200, status: 'partially_paid' })
    expect(await invoiceById(second.id)).toMatchObject({ amountDue: 1000, status: 'open' })
  })

  const rejections: Array<[string, () => Promise<Record<string, unknown>>, string, RegExp]> = [
    ['over-allocation beyond the amount due', async () => paymentBody((await openInvoice(payload, clientId)).id, 12101), 'allocations.0.amount', /exceeds its amount due of €121\.00/],
    ['allocations above the payment amount', async () => ({ ...paymentBody((await openInvoice(payload, clientId)).id, 5000), amount: 4000 }), 'allocations', /more than the payment/],
    ["another client's invoice", async () => paymentBody((await openInvoice(payload, otherClientId)).id, 100), 'allocations.0.invoice', /belongs to another client/],
    ['another currency', async () => paymentBody((await openInvoice(payload, clientId)).id, 100, { currency: 'USD' }), 'allocations.0.invoice', /in EUR, the payment in USD/],
    ['a draft invoice', async () => paymentBody((await payload.create({ collection: 'invoices', data: { client: clientId, lineItems: [line(100)] } })).id, 100), 'allocations.0.invoice', /draft and takes no payments/],
    ['a void invoice', async () => {
      const invoice = await openInvoice(payload, clientId)
      await payload.update({ collection: 'invoices', data: { status: 'void' }, id: invoice.id })
      return paymentBody(invoice.id, 100)
    }, 'allocations.0.invoice', /void and takes no payments/],
    ['the same invoice twice', async () => {
      const invoice = await openInvoice(payload, clientId)
      return { ...paymentBody(invoice.id, 200), allocations: [{ amount: 100, invoice: invoice.id }, { amount: 100, invoice: invoice.id }] }
    }, 'allocations.1.invoice', /only once/],
    ['a negative amount', async () => ({ ...paymentBody((await openInvoice(payload, clientId)).id, 100), allocations: [], amount: -5 }), 'amount', /at least 1/],
    ['a refund above the payment', async () => ({ ...paymentBody((await openInvoice(payload, clientId)).id, 100), amountRefunded: 101, status: 'partially_refunded' }), 'amountRefunded', /\(101\) exceed the payment \(100\)/],
    ['a refund and a chargeback above the payment', async () => ({ ...paymentBody((await openInvoice(payload, clientId)).id, 100), amountChargedBack: 60, amountRefunded: 41, status: 'disputed' }), 'amountRefunded', /\(101\) exceed the payment/],
  ]
  for (const [name, body, path, message] of rejections) {
    it(`rejects ${name} with a 400 naming the field, writing nothing`, async () => {
      const data = await body()
      const invoiceId = (data.allocations as Array<{ invoice: number }>)[0]?.invoice
      const before = { events: await countOf('portal-events'), invoice: invoiceId ? await invoiceById(invoiceId) : null, payments: await countOf('payments') }
      expectFieldError(await http.rest('POST', '/api/payments', { body: data, token }), path, message)
      expect(await countOf('payments')).toBe(before.payments)
      expect(await countOf('portal-events')).toBe(before.events)
      if (invoiceId) expect(await invoiceById(invoiceId)).toEqual(before.invoice)
    })
  }

  it('two concurrent payments for the whole amount due: exactly one is accepted', async () => {
    const invoice = await openInvoice(payload, clientId)
    const results = await Promise.all(Array.from({ length: 6 }, () => http.rest('POST', '/api/payments', { body: paymentBody(invoice.id, 12100), token })))
    expect(results.map((result) => result.status).sort()).toEqual([201, 400, 400, 400, 400, 400])
    expect(await invoiceById(invoice.id)).toMatchObject({ amountDue: 0, amountPaid: 12100, status: 'paid' })
  })

  it('a settled payment keeps its amount and cannot be deleted; a failed one can', async () => {
    const invoice = await openInvoice(payload, clientId)
    const payment = await payload.create({ collection: 'payments', data: paymentBody(invoice.id, 1000) })
    expectFieldError(await http.rest('PATCH', `/api/payments/${payment.id}`, { body: { amount: 500 }, token }), 'amount', /can't change; refund it instead/)
    expectFieldError(await http.rest('DELETE', `/api/payments/${payment.id}`, { token }), 'status', /is succeeded: only pending, failed, canceled payments can be deleted\. Refund it instead/)
    expectFieldError(await http.rest('PATCH', `/api/payments/${payment.id}`, { body: { status: 'pending' }, token }), 'status', /can't move from succeeded to pending/)
    const failed = await payload.create({ collection: 'payments', data: paymentBody(invoice.id, 1000, { status: 'failed' }) })
    expect((await http.rest('DELETE', `/api/payments/${failed.id}`, { token })).status).toBe(200)
    expect(await invoiceById(invoice.id)).toMatchObject({ amountPaid: 1000 })
  })

  it('a provider reference is unique per provider', async () => {
    const invoice = await openInvoice(payload, clientId)
    await payload.create({ collection: 'payments', data: paymentBody(invoice.id, 100, { provider: 'stripe', providerRef: 'pi_1' }) })
    await payload.create({ collection: 'payments', data: paymentBody(invoice.id, 100, { provider: 'mollie', providerRef: 'pi_1' }) })
    const duplicate = await http.rest('POST', '/api/payments', { body: paymentBody(invoice.id, 100, { provider: 'stripe', providerRef: 'pi_1' }), token })
    expect(duplicate.status).toBe(400)
    expect((await invoiceById(invoice.id)).amountPaid).toBe(200)
  })
})

describe('credit notes', () => {
  it('an issued credit note reduces the amount due, gets a number, and voiding it restores the due', async () => {
    const invoice = await openInvoice(payload, clientId)
    const result = await http.rest('POST', '/api/credit-notes', { body: { amount: 2100, invoice: invoice.id, reason: 'Discount', status: 'issued' }, token })
    expect(result.status, result.text).toBe(201)
    expect(result.body.doc).toMatchObject({ client: expect.objectContaining({ id: clientId }), currency: 'EUR', status: 'issued' })
    expect(result.body.doc.number).toMatch(/^CN-\d{4}-\d{5}$/)
    expect(await invoiceById(invoice.id)).toMatchObject({ amountCredited: 2100, amountDue: 10000, status: 'open' })
    await payload.update({ collection: 'credit-notes', data: { status: 'void' }, id: result.body.doc.id })
    expect(await invoiceById(invoice.id)).toMatchObject({ amountCredited: 0, amountDue: 12100, status: 'open' })
  })

  it('a credit note of lines takes its amount from them', async () => {
    const invoice = await openInvoice(payload, clientId)
    const note = await payload.create({ collection: 'credit-notes', data: { amount: 1, invoice: invoice.id, lineItems: [line(1000, '2', '21')], status: 'issued' } })
    expect(note.amount).toBe(2420)
    expect((await invoiceById(invoice.id)).amountDue).toBe(12100 - 2420)
  })

  it('a credit note above the amount due is rejected, and nothing is written', async () => {
    const invoice = await openInvoice(payload, clientId)
    await payload.create({ collection: 'payments', data: paymentBody(invoice.id, 10000) })
    const before = { events: await countOf('portal-events'), notes: await countOf('credit-notes') }
    const result = await http.rest('POST', '/api/credit-notes', { body: { amount: 2101, invoice: invoice.id, status: 'issued' }, token })
    expectFieldError(result, 'amount', /exceeds the invoice's amount due \(€21\.00\)/)
    expect({ events: await countOf('portal-events'), notes: await countOf('credit-notes') }).toEqual(before)
    expect(await invoiceById(invoice.id)).toMatchObject({ amountDue: 2100 })
    // Issuing a draft that is too large fails the same way.
    const draft = await payload.create({ collection: 'credit-notes', data: { amount: 5000, invoice: invoice.id } })
    expectFieldError(await http.rest('PATCH', `/api/credit-notes/${draft.id}`, { body: { status: 'issued' }, token }), 'amount', /exceeds/)
    expect((await payload.findByID({ collection: 'credit-notes', id: draft.id })).status).toBe('draft')
  })

  it('other bad credit notes: no invoice, no amount, a paid or draft invoice, another client', async () => {
    const paid = await openInvoice(payload, clientId, { lineItems: [line(100, '1', '0')] })
    await payload.create({ collection: 'payments', data: paymentBody(paid.id, 100) })
    const draft = await payload.create({ collection: 'invoices', data: { client: clientId, lineItems: [line(100)] } })
    const open = await openInvoice(payload, clientId)
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ amount: 100, status: 'issued' }, 'invoice', /needs the invoice/],
      [{ invoice: open.id, status: 'issued' }, 'amount', /positive amount/],
      [{ amount: 50, invoice: paid.id, status: 'issued' }, 'invoice', /is paid; only an open or partially paid invoice/],
      [{ amount: 50, invoice: draft.id, status: 'issued' }, 'invoice', /is draft/],
      [{ amount: 50, client: otherClientId, invoice: open.id, status: 'issued' }, 'client', /belongs to another client/],
      [{ amount: 50, invoice: open.id, status: 'void' }, 'status', /starts as draft or issued/],
    ]
    const before = await countOf('credit-notes')
    for (const [body, path, message] of cases) expectFieldError(await http.rest('POST', '/api/credit-notes', { body, token }), path, message)
    expect(await countOf('credit-notes')).toBe(before)
  })

  it('an issued credit note cannot change amount or go back to draft; only drafts are deleted', async () => {
    const invoice = await openInvoice(payload, clientId)
    const note = await payload.create({ collection: 'credit-notes', data: { amount: 100, invoice: invoice.id, status: 'issued' } })
    expectFieldError(await http.rest('PATCH', `/api/credit-notes/${note.id}`, { body: { amount: 50 }, token }), 'amount', /can't change/)
    expectFieldError(await http.rest('PATCH', `/api/credit-notes/${note.id}`, { body: { status: 'draft' }, token }), 'status', /can't move from issued to draft/)
    expectFieldError(await http.rest('DELETE', `/api/credit-notes/${note.id}`, { token }), 'status', /only draft credit notes can be deleted/)
  })
})
