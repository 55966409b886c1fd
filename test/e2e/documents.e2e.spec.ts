import { expect, type Page, test } from '@playwright/test'
import { execFileSync } from 'node:child_process'
import { readFile } from 'node:fs/promises'

import { pdfPages, pdfText } from '../helpers/pdf.js'
import { adminSignIn, demoLogins, portalSignIn, seededInvoices, sql } from './portal-helpers.js'

/** Clicks what starts a download and returns the saved file's bytes and suggested name. */
async function download(page: Page, start: () => Promise<unknown>, testInfo: { outputPath: (name: string) => string }) {
  const [file] = await Promise.all([page.waitForEvent('download'), start()])
  const path = testInfo.outputPath(file.suggestedFilename())
  await file.saveAs(path)
  return { bytes: new Uint8Array(await readFile(path)), name: file.suggestedFilename(), path }
}

test('a contact downloads an invoice PDF that shows what the portal shows', async ({ page }, testInfo) => {
  const invoice = (await seededInvoices())['Workshop day']
  await portalSignIn(page, demoLogins.acmeBilling)
  await page.goto(`/portal/invoices/${invoice.id}`)
  const shownDue = (await page.getByTestId('invoice-amount-due').textContent())!.replace(/\s+/g, ' ')
  const pdf = await download(page, () => page.getByRole('link', { name: 'Download pdf' }).click(), testInfo)
  expect(pdf.name).toBe(`${invoice.number}.pdf`)
  expect(Buffer.from(pdf.bytes.subarray(0, 5)).toString()).toBe('%PDF-')
  const text = await pdfText(pdf.bytes)
  expect(text).toContain(`Factuur ${invoice.number}`)
  expect(text).toContain('Workshop day')
  expect(text).toContain('Course book')
  expect(text).toContain(shownDue)
  // The audit write follows the response.
  await expect
    .poll(async () => (await sql('SELECT count(*)::int AS n FROM portal_events WHERE type = $1 AND invoice_id = $2', ['pdf_downloaded', invoice.id])).rows[0].n)
    .toBeGreaterThan(0)
})

test('a contact selects two invoices and gets exactly those in one ZIP', async ({ page }, testInfo) => {
  const invoices = await seededInvoices()
  const chosen = [invoices['Workshop day'], invoices['Discovery sprint']]
  await portalSignIn(page, demoLogins.acmeBilling)
  await page.goto('/portal/invoices')
  for (const invoice of chosen) await page.getByRole('checkbox', { name: `Selecteer ${invoice.number}` }).check()
  const zip = await download(page, () => page.getByRole('button', { name: 'Download selectie (zip)' }).click(), testInfo)
  expect(zip.name).toMatch(/^invoices-\d{4}-\d{2}-\d{2}\.zip$/)
  const entries = execFileSync('unzip', ['-Z1', zip.path]).toString().trim().split('\n').sort()
  expect(entries).toEqual(chosen.map((invoice) => `${invoice.number}.pdf`).sort())
})

test('submitting the ZIP form with nothing ticked explains what to do', async ({ page }) => {
  await portalSignIn(page, demoLogins.acmeBilling)
  await page.goto('/portal/invoices?status=paid')
  await page.getByRole('button', { name: 'Download selectie (zip)' }).click()
  await expect(page).toHaveURL(/\/portal\/invoices\?.*status=paid.*zip=none/)
  // The portal's own alert; Next's route announcer is an (empty) alert too.
  await expect(page.locator('main').getByRole('alert')).toHaveText('Selecteer een of meer facturen om te downloaden.')
})

test('a contact downloads a statement for a period and a payment receipt', async ({ page }, testInfo) => {
  await portalSignIn(page, demoLogins.acmeBilling)
  await page.getByRole('link', { name: 'Rekeningoverzicht' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Rekeningoverzicht')
  const year = new Date().getUTCFullYear()
  await page.getByLabel('Van').fill(`${year - 1}-01-01`)
  await page.getByLabel('Tot en met').fill(`${year + 1}-12-31`)
  await page.screenshot({ fullPage: true, path: 'test-results/screenshots/portal-statement.png' })
  const statement = await download(page, () => page.getByRole('button', { name: 'Download overzicht (pdf)' }).click(), testInfo)
  const pages = await pdfPages(statement.bytes)
  expect(pages[0]).toContain('Rekeningoverzicht')
  expect(pages.join(' ')).toContain('Eindsaldo')
  expect(pages.join(' ')).toContain('Acme')

  await page.goto('/portal/payments')
  const receipt = await download(page, () => page.getByRole('link', { name: 'Betalingsbewijs (pdf)' }).first().click(), testInfo)
  expect(receipt.name).toMatch(/^receipt-P-\d+\.pdf$/)
  expect(await pdfText(receipt.bytes)).toContain('Betalingsbewijs')
})

test('a contact cannot download another client’s invoice PDF by changing the id', async ({ page }) => {
  const globex = Object.values(await seededInvoices()).find((invoice) => invoice.client.startsWith('Globex') && invoice.number)!
  await portalSignIn(page, demoLogins.acmeBilling)
  const response = await page.request.get(`/portal/api/invoices/${globex.id}/pdf`)
  expect(response.status()).toBe(404)
  expect(response.headers()['content-type']).not.toContain('application/pdf')
})

test('staff open and download an invoice PDF from the admin', async ({ page }, testInfo) => {
  const invoice = (await seededInvoices())['Workshop day']
  await adminSignIn(page, demoLogins.staff)
  await page.goto(`/admin/collections/invoices/${invoice.id}`)
  const buttons = page.getByTestId('pdf-download')
  await expect(buttons.getByRole('link', { name: 'Download PDF' })).toBeVisible()
  const href = await buttons.getByRole('link', { name: 'Open PDF' }).getAttribute('href')
  expect(href).toContain(`/api/invoice-portal/pdf/invoices/${invoice.id}`)
  const pdf = await download(page, () => buttons.getByRole('link', { name: 'Download PDF' }).click(), testInfo)
  expect(pdf.name).toBe(`${invoice.number}.pdf`)
  expect(await pdfText(pdf.bytes)).toContain(String(invoice.number))
  await page.screenshot({ path: 'test-results/screenshots/admin-invoice-pdf-buttons.png' })
})
