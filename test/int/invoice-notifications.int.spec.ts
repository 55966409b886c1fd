import type { Payload } from 'payload'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { afterResponseSettled } from '../../src/portal/afterResponse.js'
import { ERP_SECRET, erpEvent, erpInvoice, postErp } from '../helpers/erp.js'
import { passwords } from '../helpers/fixtures.js'
import { httpClient } from '../helpers/http.js'
import { startTestApp, type TestApp } from '../helpers/payload.js'
import { pdfText } from '../helpers/pdf.js'
import { linkIn, portalClient } from '../helpers/portal.js'
import { startSmtpSink } from '../helpers/smtp.js'

let app: TestApp
let payload: Payload
let smtp: Awaited<ReturnType<typeof startSmtpSink>>
let http: ReturnType<typeof httpClient>
let staffToken: string
let clientId: number | string

beforeAll(async () => {
  smtp = await startSmtpSink()
  app = await startTestApp({ plugin: { erp: { webhookSecret: ERP_SECRET } }, smtpUrl: smtp.url })
  payload = app.payload
  http = httpClient(app.config)
  await payload.create({ collection: 'users', data: { email: 'staff@host.test', password: passwords.staff } })
  staffToken = await http.login('users', 'staff@host.test', passwords.staff)
  const client = await payload.create({ collection: 'clients', data: { billingEmail: 'ap@notify.test', externalId: 'C-N', locale: 'en', name: 'Notify BV' } })
  clientId = client.id
  const contact = (email: string, role: string, invoiceIssued = true) =>
    payload.create({ collection: 'contacts', data: { client: client.id, email, name: email, notifications: { invoiceIssued }, password: passwords.contact, role } })
  await contact('wants@notify.test', 'billing')
  await contact('opted-out@notify.test', 'billing', false)
  await contact('viewer@notify.test', 'viewer')
})
afterAll(async () => {
  await app?.stop()
  await smtp?.stop()
})

const push = (externalId: string, version: number, overrides: Record<string, unknown> = {}) =>
  postErp(app.config, erpEvent('invoice.upserted', erpInvoice(externalId, version, { client: { externalId: 'C-N' }, ...overrides })))
const invoiceOf = async (externalId: string) => (await payload.find({ collection: 'invoices', depth: 0, where: { externalId: { equals: externalId } } })).docs[0]

describe('new-invoice e-mail', () => {
  it('an invoice pushed as open is mailed once, with its PDF, to the billing contacts who want it; the link signs in straight to it', async () => {
    smtp.messages.length = 0
    expect((await push('INV-N-1', 1, { number: 'N-0001' })).status).toBe(200)
    const mail = await smtp.waitFor('wants@notify.test')
    expect(smtp.messages.map((message) => message.to)).toEqual([])
    expect(mail.subject).toBe('New invoice N-0001 from Example Billing')
    expect(mail.text).toContain('Invoice N-0001 for €121.00 is ready, due on')
    expect(mail.attachments.map((attachment) => attachment.filename)).toEqual(['N-0001.pdf'])
    expect(await pdfText(mail.attachments[0].content)).toContain('N-0001')
    const invoice = await invoiceOf('INV-N-1')
    expect(invoice.sentAt).toEqual(expect.any(String))

    const { token, url } = linkIn(mail, 'magic')
    expect(url.searchParams.get('next')).toBe(`/portal/invoices/${invoice.id}`)
    const portal = portalClient(app.config)
    const used = await portal.post('magic', { next: url.searchParams.get('next')!, token })
    expect(used.status).toBe(303)
    expect(used.location).toBe(`/portal/invoices/${invoice.id}`)
    const pdf = await portal.get(`invoices/${invoice.id}/pdf`, { cookie: used.cookie })
    expect(pdf.status).toBe(200)
    // Single use.
    expect((await portal.post('magic', { token })).cookie).toBeUndefined()

    // Pushed again, newer: no second e-mail.
    await push('INV-N-1', 2, { notes: 'updated' })
    await afterResponseSettled()
    expect((await invoiceOf('INV-N-1')).notes).toBe('updated')
    expect(smtp.messages).toEqual([])
    const sentEvents = await payload.find({ collection: 'portal-events', where: { and: [{ type: { equals: 'invoice_sent' } }, { invoice: { equals: invoice.id } }] } })
    expect(sentEvents.docs).toMatchObject([{ details: { recipients: 1 } }])
  })

  it('a draft is not mailed; it is when a later push issues it', async () => {
    smtp.messages.length = 0
    await push('INV-N-2', 1, { status: 'draft' })
    await afterResponseSettled()
    expect(smtp.messages).toEqual([])
    await push('INV-N-2', 2, { status: 'open' })
    expect((await smtp.waitFor('wants@notify.test')).subject).toMatch(/^New invoice INV-\d{4}-\d{5} from/)
  })

  it('a client without contacts gets it at its billing address, with a plain link', async () => {
    smtp.messages.length = 0
    await postErp(app.config, erpEvent('invoice.upserted', erpInvoice('INV-N-3', 1, { client: { email: 'books@lonely.test', externalId: 'C-LONELY', name: 'Lonely BV' } })))
    const mail = await smtp.waitFor('books@lonely.test')
    const invoice = await invoiceOf('INV-N-3')
    expect(mail.text).toContain(`/portal/invoices/${invoice.id}`)
    expect(mail.text).not.toContain('/portal/magic/')
  })

  it('staff "Send" issues a draft and mails it once; the rules and access are enforced', async () => {
    smtp.messages.length = 0
    const draft = await payload.create({
      collection: 'invoices',
      data: { client: clientId, dueDate: '2026-12-31', issueDate: '2026-11-21', lineItems: [{ description: 'Work', quantity: '1', taxRate: '21', unitAmount: 10000 }], status: 'draft' },
    })
    const sent = await http.rest('POST', `/api/invoice-portal/invoices/${draft.id}/send`, { token: staffToken })
    expect(sent.status).toBe(202)
    expect(sent.body).toMatchObject({ message: expect.stringMatching(/is issued and being e-mailed/), status: 'open' })
    await afterResponseSettled()
    const mail = await smtp.waitFor('wants@notify.test')
    expect(linkIn(mail, 'magic').url.searchParams.get('next')).toBe(`/portal/invoices/${draft.id}`)
    const again = await http.rest('POST', `/api/invoice-portal/invoices/${draft.id}/send`, { token: staffToken })
    expect(again.status).toBe(409)
    expect(again.body.errors[0].message).toMatch(/was already sent on \d{4}-\d{2}-\d{2}/)

    const empty = await payload.create({ collection: 'invoices', data: { client: clientId, status: 'draft' } })
    const refused = await http.rest('POST', `/api/invoice-portal/invoices/${empty.id}/send`, { token: staffToken })
    expect(refused.status).toBe(400)
    expect(JSON.stringify(refused.body)).toMatch(/at least one line/)
    expect((await payload.findByID({ collection: 'invoices', id: empty.id })).status).toBe('draft')

    const silent = await payload.create({ collection: 'clients', data: { name: 'Nobody To Tell BV' } })
    const unsent = await payload.create({
      collection: 'invoices',
      data: { client: silent.id, dueDate: '2026-12-31', lineItems: [{ description: 'Work', quantity: '1', taxRate: '21', unitAmount: 100 }], status: 'draft' },
    })
    const issuedOnly = await http.rest('POST', `/api/invoice-portal/invoices/${unsent.id}/send`, { token: staffToken })
    expect(issuedOnly.status).toBe(200)
    expect(issuedOnly.body).toMatchObject({ mailed: false, message: expect.stringMatching(/is issued; the client has no billing contact .* so nothing was sent/), status: 'open' })
    expect(await payload.findByID({ collection: 'invoices', id: unsent.id })).toMatchObject({ sentAt: null, status: 'open' })

    expect((await http.rest('POST', `/api/invoice-portal/invoices/${draft.id}/send`)).status).toBe(401)
    const contactToken = await http.login('contacts', 'wants@notify.test', passwords.contact)
    expect((await http.rest('POST', `/api/invoice-portal/invoices/${empty.id}/send`, { token: contactToken })).status).toBe(403)
    expect((await http.rest('POST', '/api/invoice-portal/invoices/999999/send', { token: staffToken })).status).toBe(404)
    expect((await http.rest('POST', '/api/invoice-portal/invoices/not-an-id/send', { token: staffToken })).status).toBe(404)
    const voided = await payload.update({ collection: 'invoices', data: { status: 'void' }, id: unsent.id })
    const nothing = await http.rest('POST', `/api/invoice-portal/invoices/${voided.id}/send`, { token: staffToken })
    expect(nothing.status).toBe(422)
    expect(nothing.body.errors[0].message).toMatch(/is void; there is nothing to send/)
    await afterResponseSettled()
    expect(smtp.messages).toEqual([])
  })
})
