import { expect, type Page, test } from '@playwright/test'
import jsQRModule from 'jsqr'
import { PNG } from 'pngjs'

import { totpCode, totpStep } from '../../src/security/totp.js'
import { demoLogins, sql } from './portal-helpers.js'

/**
 * Two-factor sign-in as a person meets it: a contact of its own (made by staff through REST) sets up
 * an authenticator app by scanning the QR code on its profile's two-factor page (the test reads the
 * code off a screenshot, as a phone would), keeps its recovery codes, signs out, and signs in again
 * with the password and then the app's code. Staff then require it for a client, and its other
 * contact is sent to set it up before anything else.
 */
const login = { email: 'tfa-e2e@tanaka.test', password: 'tfa-e2e-password' }

async function staffToken(page: Page): Promise<string> {
  const response = await page.request.post('/api/users/login', { data: demoLogins.staff })
  expect(response.status()).toBe(200)
  return (await response.json()).token as string
}

// jsqr is CommonJS with a `default` property beside its function; TypeScript sees only the latter.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default

/** What a phone reads from the QR code on screen. */
async function scanQr(page: Page): Promise<string> {
  const image = PNG.sync.read(await page.getByRole('img', { name: /QR code/ }).screenshot())
  const decoded = jsQR(new Uint8ClampedArray(image.data), image.width, image.height)
  expect(decoded, 'the QR code can be read').not.toBeNull()
  return decoded!.data
}

/** A code of the next time step: each sign-in in the test needs one that was not used yet. */
const codeAfter = (secret: string, step: number) => totpCode(secret, Math.max(totpStep(), step + 1))

async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto('/portal/login')
  const form = page.locator('form[action$="/api/login"]')
  await form.getByLabel('E-mail').fill(who.email)
  await form.getByLabel('Password').fill(who.password)
  await form.getByRole('button', { name: 'Sign in' }).click()
}

test('a contact sets up an authenticator app from the QR code and then signs in with its code', async ({ page }) => {
  const token = await staffToken(page)
  const tanaka = (await sql<{ id: number }>("select id from clients where name like 'Tanaka%' limit 1")).rows[0].id
  await page.request.delete(`/api/contacts?where[email][equals]=${encodeURIComponent(login.email)}`, { headers: { Authorization: `JWT ${token}` } })
  const created = await page.request.post('/api/contacts', { data: { ...login, client: tanaka, name: 'Tess Factor' }, headers: { Authorization: `JWT ${token}` } })
  expect(created.status()).toBe(201)

  await signIn(page, login)
  await expect(page).toHaveURL(/\/portal$/)
  await page.goto('/portal/profile')
  await expect(page.getByText('Two-factor sign-in is off.')).toBeVisible()
  await page.getByRole('link', { name: 'Manage two-factor sign-in' }).click()
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click()

  const uri = new URL(await scanQr(page))
  expect(uri.protocol).toBe('otpauth:')
  expect(decodeURIComponent(uri.pathname)).toBe(`/Example Billing:${login.email}`)
  const secret = uri.searchParams.get('secret')!
  // The key under the QR code, for typing in by hand, is the same secret.
  await expect(page.getByTestId('two-factor-secret')).toHaveText(secret.replace(/(.{4})/g, '$1 ').trim())

  await page.getByLabel('Code').fill('000000')
  await page.getByRole('button', { name: 'Turn on' }).click()
  await expect(page.getByRole('alert')).toHaveText(/wrong or was used already/)

  const step = totpStep()
  await page.getByLabel('Code').fill(totpCode(secret, step))
  await page.getByRole('button', { name: 'Turn on' }).click()
  await expect(page.getByRole('heading', { name: 'Your recovery codes' })).toBeVisible()
  const codes = await page.locator('.recovery-codes code').allTextContents()
  expect(codes).toHaveLength(10)
  await page.getByRole('link', { name: 'Continue' }).click()
  await expect(page.getByText('Two-factor sign-in is on.')).toBeVisible()

  await page.getByRole('button', { name: 'Sign out' }).click()
  await signIn(page, login)
  await expect(page).toHaveURL(/\/portal\/verify$/)
  await expect(page.getByRole('heading', { name: 'Enter your code' })).toBeVisible()
  // No session yet: the dashboard sends back to sign in.
  expect((await page.request.get('/portal', { maxRedirects: 0 })).status()).toBe(307)
  await page.getByLabel('Code').fill(codeAfter(secret, step))
  await page.getByRole('button', { name: 'Verify' }).click()
  await expect(page).toHaveURL(/\/portal$/)

  // Lost phone: a recovery code works once.
  await page.getByRole('button', { name: 'Sign out' }).click()
  await signIn(page, login)
  await page.getByLabel('Code').fill(codes[0])
  await page.getByRole('button', { name: 'Verify' }).click()
  await expect(page).toHaveURL(/\/portal$/)
  const events = (await sql<{ type: string }>("select type from portal_events e join contacts c on c.id = e.contact_id where c.email = $1 and type::text like 'two_factor%' order by e.id", [login.email])).rows.map((row) => row.type)
  expect(events).toEqual(['two_factor_enabled', 'two_factor_recovery_used'])
})

test("a client that requires it sends its contact to set it up before anything else", async ({ browser, page }) => {
  const token = await staffToken(page)
  const globex = (await sql<{ id: number }>("select id from clients where name like 'Globex%' limit 1")).rows[0].id
  const other = { email: 'tfa-required@globex.test', password: 'tfa-required-password' }
  await page.request.delete(`/api/contacts?where[email][equals]=${encodeURIComponent(other.email)}`, { headers: { Authorization: `JWT ${token}` } })
  await page.request.post('/api/contacts', { data: { ...other, client: globex, name: 'Rick Wired' }, headers: { Authorization: `JWT ${token}` } })
  await page.request.patch(`/api/clients/${globex}`, { data: { requireTwoFactor: true }, headers: { Authorization: `JWT ${token}` } })
  try {
    const context = await browser.newContext()
    const contactPage = await context.newPage()
    await signIn(contactPage, other)
    await expect(contactPage).toHaveURL(/\/portal\/verify$/)
    await expect(contactPage.getByRole('heading', { name: 'Set up two-factor sign-in' })).toBeVisible()
    const secret = new URL(await scanQr(contactPage)).searchParams.get('secret')!
    await contactPage.getByLabel('Code').fill(totpCode(secret, totpStep()))
    await contactPage.getByRole('button', { name: 'Turn on' }).click()
    await expect(contactPage.getByRole('heading', { name: 'Your recovery codes' })).toBeVisible()
    await contactPage.getByRole('link', { name: 'Continue' }).click()
    await expect(contactPage).toHaveURL(/\/portal$/)
    await context.close()
  } finally {
    await page.request.patch(`/api/clients/${globex}`, { data: { requireTwoFactor: false }, headers: { Authorization: `JWT ${token}` } })
  }
})
