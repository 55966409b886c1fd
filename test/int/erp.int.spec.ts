import type { Payload } from 'payload'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { applyErpEvents } from '../../src/erp/batch.js'
import { processWebhookEvent, storeWebhookEvent, WEBHOOK_TASK } from '../../src/payments/inbox.js'
import { afterResponseSettled } from '../../src/portal/afterResponse.js'
import { loadPortal } from '../../src/portal/context.js'
import { ERP_SECRET, erpEvent, erpInvoice, postErp } from '../helpers/erp.js'
import { passwords } from '../helpers/fixtures.js'
import { httpClient } from '../helpers/http.js'
import { startTestApp, type TestApp } from '../helpers/payload.js'

let app: TestApp
let payload: Payload

beforeAll(async () => {
  app = await startTestApp({ plugin: { erp: { webhookSecret: ['erp-retired-secret-000000', ERP_SECRET] } } })
  payload = app.payload
})
afterAll(async () => {
  await app?.stop()
})

const post = (event: unknown, options?: Parameters<typeof postErp>[2]) => postErp(app.config, event, options)
const erpInvoiceOf = async (externalId: string) => {
  const { docs } = await payload.find({ collection: 'invoices', depth: 0, where: { and: [{ source: { equals: 'erp' } }, { externalId: { equals: externalId } }] } })
  expect(docs.length).toBeLessThanOrEqual(1)
  return docs[0]
}
const inboxRow = async (eventId: string) =>
  (await payload.find({ collection: 'webhook-events', depth: 0, where: { and: [{ provider: { equals: 'erp' } }, { eventId: { equals: eventId } }] } })).docs[0]
/** The queued webhook job of each event (by its ERP event id), where one is still waiting. */
const queuedJobs = async (eventIds: string[]) => {
  const rows = (await payload.find({ collection: 'webhook-events', depth: 0, limit: 0, pagination: false, where: { eventId: { in: eventIds } } })).docs
  const { docs } = await payload.find({ collection: 'payload-jobs', depth: 0, limit: 0, pagination: false, where: { completedAt: { exists: false }, taskSlug: { equals: WEBHOOK_TASK } } })
  const waiting = new Set(docs.map((job) => String((job.input as { event: string }).event)))
  return rows.filter((row) => waiting.has(String(row.id))).map((row) => row.eventId as string)
}
const counts = async () => ({
  clients: (await payload.count({ collection: 'clients' })).totalDocs,
  contacts: (await payload.count({ collection: 'contacts' })).totalDocs,
  inbox: (await payload.count({ collection: 'webhook-events' })).totalDocs,
  invoices: (await payload.count({ collection: 'invoices' })).totalDocs,
})

describe('ERP webhook', () => {
  it('a push creates the client, its contact and the invoice, which the contact then sees', async () => {
    const contactPush = erpEvent('contact.upserted', {
      client: { currency: 'EUR', email: 'ap@erp-client.test', externalId: 'C-100', locale: 'nl', name: 'ERP Client BV', timezone: 'Europe/Amsterdam' },
      email: 'finance@erp-client.test',
      externalId: 'P-1',
      name: 'Fenna Finance',
      role: 'billing',
      version: 1,
    })
    expect(await post(contactPush)).toEqual({ body: { duplicate: false, received: true }, status: 200 })
    const invoicePush = erpEvent('invoice.upserted', erpInvoice('INV-ERP-1', 1, { notes: 'Thank you', number: 'ERP-2026-0001', paymentTerms: '30 days' }))
    expect((await post(invoicePush)).status).toBe(200)

    const client = (await payload.find({ collection: 'clients', where: { externalId: { equals: 'C-100' } } })).docs
    expect(client).toHaveLength(1)
    expect(client[0]).toMatchObject({ billingEmail: 'ap@erp-client.test', locale: 'nl', name: 'ERP Client BV', timezone: 'Europe/Amsterdam' })
    const contact = (await payload.find({ collection: 'contacts', depth: 0, where: { externalId: { equals: 'P-1' } } })).docs[0]
    expect(contact).toMatchObject({ client: client[0].id, email: 'finance@erp-client.test', name: 'Fenna Finance', role: 'billing' })
    const invoice = await erpInvoiceOf('INV-ERP-1')
    expect(invoice).toMatchObject({
      amountDue: 12100,
      client: client[0].id,
      externalVersion: 1,
      notes: 'Thank you',
      number: 'ERP-2026-0001',
      paymentTerms: '30 days',
      source: 'erp',
      status: 'open',
      subtotal: 10000,
      taxTotal: 2100,
      total: 12100,
    })
    expect(await inboxRow(invoicePush.id)).toMatchObject({ attempts: 1, status: 'processed', type: 'invoice.upserted' })

    // The contact signs in (after setting a password, as "forgot password" would) and sees it.
    await payload.update({ collection: 'contacts', data: { password: passwords.contact }, id: contact.id })
    const http = httpClient(app.config)
    const token = await http.login('contacts', 'finance@erp-client.test', passwords.contact)
    const seen = await http.rest('GET', '/api/invoices?depth=0', { token })
    expect(seen.status).toBe(200)
    expect(seen.body.docs.map((doc: { number: string }) => doc.number)).toEqual(['ERP-2026-0001'])
    // Internal fields stay staff-only.
    expect(seen.body.docs[0].externalId).toBeUndefined()
  })

  it('the same event delivered 10 times at once is stored once and makes one invoice', async () => {
    const push = erpEvent('invoice.upserted', erpInvoice('INV-ERP-10X', 1))
    const before = await counts()
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(push)))
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200))
    expect(answers.filter((answer) => answer.body.duplicate === false)).toHaveLength(1)
    const after = await counts()
    expect(after).toEqual({ ...before, inbox: before.inbox + 1, invoices: before.invoices + 1 })
    expect(await erpInvoiceOf('INV-ERP-10X')).toMatchObject({ status: 'open', total: 12100 })
  })

  it('deliveries arriving together are stored by one statement, each answered for itself', async () => {
    const portal = await loadPortal(app.config)
    const pushes = Array.from({ length: 30 }, (_, index) => erpEvent('client.upserted', { externalId: `C-GROUP-${index}`, name: `Group ${index}`, version: 1 }))
    const drizzle = (payload.db as unknown as { drizzle: { execute: (...args: unknown[]) => Promise<unknown> } }).drizzle
    const execute = drizzle.execute
    let statements = 0
    drizzle.execute = (...args) => ((statements += 1), execute.apply(drizzle, args))
    const deliver = (push: (typeof pushes)[number]) => storeWebhookEvent(portal, { payload } as never, { eventId: push.id, payload: JSON.stringify(push), provider: 'erp', type: push.type })
    let answers: Awaited<ReturnType<typeof deliver>>[]
    try {
      answers = await Promise.all([...pushes.map(deliver), deliver(pushes[7])])
      // The first goes at once; the others, and the repeat, wait for it and go together.
      expect(statements).toBe(2)
      expect(answers.slice(0, 30).every((answer) => answer.duplicate === false)).toBe(true)
      expect(new Set(answers.slice(0, 30).map((answer) => !answer.duplicate && answer.event)).size).toBe(30)
      expect(answers[30]).toEqual({ duplicate: true })
    } finally {
      drizzle.execute = execute
    }
    const { totalDocs } = await payload.count({ collection: 'webhook-events', where: { eventId: { in: pushes.map((push) => push.id) } } })
    expect(totalDocs).toBe(30)
    await applyErpEvents(portal, answers.flatMap((answer) => (answer.duplicate ? [] : [answer.event])))
    expect((await payload.count({ collection: 'clients', where: { externalId: { like: 'C-GROUP-' } } })).totalDocs).toBe(30)
  })

  it('a delivery the database refuses among others stored with it fails alone', async () => {
    const portal = await loadPortal(app.config)
    const pushes = Array.from({ length: 5 }, (_, index) => erpEvent('client.upserted', { externalId: `C-NUL-${index}`, name: `Nul ${index}`, version: 1 }))
    const deliver = (id: string, body: string) => storeWebhookEvent(portal, { payload } as never, { eventId: id, payload: body, provider: 'erp', type: 'client.upserted' })
    // jsonb holds no \u0000; JSON.parse took it.
    const answers = await Promise.allSettled([deliver('evt_first', JSON.stringify(erpEvent('client.upserted', { externalId: 'C-NUL-FIRST', name: 'First', version: 1 }))), ...pushes.map((push) => deliver(push.id, JSON.stringify(push))), deliver('evt_nul', '{"name":"a\\u0000b"}')])
    expect(answers.map((answer) => answer.status)).toEqual([...Array(6).fill('fulfilled'), 'rejected'])
    const { totalDocs } = await payload.count({ collection: 'webhook-events', where: { eventId: { in: [...pushes.map((push) => push.id), 'evt_first', 'evt_nul'] } } })
    expect(totalDocs).toBe(6)
    await applyErpEvents(portal, answers.flatMap((answer) => (answer.status === 'fulfilled' && !answer.value.duplicate ? [answer.value.event] : [])))
    expect((await payload.count({ collection: 'clients', where: { externalId: { like: 'C-NUL-' } } })).totalDocs).toBe(6)
  })

  it('different events about one new invoice at once still make one invoice, at the newest version', async () => {
    const pushes = [3, 1, 2, 5, 4].map((version) => erpEvent('invoice.upserted', erpInvoice('INV-ERP-RACE', version, { notes: `v${version}` })))
    const answers = await Promise.all(pushes.map((push) => post(push)))
    expect(answers.map((answer) => answer.status)).toEqual(Array(5).fill(200))
    expect(await erpInvoiceOf('INV-ERP-RACE')).toMatchObject({ externalVersion: 5, notes: 'v5' })
  })

  it('an older version after a newer one changes nothing and is still answered 200', async () => {
    expect((await post(erpEvent('invoice.upserted', erpInvoice('INV-ERP-V', 2, { dueDate: '2027-01-31', notes: 'second' })))).status).toBe(200)
    const older = erpEvent('invoice.upserted', erpInvoice('INV-ERP-V', 1, { dueDate: '2026-12-15', notes: 'first' }))
    expect((await post(older)).status).toBe(200)
    expect(await erpInvoiceOf('INV-ERP-V')).toMatchObject({ dueDate: '2027-01-31T12:00:00.000Z', externalVersion: 2, notes: 'second' })
    expect(await inboxRow(older.id)).toMatchObject({ status: 'processed' })
    // The same version again is no newer either.
    await post(erpEvent('invoice.upserted', erpInvoice('INV-ERP-V', 2, { notes: 'replayed' })))
    expect(await erpInvoiceOf('INV-ERP-V')).toMatchObject({ notes: 'second' })
  })

  it('bad signatures, stale timestamps, missing headers, bad JSON, unknown types and wrong fields are 400s that write nothing but the audit entry', async () => {
    const good = erpEvent('invoice.upserted', erpInvoice('INV-ERP-BAD', 1))
    const cases: Array<[string, Parameters<typeof postErp>[2] & { event?: unknown }, RegExp]> = [
      ['wrong secret', { secret: 'not-the-secret-at-all-000' }, /does not match/],
      ['old timestamp', { timestamp: Math.floor(Date.now() / 1000) - 301 }, /more than 300 seconds/],
      ['missing header', { headers: { 'Content-Type': 'application/json' } }, /X-Invoice-Portal-Signature header is missing/],
      ['garbled header', { headers: { 'X-Invoice-Portal-Signature': 'sha256=abc' } }, /must read t=<unix seconds>,v1=/],
      ['invalid JSON', { body: '{"id": "evt_x", ' }, /not valid JSON/],
      ['unknown type', { event: { ...good, type: 'invoice.deleted' } }, /body\.type must be one of/],
      // Valid JSON that PostgreSQL can't store: refused, not failed (and retried) forever.
      ['NUL character', { event: erpEvent('invoice.upserted', erpInvoice('INV-ERP-BAD', 1, { notes: 'a\u0000b' })) }, /NUL character \(\\u0000\), which cannot be stored/],
    ]
    const before = await counts()
    const rejectedBefore = (await payload.count({ collection: 'portal-events', where: { type: { equals: 'webhook_rejected' } } })).totalDocs
    for (const [name, options, message] of cases) {
      const answer = await post(options.event ?? good, options)
      expect(answer.status, name).toBe(400)
      expect(answer.body.error, name).toMatch(message)
    }
    // Wrong field types: every bad field is named.
    const wrong = erpEvent('invoice.upserted', {
      ...erpInvoice('INV-ERP-BAD', 1),
      currency: 'EURO',
      dueDate: '2026-02-30',
      lineItems: [{ description: 'x', quantity: 'two', taxRate: '21', unitAmount: 10.5 }],
      status: 'paid-ish',
      version: '1',
    })
    const answer = await post(wrong)
    expect(answer.status).toBe(400)
    expect(answer.body.problems).toEqual([
      'data.currency must be at most 3 characters',
      'data.dueDate must be a calendar date YYYY-MM-DD',
      'data.lineItems[0].quantity must be a decimal number, e.g. "1.5"',
      'data.lineItems[0].unitAmount must be an integer amount in minor units',
      'data.status must be one of "draft", "open", "paid", "void"',
      'data.version must be an integer version that grows with every change in the ERP',
    ])
    const missing = await post(erpEvent('contact.upserted', { externalId: 'P-9', version: 1, extra: true }))
    expect(missing.body.problems).toEqual(['data.client is required', 'data.email is required', 'data.name is required', 'data.extra is not a known field'])

    expect(await counts()).toEqual(before)
    const rejected = await payload.find({ collection: 'portal-events', limit: 100, sort: '-createdAt', where: { type: { equals: 'webhook_rejected' } } })
    expect(rejected.totalDocs - rejectedBefore).toBe(cases.length + 2)
    expect(rejected.docs[0].details).toMatchObject({ provider: 'erp', reason: expect.stringMatching(/data\.client is required/) })
  })

  it('a push of 1,000 invoices in a burst leaves each present exactly once', async () => {
    const pushes = Array.from({ length: 1000 }, (_, index) => erpEvent('invoice.upserted', erpInvoice(`INV-BURST-${index}`, 1, { client: { externalId: `C-BURST-${index % 7}`, name: `Burst ${index % 7}` } })))
    const answers = await Promise.all(pushes.map((push) => post(push)))
    expect(answers.every((answer) => answer.status === 200)).toBe(true)
    const { docs } = await payload.find({ collection: 'invoices', depth: 0, limit: 0, pagination: false, select: { externalId: true, status: true }, where: { externalId: { like: 'INV-BURST-' } } })
    expect(docs).toHaveLength(1000)
    expect(new Set(docs.map((doc) => doc.externalId)).size).toBe(1000)
    expect(docs.every((doc) => doc.status === 'open')).toBe(true)
    expect((await payload.count({ collection: 'clients', where: { externalId: { like: 'C-BURST-' } } })).totalDocs).toBe(7)
    expect((await payload.count({ collection: 'webhook-events', where: { and: [{ provider: { equals: 'erp' } }, { status: { not_equals: 'processed' } }] } })).totalDocs).toBe(0)
    // Applied straight after their answers, so their queued jobs were ended with them.
    expect(await queuedJobs(pushes.map((push) => push.id))).toEqual([])
  })

  it('a worker that read a job before the push was applied without it still claims it, finds the work done and does not crash', async () => {
    const portal = await loadPortal(app.config)
    const push = erpEvent('client.upserted', { externalId: 'C-RACE', name: 'Race BV', version: 1 })
    const stored = await storeWebhookEvent(portal, { payload } as never, { eventId: push.id, payload: JSON.stringify(push), provider: 'erp', type: push.type })
    if (stored.duplicate) throw new Error('stored as a duplicate')
    // Payload's runJobs reads the waiting jobs, then claims each by id: the push is applied between the two.
    const read = await payload.db.find({ collection: 'payload-jobs', limit: 0, pagination: false, where: { and: [{ id: { equals: stored.job } }, { completedAt: { exists: false } }, { processing: { equals: false } }] } })
    expect(read.docs).toHaveLength(1)
    await processWebhookEvent(portal, stored.event, stored.job)
    const claimed = await payload.db.updateJobs({ data: { processing: true }, id: stored.job, req: {} as never, returning: true })
    expect(claimed?.map((job) => String(job.id))).toEqual([String(stored.job)])
    expect(await processWebhookEvent(portal, stored.event)).toBe('already_processed')
    // Ended: the next read finds nothing to run for it.
    expect(await queuedJobs([push.id])).toEqual([])
    expect((await payload.count({ collection: 'clients', where: { externalId: { equals: 'C-RACE' } } })).totalDocs).toBe(1)
  })

  it('jobs ended by an applied push are cleared once they are old, a bounded number at a time', async () => {
    const portal = await loadPortal(app.config)
    const jobsTable = `"${(payload.db as unknown as { tableNameMap: Map<string, string> }).tableNameMap.get('payload_jobs')}"`
    const drizzle = (payload.db as unknown as { drizzle: { execute: (query: string) => Promise<{ rows: Array<Record<string, unknown>> }> } }).drizzle
    const endedCount = async () => Number((await drizzle.execute(`select count(*) as n from ${jobsTable} where task_slug = '${WEBHOOK_TASK}' and completed_at is not null`)).rows[0].n)
    const endOne = async (id: string) => {
      const push = erpEvent('client.upserted', { externalId: `C-OLD-${id}`, name: `Old ${id}`, version: 1 })
      const stored = await storeWebhookEvent(portal, { payload } as never, { eventId: push.id, payload: JSON.stringify(push), provider: 'erp', type: push.type })
      if (stored.duplicate) throw new Error('stored as a duplicate')
      await processWebhookEvent(portal, stored.event, stored.job)
      return stored.job
    }
    for (let index = 0; index < 150; index += 1) await endOne(`a${index}`)
    const recent = await endOne('recent')
    const before = await endedCount()
    expect(before).toBeGreaterThanOrEqual(151)
    // Everything but the most recent one ended 11 minutes ago; the clearing keeps a job 10.
    await drizzle.execute(`update ${jobsTable} set completed_at = now() - interval '11 minutes' where task_slug = '${WEBHOOK_TASK}' and completed_at is not null and id <> ${Number(recent)}`)
    await endOne('next-1')
    // One call clears at most 100 of them (twice the jobs it ends, at least 100), the oldest first.
    expect(await endedCount()).toBe(before + 1 - 100)
    await endOne('next-2')
    expect(await endedCount()).toBe(before + 2 - 200)
    // The one ended a moment ago stays: a worker may still be about to claim it.
    const left = (await drizzle.execute(`select id from ${jobsTable} where task_slug = '${WEBHOOK_TASK}' and completed_at > now() - interval '10 minutes'`)).rows.map((row) => String(row.id))
    expect(left).toContain(String(recent))
    expect(left).toHaveLength(3)
  })

  it('the collections’ rules hold: an issued invoice’s lines are not rewritten; the event fails with the rule’s message', async () => {
    const first = erpEvent('invoice.upserted', erpInvoice('INV-ERP-LOCK', 1))
    await post(first)
    const changed = erpEvent('invoice.upserted', erpInvoice('INV-ERP-LOCK', 2, { lineItems: [{ description: 'Consulting', quantity: '3', taxRate: '21', unitAmount: 5000 }] }))
    expect((await post(changed)).status).toBe(200)
    expect(await inboxRow(changed.id)).toMatchObject({ lastError: expect.stringMatching(/can't be changed once issued\. Issue a credit note/), status: 'failed' })
    // A failed event keeps its job, which retries it; the applied one's job is gone.
    expect(await queuedJobs([first.id, changed.id])).toEqual([changed.id])
    expect(await erpInvoiceOf('INV-ERP-LOCK')).toMatchObject({ externalVersion: 1, total: 12100 })
    // The same lines with a later due date are an allowed change.
    await post(erpEvent('invoice.upserted', erpInvoice('INV-ERP-LOCK', 3, { dueDate: '2027-02-01' })))
    expect(await erpInvoiceOf('INV-ERP-LOCK')).toMatchObject({ dueDate: '2027-02-01T12:00:00.000Z', externalVersion: 3 })
  })

  it('drafts stay hidden until issued; "paid" becomes a payment; voiding follows the status rules', async () => {
    await post(erpEvent('invoice.upserted', erpInvoice('INV-ERP-DRAFT', 1, { status: 'draft' })))
    expect(await erpInvoiceOf('INV-ERP-DRAFT')).toMatchObject({ number: null, status: 'draft' })
    await post(erpEvent('invoice.upserted', erpInvoice('INV-ERP-DRAFT', 2, { lineItems: [{ description: 'Less', quantity: '1', taxRate: '21', unitAmount: 1000 }], status: 'open' })))
    expect(await erpInvoiceOf('INV-ERP-DRAFT')).toMatchObject({ number: expect.stringMatching(/^INV-\d{4}-\d{5}$/), status: 'open', total: 1210 })

    await post(erpEvent('invoice.upserted', erpInvoice('INV-ERP-PAID', 1, { status: 'paid' })))
    const paid = await erpInvoiceOf('INV-ERP-PAID')
    expect(paid).toMatchObject({ amountDue: 0, amountPaid: 12100, status: 'paid' })
    const payments = await payload.find({ collection: 'payments', where: { 'allocations.invoice': { equals: paid.id } } })
    expect(payments.docs).toMatchObject([{ amount: 12100, provider: 'erp', status: 'succeeded' }])
    // Pushed again as paid with a newer version: no second payment.
    await post(erpEvent('invoice.upserted', erpInvoice('INV-ERP-PAID', 2, { notes: 'again', status: 'paid' })))
    expect((await payload.count({ collection: 'payments', where: { 'allocations.invoice': { equals: paid.id } } })).totalDocs).toBe(1)

    const voidPaid = erpEvent('invoice.voided', { externalId: 'INV-ERP-PAID', version: 3 })
    await post(voidPaid)
    expect(await inboxRow(voidPaid.id)).toMatchObject({ lastError: expect.stringMatching(/^An invoice can't move from paid to void/), status: 'failed' })

    await post(erpEvent('invoice.voided', { externalId: 'INV-ERP-DRAFT', reason: 'Sent in error', version: 3 }))
    expect(await erpInvoiceOf('INV-ERP-DRAFT')).toMatchObject({ amountDue: 0, notes: 'Sent in error', status: 'void' })
  })

  it('an event about an invoice not pushed yet fails, and its retry succeeds once the invoice arrives', async () => {
    const early = erpEvent('credit_note.upserted', { amount: 2100, externalId: 'CN-ERP-1', invoice: { externalId: 'INV-ERP-LATE' }, reason: 'Discount', status: 'issued', version: 1 })
    expect((await post(early)).status).toBe(200)
    const row = await inboxRow(early.id)
    expect(row).toMatchObject({ lastError: 'No invoice with externalId "INV-ERP-LATE" has been pushed yet.', status: 'failed' })
    await post(erpEvent('invoice.upserted', erpInvoice('INV-ERP-LATE', 1)))
    await processWebhookEvent(await loadPortal(app.config), row.id)
    expect(await inboxRow(early.id)).toMatchObject({ attempts: 2, status: 'processed' })
    expect(await erpInvoiceOf('INV-ERP-LATE')).toMatchObject({ amountCredited: 2100, amountDue: 10000, status: 'open' })
  })

  it('payment.recorded settles its invoices once; the same payment with other amounts is refused', async () => {
    await post(erpEvent('invoice.upserted', erpInvoice('INV-ERP-PAY-A', 1)))
    await post(erpEvent('invoice.upserted', erpInvoice('INV-ERP-PAY-B', 1)))
    const payment = {
      allocations: [
        { amount: 12100, invoice: { externalId: 'INV-ERP-PAY-A' } },
        { amount: 5000, invoice: { externalId: 'INV-ERP-PAY-B' } },
      ],
      amount: 17100,
      currency: 'EUR',
      externalId: 'PAY-ERP-1',
      method: 'bank_transfer',
      paidAt: '2026-11-21T10:00:00Z',
      version: 1,
    }
    await post(erpEvent('payment.recorded', payment))
    expect(await erpInvoiceOf('INV-ERP-PAY-A')).toMatchObject({ amountDue: 0, status: 'paid' })
    expect(await erpInvoiceOf('INV-ERP-PAY-B')).toMatchObject({ amountDue: 7100, status: 'partially_paid' })
    await post(erpEvent('payment.recorded', { ...payment, version: 2 }))
    const changed = erpEvent('payment.recorded', { ...payment, allocations: [payment.allocations[0]], amount: 12100, version: 3 })
    await post(changed)
    expect(await inboxRow(changed.id)).toMatchObject({ lastError: expect.stringMatching(/can't change/), status: 'failed' })
    expect((await payload.count({ collection: 'payments', where: { and: [{ provider: { equals: 'erp' } }, { providerRef: { equals: 'PAY-ERP-1' } }] } })).totalDocs).toBe(1)
    expect(await erpInvoiceOf('INV-ERP-PAY-B')).toMatchObject({ amountDue: 7100, amountPaid: 5000 })

    const tooMuch = await post(erpEvent('payment.recorded', { ...payment, amount: 100, externalId: 'PAY-ERP-2' }))
    expect(tooMuch.status).toBe(400)
    expect(tooMuch.body.problems).toEqual(['data.allocations add up to 17100, more than data.amount (100)'])
  })

  it('client.upserted updates a known client by its external id; a contact staff made first is adopted by e-mail', async () => {
    await post(erpEvent('client.upserted', { address: { city: 'Łódź', country: 'PL' }, externalId: 'C-100', name: 'ERP Client BV (renamed)', taxId: 'PL123', version: 7 }))
    expect((await payload.find({ collection: 'clients', where: { externalId: { equals: 'C-100' } } })).docs[0]).toMatchObject({
      address: { city: 'Łódź', country: 'PL' },
      externalVersion: 7,
      name: 'ERP Client BV (renamed)',
      taxId: 'PL123',
    })
    const client = (await payload.find({ collection: 'clients', where: { externalId: { equals: 'C-100' } } })).docs[0]
    const staffMade = await payload.create({ collection: 'contacts', data: { client: client.id, email: 'staff-made@erp-client.test', name: 'Made By Staff', password: passwords.contact } })
    await post(erpEvent('contact.upserted', { client: { externalId: 'C-100' }, email: 'staff-made@erp-client.test', externalId: 'P-2', name: 'Known To ERP', role: 'viewer', version: 1 }))
    expect(await payload.findByID({ collection: 'contacts', id: staffMade.id })).toMatchObject({ externalId: 'P-2', name: 'Known To ERP', role: 'viewer' })

    // A contact of another client is not moved by a push that names its address (it would see that client's invoices).
    const other = await payload.create({ collection: 'clients', data: { name: 'Other BV' } })
    const otherContact = await payload.create({ collection: 'contacts', data: { client: other.id, email: 'someone@other.test', name: 'Someone', password: passwords.contact } })
    const grab = erpEvent('contact.upserted', { client: { externalId: 'C-100' }, email: 'Someone@Other.test', externalId: 'P-3', name: 'Grabbed', version: 1 })
    await post(grab)
    expect(await inboxRow(grab.id)).toMatchObject({ lastError: 'The e-mail address someone@other.test belongs to another contact of another client; a contact\'s address must be unique.', status: 'failed' })
    expect(await payload.findByID({ collection: 'contacts', depth: 0, id: otherContact.id })).toMatchObject({ client: other.id, name: 'Someone' })
  })

  it('a push with hundreds of bad lines names the first hundred problems', async () => {
    const lines = Array.from({ length: 300 }, () => ({ description: '', quantity: 'x', taxRate: '21', unitAmount: 1 }))
    const answer = await post(erpEvent('invoice.upserted', erpInvoice('INV-ERP-MANY', 1, { lineItems: lines })))
    expect(answer.status).toBe(400)
    expect(answer.body.problems).toHaveLength(101)
    expect(answer.body.problems!.at(-1)).toBe('… and 500 more')
  })
})

describe('ERP pushes applied together', () => {
  /** Stores pushes as the webhook does, without applying them, and returns their inbox ids. */
  const store = async (pushes: Array<ReturnType<typeof erpEvent>>) => {
    const portal = await loadPortal(app.config)
    const ids = []
    for (const push of pushes) {
      const stored = await storeWebhookEvent(portal, { payload } as never, { eventId: push.id, payload: JSON.stringify(push), provider: 'erp', type: push.type })
      if (stored.duplicate) throw new Error('stored twice')
      ids.push(stored.event)
    }
    return { ids, portal }
  }
  const apply = async (pushes: Array<ReturnType<typeof erpEvent>>) => {
    const { ids, portal } = await store(pushes)
    await applyErpEvents(portal, ids)
    await afterResponseSettled()
  }
  /** Issued numbers run 1, 2, 3… without a gap: a batch that failed gave its numbers back. */
  const expectNumbersWithoutGaps = async () => {
    const { docs } = await payload.find({ collection: 'invoices', depth: 0, pagination: false, select: { number: true }, where: { number: { like: 'INV-' } } })
    const counters = docs.map((doc) => Number(String(doc.number).slice(-5))).sort((a, b) => a - b)
    expect(counters).toEqual(counters.map((_, index) => index + 1))
  }
  const client = { email: 'ap@batch.test', externalId: 'C-BATCH', name: 'Batch BV' }

  it('new invoices of known clients are written together; everything else one by one, in order, as single pushes would', async () => {
    await post(erpEvent('client.upserted', { ...client, version: 1 }))
    await post(erpEvent('invoice.upserted', erpInvoice('INV-B-OLD', 2, { client, notes: 'v2' })))
    const auditBefore = (await payload.count({ collection: 'portal-events', where: { type: { equals: 'invoice_status_changed' } } })).totalDocs
    const pushes = [
      erpEvent('invoice.upserted', erpInvoice('INV-B-1', 1, { client })),
      erpEvent('invoice.upserted', erpInvoice('INV-B-DRAFT', 1, { client, status: 'draft' })),
      erpEvent('invoice.upserted', erpInvoice('INV-B-NEWCLIENT', 1, { client: { externalId: 'C-BATCH-NEW', name: 'New BV' } })),
      erpEvent('invoice.upserted', erpInvoice('INV-B-OLD', 1, { client, notes: 'v1' })),
      erpEvent('invoice.upserted', erpInvoice('INV-B-TWICE', 1, { client, notes: 'first' })),
      erpEvent('invoice.upserted', erpInvoice('INV-B-TWICE', 2, { client, notes: 'second' })),
      erpEvent('invoice.voided', { externalId: 'INV-B-1', version: 2 }),
      erpEvent('invoice.upserted', erpInvoice('INV-B-MAILED', 1, { client })),
    ]
    await apply(pushes)

    for (const push of pushes) expect(await inboxRow(push.id), push.id).toMatchObject({ attempts: 1, lastError: null, status: 'processed' })
    expect(await erpInvoiceOf('INV-B-1')).toMatchObject({ amountDue: 0, externalVersion: 2, status: 'void', total: 12100 })
    expect(await erpInvoiceOf('INV-B-DRAFT')).toMatchObject({ number: null, status: 'draft' })
    expect(await erpInvoiceOf('INV-B-NEWCLIENT')).toMatchObject({ status: 'open' })
    expect((await payload.count({ collection: 'clients', where: { externalId: { equals: 'C-BATCH-NEW' } } })).totalDocs).toBe(1)
    expect(await erpInvoiceOf('INV-B-OLD')).toMatchObject({ externalVersion: 2, notes: 'v2' })
    expect(await erpInvoiceOf('INV-B-TWICE')).toMatchObject({ externalVersion: 2, notes: 'second' })
    // The new-invoice e-mail went once, to the client's billing address.
    expect(await erpInvoiceOf('INV-B-MAILED')).toMatchObject({ sentAt: expect.any(String) })
    expect((await payload.count({ collection: 'portal-events', where: { and: [{ type: { equals: 'invoice_sent' } }, { invoice: { equals: (await erpInvoiceOf('INV-B-MAILED')).id } }] } })).totalDocs).toBe(1)
    // Audited as single pushes are: issued (INV-B-1, NEWCLIENT, TWICE, MAILED), INV-B-1 voided, the draft created.
    const audit = await payload.find({ collection: 'portal-events', depth: 0, limit: 0, pagination: false, sort: 'id', where: { type: { equals: 'invoice_status_changed' } } })
    expect(audit.docs.slice(auditBefore).map((event) => (event.details as { to: string }).to).sort()).toEqual(['draft', 'open', 'open', 'open', 'open', 'void'])
    await expectNumbersWithoutGaps()
  })

  it('an ERP’s first sync: each new client is created by its first push, its other new invoices are written together', async () => {
    const newClients = ['C-SYNC-1', 'C-SYNC-2', 'C-SYNC-3'].map((externalId) => ({ externalId, name: `Sync ${externalId}` }))
    const pushes = Array.from({ length: 12 }, (_, index) => erpEvent('invoice.upserted', erpInvoice(`INV-SYNC-${index}`, 1, { client: newClients[index % 3] })))
    await apply(pushes)
    for (const push of pushes) expect(await inboxRow(push.id), push.id).toMatchObject({ attempts: 1, lastError: null, status: 'processed' })
    for (const { externalId } of newClients) expect((await payload.count({ collection: 'clients', where: { externalId: { equals: externalId } } })).totalDocs).toBe(1)
    const { docs } = await payload.find({ collection: 'invoices', depth: 0, pagination: false, where: { externalId: { like: 'INV-SYNC-' } } })
    expect(docs).toHaveLength(12)
    expect(docs.every((invoice) => invoice.status === 'open' && invoice.total === 12100)).toBe(true)
    // Three invoices came alone (with their clients); the other nine together, stamped with one time.
    const stamps = docs.map((invoice) => invoice.createdAt)
    expect(Math.max(...stamps.map((stamp) => stamps.filter((other) => other === stamp).length))).toBe(9)
    await expectNumbersWithoutGaps()
  })

  it('a batch with one invoice that breaks a rule is applied one by one: the others are created, that one fails with the rule’s message', async () => {
    const bad = erpEvent('invoice.upserted', erpInvoice('INV-R-BAD', 1, { client, dueDate: '2026-01-01' }))
    const good = [erpEvent('invoice.upserted', erpInvoice('INV-R-1', 1, { client })), erpEvent('invoice.upserted', erpInvoice('INV-R-2', 1, { client }))]
    await apply([good[0], bad, good[1]])
    expect(await erpInvoiceOf('INV-R-1')).toMatchObject({ status: 'open' })
    expect(await erpInvoiceOf('INV-R-2')).toMatchObject({ status: 'open' })
    expect(await erpInvoiceOf('INV-R-BAD')).toBeUndefined()
    expect(await inboxRow(bad.id)).toMatchObject({ attempts: 1, lastError: 'The due date (2026-01-01) is before the issue date (2026-11-20). (field: dueDate)', status: 'failed' })
    await expectNumbersWithoutGaps()
  })
})
