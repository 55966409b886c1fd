import { expect, test } from '@playwright/test'

import { demoLogins, nextMail, portalSignIn, seededInvoices } from './portal-helpers.js'

test('a contact pays an invoice at the provider’s checkout and, back in the portal, sees it paid by the webhook', async ({ page }) => {
  const invoice = (await seededInvoices())['Translation (pages)'] // Tanaka KK, JP¥50,820 due (English, so the yen is written JP¥)
  await portalSignIn(page, demoLogins.tanakaBilling)
  await page.goto(`/portal/invoices/${invoice.id}`)
  await expect(page.getByTestId('invoice-amount-due')).toHaveText('JP¥50,820')
  await page.getByRole('button', { name: /^Pay JP¥50,820 with / }).click()

  // Stripe's hosted page (the fake on its own origin): the portal has recorded the attempt and left.
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/checkout\/cs_test_\w+$/)
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Fake Stripe Checkout')
  await page.getByRole('button', { name: 'Pay with card' }).click()

  // Back on the return page, which shows the recorded payment; the signed webhook made it succeed.
  await expect(page).toHaveURL(/\/portal\/payments\/\d+$/)
  await expect(page.getByTestId('payment-outcome')).toContainText('Payment received', { timeout: 20_000 })
  await page.getByRole('link', { name: invoice.number! }).click()
  await expect(page.getByTestId('invoice-amount-due')).toHaveText('JP¥0')
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Paid')
  await expect(page.getByRole('button', { name: /^Pay / })).toHaveCount(0)

  const receipt = await nextMail(demoLogins.tanakaBilling.email)
  expect(receipt.subject).toMatch(/^Payment received: (JP)?¥50,820 /)
  expect(receipt.attachments.map((attachment) => attachment.mimeType)).toEqual(['application/pdf'])
})
