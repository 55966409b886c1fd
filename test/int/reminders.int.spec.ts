import type { Payload } from 'payload'

import { getPayload, handleEndpoints } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createDevConfig } from '../../dev/config.js'
import { queueSweepOnce } from '../../src/jobs/schedules.js'
import { loadPortal } from '../../src/portal/context.js'
import { sweepReminders } from '../../src/reminders/sweep.js'
import { line, passwords } from '../helpers/fixtures.js'
import { httpClient } from '../helpers/http.js'
import { startTestApp, type TestApp } from '../helpers/payload.js'
import { type ReceivedMail, startSmtpSink } from '../helpers/smtp.js'

let app: TestApp
let payload: Payload
let smtp: Awaited<ReturnType<typeof startSmtpSink>>
let databaseUri: string

beforeAll(async () => {
  smtp = await startSmtpSink()
  app = await startTestApp({
    // An ERP endpoint that wants invoice.overdue (nothing listens: the delivery log is what is checked).
    plugin: { erp: { outbound: [{ events: ['invoice.overdue'], secret: 'reminder-test-secret-000', url: 'http://127.0.0.1:9/erp-hook' }] } },
    smtpUrl: smtp.url,
  })
  payload = app.payload
  databaseUri = (payload.db as unknown as { poolOptions: { connectionString: string } }).poolOptions.connectionString
})
afterAll(async () => {
  await app?.stop()
  await smtp?.stop()
})

const HOUR = 3_600_000
const portal = () => loadPortal(app.config)

async function clientWithContact(name: string, timezone: string, email: string, reminders?: Record<string, unknown>) {
  const client = await payload.create({ collection: 'clients', data: { currency: 'EUR', locale: 'en', name, reminders, timezone } })
  await payload.create({ collection: 'contacts', data: { client: client.id, email, name: `${name} Billing`, password: passwords.contact, role: 'billing' } })
  return client
}
const invoice = (client: { id: number | string }, number: string, dueDate: string, issueDate = '2026-11-20') =>
  payload.create({ collection: 'invoices', data: { client: client.id, dueDate, issueDate, lineItems: [line(10000)], number, status: 'open' } })
const pay = (client: { id: number | string }, invoiceId: number | string, amount: number, status = 'succeeded') =>
  payload.create({ collection: 'payments', data: { allocations: [{ amount, invoice: invoiceId }], amount, client: client.id, currency: 'EUR', status } })

/** Sweeps every hour from `from` to `to` (the clock the sweep is given), noting when each mail left. */
async function sweepHourly(from: string, to: string, actions: Record<string, () => Promise<unknown>> = {}) {
  const sent: Array<{ at: string; mail: ReceivedMail }> = []
  for (let at = Date.parse(from); at <= Date.parse(to); at += HOUR) {
    const now = new Date(at)
    await actions[now.toISOString()]?.()
    await sweepReminders(await portal(), now)
    for (const mail of smtp.messages.splice(0)) sent.push({ at: now.toISOString(), mail })
  }
  return sent
}
const timeline = (sent: Array<{ at: string; mail: ReceivedMail }>, number: string, to: string) =>
  sent.filter(({ mail }) => mail.subject.includes(number) && mail.to.includes(to)).map(({ at }) => at)
const recordsOf = async (invoiceId: number | string) =>
  (await payload.find({ collection: 'invoice-portal-reminders', depth: 0, pagination: false, sort: 'dueAt', where: { invoice: { equals: invoiceId } } })).docs.map(({ reason, status, step }) => ({ reason: reason ?? null, status, step }))

describe('reminder sweep', () => {
  it('a 4-step sequence over 30 days sends exactly the expected mails on the local days; payments cancel, reduce or pause them', async () => {
    const client = await clientWithContact('Amsterdam BV', 'Europe/Amsterdam', 'billing@ams.test')
    await payload.create({ collection: 'contacts', data: { client: client.id, email: 'quiet@ams.test', name: 'Quiet', notifications: { reminders: false }, password: passwords.contact, role: 'billing' } })
    await payload.create({ collection: 'contacts', data: { client: client.id, email: 'viewer@ams.test', name: 'Viewer', password: passwords.contact, role: 'viewer' } })
    const full = await invoice(client, 'R-FULL', '2026-12-10')
    const paid = await invoice(client, 'R-PAID', '2026-12-10')
    const partial = await invoice(client, 'R-PART', '2026-12-10')
    const sepa = await invoice(client, 'R-SEPA', '2026-12-10')
    let debit: { id: number | string } | undefined

    const sent = await sweepHourly('2026-11-22T00:00:00.000Z', '2026-12-31T00:00:00.000Z', {
      '2026-12-08T00:00:00.000Z': async () => {
        await pay(client, paid.id, 12100)
        await pay(client, partial.id, 5000)
      },
      '2026-12-10T12:00:00.000Z': async () => (debit = await pay(client, sepa.id, 12100, 'processing')),
      '2026-12-12T00:00:00.000Z': () => payload.update({ collection: 'payments', data: { status: 'failed' }, id: debit!.id }),
    })

    // 09:00 in Amsterdam (CET, UTC+1) on the due date −3, +1, +7 and +14 days.
    const steps = ['2026-12-07T08:00:00.000Z', '2026-12-11T08:00:00.000Z', '2026-12-17T08:00:00.000Z', '2026-12-24T08:00:00.000Z']
    expect(timeline(sent, 'R-FULL', 'billing@ams.test')).toEqual(steps)
    expect(timeline(sent, 'R-PAID', 'billing@ams.test')).toEqual(steps.slice(0, 1))
    expect(timeline(sent, 'R-PART', 'billing@ams.test')).toEqual(steps)
    expect(timeline(sent, 'R-SEPA', 'billing@ams.test')).toEqual([steps[0], steps[2], steps[3]])
    // Only the billing contact who wants reminders gets them.
    expect(sent.every(({ mail }) => mail.to.join() === 'billing@ams.test')).toBe(true)
    expect(sent).toHaveLength(4 + 1 + 4 + 3)

    const partialAfter = sent.find(({ at, mail }) => mail.subject.includes('R-PART') && at === steps[1])!.mail
    expect(partialAfter.subject).toBe('Overdue: invoice R-PART from Example Billing was due on 10 Dec 2026')
    expect(partialAfter.text).toContain('and €71.00 is still open')
    expect(partialAfter.text).toContain(`/portal/invoices/${partial.id}`)
    const before = sent.find(({ at, mail }) => mail.subject.includes('R-FULL') && at === steps[0])!.mail
    expect(before.subject).toBe('Reminder: invoice R-FULL from Example Billing is due on 10 Dec 2026')
    expect(before.text).toContain('invoice R-FULL for €121.00 is due on 10 Dec 2026')
    const unsubscribe = before.text.match(/No more payment reminders for you: (\S+)/)![1]
    expect(before.headers['list-unsubscribe']).toBe(`<${unsubscribe}>`)
    expect(before.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click')

    expect(await recordsOf(sepa.id)).toEqual([
      { reason: null, status: 'sent', step: '-3' },
      { reason: 'payment_in_progress', status: 'skipped', step: '+1' },
      { reason: null, status: 'sent', step: '+7' },
      { reason: null, status: 'sent', step: '+14' },
    ])
    expect(await recordsOf(paid.id)).toEqual([{ reason: null, status: 'sent', step: '-3' }])
    const audit = await payload.find({ collection: 'portal-events', depth: 0, pagination: false, where: { and: [{ type: { equals: 'reminder_sent' } }, { invoice: { equals: full.id } }] } })
    expect(audit.docs.map((event) => (event.details as { step: string }).step).sort()).toEqual(['+1', '+14', '+7', '-3'])
    // Nothing is left to send, and a sweep with nothing due finds nothing.
    expect(await sweepReminders(await portal(), new Date('2027-02-01T00:00:00Z'))).toEqual({ failed: 0, sent: 0, skipped: 0, visited: 0 })
  })

  it('two app instances sweeping at once send each reminder once', async () => {
    const client = await clientWithContact('Twice BV', 'UTC', 'billing@twice.test')
    const invoices = await Promise.all(Array.from({ length: 30 }, (_, index) => invoice(client, `R-TWICE-${index}`, '2026-12-10')))
    const second = await getPayload({ config: createDevConfig({ databaseUri, seed: false, smtpUrl: smtp.url }), key: 'second-instance' })
    try {
      const now = new Date('2026-12-07T09:00:00.000Z')
      const results = await Promise.all([sweepReminders(await portal(), now), sweepReminders({ ...(await portal()), payload: second }, now)])
      expect(results[0].sent + results[1].sent).toBe(30)
      const mails = smtp.messages.splice(0).filter((mail) => mail.to.includes('billing@twice.test'))
      expect(mails.map((mail) => mail.subject.match(/R-TWICE-\d+/)![0]).sort()).toEqual(invoices.map((one) => one.number).sort())
    } finally {
      // Its connections still closing when the database is dropped report an error; expected here.
      ;(second.db as unknown as { pool?: { on: (event: string, listener: () => void) => void } }).pool?.on('error', () => {})
      await second.destroy()
    }
  })

  it('app instances whose schedules fire at the same minute queue one sweep, and a new one once it has run', async () => {
    const task = 'invoicePortalReminderSweep'
    const waitingSweeps = async () =>
      (await payload.count({ collection: 'payload-jobs', where: { and: [{ taskSlug: { equals: task } }, { completedAt: { exists: false } }] } })).totalDocs
    await payload.jobs.run({ queue: 'invoice-portal' })
    expect(await waitingSweeps()).toBe(0)
    // Five schedules firing together, each in its own transaction on its own connection.
    const queued = await Promise.all(Array.from({ length: 5 }, () => queueSweepOnce(payload, task)))
    expect(queued.filter(Boolean)).toHaveLength(1)
    expect(await waitingSweeps()).toBe(1)
    expect(await queueSweepOnce(payload, task)).toBe(false)
    await payload.jobs.run({ queue: 'invoice-portal' })
    expect(await waitingSweeps()).toBe(0)
    expect(await queueSweepOnce(payload, task)).toBe(true)
    await payload.jobs.run({ queue: 'invoice-portal' })
  })

  it('sends at the local hour on both sides of the date line and on the day the clocks change', async () => {
    // Their own sequence: one step, the day after the due date.
    const kiritimati = await clientWithContact('Line Islands Ltd', 'Pacific/Kiritimati', 'billing@kiritimati.test', { steps: [{ days: 1 }] })
    const pagoPago = await clientWithContact('Samoa Inc', 'Pacific/Pago_Pago', 'billing@pago.test', { steps: [{ days: 1 }] })
    const amsterdam = await clientWithContact('Spring BV', 'Europe/Amsterdam', 'billing@spring.test')
    await invoice(kiritimati, 'R-KIR', '2026-12-10')
    await invoice(pagoPago, 'R-PAGO', '2026-12-10')
    await invoice(amsterdam, 'R-DST', '2027-03-27', '2027-03-01')
    const december = await sweepHourly('2026-12-09T00:00:00.000Z', '2026-12-12T23:00:00.000Z')
    // +1 day at 09:00 local: UTC+14 reaches 11 December on the 10th; UTC−11 a day later.
    expect(timeline(december, 'R-KIR', 'billing@kiritimati.test')).toEqual(['2026-12-10T19:00:00.000Z'])
    expect(timeline(december, 'R-PAGO', 'billing@pago.test')).toEqual(['2026-12-11T20:00:00.000Z'])
    // Europe moves to summer time at 02:00 on 28 March 2027: 09:00 is UTC+1 before, UTC+2 on the day.
    const march = await sweepHourly('2027-03-23T00:00:00.000Z', '2027-03-29T00:00:00.000Z')
    expect(timeline(march, 'R-DST', 'billing@spring.test')).toEqual(['2027-03-24T08:00:00.000Z', '2027-03-28T07:00:00.000Z'])
  })
})

describe('reminders in the admin, and unsubscribing', () => {
  it('staff see an invoice’s reminders and next step, and send one by hand once a day; others are refused with a reason', async () => {
    const http = httpClient(app.config)
    await payload.create({ collection: 'users', data: { email: 'staff@rem.test', password: passwords.staff } })
    const staff = await http.login('users', 'staff@rem.test', passwords.staff)
    const client = await clientWithContact('Manual BV', 'Europe/Amsterdam', 'billing@manual.test')
    const contactToken = await http.login('contacts', 'billing@manual.test', passwords.contact)
    const due = new Date(Date.now() + 10 * 24 * HOUR).toISOString().slice(0, 10)
    const open = await invoice(client, 'R-MANUAL', due, new Date().toISOString().slice(0, 10))
    const path = `/api/invoice-portal/invoices/${open.id}/reminders`

    const overview = await http.rest('GET', path, { token: staff })
    expect(overview.status).toBe(200)
    expect(overview.body).toMatchObject({ enabled: true, next: { step: '-3' }, paused: false, records: [], remindable: true, timezone: 'Europe/Amsterdam' })
    expect((await http.rest('GET', path)).status).toBe(401)
    expect((await http.rest('POST', path, { token: contactToken })).status).toBe(403)
    expect((await http.rest('POST', '/api/invoice-portal/invoices/999999/reminders', { token: staff })).status).toBe(404)

    const sent = await http.rest('POST', path, { token: staff })
    expect(sent.status).toBe(202)
    expect(sent.body.message).toBe('A reminder of invoice R-MANUAL is sent to billing@manual.test.')
    const mail = await smtp.waitFor('billing@manual.test')
    expect(mail.subject).toBe(`Reminder: invoice R-MANUAL from Example Billing is due on ${new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC', year: 'numeric' }).format(new Date(`${due}T12:00:00Z`))}`)
    const again = await http.rest('POST', path, { token: staff })
    expect(again.status).toBe(409)
    expect(again.body.errors[0].message).toMatch(/^A reminder of invoice R-MANUAL was already sent by hand today/)
    expect((await http.rest('GET', path, { token: staff })).body.records).toMatchObject([{ status: 'sent', step: expect.stringMatching(/^manual:\d{4}-\d{2}-\d{2}$/) }])
    expect((await payload.count({ collection: 'portal-events', where: { and: [{ type: { equals: 'reminder_sent' } }, { invoice: { equals: open.id } }] } })).totalDocs).toBe(1)

    const sepa = await invoice(client, 'R-MANUAL-SEPA', due)
    await pay(client, sepa.id, 12100, 'processing')
    const paying = await http.rest('POST', `/api/invoice-portal/invoices/${sepa.id}/reminders`, { token: staff })
    expect(paying.status).toBe(409)
    expect(paying.body.errors[0].message).toBe('A payment of invoice R-MANUAL-SEPA is in progress (e.g. a SEPA debit); no reminder while it is.')
    const settled = await invoice(client, 'R-MANUAL-PAID', due)
    await pay(client, settled.id, 12100)
    const nothing = await http.rest('POST', `/api/invoice-portal/invoices/${settled.id}/reminders`, { token: staff })
    expect(nothing.status).toBe(422)
    expect(nothing.body.errors[0].message).toBe('Invoice R-MANUAL-PAID is paid with 0 due; there is nothing to remind the client of.')
    // Nothing was recorded for the refused ones.
    expect(await recordsOf(sepa.id)).toEqual([])
    expect(await recordsOf(settled.id)).toEqual([])
  })

  it('the unsubscribe link asks first, then turns the contact’s reminders off; a changed link is refused', async () => {
    const client = await clientWithContact('Leave BV', 'UTC', 'billing@leave.test')
    const stays = await payload.create({ collection: 'contacts', data: { client: client.id, email: 'stays@leave.test', name: 'Stays', password: passwords.contact, role: 'billing' } })
    await invoice(client, 'R-LEAVE', '2027-05-10', '2027-05-01')
    await sweepReminders(await portal(), new Date('2027-05-07T09:00:00.000Z'))
    const mail = await smtp.waitFor('billing@leave.test')
    await smtp.waitFor('stays@leave.test')
    const url = new URL(mail.text.match(/No more payment reminders for you: (\S+)/)![1])
    const local = `${url.pathname}${url.search}`

    const ask = await fetchLocal('GET', local)
    expect(ask.status).toBe(200)
    expect(ask.text).toContain('billing@leave.test will no longer get reminders')
    expect(ask.text).toContain('<form method="post">')
    const contactId = url.searchParams.get('contact')!
    const contact = async () => payload.findByID({ collection: 'contacts', depth: 0, id: contactId })
    expect((await contact()).notifications).toMatchObject({ reminders: true })

    const forged = new URL(url)
    forged.searchParams.set('contact', String(stays.id))
    const refused = await fetchLocal('POST', `${forged.pathname}${forged.search}`)
    expect(refused.status).toBe(400)
    expect(refused.text).toContain('This link is not valid')
    expect((await payload.findByID({ collection: 'contacts', depth: 0, id: stays.id })).notifications).toMatchObject({ reminders: true })

    const done = await fetchLocal('POST', local, 'List-Unsubscribe=One-Click')
    expect(done.status).toBe(200)
    expect(done.text).toContain('will get no more payment reminders')
    expect((await contact()).notifications).toMatchObject({ invoiceIssued: true, reminders: false })

    // The next step reaches only the contact who stayed.
    await sweepReminders(await portal(), new Date('2027-05-11T09:00:00.000Z'))
    expect((await smtp.waitFor('stays@leave.test')).subject).toContain('R-LEAVE')
    expect(smtp.messages.filter((message) => message.to.includes('billing@leave.test'))).toEqual([])
  })
})

describe('steps from the settings, escalations and pauses', () => {
  it('the settings’ own step, run as the queued sweep job, attaches the PDF, copies the collector and tells the ERP; a paused client gets nothing', async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 24 * HOUR).toISOString().slice(0, 10)
    const chased = await clientWithContact('Escalate BV', 'UTC', 'billing@escalate.test')
    const paused = await clientWithContact('Paused BV', 'UTC', 'billing@paused.test', { paused: true })
    const late = await invoice(chased, 'R-ESC', day(-3), day(-30))
    const quiet = await invoice(paused, 'R-PAUSED', day(-3), day(-30))
    // New steps in the settings: every payable invoice is planned again by the next sweep.
    await payload.updateGlobal({
      data: { reminders: { steps: [{ attachPdf: true, body: 'Hello {contact}, {number} is {daysOverdue} days late: {link}', copyTo: 'collector@escalate.test', days: 2, overdueEvent: true, subject: 'Still open: {number} ({amountDue})' }] } },
      slug: 'invoice-portal-settings',
    })
    try {
      await payload.jobs.queue({ input: {}, queue: 'invoice-portal', task: 'invoicePortalReminderSweep' as never })
      await payload.jobs.run({ queue: 'invoice-portal' })

      const mail = await smtp.waitFor('billing@escalate.test')
      expect(mail.subject).toBe('Still open: R-ESC (€121.00)')
      expect(mail.text).toContain(`Hello Escalate BV Billing, R-ESC is 3 days late: http`)
      expect(mail.attachments.map((attachment) => attachment.filename)).toEqual(['R-ESC.pdf'])
      const copy = await smtp.waitFor('collector@escalate.test')
      expect(copy.subject).toBe('Still open: R-ESC (€121.00)')
      expect(copy.text).not.toContain('No more payment reminders')
      const deliveries = await payload.find({ collection: 'invoice-portal-webhook-deliveries', depth: 0, where: { type: { equals: 'invoice.overdue' } } })
      expect(deliveries.docs.map((delivery) => (delivery.payload as { data: { number: string; reminderStep?: string } }).data).filter((data) => data.reminderStep)).toEqual([expect.objectContaining({ number: 'R-ESC', reminderStep: '+2' })])

      expect(await recordsOf(late.id)).toEqual([{ reason: null, status: 'sent', step: '+2' }])
      expect(await recordsOf(quiet.id)).toEqual([{ reason: 'paused', status: 'skipped', step: '+2' }])
      expect(smtp.messages.filter((message) => message.to.includes('billing@paused.test'))).toEqual([])
    } finally {
      await payload.updateGlobal({ data: { reminders: { steps: [] } }, slug: 'invoice-portal-settings' })
    }
  })
})

/** A request to the app's REST handler, as a mail client or browser following the link would make it. */
async function fetchLocal(method: string, pathAndQuery: string, body?: string) {
  const response = await handleEndpoints({
    config: app.config as never,
    request: new Request(`http://localhost${pathAndQuery}`, { body, headers: body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}, method }),
  })
  return { status: response.status, text: await response.text() }
}
