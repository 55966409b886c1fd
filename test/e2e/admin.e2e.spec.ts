import { expect, type Page, test } from '@playwright/test'

import { demoLogins } from '../../dev/seed.js'
import { sql } from './portal-helpers.js'

/**
 * The partially paid Acme invoice of the demo data, worked out by hand (DESIGN.md §3 rounding: each
 * rate's tax is rounded half away from zero to the cent):
 *   Workshop day  2 × 1500.00 = 3000.00 at 21% → tax 630.00
 *   Course book  10 ×   39.95 =  399.50 at  9% → tax 35.955 → 35.96
 */
const expected = {
  subtotal: 300000 + 39950,
  taxTotal: 63000 + 3596,
  total: 339950 + 66596,
  amountPaid: 150000,
  amountCredited: 0,
  amountDue: 406546 - 150000,
}

const readOnlyValue = (page: Page, id: string) => page.locator(`#${id}`)

// Payload renders form fields only once they scroll into view; a tall window shows the whole invoice.
test.use({ viewport: { height: 3000, width: 1280 } })

test('staff sees the computed totals of a partially paid invoice in the admin', async ({ page }) => {
  await page.goto('/admin')
  await expect(page).toHaveURL(/\/admin\/login/)
  await page.locator('#field-email').fill(demoLogins.staff.email)
  await page.locator('#field-password').fill(demoLogins.staff.password)
  await page.locator('button[type="submit"]').click()
  await expect(page).toHaveURL(/\/admin$/)

  await page.goto('/admin/collections/invoices')
  await expect(page.locator('table tbody tr')).toHaveCount(10)

  // The list, narrowed to the invoice that has a "Workshop day" line.
  await page.goto('/admin/collections/invoices?where[lineItems.description][equals]=Workshop%20day')
  const rows = page.locator('table tbody tr')
  await expect(rows).toHaveCount(1)
  await expect(rows.first()).toContainText('Acme BV')
  await expect(rows.first()).toContainText(/partially.paid/i)
  await rows.first().locator('a').first().click()
  await expect(page).toHaveURL(/\/admin\/collections\/invoices\/\d+/)

  await expect(page.locator('#field-lineItems__0__description')).toHaveValue('Workshop day')
  await expect(page.locator('#field-lineItems__1__description')).toHaveValue('Course book')

  for (const [field, amount] of Object.entries(expected)) {
    const input = readOnlyValue(page, `field-${field}`)
    await expect(input, field).toHaveValue(String(amount))
    await expect(input, `${field} is read-only`).toBeDisabled()
  }

  const breakdown = await Promise.all(
    [0, 1].map(async (row) => ({
      base: await readOnlyValue(page, `field-taxBreakdown__${row}__base`).inputValue(),
      rate: await readOnlyValue(page, `field-taxBreakdown__${row}__rate`).inputValue(),
      tax: await readOnlyValue(page, `field-taxBreakdown__${row}__tax`).inputValue(),
    })),
  )
  expect(breakdown).toEqual(
    expect.arrayContaining([
      { base: '300000', rate: '21', tax: '63000' },
      { base: '39950', rate: '9', tax: '3596' },
    ]),
  )

  // The same amounts as staff read them, in the invoice's currency.
  const summary = page.getByTestId('invoice-totals-summary')
  await expect(summary.getByTestId('summary-subtotal')).toHaveText('€3,399.50')
  await expect(summary.getByTestId('summary-taxTotal')).toHaveText('€665.96')
  await expect(summary.getByTestId('summary-total')).toHaveText('€4,065.46')
  await expect(summary.getByTestId('summary-amountPaid')).toHaveText('€1,500.00')
  await expect(summary.getByTestId('summary-amountDue')).toHaveText('€2,565.46')

  await page.screenshot({ fullPage: true, path: 'test-results/admin-invoice-totals.png' })

  // An issued invoice's lines are locked: saving a changed line is refused with the reason, and nothing changes.
  await page.locator('#field-lineItems__1__quantity').fill('11')
  await page.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByText(/can't be changed once issued\. Issue a credit note/).first()).toBeVisible()
  await page.reload()
  await expect(page.locator('#field-lineItems__1__quantity')).toHaveValue('10')
  await expect(page.locator('#field-total')).toHaveValue(String(expected.total))
})

test('staff filters the audit log by type and exports what the list shows as CSV', async ({ page }) => {
  await page.goto('/admin/login')
  await page.locator('#field-email').fill(demoLogins.staff.email)
  await page.locator('#field-password').fill(demoLogins.staff.password)
  await page.locator('button[type="submit"]').click()
  await expect(page).toHaveURL(/\/admin$/)
  // A filter of the list's own (as its filter controls write it into the URL): the demo's invoice status changes only.
  await page.goto('/admin/collections/portal-events?where[or][0][and][0][type][equals]=invoice_status_changed')
  await expect(page.locator('table tbody tr').first()).toBeVisible()
  const shown = await page.locator('table tbody tr').count()
  expect(shown).toBeGreaterThan(0)
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export').getByRole('link', { name: 'Export CSV' }).click()])
  expect(download.suggestedFilename()).toMatch(/^audit-log-[\d-]+\.csv$/)
  const lines = (await download.createReadStream().then(async (stream) => {
    const chunks: Buffer[] = []
    for await (const chunk of stream) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  })).trim().split('\r\n')
  expect(lines[0]).toBe('id,createdAt,type,client,contact,invoice,actor,ip,userAgent,details')
  const types = lines.slice(1).map((line) => line.split(',')[2])
  expect(types.length).toBeGreaterThanOrEqual(shown)
  expect(new Set(types)).toEqual(new Set(['invoice_status_changed']))
})

test('staff store a webhook secret in the settings: sealed in the database, and no page or answer shows it again', async ({ page }) => {
  const secret = `erp-e2e-secret-${Date.now()}`
  const answers: string[] = []
  page.on('response', async (response) => {
    if (response.request().resourceType() === 'image') return
    answers.push(await response.text().catch(() => ''))
  })
  await page.goto('/admin/login')
  await page.locator('#field-email').fill(demoLogins.staff.email)
  await page.locator('#field-password').fill(demoLogins.staff.password)
  await page.locator('button[type="submit"]').click()
  await expect(page).toHaveURL(/\/admin$/)
  await page.goto('/admin/globals/invoice-portal-settings')
  await page.locator('#field-erpWebhookSecret').fill(secret)
  await page.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByText(/updated successfully/i).first()).toBeVisible()
  const stored = (await sql<{ sealed: string }>('select sealed_secrets::text as sealed from invoice_portal_settings')).rows[0].sealed
  expect(stored).toMatch(/"erpWebhookSecret": "v1\.[0-9a-f]{12}\./)
  expect(stored).not.toContain(secret)

  // Typed into the form it was in this page's own request; from here on nothing may carry it.
  answers.length = 0
  await page.reload()
  await expect(page.locator('#field-erpWebhookSecret')).toHaveValue('')
  await expect(page.locator('#field-secretsStatus__erpWebhookSecret__keyId')).toHaveValue(/^[0-9a-f]{12}$/)
  expect(await page.content()).not.toContain(secret)
  expect(answers.length).toBeGreaterThan(0)
  for (const answer of answers) {
    expect(answer).not.toContain(secret)
    expect(answer).not.toContain(stored.match(/v1\.[^"]+/)![0])
  }
})
