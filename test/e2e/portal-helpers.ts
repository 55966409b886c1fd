import { expect, type Page } from '@playwright/test'
import { createHash } from 'node:crypto'
import pg from 'pg'

import type { ReceivedMail } from '../helpers/smtp.js'

import { e2eDatabaseUri } from './database.js'

export { demoLogins } from '../../dev/seed.js'

/** The seed's calendar days (dev/seed.ts `day`): today plus `offset` days, in UTC, as YYYY-MM-DD. */
export function seedDay(offset: number): string {
  const date = new Date()
  date.setUTCDate(date.getUTCDate() + offset)
  return date.toISOString().slice(0, 10)
}

/** One statement on the e2e database (what the running app reads), as the test's own connection. */
export async function sql<Row extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<Row>> {
  const client = new pg.Client({ connectionString: e2eDatabaseUri() })
  await client.connect()
  try {
    return await client.query<Row>(text, values)
  } finally {
    await client.end()
  }
}

export type SeededInvoice = { client: string; id: number; number: null | string }

/**
 * The demo invoices by the description of their first line (dev/seed.ts), with the id and number the
 * database gave them: numbers carry the year, ids depend on the seed's order.
 */
export async function seededInvoices(): Promise<Record<string, SeededInvoice>> {
  const { rows } = await sql<SeededInvoice & { description: string }>(
    `SELECT i.id, i.number, c.name AS client, l.description
       FROM invoices i JOIN clients c ON c.id = i.client_id JOIN invoices_line_items l ON l._parent_id = i.id AND l._order = 1`,
  )
  return Object.fromEntries(rows.map(({ description, ...invoice }) => [description, invoice]))
}

/** The next e-mail to `to` that the app sent during this run (see mail-sink.ts); waits for it to arrive. */
export async function nextMail(to: string): Promise<ReceivedMail> {
  const base = process.env.E2E_MAIL_URL
  if (!base) throw new Error('E2E_MAIL_URL is not set: run through playwright.config.ts (its globalSetup starts the mail sink)')
  const response = await fetch(`${base}/mail/${encodeURIComponent(to)}`)
  if (!response.ok) throw new Error(await response.text())
  return (await response.json()) as ReceivedMail
}

/** The magic-link URL in a sign-in e-mail (text part), and the token it carries. */
export function magicLinkIn(mail: ReceivedMail): { token: string; url: string } {
  const match = /https?:\/\/\S+\/portal\/magic\/([\w-]+)\S*/.exec(mail.text)
  if (!match) throw new Error(`no magic link in e-mail "${mail.subject}":\n${mail.text}`)
  expect(mail.html, 'the HTML part links to the same URL').toContain(`href="${match[0]}"`)
  return { token: match[1], url: match[0] }
}

/** The stored form of a token (tokens.ts keeps only its SHA-256). */
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex')

/** Signs in on the portal's login page with a password and waits for the dashboard. */
export async function portalSignIn(page: Page, login: { email: string; password: string }) {
  await page.goto('/portal/login')
  const form = page.locator('form[action$="/api/login"]')
  await form.locator('input[name="email"]').fill(login.email)
  await form.locator('input[name="password"]').fill(login.password)
  await form.locator('button[type="submit"]').click()
  await expect(page).toHaveURL(/\/portal$/)
}

/** Signs in to Payload's admin as staff and waits for the dashboard. */
export async function adminSignIn(page: Page, login: { email: string; password: string }) {
  await page.goto('/admin/login')
  await page.locator('#field-email').fill(login.email)
  await page.locator('#field-password').fill(login.password)
  await page.locator('button[type="submit"]').click()
  await expect(page).toHaveURL(/\/admin$/)
}
