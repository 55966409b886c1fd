import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type TestApp, startTestApp } from '../helpers/payload.js'
import { passwords, seedTwoClients } from '../helpers/fixtures.js'
import { portalClient } from '../helpers/portal.js'

import { pdfText as textOf } from '../helpers/pdf.js'

describe('pdf smoke', () => {
  let app: TestApp
  let seeded: Awaited<ReturnType<typeof seedTwoClients>>
  beforeAll(async () => {
    app = await startTestApp()
    seeded = await seedTwoClients(app.payload)
  })
  afterAll(async () => app?.stop())

  it('downloads an invoice PDF through the portal', async () => {
    const portal = portalClient(app.config)
    const { cookie } = await portal.signIn('alpha@client.test', passwords.contact)
    const response = await portal.get(`invoices/${seeded.a.invoice.id}/pdf`, { cookie })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/pdf')
    const text = await textOf(response.bytes)
    expect(text).toContain(String(seeded.a.invoice.number))
    const other = await portal.get(`invoices/${seeded.b.invoice.id}/pdf`, { cookie })
    expect(other.status).toBe(404)
    const zip = await portal.post('zip', new URLSearchParams([['ids', String(seeded.a.invoice.id)]]), { cookie })
    expect(zip.status).toBe(200)
    expect(zip.headers.get('content-type')).toBe('application/zip')
    const statement = await portal.get(`statement?from=2026-01-01&to=2026-12-31`, { cookie })
    expect(statement.status).toBe(200)
    console.log((await textOf(statement.bytes)).slice(0, 600))
    const receipt = await portal.get(`payments/${seeded.a.payment.id}/receipt`, { cookie })
    expect(receipt.status).toBe(200)
    const credit = await portal.get(`credit-notes/${seeded.a.creditNote.id}/pdf`, { cookie })
    expect(credit.status).toBe(200)
    const again = await portal.get(`invoices/${seeded.a.invoice.id}/pdf`, { cookie })
    expect(Buffer.from(again.bytes).equals(Buffer.from(response.bytes))).toBe(true)
  })
})
