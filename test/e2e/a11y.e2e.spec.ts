import { AxeBuilder } from '@axe-core/playwright'
import { expect, type Page, test } from '@playwright/test'

import { demoLogins, portalSignIn, seededInvoices } from './portal-helpers.js'

/**
 * axe-core on every kind of portal page, as Alice (Dutch) sees them, at desktop and phone width.
 * Serious and critical violations fail the test; each is printed with its rule id and targets.
 */
async function seriousViolations(page: Page, name: string) {
  const { violations } = await new AxeBuilder({ page }).analyze()
  const serious = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
  const report = serious.map((violation) => ({
    help: violation.help,
    id: violation.id,
    impact: violation.impact,
    targets: violation.nodes.map((node) => node.target.join(' ')),
  }))
  if (report.length) console.log(`axe on ${name}:\n${JSON.stringify(report, null, 2)}`)
  return report
}

for (const [device, viewport] of [
  ['desktop', { height: 900, width: 1280 }],
  ['phone', { height: 780, width: 360 }],
] as const) {
  test.describe(`axe at ${device} width`, () => {
    test.use({ viewport })

    test('login page', async ({ page }) => {
      await page.goto('/portal/login')
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
      expect(await seriousViolations(page, 'login')).toEqual([])
    })

    const signedIn = [
      ['dashboard', async () => '/portal', 'Overzicht'],
      ['invoice list', async () => '/portal/invoices', 'Facturen'],
      ['invoice detail', async () => `/portal/invoices/${(await seededInvoices())['Workshop day'].id}`, 'Factuur INV-'],
      ['payments', async () => '/portal/payments', 'Betalingen'],
      ['documents', async () => '/portal/documents', 'Documenten'],
      ['statement', async () => '/portal/statement', 'Rekeningoverzicht'],
      ['profile', async () => '/portal/profile', 'Profiel'],
      ['two-factor settings', async () => '/portal/two-factor', 'Aanmelden in twee stappen'],
    ] as const
    for (const [name, path, heading] of signedIn) {
      test(name, async ({ page }) => {
        await portalSignIn(page, demoLogins.acmeBilling)
        await page.goto(await path())
        await expect(page.getByRole('heading', { level: 1 })).toContainText(heading)
        expect(await seriousViolations(page, `${name} (${device})`)).toEqual([])
      })
    }
  })
}
