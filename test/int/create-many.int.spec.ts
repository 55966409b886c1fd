import type { Payload } from 'payload'

import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { validations } from 'payload/shared'

import { createMany } from '../../src/db/createMany.js'
import { validatorOf } from '../../src/db/validateFields.js'
import { inTransaction } from '../../src/db/transaction.js'
import { startTestApp, type TestApp } from '../helpers/payload.js'

let app: TestApp
let payload: Payload
let sql: pg.Client
let clientId: number | string

beforeAll(async () => {
  app = await startTestApp()
  payload = app.payload
  sql = new pg.Client({ connectionString: (payload.db as unknown as { poolOptions: { connectionString: string } }).poolOptions.connectionString })
  await sql.connect()
  clientId = (await payload.create({ collection: 'clients', data: { currency: 'EUR', name: 'Bulk BV' } })).id
})
afterAll(async () => {
  await sql?.end()
  await app?.stop()
})

const invoice = (externalId: string, overrides: Record<string, unknown> = {}) => ({
  client: clientId,
  dueDate: '2026-12-31',
  externalId,
  issueDate: '2026-11-21',
  lineItems: [
    { description: 'Consulting', quantity: '2.50', taxRate: '21.0', unitAmount: 5001 },
    { description: 'Travel', quantity: '1', taxRate: '9', unitAmount: 1234 },
  ],
  notes: 'Thanks',
  source: 'erp',
  status: 'open',
  ...overrides,
})

/** An invoice as stored: its row, lines, tax breakdown and audit entries, without what differs per document. */
async function stored(id: number | string) {
  const strip = ({ _parent_id, created_at: _created, external_id: _external, id: _id, number: _number, updated_at: _updated, ...rest }: Record<string, unknown>) => rest
  const query = async (text: string) => (await sql.query(text, [id])).rows.map(strip)
  return {
    audit: (await query('SELECT type, client_id, contact_id, actor, ip, user_agent, details - \'number\' AS details FROM portal_events WHERE invoice_id = $1 ORDER BY id')),
    breakdown: await query('SELECT * FROM invoices_tax_breakdown WHERE _parent_id = $1 ORDER BY _order'),
    lines: await query('SELECT * FROM invoices_line_items WHERE _parent_id = $1 ORDER BY _order'),
    row: (await query('SELECT * FROM invoices WHERE id = $1'))[0],
  }
}

describe('createMany', () => {
  it('stores invoices exactly as payload.create does: rules, derived totals, numbers, lines and the audit hook', async () => {
    const one = await payload.create({ collection: 'invoices', data: invoice('ONE') as never, depth: 0 })
    const [two, three] = await inTransaction(payload, (req) => createMany(req, 'invoices', [invoice('TWO'), invoice('THREE', { status: 'draft' })]))
    const expected = await stored(one.id)
    expect(expected.row).toMatchObject({ amount_due: '16474', status: 'open', total: '16474' })
    expect(expected.lines).toHaveLength(2)
    expect(expected.audit).toHaveLength(1)
    expect(await stored(two.id)).toEqual(expected)
    // Issued numbers follow on from payload.create's; a draft gets none.
    const numbers = (await sql.query('SELECT id, number FROM invoices ORDER BY id')).rows
    expect(numbers.map((row) => row.number)).toEqual([one.number, expect.any(String), null])
    expect(Number(String(numbers[1].number).slice(-5))).toBe(Number(String(one.number).slice(-5)) + 1)
    expect(two).toMatchObject({ id: numbers[1].id, number: numbers[1].number, total: 16474 })
    expect(three).toMatchObject({ number: null, status: 'draft' })
    // Array rows are read back by Payload as its own.
    const read = await payload.findByID({ collection: 'invoices', depth: 0, id: two.id })
    expect((read.lineItems as Array<{ amount: number; description: string; quantity: string }>).map((line) => [line.description, line.quantity, line.amount])).toEqual([
      ['Consulting', '2.5', 12503],
      ['Travel', '1', 1234],
    ])
    expect(read.taxBreakdown).toHaveLength(2)
  })

  it('refuses a batch with one document that breaks a rule, as payload.create would, and writes nothing', async () => {
    const before = (await sql.query('SELECT (SELECT count(*) FROM invoices) AS invoices, (SELECT count(*) FROM portal_events) AS audit, (SELECT max(value) FROM invoice_portal_sequences) AS counter')).rows[0]
    const tooHigh = invoice('BAD-TAX', { lineItems: [{ description: 'x', quantity: '1', taxRate: '101', unitAmount: 100 }] })
    await expect(inTransaction(payload, (req) => createMany(req, 'invoices', [invoice('OK-1'), tooHigh]))).rejects.toThrow('Line Items 1 > Tax Rate')
    const dueBeforeIssue = invoice('BAD-DUE', { dueDate: '2026-01-01' })
    await expect(inTransaction(payload, (req) => createMany(req, 'invoices', [invoice('OK-2'), dueBeforeIssue]))).rejects.toThrow('The due date (2026-01-01) is before the issue date (2026-11-21).')
    await expect(inTransaction(payload, (req) => createMany(req, 'invoices', [invoice('NO-CLIENT', { client: undefined })]))).rejects.toThrow(/client/i)
    const after = (await sql.query('SELECT (SELECT count(*) FROM invoices) AS invoices, (SELECT count(*) FROM portal_events) AS audit, (SELECT max(value) FROM invoice_portal_sequences) AS counter')).rows[0]
    expect(after).toEqual(before)
  })

  it('names the same fields with the same messages as payload.create when fields are invalid', async () => {
    const broken = invoice('BROKEN', {
      lineItems: [
        { description: '', quantity: '1', taxRate: '21', unitAmount: 100 },
        { description: 'Fine', quantity: '1', taxRate: '21', unitAmount: 100 },
        { description: '', quantity: '1', taxRate: '9', unitAmount: 100 },
      ],
    })
    const errorsOf = async (work: () => Promise<unknown>) => {
      try {
        await work()
      } catch (error) {
        return (error as { data?: { errors?: unknown[] } }).data?.errors
      }
      throw new Error('expected a ValidationError')
    }
    const single = await errorsOf(() => payload.create({ collection: 'invoices', data: broken as never }))
    const bulk = await errorsOf(() => inTransaction(payload, (req) => createMany(req, 'invoices', [broken])))
    expect(single).toEqual([
      { label: 'Line Items 1 > Description', message: 'This field is required.', path: 'lineItems.0.description' },
      { label: 'Line Items 3 > Description', message: 'This field is required.', path: 'lineItems.2.description' },
    ])
    expect(bulk).toEqual(single)
  })

  it("calls a field type's default validator itself, and a field's own validator as given", () => {
    const field = (name: string) => payload.collections.invoices.config.flattenedFields.find((candidate) => 'name' in candidate && candidate.name === name) as Parameters<typeof validatorOf>[0]
    expect(validatorOf(field('notes'))).toBe(validations.textarea)
    expect(validatorOf(field('status'))).toBe(validations.select)
    expect(validatorOf(field('subtotal'))).toBe(field('subtotal').validate)
  })

  it('writes a collection it cannot store itself with payload.create, document by document', async () => {
    // Contacts sign in (hashed passwords, sessions): createMany leaves them to payload.create.
    const created = await inTransaction(payload, (req) =>
      createMany(req, 'contacts', [
        { client: clientId, email: 'a@bulk.test', name: 'A', password: 'a-long-password-1' },
        { client: clientId, email: 'b@bulk.test', name: 'B', password: 'a-long-password-2' },
      ]),
    )
    expect(created.map((contact) => contact.email)).toEqual(['a@bulk.test', 'b@bulk.test'])
    const rows = (await sql.query("SELECT email, hash IS NOT NULL AS hashed FROM contacts WHERE email LIKE '%@bulk.test' ORDER BY email")).rows
    expect(rows).toEqual([
      { email: 'a@bulk.test', hashed: true },
      { email: 'b@bulk.test', hashed: true },
    ])
  })
})
