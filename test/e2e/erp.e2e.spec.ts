import { expect, test } from '@playwright/test'

import { type ErpEventType, sendErpEvent } from '../../src/exports/erp.js'
import { demoLogins, magicLinkIn, nextMail, sql } from './portal-helpers.js'

/** The dev app's ERP secret when ERP_WEBHOOK_SECRET is not set (dev/config.ts). */
const devErpSecret = 'erp-dev-secret-change-me'

test.describe('an invoice pushed by the ERP', () => {
  test.use({ locale: 'en-GB' })
  const pushed = (run: number, type: ErpEventType, data: Record<string, unknown>) => ({ data, id: `evt_e2e_${type}_${run}`, occurredAt: new Date().toISOString(), type })
  /** An `invoice.upserted` of one line for the client the ERP knows as `client`. */
  const pushedInvoice = (run: number, client: string, externalId: string, line: { description: string; quantity: string; unitAmount: number }, extra: Record<string, unknown>) =>
    pushed(run, 'invoice.upserted', {
      client: { externalId: client },
      currency: 'EUR',
      dueDate: '2027-01-31',
      externalId,
      issueDate: '2026-11-21',
      lineItems: [{ ...line, taxRate: '21' }],
      version: 1,
      ...extra,
    })

  test('is e-mailed to the billing contact, whose link signs in straight to it', async ({ baseURL, page }) => {
    const run = Date.now()
    const email = `erp-buyer-${run}@e2e.test`
    const url = `${baseURL}/api/invoice-portal/erp/webhook`
    const client = { email: `ap-${run}@e2e.test`, externalId: `E2E-C-${run}`, locale: 'en', name: `Pushed Client ${run}` }
    const event = (type: ErpEventType, data: Record<string, unknown>) => pushed(run, type, data)

    // Sent with the package's own ERP-side helper, over HTTP to the running app.
    const contact = await sendErpEvent({ event: event('contact.upserted', { client, email, externalId: `E2E-P-${run}`, name: 'Erin Pushed', version: 1 }), secret: devErpSecret, url })
    expect(contact).toMatchObject({ ok: true, status: 200 })
    const number = `ERP-E2E-${run}`
    const invoice = await sendErpEvent({
      event: pushedInvoice(run, client.externalId, `E2E-INV-${run}`, { description: 'Pushed consulting', quantity: '3', unitAmount: 12500 }, { number, status: 'open' }),
      secret: devErpSecret,
      url,
    })
    expect(invoice).toMatchObject({ body: { duplicate: false, received: true }, status: 200 })
    const refused = await sendErpEvent({ event: event('invoice.upserted', { externalId: 'x' }), secret: 'not-the-dev-secret-000', url })
    expect(refused).toMatchObject({ body: { error: 'The signature does not match the body with any active secret.' }, ok: false, status: 400 })

    const mail = await nextMail(email)
    expect(mail.subject).toBe(`New invoice ${number} from Example Billing`)
    expect(mail.attachments.map((attachment) => attachment.filename)).toEqual([`${number}.pdf`])
    const { rows } = await sql<{ id: number }>('SELECT id FROM invoices WHERE number = $1', [number])
    const link = magicLinkIn(mail)
    expect(new URL(link.url).searchParams.get('next')).toBe(`/portal/invoices/${rows[0].id}`)

    await page.goto(link.url)
    await page.getByRole('button', { name: `Sign in as ${email}` }).click()
    await expect(page).toHaveURL(new RegExp(`/portal/invoices/${rows[0].id}$`))
    await expect(page.getByRole('heading', { level: 1 })).toContainText(number)
    await expect(page.locator('main')).toContainText('Pushed consulting')
    await expect(page.locator('main')).toContainText('€453.75')
    await expect(page.locator('header')).toContainText('Erin Pushed')
  })

  test('as a draft is issued and sent by staff with the Send button, once', async ({ baseURL, page }) => {
    const run = Date.now()
    const email = `erp-draft-${run}@e2e.test`
    const url = `${baseURL}/api/invoice-portal/erp/webhook`
    const client = { externalId: `E2E-D-${run}`, locale: 'en', name: `Draft Client ${run}` }
    await sendErpEvent({ event: pushed(run, 'contact.upserted', { client, email, externalId: `E2E-DP-${run}`, name: 'Dana Draft', version: 1 }), secret: devErpSecret, url })
    await sendErpEvent({
      event: pushedInvoice(run, client.externalId, `E2E-DINV-${run}`, { description: 'Draft work', quantity: '1', unitAmount: 10000 }, { status: 'draft' }),
      secret: devErpSecret,
      url,
    })
    await expect.poll(async () => (await sql('SELECT id FROM invoices WHERE external_id = $1', [`E2E-DINV-${run}`])).rows.length).toBe(1)
    const { rows } = await sql<{ id: number }>('SELECT id FROM invoices WHERE external_id = $1', [`E2E-DINV-${run}`])

    await page.goto('/admin/login')
    await page.locator('#field-email').fill(demoLogins.staff.email)
    await page.locator('#field-password').fill(demoLogins.staff.password)
    await page.locator('button[type="submit"]').click()
    await expect(page).toHaveURL(/\/admin$/)
    await page.goto(`/admin/collections/invoices/${rows[0].id}`)
    await page.getByRole('button', { name: 'Issue and send to client' }).click()
    await expect(page.getByRole('status').filter({ hasText: 'is issued and being e-mailed' })).toBeVisible()
    const mail = await nextMail(email)
    expect(mail.subject).toMatch(/^New invoice INV-\d{4}-\d{5} from Example Billing$/)
    // The e-mail leaves inside the transaction that records `sentAt`; the page shows it once committed.
    await expect.poll(async () => (await sql('SELECT sent_at FROM invoices WHERE id = $1', [rows[0].id])).rows[0].sent_at).not.toBeNull()
    await page.reload()
    await expect(page.getByTestId('invoice-sent')).toHaveText(/^Sent to the client on \d{4}-\d{2}-\d{2}\.$/)
    await expect(page.getByRole('button', { name: /send to client/i })).toHaveCount(0)
  })
})
