import { expect, test } from '@playwright/test'

import { adminSignIn, demoLogins, nextMail, portalSignIn } from './portal-helpers.js'

test.describe('payment reminders', () => {
  test.use({ locale: 'en-GB' })

  test('staff send one from the invoice, the contact gets it and stops further reminders with its link', async ({ baseURL, page, request }) => {
    const run = Date.now()
    const email = `reminded-${run}@e2e.test`
    const password = 'reminded-password-1'
    // A client, its billing contact and an open invoice, made through the REST API as staff would.
    const login = await request.post('/api/users/login', { data: demoLogins.staff })
    const headers = { Authorization: `JWT ${(await login.json()).token}` }
    const create = async (collection: string, data: Record<string, unknown>) => {
      const response = await request.post(`/api/${collection}`, { data, headers })
      expect(response.status(), await response.text()).toBe(201)
      return (await response.json()).doc as { id: number; number?: string }
    }
    const client = await create('clients', { currency: 'EUR', locale: 'en', name: `Reminded BV ${run}`, timezone: 'Europe/Amsterdam' })
    await create('contacts', { client: client.id, email, name: 'Rita Reminded', password, role: 'billing' })
    const due = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10)
    const invoice = await create('invoices', { client: client.id, dueDate: due, lineItems: [{ description: 'Retainer', quantity: '1', taxRate: '21', unitAmount: 50000 }], status: 'open' })

    await adminSignIn(page, demoLogins.staff)
    await page.goto(`/admin/collections/invoices/${invoice.id}`)
    const panel = page.getByTestId('invoice-reminders')
    await expect(panel).toContainText('None sent yet.')
    await expect(panel.getByTestId('reminder-next')).toHaveText(/^Next: 3 days before due, \d{4}-\d{2}-\d{2} \(Europe\/Amsterdam\)\.$/)
    await panel.getByRole('button', { name: 'Send reminder now' }).click()
    await expect(panel.getByRole('status')).toHaveText(`A reminder of invoice ${invoice.number} is sent to ${email}.`)
    await expect(panel.getByTestId('reminder-record')).toHaveText([/^Sent by hand: sent \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/])
    // Twice on one day is refused, with the reason.
    await panel.getByRole('button', { name: 'Send reminder now' }).click()
    await expect(panel.getByRole('alert')).toContainText('was already sent by hand today')

    const mail = await nextMail(email)
    expect(mail.subject).toBe(`Reminder: invoice ${invoice.number} from Example Billing is due on ${new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC', year: 'numeric' }).format(new Date(`${due}T12:00:00Z`))}`)
    expect(mail.text).toContain(`${baseURL}/portal/invoices/${invoice.id}`)
    const unsubscribe = mail.text.match(/No more payment reminders for you: (\S+)/)![1]

    await page.goto(unsubscribe)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Stop payment reminders?')
    await page.getByRole('button', { name: 'Stop payment reminders' }).click()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Payment reminders stopped')

    // The contact's own e-mail settings in the portal show it.
    await page.context().clearCookies()
    await portalSignIn(page, { email, password })
    await page.goto('/portal/profile')
    await expect(page.getByRole('checkbox', { name: 'Payment reminders' })).not.toBeChecked()
    await expect(page.getByRole('checkbox', { name: 'New invoices' })).toBeChecked()
  })
})
