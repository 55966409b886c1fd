import type { Payload, Where } from 'payload'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { visibleSums } from '../../src/db/visibleSums.js'
import { loadPortal } from '../../src/portal/context.js'
import { loadDashboard } from '../../src/portal/dashboard.js'
import { line, openInvoice, passwords } from '../helpers/fixtures.js'
import { startTestApp, type TestApp } from '../helpers/payload.js'

let app: TestApp
let payload: Payload

beforeAll(async () => {
  app = await startTestApp()
  payload = app.payload
})
afterAll(async () => {
  await app?.stop()
})

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)

describe('dashboard sums, added up by the database under the contact’s read access', () => {
  it('a contact’s balance and overdue amount cover exactly its own client’s payable invoices, per currency; staff see every client’s', async () => {
    const mine = await payload.create({ collection: 'clients', data: { currency: 'EUR', name: 'Sums Mine BV', timezone: 'Pacific/Kiritimati' } })
    const theirs = await payload.create({ collection: 'clients', data: { currency: 'EUR', name: 'Sums Theirs BV' } })
    await payload.create({ collection: 'contacts', data: { client: mine.id, email: 'sums@mine.test', name: 'Mine', password: passwords.contact } })
    const { user: contact } = await payload.login({ collection: 'contacts', data: { email: 'sums@mine.test', password: passwords.contact } })

    const overdue = await openInvoice(payload, mine.id, { dueDate: day(-3), issueDate: day(-33), lineItems: [line(10000)] })
    const upcoming = await openInvoice(payload, mine.id, { dueDate: day(20), issueDate: day(-10), lineItems: [line(5000, '2')] })
    await openInvoice(payload, mine.id, { currency: 'USD', dueDate: day(-1), issueDate: day(-30), lineItems: [line(2000, '1', '0')] })
    const partly = await openInvoice(payload, mine.id, { dueDate: day(40), issueDate: day(-1), lineItems: [line(3000)] })
    await payload.create({ collection: 'payments', data: { allocations: [{ amount: 1000, invoice: partly.id }], amount: 1000, client: mine.id, currency: 'EUR', status: 'succeeded' } })
    const settled = await openInvoice(payload, mine.id, { dueDate: day(-60), issueDate: day(-90), lineItems: [line(700)] })
    await payload.create({ collection: 'payments', data: { allocations: [{ amount: 847, invoice: settled.id }], amount: 847, client: mine.id, currency: 'EUR', status: 'succeeded' } })
    await payload.create({ collection: 'invoices', data: { client: mine.id, dueDate: day(-5), lineItems: [line(99999)] } }) // a draft
    await openInvoice(payload, theirs.id, { dueDate: day(-3), lineItems: [line(77777)] })

    const payable: Where = { status: { in: ['open', 'partially_paid'] } }
    const sums = (user: unknown, where: Where = payable) => visibleSums({ collection: 'invoices', fields: ['amountDue', 'total'], groupBy: 'currency', payload, user: user as never, where })
    // 12100 (overdue) + 12100 (upcoming) + 3630 − 1000 (partly paid) in EUR; the USD one alone.
    expect(await sums(contact)).toEqual([
      { amountDue: 12100 + 12100 + 2630, group: 'EUR', total: 12100 + 12100 + 3630 },
      { amountDue: 2000, group: 'USD', total: 2000 },
    ])

    const portal = await loadPortal(app.config)
    const client = { currency: 'EUR', id: mine.id, timezone: 'Pacific/Kiritimati' }
    const dashboard = await loadDashboard(portal, contact as never, client, 'Pacific/Kiritimati')
    expect(dashboard.balance).toEqual([{ amountDue: 26830, group: 'EUR' }, { amountDue: 2000, group: 'USD' }])
    expect(dashboard.overdue).toEqual([{ amountDue: 12100, group: 'EUR' }, { amountDue: 2000, group: 'USD' }])
    expect(dashboard.next?.id).toBe(upcoming.id)
    expect(dashboard.activity.every((event) => event.client === mine.id)).toBe(true)
    expect(overdue.status).toBe('open')

    const staff = await payload.create({ collection: 'users', data: { email: 'sums-staff@host.test', password: passwords.staff } })
    const all = await sums({ ...staff, collection: 'users' } as never)
    expect(all.find((row) => row.group === 'EUR')?.amountDue).toBe(26830 + 94110)
    // Someone with no access gets nothing, not everything.
    expect(await visibleSums({ collection: 'invoices', fields: ['amountDue'], groupBy: 'currency', payload, user: null as never, where: payable })).toEqual([])
  })
})
