import type { Payload } from 'payload'

import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { line, openInvoice, passwords } from '../helpers/fixtures.js'
import { startTestApp, type TestApp } from '../helpers/payload.js'
import { pdfText } from '../helpers/pdf.js'
import { portalClient } from '../helpers/portal.js'

/**
 * ZIPs of invoice PDFs from the portal's invoice list: streamed for small selections, built by a job and
 * shared under Documents beyond `documents.zipJobThreshold`, refused beyond `zipMaxInvoices`. One app,
 * with threshold 2 and maximum 3, so one to two invoices stream, three are queued and four are too many;
 * one PDF worker, so a streamed ZIP of two renders the second PDF while the first is being written.
 */
const run = promisify(execFile)
let app: TestApp
let payload: Payload
let web: ReturnType<typeof portalClient>
let scratch: string
let staticDir: string

type Invoice = { id: number | string; number: string }
const fx = {} as {
  a: { client: { id: number | string }; contact: { id: number | string }; cookie: string; draft: { id: number | string }; open: Invoice[]; paid: Invoice[]; voided: Invoice }
  b: { client: { id: number | string }; contact: { id: number | string }; cookie: string; invoice: Invoice }
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'pdf-zip-test-'))
  staticDir = path.join(scratch, 'documents')
  app = await startTestApp({ plugin: { documents: { pdfWorkers: 1, staticDir, zipJobThreshold: 2, zipMaxInvoices: 3 } } })
  payload = app.payload
  web = portalClient(app.config)
  const tenant = async (name: string) => {
    const client = await payload.create({ collection: 'clients', data: { currency: 'EUR', name } })
    const email = `${name.toLowerCase().replace(/\W+/g, '-')}@client.test`
    const contact = await payload.create({ collection: 'contacts', data: { client: client.id, email, name: `${name} contact`, password: passwords.contact } })
    const { cookie } = await web.signIn(email, passwords.contact)
    return { client, contact, cookie: cookie! }
  }
  const number = async (doc: { id: number | string }): Promise<Invoice> => ({ id: doc.id, number: String((await payload.findByID({ collection: 'invoices', depth: 0, id: doc.id })).number) })
  const a = await tenant('Zip Alpha')
  const open = [await openInvoice(payload, a.client.id), await openInvoice(payload, a.client.id, { lineItems: [line(2500, '2', '9', 'Second')] })]
  const paid = [await openInvoice(payload, a.client.id, { lineItems: [line(1000, '1', '0')] }), await openInvoice(payload, a.client.id, { lineItems: [line(2000, '1', '0')] })]
  for (const invoice of paid) {
    const { total } = await payload.findByID({ collection: 'invoices', depth: 0, id: invoice.id })
    await payload.create({ collection: 'payments', data: { allocations: [{ amount: total, invoice: invoice.id }], amount: total, client: a.client.id, currency: 'EUR', status: 'succeeded' } })
  }
  const voided = await openInvoice(payload, a.client.id)
  await payload.update({ collection: 'invoices', data: { status: 'void' }, id: voided.id })
  const draft = await payload.create({ collection: 'invoices', data: { client: a.client.id, lineItems: [line(500)] } })
  const b = await tenant('Zip Beta')
  const invoice = await openInvoice(payload, b.client.id)
  fx.a = { ...a, draft, open: await Promise.all(open.map(number)), paid: await Promise.all(paid.map(number)), voided: await number(voided) }
  fx.b = { ...b, invoice: await number(invoice) }
  expect((await payload.findByID({ collection: 'invoices', depth: 0, id: paid[0].id })).status).toBe('paid')
})
afterAll(async () => {
  await app?.stop()
  if (scratch) await rm(scratch, { force: true, recursive: true })
})

const form = (entries: Array<[string, string]>) => new URLSearchParams(entries)
const ids = (...invoices: Invoice[]) => invoices.map((invoice): [string, string] => ['ids', String(invoice.id)])
const zipEvents = async () =>
  (await payload.find({ collection: 'portal-events', depth: 0, pagination: false, sort: 'createdAt', where: { type: { equals: 'zip_downloaded' } } })).docs as Array<Record<string, any>>

let zipCount = 0
/** Writes the bytes to a file and reads it back with the unzip CLI: entry names, and each entry's bytes. */
async function unzip(bytes: Uint8Array | string) {
  let file = bytes as string
  if (typeof bytes !== 'string') {
    zipCount += 1
    file = path.join(scratch, `download-${zipCount}.zip`)
    await writeFile(file, bytes)
  }
  await run('unzip', ['-tq', file]) // CRCs and structure; throws on a broken archive
  const names = (await run('unzip', ['-Z1', file])).stdout.split('\n').filter(Boolean)
  const entries = new Map<string, Buffer>()
  for (const name of names) {
    const { stdout } = await run('unzip', ['-p', file, name], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 })
    entries.set(name, stdout as unknown as Buffer)
  }
  return { entries, names }
}

/** Each entry is its invoice's PDF: a PDF whose text has the number, the very bytes of the single download. */
async function expectInvoiceEntries(entries: Map<string, Buffer>, invoices: Invoice[], cookie: string) {
  for (const invoice of invoices) {
    const pdf = entries.get(`${invoice.number}.pdf`)!
    expect(pdf.subarray(0, 5).toString('latin1'), invoice.number).toBe('%PDF-')
    expect(await pdfText(pdf), invoice.number).toContain(invoice.number)
    const single = await web.get(`invoices/${invoice.id}/pdf`, { cookie })
    expect(Buffer.from(single.bytes).equals(pdf), `${invoice.number}.pdf is the download's bytes`).toBe(true)
  }
}

const byNumber = (invoices: Invoice[]) => [...invoices].sort((x, y) => x.number.localeCompare(y.number)).map((invoice) => `${invoice.number}.pdf`)

describe('streamed ZIP', () => {
  it('holds exactly the ticked invoices, one PDF each, named by number, and is audited', async () => {
    const before = (await zipEvents()).length
    const [first, second] = fx.a.open
    const response = await web.post('zip', form(ids(second, first)), { cookie: fx.a.cookie })
    expect(response.status, response.body.slice(0, 200)).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/zip')
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="invoices-${new Date().toISOString().slice(0, 10)}.zip"`)
    // Streamed as it is built: no length is known up front.
    expect(response.headers.get('content-length')).toBeNull()
    const { entries, names } = await unzip(response.bytes)
    expect(names).toEqual(byNumber([first, second]))
    await expectInvoiceEntries(entries, [first, second], fx.a.cookie)
    const events = await zipEvents()
    expect(events).toHaveLength(before + 1)
    expect(events.at(-1)).toMatchObject({ client: fx.a.client.id, contact: fx.a.contact.id, details: { count: 2 } })
    expect(events.at(-1)!.details.invoices.map(String).sort()).toEqual([first.id, second.id].map(String).sort())
  })

  it('an invoice ticked twice is in the ZIP once', async () => {
    const [first, second] = fx.a.paid
    const response = await web.post('zip', form([...ids(first, second, first)]), { cookie: fx.a.cookie })
    expect(response.status).toBe(200)
    const { names } = await unzip(response.bytes)
    expect(names).toEqual(byNumber([first, second]))
  })

  it("with another client's invoice in the selection nothing is sent: 404 like a missing one, not a ZIP, not audited", async () => {
    const before = (await zipEvents()).length
    const missing = await web.post('zip', form([...ids(fx.a.open[0]), ['ids', '999999']]), { cookie: fx.a.cookie })
    for (const selection of [ids(fx.a.open[0], fx.b.invoice), ids(fx.b.invoice), ids(fx.a.open[0], fx.a.draft as Invoice)]) {
      const response = await web.post('zip', form(selection), { cookie: fx.a.cookie })
      expect(response.status).toBe(404)
      expect(response.headers.get('content-type')).not.toBe('application/zip')
      expect(response.body).toBe(missing.body)
      expect(Buffer.from(response.bytes.subarray(0, 2)).toString('latin1')).not.toBe('PK')
    }
    expect(missing.status).toBe(404)
    expect(await zipEvents()).toHaveLength(before)
  })

  it('an empty selection goes back to the invoice list, filters kept, with zip=none', async () => {
    const before = (await zipEvents()).length
    const bare = await web.post('zip', form([]), { cookie: fx.a.cookie })
    expect(bare.status).toBe(303)
    expect(bare.location).toBe('/portal/invoices?zip=none')
    const filtered = await web.post('zip', form([['status', 'open'], ['sort', 'number'], ['ids', 'not-an-id']]), { cookie: fx.a.cookie })
    expect(filtered.status).toBe(303)
    const location = new URL(filtered.location!, 'http://localhost')
    expect(location.pathname).toBe('/portal/invoices')
    expect(Object.fromEntries(location.searchParams)).toEqual({ sort: 'number', status: 'open', zip: 'none' })
    expect(await zipEvents()).toHaveLength(before)
  })

  it('scope=filter zips exactly the invoices the list filter matches', async () => {
    for (const [status, expected] of [
      ['paid', fx.a.paid],
      ['open', fx.a.open],
    ] as const) {
      const response = await web.post('zip', form([['scope', 'filter'], ['status', status], ...ids(fx.a.voided)]), { cookie: fx.a.cookie })
      expect(response.status, status).toBe(200)
      const { entries, names } = await unzip(response.bytes)
      expect(names, status).toEqual(byNumber(expected))
      await expectInvoiceEntries(entries, expected, fx.a.cookie)
    }
    const none = await web.post('zip', form([['scope', 'filter'], ['status', 'uncollectible']]), { cookie: fx.a.cookie })
    expect(none.status).toBe(303)
    expect(none.location).toBe('/portal/invoices?status=uncollectible&zip=none')
  })

  it('more than zipMaxInvoices is refused with zip=tooMany, before anything is checked or sent', async () => {
    const before = (await zipEvents()).length
    const response = await web.post('zip', form(ids(...fx.a.open, ...fx.a.paid)), { cookie: fx.a.cookie })
    expect(response.status).toBe(303)
    expect(response.location).toBe('/portal/invoices?zip=tooMany')
    const filtered = await web.post('zip', form([['scope', 'filter'], ['status', 'unpaid'], ['q', 'INV']]), { cookie: fx.a.cookie })
    // unpaid = the two open invoices: within the limit, streamed.
    expect(filtered.status).toBe(200)
    expect(await zipEvents()).toHaveLength(before + 1)
  })

  it('without a session the form goes to sign-in and comes back to the invoice list', async () => {
    const response = await web.post('zip', form(ids(fx.a.open[0])))
    expect(response.status).toBe(303)
    expect(response.location).toBe(`/portal/login?${new URLSearchParams({ next: '/portal/invoices' })}`)
  })
})

describe('ZIP job', () => {
  it('beyond zipJobThreshold a job builds the ZIP and shares it with the client under Documents', async () => {
    const selection = [fx.a.open[0], fx.a.paid[1], fx.a.open[1]]
    const documentsBefore = (await payload.find({ collection: 'documents', depth: 0, pagination: false, where: { client: { equals: fx.a.client.id } } })).docs
    expect(documentsBefore).toHaveLength(0)
    const response = await web.post('zip', form(ids(...selection)), { cookie: fx.a.cookie })
    expect(response.status).toBe(303)
    expect(response.location).toBe('/portal/documents?queued=3')
    expect((await zipEvents()).at(-1)).toMatchObject({ client: fx.a.client.id, contact: fx.a.contact.id, details: { count: 3, queued: true } })

    await payload.jobs.run({ queue: 'invoice-portal' })

    const { docs } = await payload.find({ collection: 'documents', depth: 0, pagination: false, where: { client: { equals: fx.a.client.id } } })
    expect(docs).toHaveLength(1)
    const document = docs[0] as Record<string, any>
    expect(document).toMatchObject({ client: fx.a.client.id, mimeType: 'application/zip', visibleToClient: true })
    expect(document.title).toBe(`Invoices (3), ${new Date().toISOString().slice(0, 10)}`)
    const file = path.join(staticDir, document.filename)
    const { entries, names } = await unzip(file)
    expect(names).toEqual(byNumber(selection))
    await expectInvoiceEntries(entries, selection, fx.a.cookie)

    // The contact downloads it from Documents; the other client's contact cannot.
    const download = await web.get(`documents/${document.id}`, { cookie: fx.a.cookie })
    expect(download.status).toBe(200)
    expect(download.headers.get('content-type')).toBe('application/zip')
    expect(Buffer.from(download.bytes).equals(await readFile(file))).toBe(true)
    const missing = await web.get('documents/999999', { cookie: fx.b.cookie })
    const foreign = await web.get(`documents/${document.id}`, { cookie: fx.b.cookie })
    expect(foreign.status).toBe(404)
    expect(foreign.body).toBe(missing.body)
    const events = (await payload.find({ collection: 'portal-events', depth: 0, pagination: false, where: { type: { equals: 'document_downloaded' } } })).docs
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ client: fx.a.client.id, contact: fx.a.contact.id, details: { document: document.id } })
  })
})
