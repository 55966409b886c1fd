import { expect, type Locator, type Page, test } from '@playwright/test'

import {
  adminSignIn,
  demoLogins,
  magicLinkIn,
  nextMail,
  portalSignIn,
  seedDay,
  seededInvoices,
  sql,
  tokenHash,
} from './portal-helpers.js'

/**
 * The demo data (dev/seed.ts) as Alice of Acme BV sees it, worked out by hand (tax per rate on the sum of
 * that rate's lines, rounded half away from zero to the cent). Acme's portal is in Dutch (nl-NL amounts).
 *
 *   first line                   status          issued  due  total      due now
 *   Consulting, senior (hours)   open              -5    +25  1,938.98   1,890.63  (12.5 × 125.00 = 1,562.50 + 21% 328.13, travel 48.35 at 0%; credit note 48.35)
 *   Website hosting, annual      open, overdue    -45    -15    344.81     344.81  (240.00 + 3 × 14.99 = 284.97 + 21% 59.84; its 100.00 payment is still processing)
 *   Workshop day                 partially_paid   -20    +10  4,065.46   2,565.46  (3,000.00 + 21% 630.00, 399.50 + 9% 35.96; 1,500.00 paid)
 *   Discovery sprint             paid             -60    -30  5,808.00       0.00
 *   Duplicate of discovery …     void             -40    -10  5,808.00       0.00
 *   Legacy maintenance           uncollectible   -200   -170    580.80     580.80
 *   Support retainer (draft)     draft (never shown to a contact)
 *
 * Open balance = what is due on open and partially paid invoices: 1,890.63 + 344.81 + 2,565.46 = 4,800.90.
 */
const acme = {
  openBalance: '€ 4.800,90',
  overdue: '€ 344,81',
  partial: {
    amountDue: '€ 2.565,46',
    lines: [
      ['Workshop day', '2', '€ 1.500,00', '21%', '€ 3.000,00'],
      ['Course book', '10', '€ 39,95', '9%', '€ 399,50'],
    ],
    paid: '€ -1.500,00',
    subtotal: '€ 3.399,50',
    // Lowest rate first.
    taxRows: [
      ['Btw 9% (Grondslag € 399,50)', '€ 35,96'],
      ['Btw 21% (Grondslag € 3.000,00)', '€ 630,00'],
    ],
    total: '€ 4.065,46',
  },
}

const invoiceNumbersShown = (page: Page) => page.locator('table.responsive tbody td[data-label="Factuur"] a')
const filtersForm = (page: Page) => page.getByRole('form', { name: 'Filters' })

/** Submits the filter form and checks that the URL now carries `expected` and that a reload keeps list and form. */
async function applyFilters(page: Page, expected: Record<string, string>, numbers: string[]) {
  await filtersForm(page).getByRole('button', { name: 'Filters toepassen' }).click()
  await expect(page).toHaveURL((url) => url.pathname === '/portal/invoices' && Object.entries(expected).every(([key, value]) => url.searchParams.get(key) === value))
  await expect(invoiceNumbersShown(page)).toHaveText(numbers)
  await expect(page.getByText(numbers.length === 1 ? '1 factuur' : `${numbers.length} facturen`)).toBeVisible()

  const url = page.url()
  await page.reload()
  expect(page.url()).toBe(url)
  await expect(invoiceNumbersShown(page)).toHaveText(numbers)
  for (const [name, value] of Object.entries(expected)) {
    await expect(filtersForm(page).locator(`[name="${name}"]`), `filter ${name} after reload`).toHaveValue(value)
  }
}

async function clearFilters(page: Page, all: string[]) {
  await filtersForm(page).getByRole('link', { name: 'Wissen' }).click()
  await expect(page).toHaveURL(/\/portal\/invoices$/)
  await expect(invoiceNumbersShown(page)).toHaveText(all)
}

const cells = (row: Locator) => row.locator('th, td').allInnerTexts().then((texts) => texts.map((text) => text.replace(/\s+/g, ' ').trim()))

test('a contact signs in with a password, filters invoices by URL and reads a partially paid invoice', async ({ page }) => {
  const invoices = await seededInvoices()
  const number = (firstLine: string) => invoices[firstLine].number!
  const consulting = number('Consulting, senior (hours)')
  const hosting = number('Website hosting, annual')
  const workshop = number('Workshop day')
  const discovery = number('Discovery sprint')
  const duplicate = number('Duplicate of discovery sprint')
  const legacy = number('Legacy maintenance')
  // Newest issue date first (the default sort).
  const all = [consulting, workshop, duplicate, hosting, discovery, legacy]

  const stylesheets: Array<{ cacheControl?: string; status: number }> = []
  page.on('response', (response) => {
    if (new URL(response.url()).pathname === '/portal/api/styles.css') stylesheets.push({ cacheControl: response.headers()['cache-control'], status: response.status() })
  })
  await portalSignIn(page, demoLogins.acmeBilling)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Overzicht')
  await expect(page.locator('header')).toContainText('Alice Janssen')
  // The portal's stylesheet is served once under its version and cached; the page is styled by it.
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(249, 250, 251)')
  expect(stylesheets[0]).toEqual({ cacheControl: 'public, max-age=31536000, immutable', status: 200 })
  await expect(page.getByTestId('open-balance')).toHaveText(acme.openBalance)
  await expect(page.getByTestId('overdue-amount')).toHaveText(acme.overdue)
  // The balance links to exactly the invoices it adds up: open and partially paid ones.
  await page.getByRole('region', { name: 'Openstaand saldo' }).getByRole('link').click()
  await expect(page).toHaveURL(/\/portal\/invoices\?status=unpaid$/)
  await expect(invoiceNumbersShown(page)).toHaveText([consulting, workshop, hosting])
  await page.goto('/portal')

  await page.getByRole('navigation', { name: 'Portaal' }).getByRole('link', { name: 'Facturen' }).click()
  await expect(page).toHaveURL(/\/portal\/invoices$/)
  await expect(invoiceNumbersShown(page)).toHaveText(all)
  await expect(page.getByText('6 facturen')).toBeVisible()

  // Status: "Deels betaald" is only the Workshop day invoice.
  await filtersForm(page).getByLabel('Status').selectOption({ label: 'Deels betaald' })
  await applyFilters(page, { status: 'partially_paid' }, [workshop])
  await expect(page.locator('table.responsive tbody tr').first()).toContainText('Deels betaald')

  // Overdue is derived (open and past due), not a stored status.
  await filtersForm(page).getByLabel('Status').selectOption({ label: 'Achterstallig' })
  await applyFilters(page, { status: 'overdue' }, [hosting])
  await clearFilters(page, all)

  // Issue date from 50 to 10 days ago: issued 20, 40 and 45 days ago; not 5, 60 or 200 days ago.
  await filtersForm(page).getByLabel('Gefactureerd vanaf').fill(seedDay(-50))
  await filtersForm(page).getByLabel('Gefactureerd tot').fill(seedDay(-10))
  await applyFilters(page, { issueFrom: seedDay(-50), issueTo: seedDay(-10) }, [workshop, duplicate, hosting])
  await clearFilters(page, all)

  // Amount (the total, in euros) from 1,000 to 5,000: 1,938.98 and 4,065.46; not 344.81, 580.80 or 5,808.00.
  await filtersForm(page).getByLabel('Bedrag vanaf').fill('1000')
  await filtersForm(page).getByLabel('Bedrag tot').fill('5000')
  await applyFilters(page, { amountMax: '5000', amountMin: '1000' }, [consulting, workshop])

  // The bounds are inclusive, to the cent.
  await filtersForm(page).getByLabel('Bedrag vanaf').fill('344.81')
  await filtersForm(page).getByLabel('Bedrag tot').fill('580.80')
  await applyFilters(page, { amountMax: '580.80', amountMin: '344.81' }, [hosting, legacy])

  // Everything together, straight from a bookmarked URL.
  await page.goto(`/portal/invoices?status=partially_paid&issueFrom=${seedDay(-30)}&issueTo=${seedDay(0)}&amountMin=4000&amountMax=4100`)
  await expect(invoiceNumbersShown(page)).toHaveText([workshop])
  await page.goto(`/portal/invoices?status=open&amountMin=4000`)
  await expect(invoiceNumbersShown(page)).toHaveCount(0)
  await expect(page.getByText('Geen facturen gevonden met deze filters.')).toBeVisible()

  // The partially paid invoice: its totals and one row per tax rate.
  await page.goto('/portal/invoices?status=partially_paid')
  await invoiceNumbersShown(page).getByText(workshop, { exact: true }).click()
  await expect(page).toHaveURL(new RegExp(`/portal/invoices/${invoices['Workshop day'].id}$`))
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`Factuur ${workshop}`)
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Deels betaald')
  await expect(page.getByTestId('invoice-subtotal')).toHaveText(acme.partial.subtotal)
  await expect(page.getByTestId('invoice-total')).toHaveText(acme.partial.total)
  await expect(page.getByTestId('invoice-amount-due')).toHaveText(acme.partial.amountDue)

  const lines = page.getByRole('table', { name: 'Regels' }).locator('tbody tr')
  await expect(lines).toHaveCount(2)
  for (const [index, expected] of acme.partial.lines.entries()) expect(await cells(lines.nth(index))).toEqual(expected)

  const totals = page.getByRole('table', { name: 'Totaal' })
  const rows = await Promise.all((await totals.locator('tr').all()).map(cells))
  expect(rows).toEqual([
    ['Subtotaal', acme.partial.subtotal],
    ...acme.partial.taxRows,
    ['Totaal', acme.partial.total],
    ['Betaald', acme.partial.paid],
    ['Te betalen', acme.partial.amountDue],
  ])
  await expect(page.getByRole('button', { name: `Betaal ${acme.partial.amountDue} met Card, iDEAL, Bancontact or SEPA Direct Debit` })).toBeVisible()
})

test.describe('sign-in by magic link', () => {
  // Before sign-in the browser's language picks the portal's: English here.
  test.use({ locale: 'en-GB' })

  const requestLink = async (page: Page, email: string) => {
    await page.goto('/portal/login')
    const form = page.locator('form[action$="/api/magic-link"]')
    await form.getByLabel('E-mail address').fill(email)
    await form.getByRole('button', { name: 'E-mail me a sign-in link' }).click()
    await expect(page.getByRole('status')).toContainText(`If ${email} belongs to an account, a sign-in link is on its way.`)
    const mail = await nextMail(email)
    expect(mail.subject).toBe('Your sign-in link for Example Billing')
    const link = magicLinkIn(mail)
    // The link leads to the portal's public address (PORTAL_BASE_URL, the server the browser uses).
    expect(new URL(link.url).origin).toBe(new URL(page.url()).origin)
    return link
  }

  const expectLinkRefused = async (page: Page) => {
    await expect(page.locator('main').getByRole('alert')).toHaveText('This sign-in link has expired or has already been used.')
    await expect(page.getByRole('button', { name: /^Sign in as/ })).toHaveCount(0)
    await expect(page.getByRole('button', { name: 'E-mail me a sign-in link' })).toBeVisible()
  }

  test('the link from the e-mail signs Bob in once; used again it is refused', async ({ browser, page }) => {
    const bob = demoLogins.globexBilling.email
    const link = await requestLink(page, bob)

    await page.goto(link.url)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in with a link')
    await page.getByRole('button', { name: `Sign in as ${bob}` }).click()
    await expect(page).toHaveURL(/\/portal$/)
    // Globex's portal is in English, in US dollars: 24.69 due (a failed payment of 5.00 does not count).
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Overview')
    await expect(page.locator('header')).toContainText('Bob Smith')
    await expect(page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Invoices' })).toBeVisible()
    await expect(page.getByTestId('open-balance')).toHaveText('US$24.69')
    const { rows } = await sql<{ used: boolean }>('SELECT used_at IS NOT NULL AS used FROM invoice_portal_tokens WHERE token_hash = $1', [tokenHash(link.token)])
    expect(rows).toEqual([{ used: true }])

    // The same link in the same browser, and in another one (as whoever finds the e-mail later).
    await page.goto(link.url)
    await expectLinkRefused(page)
    const other = await browser.newPage({ locale: 'en-GB' })
    await other.goto(link.url)
    await expectLinkRefused(other)
    await other.close()
  })

  test('an expired link shows the same page and signs nobody in', async ({ page }) => {
    const yuki = demoLogins.tanakaBilling.email
    const link = await requestLink(page, yuki)
    const expired = await sql("UPDATE invoice_portal_tokens SET expires_at = now() - interval '1 minute' WHERE token_hash = $1", [tokenHash(link.token)])
    expect(expired.rowCount).toBe(1)

    await page.goto(link.url)
    await expectLinkRefused(page)
    await page.goto('/portal')
    await expect(page).toHaveURL(/\/portal\/login\?next=%2Fportal$/)
  })
})

test.describe('pay now is for billing contacts only', () => {
  for (const [who, login, canPay] of [
    ['a viewer (Victor)', demoLogins.acmeViewer, false],
    ['a billing contact (Alice)', demoLogins.acmeBilling, true],
  ] as const) {
    test(`${who} ${canPay ? 'sees' : 'does not see'} the pay button on an open invoice`, async ({ page }) => {
      const invoice = (await seededInvoices())['Consulting, senior (hours)']
      await portalSignIn(page, login)
      await page.goto(`/portal/invoices/${invoice.id}`)
      await expect(page.getByRole('heading', { level: 1 })).toContainText(`Factuur ${invoice.number}`)
      await expect(page.getByTestId('invoice-amount-due')).toHaveText('€ 1.890,63')
      await expect(page.getByRole('button', { name: /^Betaal € 1\.890,63 met / })).toHaveCount(canPay ? 1 : 0)
      await expect(page.getByRole('heading', { name: 'Deze factuur betalen' })).toHaveCount(canPay ? 1 : 0)
    })
  }
})

test('admin and portal sessions live side by side in one browser context', async ({ context }) => {
  const admin = await context.newPage()
  await adminSignIn(admin, demoLogins.staff)
  const portal = await context.newPage()
  await portalSignIn(portal, demoLogins.acmeBilling)

  const cookies = await context.cookies()
  const portalCookie = cookies.find((cookie) => cookie.name === 'invoice-portal-session')
  expect(portalCookie).toMatchObject({ httpOnly: true, path: '/portal', sameSite: 'Lax' })
  expect(cookies.find((cookie) => cookie.name === 'payload-token')).toBeTruthy()

  const expectAdminDashboard = async () => {
    await expect(admin).toHaveURL(/\/admin$/)
    await expect(admin.locator('.dashboard')).toBeVisible()
    await expect(admin.getByRole('link', { name: /Invoices/ }).first()).toBeVisible()
  }
  await admin.reload()
  await expectAdminDashboard()
  await portal.reload()
  await expect(portal).toHaveURL(/\/portal$/)
  await expect(portal.locator('header')).toContainText('Alice Janssen')

  await portal.getByRole('button', { name: 'Afmelden' }).click()
  await expect(portal).toHaveURL(/\/portal\/login\?signedOut=1$/)
  expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain('invoice-portal-session')
  await portal.goto('/portal')
  await expect(portal).toHaveURL(/\/portal\/login\?next=%2Fportal$/)

  await admin.reload()
  await expectAdminDashboard()
  await admin.goto('/admin/collections/invoices')
  await expect(admin.locator('table tbody tr')).toHaveCount(10)
})

test("a contact opening another client's invoice by URL gets a 404", async ({ page }) => {
  const invoices = await seededInvoices()
  const globex = invoices['API usage (1,000 calls)']
  expect(globex.client).toBe('Globex Corporation')
  await portalSignIn(page, demoLogins.acmeBilling)

  for (const id of [globex.id, 987654]) {
    const response = await page.goto(`/portal/invoices/${id}`)
    expect(response?.status(), `invoice ${id}`).toBe(404)
    // The portal's own not-found page, in the contact's language and with the portal's navigation.
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Niet gevonden')
    await expect(page.getByRole('navigation', { name: 'Portaal' })).toBeVisible()
    await expect(page.getByText(globex.number!)).toHaveCount(0)
  }
})

test.describe('layout', () => {
  for (const [device, viewport] of [
    ['desktop', { height: 900, width: 1280 }],
    ['phone', { height: 780, width: 360 }],
  ] as const) {
    test(`dashboard and invoice at ${device} width (${viewport.width} px)`, async ({ page }) => {
      await page.setViewportSize(viewport)
      const invoice = (await seededInvoices())['Workshop day']
      await portalSignIn(page, demoLogins.acmeBilling)
      for (const [name, path, ready] of [
        ['dashboard', '/portal', page.getByTestId('open-balance')],
        ['invoice', `/portal/invoices/${invoice.id}`, page.getByTestId('invoice-subtotal')],
      ] as const) {
        await page.goto(path)
        await expect(ready).toBeVisible()
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth)
        expect(scrollWidth, `${name} has no horizontal scrolling`).toBeLessThanOrEqual(viewport.width)
        await page.screenshot({ fullPage: true, path: `test-results/screenshots/${name}-${device}.png` })
      }
    })
  }
})

test('keyboard: Tab reaches e-mail, password and the sign-in button in order, Enter signs in, focus is visible', async ({ page }) => {
  await page.goto('/portal/login')
  const loginForm = page.locator('form[action$="/api/login"]')
  const email = loginForm.locator('input[name="email"]')
  const password = loginForm.locator('input[name="password"]')
  const submit = loginForm.getByRole('button', { name: /^(Sign in|Aanmelden)$/ })

  // The first stops are links: the skip link, then the brand. A focused link has a visible outline.
  await page.keyboard.press('Tab')
  await expect(page.locator('a.skip')).toBeFocused()
  await page.keyboard.press('Tab')
  const brand = page.locator('a.brand')
  await expect(brand).toBeFocused()
  const outline = await brand.evaluate((element) => {
    const style = getComputedStyle(element)
    return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) }
  })
  expect(outline.style).not.toBe('none')
  expect(outline.width).toBeGreaterThanOrEqual(2)

  await page.keyboard.press('Tab')
  await expect(email).toBeFocused()
  await page.keyboard.type(demoLogins.acmeBilling.email)
  await page.keyboard.press('Tab')
  await expect(password).toBeFocused()
  await page.keyboard.type(demoLogins.acmeBilling.password)
  await page.keyboard.press('Tab')
  await expect(submit).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/\/portal$/)
  await expect(page.locator('header')).toContainText('Alice Janssen')
})

test('after ten failed sign-ins for one address the portal answers 429 with a page that says when to try again', async ({ page }) => {
  // An address of nobody: a known contact would also be locked by Payload after five, which this test must not do to the demo.
  const email = `nobody-${Date.now()}@throttle.test`
  const loginForm = page.locator('form[action$="/api/login"]')
  for (let attempt = 0; attempt < 10; attempt += 1) {
    await page.goto('/portal/login')
    await loginForm.locator('input[name="email"]').fill(email)
    await loginForm.locator('input[name="password"]').fill(`wrong-password-${attempt}`)
    await Promise.all([page.waitForURL(/\/portal\/login\?error=invalid/), loginForm.locator('button[type="submit"]').click()])
  }
  await page.goto('/portal/login')
  await loginForm.locator('input[name="email"]').fill(email)
  await loginForm.locator('input[name="password"]').fill('wrong-password-10')
  const [response] = await Promise.all([page.waitForResponse((answer) => answer.url().endsWith('/portal/api/login')), loginForm.locator('button[type="submit"]').click()])
  expect(response.status()).toBe(429)
  expect(Number(response.headers()['retry-after'])).toBeGreaterThan(800)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Too many attempts|Te veel pogingen/)
  await expect(page.getByRole('alert')).toContainText(/15 (minutes|minuten)/)
  // The way back is a link to the sign-in form.
  await page.getByRole('link', { name: /Sign in|Aanmelden/ }).click()
  await expect(page).toHaveURL(/\/portal\/login$/)
})
