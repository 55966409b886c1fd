import { afterAll, beforeAll, expect, it } from 'vitest'

import { line } from '../helpers/fixtures.js'
import { startTestApp, type TestApp } from '../helpers/payload.js'

/** A host that renames the plugin's collections still gets working relations, money rules and access. */
let app: TestApp
beforeAll(async () => {
  app = await startTestApp({
    plugin: {
      collections: {
        clients: { slug: 'accounts' },
        contacts: { slug: 'portal-users' },
        creditNotes: { slug: 'credits' },
        invoices: { slug: 'bills' },
        payments: { slug: 'receipts' },
        portalEvents: { slug: 'audit-log' },
        sequences: { slug: 'counters' },
      },
    },
  })
})
afterAll(async () => app?.stop())

it('relations, settlement, numbering, audit and contact access all follow the renamed slugs', async () => {
  const { payload } = app
  const account = await payload.create({ collection: 'accounts' as never, data: { name: 'Renamed' } as never })
  const other = await payload.create({ collection: 'accounts' as never, data: { name: 'Other' } as never })
  const bill = await payload.create({
    collection: 'bills' as never,
    data: { client: account.id, dueDate: '2026-12-31', lineItems: [line(10000)], status: 'open' } as never,
  })
  await payload.create({ collection: 'bills' as never, data: { client: other.id, dueDate: '2026-12-31', lineItems: [line(100)], status: 'open' } as never })
  expect(bill).toMatchObject({ number: 'INV-2026-00001', total: 12100 })
  await payload.create({
    collection: 'receipts' as never,
    data: { allocations: [{ amount: 2100, invoice: bill.id }], amount: 2100, client: account.id, currency: 'EUR', status: 'succeeded' } as never,
  })
  await payload.create({ collection: 'credits' as never, data: { amount: 1000, invoice: bill.id, status: 'issued' } as never })
  expect(await payload.findByID({ collection: 'bills' as never, id: bill.id })).toMatchObject({ amountCredited: 1000, amountDue: 9000, amountPaid: 2100, status: 'partially_paid' })
  const events = await payload.find({ collection: 'audit-log' as never, where: { invoice: { equals: bill.id } } })
  expect(events.totalDocs).toBeGreaterThanOrEqual(2)
  expect((await payload.find({ collection: 'counters' as never })).docs.length).toBeGreaterThan(0)

  const contact = await payload.create({
    collection: 'portal-users' as never,
    data: { client: account.id, email: 'renamed@client.test', name: 'R', password: 'renamed-password' } as never,
  })
  const visible = await payload.find({ collection: 'bills' as never, overrideAccess: false, user: { ...contact, collection: 'portal-users' } as never })
  expect(visible.docs.map((doc) => doc.id)).toEqual([bill.id])
})
