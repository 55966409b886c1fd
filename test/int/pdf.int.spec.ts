import type { Payload } from 'payload'

import { stat } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { clearPdfMemoryCache } from '../../src/pdf/cache.js'
import { invoicePdfJob } from '../../src/pdf/data.js'
import { pdfAttachment } from '../../src/pdf/index.js'
import { PdfPool, sharedPdfPool } from '../../src/pdf/pool.js'
import { loadPortal, type Portal } from '../../src/portal/context.js'
import { day, money, percent, quantity } from '../../src/portal/format.js'
import { tinyPdf } from '../../dev/seed.js'
import { line, passwords, seedTwoClients } from '../helpers/fixtures.js'
import { httpClient } from '../helpers/http.js'
import { startTestApp, type TestApp } from '../helpers/payload.js'
import { flat, getEndpoint, occurrences, pdfPages, pdfText, snapshotFirstPage } from '../helpers/pdf.js'
import { portalClient } from '../helpers/portal.js'
import { startSmtpSink } from '../helpers/smtp.js'

/**
 * The PDF engine end to end (invoice, credit note, receipt, statement): what each PDF shows, read back
 * from the rendered file and compared with the database; who may download which; the content-hash
 * cache in memory and in the database; the staff endpoint; e-mail attachments. One app for the file.
 */
let app: TestApp
let payload: Payload
let portal: Portal
let web: ReturnType<typeof portalClient>
let http: ReturnType<typeof httpClient>
let seeded: Awaited<ReturnType<typeof seedTwoClients>>
let staffToken: string
let mail: Awaited<ReturnType<typeof startSmtpSink>>
const cookies: Record<'a' | 'b', string> = { a: '', b: '' }

const BRAND = {
  companyDetails: 'Example Billing BV\nKeizersgracht 1, 1015 CJ Amsterdam\nIBAN NL91 ABNA 0417 1643 00',
  legalFooter: 'Example Billing BV · KvK 12345678 · NL001234567B01',
  name: 'Example Billing',
}
type Locale = 'en' | 'nl'

beforeAll(async () => {
  mail = await startSmtpSink()
  app = await startTestApp({
    plugin: {
      documents: { pdfWorkers: 2, staticDir: path.resolve('dev/.uploads/documents') },
      portal: { branding: BRAND },
    },
    smtpUrl: mail.url,
  })
  payload = app.payload
  portal = await loadPortal(app.config)
  web = portalClient(app.config)
  http = httpClient(app.config)
  seeded = await seedTwoClients(payload)
  staffToken = await http.login('users', 'staff@host.test', passwords.staff)
  cookies.a = (await web.signIn('alpha@client.test', passwords.contact)).cookie!
  cookies.b = (await web.signIn('beta@client.test', passwords.contact)).cookie!
})
afterAll(async () => {
  await app?.stop()
  await mail?.stop()
})

let contactCount = 0
/** A client with one signed-in contact. */
async function clientWithContact(data: Record<string, unknown>) {
  const client = await payload.create({ collection: 'clients', data: { currency: 'EUR', locale: 'en', ...data } as never })
  contactCount += 1
  const email = `pdf-contact-${contactCount}@client.test`
  const contact = await payload.create({ collection: 'contacts', data: { client: client.id, email, name: `PDF contact ${contactCount}`, password: passwords.contact } })
  const { cookie } = await web.signIn(email, passwords.contact)
  return { client: client as typeof client & { locale: Locale }, contact, cookie: cookie! }
}

const invoiceOf = (id: number | string) => payload.findByID({ collection: 'invoices', depth: 0, id }) as Promise<Record<string, any>>
const cacheRows = async (subject: string) =>
  (await payload.find({ collection: 'invoice-portal-pdf-cache', depth: 0, pagination: false, where: { subject: { equals: subject } } })).docs as Array<Record<string, any>>
const eventsOf = async (type: string, where: Record<string, unknown> = {}) =>
  (await payload.find({ collection: 'portal-events', depth: 0, pagination: false, sort: 'createdAt', where: { type: { equals: type }, ...where } })).docs as Array<Record<string, any>>
const renders = () => sharedPdfPool().info().renders
const same = (left: Uint8Array, right: Uint8Array) => Buffer.from(left).equals(Buffer.from(right))

/** The labels the PDFs print, written out per language (independently of i18n.ts). */
const labels = {
  en: {
    amountDue: 'Amount due',
    credited: 'Credited',
    dueDate: 'Due date',
    paid: 'Paid',
    payBy: (amount: string, date: string, number: string) => `Please pay ${amount} by ${date}, quoting ${number}.`,
    subtotal: 'Subtotal',
    taxLine: (rate: string, base: string) => `VAT ${rate} on ${base}`,
    taxId: 'VAT number',
    total: 'Total',
  },
  nl: {
    amountDue: 'Te betalen',
    credited: 'Gecrediteerd',
    dueDate: 'Vervaldatum',
    paid: 'Betaald',
    payBy: (amount: string, date: string, number: string) => `Gelieve ${amount} te betalen vóór ${date} onder vermelding van ${number}.`,
    subtotal: 'Subtotaal',
    taxLine: (rate: string, base: string) => `Btw ${rate} over ${base}`,
    taxId: 'Btw-nummer',
    total: 'Totaal',
  },
}

/** Asserts the invoice PDF's text shows what the database holds, formatted as the portal formats it. */
async function expectInvoiceText(text: string, invoiceId: number | string, client: { address?: any; billingEmail?: string; locale: Locale; name: string; taxId?: string }) {
  const invoice = await invoiceOf(invoiceId)
  const { locale } = client
  const label = labels[locale]
  const amount = (value: number) => flat(money(value, invoice.currency, locale))
  expect(text).toContain(invoice.number)
  expect(text).toContain(client.name)
  const address = client.address
  for (const part of [address.line1, address.line2, `${address.postalCode} ${address.city}`, address.region, address.country]) expect(text).toContain(part)
  expect(text).toContain(`${label.taxId}: ${client.taxId}`)
  expect(text).toContain(client.billingEmail)
  for (const company of BRAND.companyDetails.split('\n')) expect(text).toContain(company)
  expect(text).toContain(BRAND.legalFooter)
  expect(invoice.lineItems.length).toBeGreaterThan(2)
  for (const row of invoice.lineItems) {
    expect(text).toContain(`${row.description} ${quantity(row.quantity, locale)} ${amount(row.unitAmount)} ${percent(row.taxRate, locale)} ${amount(row.amount)}`)
  }
  expect(invoice.taxBreakdown.length).toBeGreaterThan(1)
  for (const row of invoice.taxBreakdown) expect(text).toContain(`${label.taxLine(percent(row.rate, locale), amount(row.base))} ${amount(row.tax)}`)
  expect(text).toContain(`${label.subtotal} ${amount(invoice.subtotal)}`)
  expect(text).toContain(`${label.total} ${amount(invoice.total)}`)
  expect(text).toContain(`${label.amountDue} ${amount(invoice.amountDue)}`)
  if (invoice.amountPaid) expect(text).toContain(`${label.paid} ${amount(-invoice.amountPaid)}`)
  if (invoice.amountCredited) expect(text).toContain(`${label.credited} ${amount(-invoice.amountCredited)}`)
  expect(text).toContain(`${label.dueDate} ${flat(day(invoice.dueDate, locale))}`)
  expect(text).toContain(label.payBy(amount(invoice.amountDue), flat(day(invoice.dueDate, locale)), invoice.number))
  return invoice
}

const address = (city: string, country: string) => ({ city, country, line1: `Havenstraat 1 ${city}`, line2: 'Unit 4b', postalCode: '1234 AB', region: `${city} Region` })

describe('invoice PDFs', () => {
  /** A client of `currency` with one open invoice of `lines`, downloaded by its contact; the text checked against the database. */
  async function downloadedInvoice(clientData: Record<string, unknown>, dates: { dueDate: string; issueDate: string }, lineItems: ReturnType<typeof line>[]) {
    const { client, cookie } = await clientWithContact(clientData)
    const invoice = await payload.create({ collection: 'invoices', data: { client: client.id, ...dates, lineItems, status: 'open' } })
    const response = await web.get(`invoices/${invoice.id}/pdf`, { cookie })
    expect(response.status).toBe(200)
    const text = await pdfText(response.bytes)
    const stored = await expectInvoiceText(text, invoice.id, client as never)
    return { stored, text }
  }

  it('JPY (0 decimals, en)', async () => {
    const { stored, text } = await downloadedInvoice(
      { address: address('Osaka', 'JP'), billingEmail: 'ap@osaka.test', currency: 'JPY', name: 'Osaka Trading K.K.', taxId: 'T1234567890123' },
      { dueDate: '2026-12-15', issueDate: '2026-11-15' },
      [line(150000, '1', '10', 'Hosting plan'), line(8000, '1.5', '8', 'Support hours'), line(30000, '1', '0', 'Setup fee')],
    )
    expect(stored.currency).toBe('JPY')
    // 150000 yen is ¥150,000 — no minor unit, so no decimals anywhere.
    expect(text).toMatch(/¥150,000(?![.\d])/)
    expect(text).not.toMatch(/¥[\d,]+\.\d/)
  })

  it('BHD (3 decimals, en)', async () => {
    const { text } = await downloadedInvoice(
      { address: address('Manama', 'BH'), billingEmail: 'finance@manama.test', currency: 'BHD', name: 'Manama Pearl W.L.L.', taxId: 'BH200000000000002' },
      { dueDate: '2027-01-31', issueDate: '2026-11-20' },
      [line(1234567, '1', '10', 'Consulting'), line(45678, '2', '0', 'Travel'), line(999, '3.25', '5.5', 'Materials')],
    )
    // 1234567 fils is BHD 1,234.567.
    expect(text).toContain('1,234.567')
    expect(text).toContain('5.5%')
  })

  it('a 120-line invoice runs over pages: "Page n of N" on each, the table header repeated, every line exactly once', async () => {
    const { client, cookie } = await clientWithContact({ name: 'Long Invoice Ltd' })
    const descriptions = Array.from({ length: 120 }, (_, index) => `Line item ${String(index + 1).padStart(3, '0')}`)
    const invoice = await payload.create({
      collection: 'invoices',
      data: { client: client.id, dueDate: '2026-12-31', issueDate: '2026-11-01', lineItems: descriptions.map((description, index) => line(1000 + index, '1', index % 2 ? '21' : '9', description)), status: 'open' },
    })
    const response = await web.get(`invoices/${invoice.id}/pdf`, { cookie })
    expect(response.status).toBe(200)
    const pages = await pdfPages(response.bytes)
    expect(pages.length).toBeGreaterThan(1)
    pages.forEach((page, index) => {
      expect(page, `page ${index + 1}`).toContain(`Page ${index + 1} of ${pages.length}`)
      expect(page, `page ${index + 1}`).toContain(BRAND.legalFooter)
      if (/Line item \d{3}/.test(page)) expect(page, `page ${index + 1}`).toContain('Description Quantity Unit price Rate Amount')
    })
    expect(pages[1]).toContain('Description')
    const text = pages.join(' ')
    for (const description of descriptions) expect(occurrences(text, `${description} `), description).toBe(1)
    const stored = await invoiceOf(invoice.id)
    expect(text).toContain(`Amount due ${flat(money(stored.amountDue, 'EUR', 'en'))}`)
    // A long PDF is cached too: Payload's default text limit (40,000 characters) once kept anything over 30 kB out.
    expect(response.bytes.byteLength).toBeGreaterThan(30_000)
    const { docs } = await payload.find({ collection: 'invoice-portal-pdf-cache', depth: 0, where: { subject: { equals: `invoice:${invoice.id}` } } })
    expect(docs.map((doc) => doc.size)).toEqual([response.bytes.byteLength])
  })

})

describe('credit note and receipt PDFs', () => {
  let creditNoteWithLines: number | string
  let creditNoteCookie: string

  it('a credit note shows its number, the invoice it corrects, its lines or reason, and the amount credited', async () => {
    const { client, cookie } = await clientWithContact({ name: 'Credit Client' })
    creditNoteCookie = cookie
    const invoice = await payload.create({
      collection: 'invoices',
      data: { client: client.id, dueDate: '2026-12-31', issueDate: '2026-11-01', lineItems: [line(50000, '2', '21', 'Widgets')], status: 'open' },
    })
    const withLines = await payload.create({
      collection: 'credit-notes',
      data: { invoice: invoice.id, issuedAt: '2026-11-10T09:00:00.000Z', lineItems: [line(10000, '1', '21', 'Returned widget')], reason: 'One widget came back', status: 'issued' },
    })
    const byAmount = await payload.create({ collection: 'credit-notes', data: { amount: 777, invoice: invoice.id, reason: 'Goodwill', status: 'issued' } })
    const invoiceNumber = (await invoiceOf(invoice.id)).number
    for (const note of [withLines, byAmount]) {
      const stored = (await payload.findByID({ collection: 'credit-notes', depth: 0, id: note.id })) as Record<string, any>
      const response = await web.get(`credit-notes/${note.id}/pdf`, { cookie })
      expect(response.status).toBe(200)
      expect(response.headers.get('content-disposition')).toContain(`filename="${stored.number}.pdf"`)
      const text = await pdfText(response.bytes)
      expect(text).toContain(`Credit note ${stored.number}`)
      expect(text).toContain(`Invoice ${invoiceNumber}`)
      expect(text).toContain(`Date ${day(stored.issuedAt, 'en')}`)
      expect(text).toContain(`Credited ${money(stored.amount, 'EUR', 'en')}`)
      expect(text).toContain('Credit Client')
    }
    const lined = await pdfText((await web.get(`credit-notes/${withLines.id}/pdf`, { cookie })).bytes)
    // One line of 1 × 100.00 at 21% → 121.00 credited.
    expect(lined).toContain('Returned widget 1 €100.00 21%')
    expect(lined).toContain('Credited €121.00')
    expect(lined).toContain('Reason: One widget came back')
    const plain = await pdfText((await web.get(`credit-notes/${byAmount.id}/pdf`, { cookie })).bytes)
    expect(plain).toContain('Goodwill €7.77')
    creditNoteWithLines = withLines.id
  })

  // A credit note's line totals are derived and stored like an invoice's (hooks/creditNotes.ts); before
  // that, every credit-note line printed an amount of €0.00.
  it("a credit note's lines show their line totals", async () => {
    const note = (await payload.findByID({ collection: 'credit-notes', depth: 0, id: creditNoteWithLines })) as Record<string, any>
    const text = await pdfText((await web.get(`credit-notes/${note.id}/pdf`, { cookie: creditNoteCookie })).bytes)
    // quantity 1 × unit 100.00 = 100.00
    expect(text).toContain('Returned widget 1 €100.00 21% €100.00')
  })

  it('a receipt shows the reference, the invoices the money went to and the amounts; pending and failed payments have none', async () => {
    const { client, cookie } = await clientWithContact({ name: 'Receipt Client' })
    const first = await payload.create({ collection: 'invoices', data: { client: client.id, dueDate: '2026-12-31', issueDate: '2026-11-01', lineItems: [line(20000, '1', '0', 'A')], status: 'open' } })
    const second = await payload.create({ collection: 'invoices', data: { client: client.id, dueDate: '2026-12-31', issueDate: '2026-11-01', lineItems: [line(30000, '1', '0', 'B')], status: 'open' } })
    const paid = await payload.create({
      collection: 'payments',
      data: {
        allocations: [{ amount: 20000, invoice: first.id }, { amount: 5000, invoice: second.id }],
        amount: 25000,
        client: client.id,
        currency: 'EUR',
        method: 'bank_transfer',
        paidAt: '2026-11-12T10:00:00.000Z',
        status: 'succeeded',
      },
    })
    const numbers = [(await invoiceOf(first.id)).number, (await invoiceOf(second.id)).number]
    const response = await web.get(`payments/${paid.id}/receipt`, { cookie })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-disposition')).toContain(`filename="receipt-P-${paid.id}.pdf"`)
    const text = await pdfText(response.bytes)
    expect(text).toContain('Payment receipt')
    expect(text).toContain(`Reference P-${paid.id}`)
    expect(text).toContain(`Date ${day('2026-11-12T10:00:00.000Z', 'en')}`)
    expect(text).toContain('Method bank transfer')
    expect(text).toContain(`Invoice ${numbers[0]} ${money(20000, 'EUR', 'en')}`)
    expect(text).toContain(`Invoice ${numbers[1]} ${money(5000, 'EUR', 'en')}`)
    expect(text).toContain(`Amount received ${money(25000, 'EUR', 'en')}`)
    expect(text).toContain('Thank you for your payment.')
    expect(text).not.toContain('Refunded')

    // A partial refund shows on the receipt, and the thanks go (the status is no longer succeeded).
    await payload.update({ collection: 'payments', data: { amountRefunded: 4000, status: 'partially_refunded' }, id: paid.id })
    const refunded = await pdfText((await web.get(`payments/${paid.id}/receipt`, { cookie })).bytes)
    expect(refunded).toContain(`Refunded ${money(-4000, 'EUR', 'en')}`)
    expect(refunded).not.toContain('Thank you for your payment.')

    const notFound = await web.get('payments/999999/receipt', { cookie })
    for (const status of ['pending', 'failed']) {
      const payment = await payload.create({
        collection: 'payments',
        data: { allocations: [{ amount: 100, invoice: second.id }], amount: 100, client: client.id, currency: 'EUR', status },
      })
      const receipt = await web.get(`payments/${payment.id}/receipt`, { cookie })
      expect(receipt.status, status).toBe(404)
      expect(receipt.body).toBe(notFound.body)
    }
  })
})

describe('statement of account', () => {
  let statementPdf: Uint8Array

  it('opening balance, every row with its running balance, closing balance and ageing, from a fixed history', async () => {
    // The client's days are Amsterdam days: a payment at 23:30 UTC on 28 Feb is made on 1 March there.
    const { client, contact, cookie } = await clientWithContact({ name: 'Statement Client', timezone: 'Europe/Amsterdam' })
    const issue = (issueDate: string, dueDate: string, unitAmount: number, taxRate = '0') =>
      payload.create({ collection: 'invoices', data: { client: client.id, dueDate, issueDate, lineItems: [line(unitAmount, '1', taxRate, 'Services')], status: 'open' } })
    const pay = (invoice: { id: number | string }, amount: number, paidAt: string, status = 'succeeded') =>
      payload.create({ collection: 'payments', data: { allocations: [{ amount, invoice: invoice.id }], amount, client: client.id, currency: 'EUR', paidAt, status } })
    const creditNote = (invoice: { id: number | string }, amount: number, issuedAt: string) =>
      payload.create({ collection: 'credit-notes', data: { amount, invoice: invoice.id, issuedAt, status: 'issued' } })

    // Before the period (1 March – 30 June 2026):
    const s1 = await issue('2026-01-10', '2026-02-09', 100000)
    const pA = await pay(s1, 40000, '2026-02-01T10:00:00.000Z')
    const cA = await creditNote(s1, 10000, '2026-02-15T10:00:00.000Z')
    // In the period:
    const pF = await pay(s1, 2000, '2026-02-28T23:30:00.000Z') // 1 March in Amsterdam
    const s2 = await issue('2026-03-05', '2026-04-04', 200000)
    const pB = await pay(s2, 50000, '2026-03-05T08:00:00.000Z') // same day as s2: listed after it
    const cB = await creditNote(s1, 20000, '2026-04-10T10:00:00.000Z')
    const s5 = await issue('2026-04-20', '2026-05-20', 30000)
    const s3 = await issue('2026-05-20', '2026-06-19', 50000, '21') // 500.00 + 21% = 605.00
    const pC = await pay(s1, 5000, '2026-06-30T12:00:00.000Z')
    // After the period, or not counting at all:
    const pE = await pay(s3, 1000, '2026-06-30T22:30:00.000Z') // 1 July in Amsterdam
    const pD = await pay(s2, 10000, '2026-07-02T10:00:00.000Z')
    const s4 = await issue('2026-07-05', '2026-08-04', 70000)
    const pending = await pay(s2, 3000, '2026-04-01T10:00:00.000Z', 'pending')
    const failed = await pay(s2, 4000, '2026-04-02T10:00:00.000Z', 'failed')
    await payload.create({ collection: 'invoices', data: { client: client.id, dueDate: '2026-04-30', issueDate: '2026-04-01', lineItems: [line(90000, '1', '0', 'Draft')] } })
    const voided = await issue('2026-04-15', '2026-05-15', 80000)
    await payload.update({ collection: 'invoices', data: { status: 'void' }, id: voided.id })
    await payload.create({ collection: 'credit-notes', data: { amount: 1500, invoice: s2.id, issuedAt: '2026-04-11T10:00:00.000Z' } }) // draft

    const inv = async (doc: { id: number | string }) => invoiceOf(doc.id)
    const [S1, S2, S3, S4, S5, V] = await Promise.all([s1, s2, s3, s4, s5, voided].map(inv))
    const noteNumber = async (doc: { id: number | string }) => ((await payload.findByID({ collection: 'credit-notes', depth: 0, id: doc.id })) as Record<string, any>).number as string
    const [CA, CB] = [await noteNumber(cA), await noteNumber(cB)]
    expect(S3.total).toBe(60500)
    expect(V.status).toBe('void')

    // Opening = s1 − pA − cA = 1000.00 − 400.00 − 100.00 = 500.00
    const opening = S1.total - 40000 - 10000
    const rows: Array<[string, string, number, number]> = [
      // [day, label, debit, credit]
      ['2026-03-01', `Payment P-${pF.id}`, 0, 2000],
      ['2026-03-05', `Invoice ${S2.number}`, S2.total, 0],
      ['2026-03-05', `Payment P-${pB.id}`, 0, 50000],
      ['2026-04-10', `Credit note ${CB}`, 0, 20000],
      ['2026-04-20', `Invoice ${S5.number}`, S5.total, 0],
      ['2026-05-20', `Invoice ${S3.number}`, S3.total, 0],
      ['2026-06-30', `Payment P-${pC.id}`, 0, 5000],
    ]
    const eur = (value: number) => flat(money(value, 'EUR', 'en'))
    // 500.00 + (2000.00 + 300.00 + 605.00) − (20.00 + 500.00 + 50.00) − 200.00 = 2635.00
    const closing = opening + (S2.total + S5.total + S3.total) - (2000 + 50000 + 5000) - 20000
    expect(closing).toBe(263500)

    const response = await web.get('statement?from=2026-03-01&to=2026-06-30', { cookie })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/pdf')
    expect(response.headers.get('content-disposition')).toContain('attachment; filename="statement-2026-03-01-2026-06-30-EUR.pdf"')
    const text = await pdfText(response.bytes)
    statementPdf = response.bytes
    expect(text).toContain('Statement of account')
    expect(text).toContain('Statement Client')
    expect(text).toContain(`Period ${day('2026-03-01', 'en')} – ${day('2026-06-30', 'en')}`)
    expect(text).toContain(`Opening balance ${eur(opening)}`)
    expect(text).toContain(`${day('2026-03-01', 'en')} Opening balance ${eur(opening)}`)
    let balance = opening
    let at = -1
    for (const [date, label, debit, credit] of rows) {
      balance += debit - credit
      const row = `${day(date, 'en')} ${label} ${debit ? eur(debit) : eur(credit)} ${eur(balance)}`
      const index = text.indexOf(row)
      expect(index, `row "${row}" in\n${text}`).toBeGreaterThan(at)
      at = index
    }
    expect(balance).toBe(closing)
    expect(text).toContain(`+ Invoices ${eur(S2.total + S5.total + S3.total)}`)
    expect(text).toContain(`− Payments ${eur(57000)}`)
    expect(text).toContain(`− Credit notes ${eur(20000)}`)
    expect(text).toContain(`Closing balance ${eur(closing)}`)
    // Ageing at 30 June: s3 due 19 June (11 days) 605.00 → 0–30; s5 due 20 May (41 days) 300.00 → 31–60;
    // s2 due 4 April (87 days) 2000.00 − 500.00 = 1500.00 → 61–90; s1 due 9 Feb (141 days)
    // 1000.00 − 400.00 − 100.00 − 20.00 − 200.00 − 50.00 = 230.00 → 90+.
    expect(text).toContain(`0-30 31-60 61-90 90+ ${eur(60500)} ${eur(30000)} ${eur(150000)} ${eur(23000)}`)
    // What must not count: after the period, pending, failed, draft, void.
    for (const absent of [`P-${pA.id}`, `P-${pD.id}`, `P-${pE.id}`, `P-${pending.id}`, `P-${failed.id}`, S4.number, V.number, CA, 'draft']) {
      expect(text, absent).not.toContain(absent)
    }
    const events = await eventsOf('statement_downloaded', { client: { equals: client.id } })
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ contact: contact.id, details: { currency: 'EUR', from: '2026-03-01', to: '2026-06-30' } })
  })

  it('a bad period is sent back to the statement page with an error, and nothing is audited', async () => {
    const before = (await eventsOf('statement_downloaded')).length
    for (const [query, from, to] of [
      ['from=2026-06-30&to=2026-03-01', '2026-06-30', '2026-03-01'],
      ['from=yesterday&to=2026-03-01', 'yesterday', '2026-03-01'],
      ['from=2026-13-01&to=2026-12-31', '2026-13-01', '2026-12-31'],
    ]) {
      const response = await web.get(`statement?${query}`, { cookie: cookies.a })
      expect(response.status, query).toBe(303)
      expect(response.location, query).toBe(`/portal/statement?${new URLSearchParams({ error: 'invalid', from, to })}`)
    }
    const currency = await web.get('statement?from=2026-01-01&to=2026-03-01&currency=EURO', { cookie: cookies.a })
    expect(currency.status).toBe(303)
    expect(currency.location).toMatch(/^\/portal\/statement\?error=invalid/)
    expect(await eventsOf('statement_downloaded')).toHaveLength(before)
  })

  // V8's Date.parse rolls 2026-02-30 over to 2 March instead of returning NaN; isDay (portal/filters.ts)
  // must refuse it, or the statement prints "Period 2 Mar 2026 – …" while filtering by "2026-02-30".
  it('a date that does not exist (30 February) is a bad period too', async () => {
    const response = await web.get('statement?from=2026-02-30&to=2026-03-31', { cookie: cookies.a })
    expect(response.status).toBe(303)
    expect(response.location).toBe(`/portal/statement?${new URLSearchParams({ error: 'invalid', from: '2026-02-30', to: '2026-03-31' })}`)
  })

  it('leaves a snapshot of the first page for people to look at', async () => {
    const png = await snapshotFirstPage('statement', statementPdf)
    expect((await stat(png)).size).toBeGreaterThan(10_000)
  })
})

describe('who may download what', () => {
  it("another client's invoice, credit note and receipt are answered exactly like ones that do not exist", async () => {
    const before = (await eventsOf('pdf_downloaded')).length
    for (const [route, suffix, id] of [
      ['invoices', 'pdf', seeded.b.invoice.id],
      ['credit-notes', 'pdf', seeded.b.creditNote.id],
      ['payments', 'receipt', seeded.b.payment.id],
    ] as const) {
      const missing = await web.get(`${route}/999999/${suffix}`, { cookie: cookies.a })
      const foreign = await web.get(`${route}/${id}/${suffix}`, { cookie: cookies.a })
      expect(missing.status, route).toBe(404)
      expect(foreign.status, route).toBe(404)
      expect(foreign.body, route).toBe(missing.body)
      expect(foreign.headers.get('content-type'), route).toBe(missing.headers.get('content-type'))
      // …while its own client's contact gets it.
      expect((await web.get(`${route}/${id}/${suffix}`, { cookie: cookies.b })).status, route).toBe(200)
    }
    expect((await web.get('invoices/not-a-number/pdf', { cookie: cookies.a })).status).toBe(404)
    // Only the three successful downloads of client B were audited.
    const events = await eventsOf('pdf_downloaded')
    expect(events.length - before).toBe(3)
    for (const event of events.slice(before)) expect(event).toMatchObject({ client: seeded.b.client.id, contact: seeded.b.contact.id })
  })

  it("a draft of the contact's own client is not there for it, neither invoice nor credit note", async () => {
    const missing = await web.get('invoices/999999/pdf', { cookie: cookies.a })
    const draft = await web.get(`invoices/${seeded.a.draftInvoice.id}/pdf`, { cookie: cookies.a })
    expect(draft.status).toBe(404)
    expect(draft.body).toBe(missing.body)
    expect((await web.get(`credit-notes/${seeded.a.draftCreditNote.id}/pdf`, { cookie: cookies.a })).status).toBe(404)
  })

  it('without a session every download redirects to sign-in, coming back to the page it was offered on', async () => {
    for (const [route, page] of [
      [`invoices/${seeded.a.invoice.id}/pdf`, 'invoices'],
      [`credit-notes/${seeded.a.creditNote.id}/pdf`, 'credit-notes'],
      [`payments/${seeded.a.payment.id}/receipt`, 'payments'],
      ['statement?from=2026-01-01&to=2026-12-31', 'statement'],
    ]) {
      const response = await web.get(route)
      expect(response.status, route).toBe(303)
      expect(response.location, route).toBe(`/portal/login?${new URLSearchParams({ next: `/portal/${page}` })}`)
      expect(response.bytes.byteLength, route).toBe(0)
    }
  })

  it('once staff switch a client’s portal off, its contact’s session downloads nothing and nothing is audited', async () => {
    const { client, cookie } = await clientWithContact({ name: 'Switched Off BV' })
    const invoice = await payload.create({
      collection: 'invoices',
      data: { client: client.id, dueDate: '2026-12-31', issueDate: '2026-11-01', lineItems: [line(5000)], status: 'open' },
    })
    expect((await web.get(`invoices/${invoice.id}/pdf`, { cookie })).status).toBe(200)
    await payload.update({ collection: 'clients', data: { portalEnabled: false }, id: client.id })
    const before = (await eventsOf('pdf_downloaded', { client: { equals: client.id } })).length
    for (const route of [`invoices/${invoice.id}/pdf`, 'statement?from=2026-01-01&to=2026-12-31']) {
      const response = await web.get(route, { cookie })
      expect(response.status, route).toBe(303)
      expect(response.location, route).toBe('/portal/login?error=disabled')
      expect(response.bytes.byteLength, route).toBe(0)
    }
    expect(await eventsOf('pdf_downloaded', { client: { equals: client.id } })).toHaveLength(before)
    expect(await eventsOf('statement_downloaded', { client: { equals: client.id } })).toHaveLength(0)
  })

  it('each download is audited with the client, the contact and what was downloaded', async () => {
    const response = await web.get(`payments/${seeded.a.payment.id}/receipt`, { cookie: cookies.a })
    expect(response.status).toBe(200)
    const [event] = (await eventsOf('pdf_downloaded', { client: { equals: seeded.a.client.id } })).slice(-1)
    expect(event).toMatchObject({
      client: seeded.a.client.id,
      contact: seeded.a.contact.id,
      details: { file: `receipt-P-${seeded.a.payment.id}.pdf`, kind: 'receipt', payment: seeded.a.payment.id },
      invoice: null,
    })
    const note = await web.get(`credit-notes/${seeded.a.creditNote.id}/pdf`, { cookie: cookies.a })
    expect(note.status).toBe(200)
    const [noteEvent] = (await eventsOf('pdf_downloaded', { client: { equals: seeded.a.client.id } })).slice(-1)
    expect(noteEvent).toMatchObject({ contact: seeded.a.contact.id, details: { document: seeded.a.creditNote.id, kind: 'credit-note' } })
  })
})

describe('cache', () => {
  it('serves the same bytes from memory, then from the database, and renders anew only when the PDF would change', async () => {
    const { client, cookie } = await clientWithContact({ name: 'Cache Client' })
    const invoice = await payload.create({
      collection: 'invoices',
      data: { client: client.id, dueDate: '2026-12-31', issueDate: '2026-11-01', lineItems: [line(10000, '3', '21', 'Cached work')], status: 'open' },
    })
    const subject = `invoice:${invoice.id}`
    const download = async () => {
      const response = await web.get(`invoices/${invoice.id}/pdf`, { cookie })
      expect(response.status).toBe(200)
      return response.bytes
    }

    // Three downloads at once share one render.
    let count = renders()
    const [first, ...others] = await Promise.all([download(), download(), download()])
    expect(renders() - count).toBe(1)
    for (const other of others) expect(same(other, first)).toBe(true)
    let rows = await cacheRows(subject)
    expect(rows).toHaveLength(1)
    expect(rows[0].size).toBe(first.byteLength)
    expect(same(Buffer.from(rows[0].data, 'base64'), first)).toBe(true)

    // From memory: same bytes, no render.
    count = renders()
    expect(same(await download(), first)).toBe(true)
    expect(renders()).toBe(count)

    // From the database once memory is cleared: same bytes, no render…
    clearPdfMemoryCache()
    expect(same(await download(), first)).toBe(true)
    expect(renders()).toBe(count)
    // …and it really is the database row that answers: swap its bytes and they are what is served.
    const planted = tinyPdf('planted')
    await payload.update({ collection: 'invoice-portal-pdf-cache', data: { data: planted.toString('base64') }, id: rows[0].id })
    clearPdfMemoryCache()
    expect(same(await download(), planted)).toBe(true)
    expect(renders()).toBe(count)
    // Memory now holds the planted bytes even with the row gone; cleared, a fresh render is stored.
    await payload.delete({ collection: 'invoice-portal-pdf-cache', where: { subject: { equals: subject } } })
    expect(same(await download(), planted)).toBe(true)
    clearPdfMemoryCache()
    const rendered = await download()
    expect(renders()).toBe(count + 1)
    expect((await pdfText(rendered)).includes('Cached work')).toBe(true)
    rows = await cacheRows(subject)
    expect(rows).toHaveLength(1)
    expect(same(Buffer.from(rows[0].data, 'base64'), rendered)).toBe(true)

    // A payment changes the amount due: a new PDF, and the cache keeps only the new one.
    await payload.create({ collection: 'payments', data: { allocations: [{ amount: 1234, invoice: invoice.id }], amount: 1234, client: client.id, currency: 'EUR', status: 'succeeded' } })
    const stored = await invoiceOf(invoice.id)
    count = renders()
    const afterPayment = await download()
    expect(renders()).toBe(count + 1)
    expect(same(afterPayment, rendered)).toBe(false)
    const text = await pdfText(afterPayment)
    expect(text).toContain(`Amount due ${money(stored.amountDue, 'EUR', 'en')}`)
    expect(text).toContain(`Paid ${money(-1234, 'EUR', 'en')}`)
    rows = await cacheRows(subject)
    expect(rows).toHaveLength(1)
    expect(same(Buffer.from(rows[0].data, 'base64'), afterPayment)).toBe(true)

    // So does the brand's name in the settings global.
    const settings = (await payload.findGlobal({ slug: 'invoice-portal-settings', depth: 0 })) as { branding?: Record<string, unknown> }
    try {
      await payload.updateGlobal({ slug: 'invoice-portal-settings', data: { branding: { ...settings.branding, name: 'Renamed Billing Ltd' } } })
      const afterRename = await download()
      expect(same(afterRename, afterPayment)).toBe(false)
      expect(await pdfText(afterRename)).toContain('Renamed Billing Ltd')
      rows = await cacheRows(subject)
      expect(rows).toHaveLength(1)
      expect(same(Buffer.from(rows[0].data, 'base64'), afterRename)).toBe(true)
    } finally {
      await payload.updateGlobal({ slug: 'invoice-portal-settings', data: { branding: { ...settings.branding, name: BRAND.name } } })
    }
  })
})

describe('staff endpoint', () => {
  const endpoint = (suffix: string, token?: string) => getEndpoint(app.config, `/api/invoice-portal/pdf/${suffix}`, token)

  it('gives staff the same PDF a contact downloads, inline unless ?download, and audits it', async () => {
    const invoice = await invoiceOf(seeded.a.invoice.id)
    const contactCopy = await web.get(`invoices/${invoice.id}/pdf`, { cookie: cookies.a })
    const inline = await endpoint(`invoices/${invoice.id}`, staffToken)
    expect(inline.status, inline.text.slice(0, 200)).toBe(200)
    expect(inline.headers.get('content-type')).toBe('application/pdf')
    expect(inline.headers.get('content-disposition')).toBe(`inline; filename="${invoice.number}.pdf"; filename*=UTF-8''${invoice.number}.pdf`)
    expect(inline.headers.get('content-length')).toBe(String(inline.bytes.byteLength))
    expect(same(inline.bytes, contactCopy.bytes)).toBe(true)
    const attachment = await endpoint(`invoices/${invoice.id}?download`, staffToken)
    expect(attachment.status).toBe(200)
    expect(attachment.headers.get('content-disposition')).toMatch(/^attachment; filename=/)
    const [event] = (await eventsOf('pdf_downloaded', { actor: { equals: `users:${seeded.staff.id}` } })).slice(-1)
    expect(event).toMatchObject({ client: seeded.a.client.id, contact: null, details: { file: `${invoice.number}.pdf`, kind: 'invoice' }, invoice: invoice.id })

    for (const [kind, id] of [
      ['credit-notes', seeded.b.creditNote.id],
      ['receipts', seeded.b.payment.id],
    ] as const) {
      const response = await endpoint(`${kind}/${id}`, staffToken)
      expect(response.status, kind).toBe(200)
      expect(response.headers.get('content-type'), kind).toBe('application/pdf')
    }
  })

  it('previews drafts for staff without caching them', async () => {
    const response = await endpoint(`invoices/${seeded.a.draftInvoice.id}`, staffToken)
    expect(response.status).toBe(200)
    expect(await pdfText(response.bytes)).toContain(`draft-${seeded.a.draftInvoice.id}`)
    expect(await cacheRows(`invoice:${seeded.a.draftInvoice.id}`)).toHaveLength(0)
  })

  it('refuses anonymous callers (401) and contacts (403), and names an unknown kind (404)', async () => {
    const anonymous = await endpoint(`invoices/${seeded.a.invoice.id}`)
    expect(anonymous.status).toBe(401)
    expect(anonymous.json.errors[0].message).toMatch(/Only staff/)
    const contactToken = await http.login('contacts', 'alpha@client.test', passwords.contact)
    const contact = await endpoint(`invoices/${seeded.a.invoice.id}`, contactToken)
    expect(contact.status).toBe(403)
    expect(contact.headers.get('content-type')).not.toBe('application/pdf')
    const unknown = await endpoint(`quotes/${seeded.a.invoice.id}`, staffToken)
    expect(unknown.status).toBe(404)
    expect(unknown.json.errors[0].message).toBe('Unknown PDF kind "quotes"; use invoices, credit-notes, receipts or statements.')
    const missing = await endpoint('invoices/999999', staffToken)
    expect(missing.status).toBe(404)
    expect(missing.json.errors[0].message).toBe('Not found')
  })

  it('renders a statement for a client and period, the same bytes the contact gets', async () => {
    const contactCopy = await web.get('statement?from=2026-01-01&to=2026-11-30', { cookie: cookies.a })
    expect(contactCopy.status).toBe(200)
    const response = await endpoint(`statements/${seeded.a.client.id}?from=2026-01-01&to=2026-11-30&currency=eur`, staffToken)
    expect(response.status, response.text.slice(0, 200)).toBe(200)
    expect(response.headers.get('content-disposition')).toContain('filename="statement-2026-01-01-2026-11-30-EUR.pdf"')
    expect(same(response.bytes, contactCopy.bytes)).toBe(true)
    const text = await pdfText(response.bytes)
    const invoice = await invoiceOf(seeded.a.invoice.id)
    expect(text).toContain('Alpha')
    expect(text).toContain(`Invoice ${invoice.number}`)
    // 121.00 invoiced − 10.00 paid − 5.00 credited (fixtures.ts)
    expect(text).toContain(`Closing balance ${money(invoice.total - 1000 - 500, 'EUR', 'en')}`)
    const [event] = (await eventsOf('statement_downloaded', { actor: { equals: `users:${seeded.staff.id}` } })).slice(-1)
    expect(event).toMatchObject({ client: seeded.a.client.id })
    const bad = await endpoint(`statements/${seeded.a.client.id}?from=2026-12-01&to=2026-01-01`, staffToken)
    expect(bad.status).toBe(400)
    expect((await endpoint(`statements/${seeded.a.client.id}`, staffToken)).status).toBe(400)
  })
})

describe('e-mail attachment', () => {
  it('attaches the very bytes the portal serves', async () => {
    const invoice = await invoiceOf(seeded.a.invoice.id)
    const download = await web.get(`invoices/${invoice.id}/pdf`, { cookie: cookies.a })
    const attachment = await pdfAttachment(portal, 'invoices', invoice.id)
    expect(attachment).toMatchObject({ contentType: 'application/pdf', filename: `${invoice.number}.pdf` })
    expect(await pdfAttachment(portal, 'invoices', 999999)).toBeNull()
    await payload.sendEmail({ attachments: [attachment!], subject: `Invoice ${invoice.number}`, text: 'Your invoice is attached.', to: 'alpha@client.test' })
    const received = await mail.waitFor('alpha@client.test')
    expect(received.subject).toBe(`Invoice ${invoice.number}`)
    expect(received.attachments).toHaveLength(1)
    const [{ content, filename, mimeType }] = received.attachments
    expect(filename).toBe(`${invoice.number}.pdf`)
    expect(mimeType).toBe('application/pdf')
    expect(same(content, download.bytes)).toBe(true)
    expect(await pdfText(content)).toContain(invoice.number)
  })
})

/**
 * Last in the file on purpose: rendering a PDF with "Ĳ" can leave the worker that rendered it without a
 * text mapping for bold "J" (see the failing test below), which would break the text checks of any
 * test after it that lands on the same worker.
 */
describe('Latin Extended text', () => {
  let eurPdf: Uint8Array
  let eurInvoiceId: number | string

  it('EUR (2 decimals, nl): every line, tax row, total and date as the portal formats them, and Ĳ/Ø/Ł intact', async () => {
    const { client, contact, cookie } = await clientWithContact({
      address: address('Łódź', 'PL'),
      billingEmail: 'boekhouding@ijzerhandel.test',
      currency: 'EUR',
      locale: 'nl',
      name: 'Ĳzerhandel Øresund Łódź',
      taxId: 'NL123456789B01',
    })
    const invoice = await payload.create({
      collection: 'invoices',
      data: {
        client: client.id,
        dueDate: '2026-12-31',
        issueDate: '2026-11-02',
        lineItems: [line(123456, '1', '21', 'Advieswerk maart'), line(4995, '2.5', '9', 'Licentie half jaar'), line(1250, '1', '0', 'Verzendkosten'), line(-5000, '1', '21', 'Korting')],
        paymentTerms: '30 dagen',
        status: 'open',
      },
    })
    await payload.create({
      collection: 'payments',
      data: { allocations: [{ amount: 10000, invoice: invoice.id }], amount: 10000, client: client.id, currency: 'EUR', status: 'succeeded' },
    })
    await payload.create({ collection: 'credit-notes', data: { amount: 2500, invoice: invoice.id, status: 'issued' } })
    const response = await web.get(`invoices/${invoice.id}/pdf`, { cookie })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/pdf')
    const stored = await invoiceOf(invoice.id)
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${stored.number}.pdf"; filename*=UTF-8''${stored.number}.pdf`)
    const text = await pdfText(response.bytes)
    await expectInvoiceText(text, invoice.id, client as never)
    // Spot checks written by hand: Dutch grouping and decimal comma on 123456 cents, the name's letters as stored.
    expect(text).toContain('€ 1.234,56')
    expect(text).not.toContain('1,234.56')
    expect(text).toContain('Ĳzerhandel Øresund Łódź')
    expect(text).toContain('Factuur aan')
    expect(text).toContain('30 dagen')
    // A one-page document is rendered without page numbers (render.ts).
    expect(text).not.toMatch(/Pagina \d+ van \d+/)
    eurPdf = response.bytes
    eurInvoiceId = invoice.id
    const events = await eventsOf('pdf_downloaded', { client: { equals: client.id } })
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ contact: contact.id, details: { document: invoice.id, file: `${stored.number}.pdf`, kind: 'invoice' }, invoice: invoice.id })
    // The pool was sized from documents.pdfWorkers.
    expect(sharedPdfPool().info().size).toBe(2)
  })

  it('leaves a snapshot of the first page for people to look at', async () => {
    const png = await snapshotFirstPage('invoice-eur', eurPdf)
    expect((await stat(png)).size).toBeGreaterThan(10_000)
  })

  // DejaVu's "Ĳ" is a composite glyph (I + J). When react-pdf subsets it,
  // fontkit creates the component glyphs and caches them on the font object with no code points. A worker
  // keeps that font object for every later render (src/pdf/render.ts registers the fonts once; pool.ts
  // reuses a worker for up to 400 renders), so if that worker had not laid out a bold "J" before, every
  // bold "J" it draws afterwards would have an empty ToUnicode entry: the text layer (search, copy and
  // paste, screen readers, this test) read "ansen & onker". Workers now lay every common character out
  // once before their first render (warmUpFonts in render.ts).
  // Reproduced here on fresh pools so it does not depend on what the shared pool's workers did before.
  it('a PDF rendered after one with "Ĳ" still has every bold J in its text layer', async () => {
    const { client } = await clientWithContact({ name: 'Jansen & Jonker' })
    const invoice = await payload.create({
      collection: 'invoices',
      data: { client: client.id, dueDate: '2026-12-31', issueDate: '2026-11-03', lineItems: [line(1000, '1', '0', 'Jute bags')], status: 'open' },
    })
    const jansen = (await invoicePdfJob(portal, invoice.id, 'system'))!.job
    const ijzer = (await invoicePdfJob(portal, eurInvoiceId, 'system'))!.job
    // The client's name is printed bold. On a fresh worker it comes out whole…
    const clean = new PdfPool({ size: 1 })
    try {
      expect(await pdfText(await clean.render(jansen))).toContain('Jansen & Jonker')
    } finally {
      await clean.close()
    }
    // …and so it must after that worker has rendered the Ĳ invoice.
    const used = new PdfPool({ size: 1 })
    try {
      await used.render(ijzer)
      expect(await pdfText(await used.render(jansen))).toContain('Jansen & Jonker')
    } finally {
      await used.close()
    }
  })
})
