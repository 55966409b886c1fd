import { expect, test } from '@playwright/test'

import { demoLogins, portalSignIn, sql } from './portal-helpers.js'

/**
 * The portal's pages in the adversarial suite (test/security/adversarial.int.spec.ts probes REST,
 * GraphQL and the portal's handlers): signed in as Acme's billing contact, every invoice and payment
 * page of the other clients (and Acme's own drafts), and the number search for their invoices,
 * against ids and numbers that do not exist. A leak is a page that shows the record, or any answer
 * that differs from the one for an absent record.
 */
test("a contact probing other clients' records through the portal's pages finds nothing, and nothing tells them from absent ones", async ({ page }) => {
  await portalSignIn(page, demoLogins.acmeBilling)
  const own = `(select client_id from contacts where email = $1)`
  const invoices = (await sql<{ id: number; number: null | string }>(`select id, number from invoices where client_id <> ${own} or status = 'draft'`, [demoLogins.acmeBilling.email])).rows
  const payments = (await sql<{ id: number }>(`select id from payments where client_id <> ${own}`, [demoLogins.acmeBilling.email])).rows
  const top = Number((await sql<{ top: number }>('select greatest((select max(id) from invoices), (select max(id) from payments)) as top')).rows[0].top)
  expect(invoices.length).toBeGreaterThan(2)
  expect(payments.length).toBeGreaterThan(0)

  let probes = 0
  const leaks: string[] = []
  /** What a person sees of an answer: its status, its title and its main content. */
  const seen = async (path: string, echoed?: string) => {
    const answer = await page.request.get(path, { maxRedirects: 0 })
    // The search form shows back what was searched for.
    const html = echoed ? (await answer.text()).split(echoed).join('<q>') : await answer.text()
    probes += 1
    return JSON.stringify({ main: /<main[^>]*>([\s\S]*?)<\/main>/.exec(html)?.[1] ?? '', status: answer.status(), title: /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '' })
  }
  const absent = [top + 1, top + 2, top + 1_000_003]
  for (const kind of ['invoices', 'payments'] as const) {
    const expected = await seen(`/portal/${kind}/${absent[0]}`)
    expect(JSON.parse(expected).status).toBe(404)
    for (const id of absent.slice(1)) if ((await seen(`/portal/${kind}/${id}`)) !== expected) leaks.push(`/portal/${kind}/${id} (absent) answers unlike another absent id`)
    for (const { id } of kind === 'invoices' ? invoices : payments) {
      if ((await seen(`/portal/${kind}/${id}`)) !== expected) leaks.push(`/portal/${kind}/${id} answers unlike an absent id`)
    }
  }
  // The number search: another client's invoice numbers find what a number that exists nowhere finds.
  const none = await seen(`/portal/invoices?q=${encodeURIComponent('INV-0000-00000')}`, 'INV-0000-00000')
  for (const { number } of invoices) {
    if (number && (await seen(`/portal/invoices?q=${encodeURIComponent(number)}`, number)) !== none) leaks.push(`the number search finds ${number}`)
  }
  console.log(`[security] ${probes} portal page probes by Acme's contact, ${leaks.length} leaks`)
  expect(leaks).toEqual([])
})

test('portal pages carry a content policy with a fresh nonce on Next’s scripts, no framing, and nothing on them breaks the policy', async ({ page }) => {
  const violations: string[] = []
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text())
  })
  await portalSignIn(page, demoLogins.globexBilling)
  const nonces = new Set<string>()
  for (const path of ['/portal', '/portal/invoices', '/portal/payments', '/portal/profile', '/portal/two-factor', '/portal/login?reauth=1', '/portal/no-such-page']) {
    const response = (await page.goto(path))!
    const headers = response.headers()
    const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]{24})' 'strict-dynamic'/.exec(headers['content-security-policy'] ?? '')?.[1]
    expect(nonce, `${path}: ${headers['content-security-policy']}`).toBeTruthy()
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(nonces.has(nonce!), `${path} reuses a nonce`).toBe(false)
    nonces.add(nonce!)
    expect(headers['x-frame-options']).toBe('DENY')
    expect(headers['x-content-type-options']).toBe('nosniff')
    expect(headers['referrer-policy']).toBe('same-origin')
    // Every script the server sent carries the nonce; those Next's scripts add later run by 'strict-dynamic'.
    const scripts = (await response.text()).match(/<script\b[^>]*>/g) ?? []
    expect(scripts.length, `${path} has Next's scripts`).toBeGreaterThan(0)
    expect(scripts.filter((tag) => !tag.includes(`nonce="${nonce}"`)), `${path}: every script carries the page's nonce`).toEqual([])
  }
  expect(violations).toEqual([])
})
