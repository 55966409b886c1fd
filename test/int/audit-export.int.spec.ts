import type { Payload } from 'payload'

import { createLocalReq } from 'payload'
import { stringify } from 'qs-esm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createMany } from '../../src/db/createMany.js'
import { csvCell } from '../../src/endpoints/auditExport.js'
import { passwords } from '../helpers/fixtures.js'
import { startStaffApp } from '../helpers/payload.js'

let app: Awaited<ReturnType<typeof startStaffApp>>
let payload: Payload
const ids: Record<'alpha' | 'beta' | 'contactA' | 'contactB' | 'invoiceA', number | string> = {} as never

/** RFC 4180: quoted cells with doubled quotes and line breaks inside. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  const endCell = () => {
    row.push(cell)
    cell = ''
  }
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]
    if (quoted && char === '"' && text[index + 1] === '"') {
      cell += '"'
      index += 1
    } else if (char === '"') {
      quoted = !quoted
    } else if (quoted) {
      cell += char
    } else if (char === ',') {
      endCell()
    } else if (char === '\r' && text[index + 1] === '\n') {
      endCell()
      rows.push(row)
      row = []
      index += 1
    } else {
      cell += char
    }
  }
  if (cell || row.length) {
    endCell()
    rows.push(row)
  }
  return rows
}

const exportCsv = async (where?: Record<string, unknown>, token = app.staffToken) => {
  const answer = await app.http.rest('GET', `/api/invoice-portal/audit-export.csv${where ? `?${stringify({ where })}` : ''}`, { token })
  return { ...answer, rows: answer.status === 200 ? parseCsv(answer.text) : [] }
}

beforeAll(async () => {
  app = await startStaffApp()
  payload = app.payload
  ids.alpha = (await payload.create({ collection: 'clients', data: { currency: 'EUR', name: 'Alpha' } })).id
  ids.beta = (await payload.create({ collection: 'clients', data: { currency: 'EUR', name: 'Beta' } })).id
  ids.contactA = (await payload.create({ collection: 'contacts', data: { client: ids.alpha, email: 'a@alpha.test', name: 'A', password: passwords.contact } })).id
  ids.contactB = (await payload.create({ collection: 'contacts', data: { client: ids.beta, email: 'b@beta.test', name: 'B', password: passwords.contact } })).id
  ids.invoiceA = (await payload.create({ collection: 'invoices', data: { client: ids.alpha, lineItems: [{ description: 'Work', quantity: '1', taxRate: '21', unitAmount: 10000 }] } })).id
  // 2,400 events, so that an export spans several pages of its reads; alpha's and beta's interleaved.
  const events = Array.from({ length: 2400 }, (_, index) => {
    const alpha = index % 3 !== 0
    return {
      actor: 'system',
      client: alpha ? ids.alpha : ids.beta,
      contact: alpha ? ids.contactA : ids.contactB,
      details: { path: `/portal/invoices?page=${index}`, seq: index },
      invoice: alpha && index % 2 === 0 ? ids.invoiceA : undefined,
      type: index % 5 === 0 ? 'login' : 'page_viewed',
    }
  })
  await createMany(await createLocalReq({}, payload), 'portal-events', events)
  await createMany(await createLocalReq({}, payload), 'portal-events', [
    { client: ids.alpha, details: { email: '=HYPERLINK("http://evil.test","click")', reason: 'invalid' }, type: 'login_failed', userAgent: 'Agent, "quoted"\nsecond line' },
  ])
}, 120_000)
afterAll(async () => {
  await app?.stop()
})

describe('audit log export (CSV)', () => {
  it('exports every event the filter names, newest first, each once, across pages', async () => {
    const where = { client: { equals: ids.alpha } }
    const { rows, status } = await exportCsv(where)
    expect(status).toBe(200)
    expect(rows[0]).toEqual(['id', 'createdAt', 'type', 'client', 'contact', 'invoice', 'actor', 'ip', 'userAgent', 'details'])
    const body = rows.slice(1)
    const { totalDocs } = await payload.count({ collection: 'portal-events', where })
    expect(totalDocs).toBeGreaterThan(1600)
    expect(body).toHaveLength(totalDocs)
    expect(new Set(body.map((row) => row[0])).size).toBe(totalDocs)
    expect(body.every((row) => row[3] === String(ids.alpha))).toBe(true)
    const numericIds = body.map((row) => Number(row[0]))
    expect(numericIds).toEqual([...numericIds].sort((a, b) => b - a))
  })

  it('filters by type, contact, invoice and date as the admin list does', async () => {
    const byType = (await exportCsv({ type: { equals: 'login' } })).rows.slice(1)
    expect(byType).toHaveLength((await payload.count({ collection: 'portal-events', where: { type: { equals: 'login' } } })).totalDocs)
    expect(new Set(byType.map((row) => row[2]))).toEqual(new Set(['login']))
    const byContact = (await exportCsv({ contact: { equals: ids.contactB } })).rows.slice(1)
    expect(byContact.length).toBe(800)
    expect(byContact.every((row) => row[4] === String(ids.contactB))).toBe(true)
    const byInvoice = (await exportCsv({ and: [{ invoice: { equals: ids.invoiceA } }, { type: { equals: 'page_viewed' } }] })).rows.slice(1)
    expect(byInvoice.length).toBe((await payload.count({ collection: 'portal-events', where: { and: [{ invoice: { equals: ids.invoiceA } }, { type: { equals: 'page_viewed' } }] } })).totalDocs)
    expect(byInvoice.every((row) => row[5] === String(ids.invoiceA) && row[2] === 'page_viewed')).toBe(true)
    expect((await exportCsv({ createdAt: { greater_than: new Date(Date.now() + 60_000).toISOString() } })).rows).toHaveLength(1)
    expect((await exportCsv({ createdAt: { less_than: new Date(Date.now() + 60_000).toISOString() } })).rows.length).toBeGreaterThan(2400)
  })

  it('writes what strangers typed as text: quotes, commas and line breaks kept, formulas defused', async () => {
    const [header, row] = (await exportCsv({ type: { equals: 'login_failed' } })).rows
    const cell = (name: string) => row[header.indexOf(name)]
    expect(cell('userAgent')).toBe('Agent, "quoted"\nsecond line')
    expect(JSON.parse(cell('details'))).toEqual({ email: '=HYPERLINK("http://evil.test","click")', reason: 'invalid' })
    expect(csvCell('=SUM(A1:A9)')).toBe("'=SUM(A1:A9)")
    expect(csvCell('+31 20 123')).toBe("'+31 20 123")
    expect(csvCell('-1')).toBe("'-1")
    expect(csvCell('@cmd')).toBe("'@cmd")
    expect(csvCell('plain')).toBe('plain')
    expect(csvCell(null)).toBe('')
  })

  it('is for staff only: a contact gets 403, nobody 401, and a bad filter 400, each with a message', async () => {
    const contactToken = await app.http.login('contacts', 'a@alpha.test', passwords.contact)
    const asContact = await exportCsv(undefined, contactToken)
    expect(asContact.status).toBe(403)
    expect(asContact.body.errors[0].message).toBe('Only staff can export the audit log.')
    expect((await exportCsv(undefined, '')).status).toBe(401)
    const bad = await exportCsv({ nosuchfield: { equals: 1 } })
    expect(bad.status).toBe(400)
    expect(bad.body.errors[0].message).toMatch(/The filter is not valid/)
  })
})
