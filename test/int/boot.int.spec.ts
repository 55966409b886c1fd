import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startTestApp, type TestApp } from '../helpers/payload.js'

let app: TestApp
beforeAll(async () => {
  app = await startTestApp()
})
afterAll(async () => app?.stop())

describe('boot', () => {
  it('creates an issued invoice with computed totals and a number', async () => {
    const client = await app.payload.create({ collection: 'clients', data: { name: 'A', currency: 'EUR' } })
    const invoice = await app.payload.create({
      collection: 'invoices',
      data: {
        client: client.id,
        dueDate: '2026-12-31',
        issueDate: '2026-11-01',
        lineItems: [{ description: 'x', quantity: '3', taxRate: '21', unitAmount: 333 }],
        status: 'open',
      },
    })
    expect(invoice).toMatchObject({ number: 'INV-2026-00001', subtotal: 999, taxTotal: 210, total: 1209, amountDue: 1209 })
  })
})
