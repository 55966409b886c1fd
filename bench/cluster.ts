/**
 * `npm run bench:cluster`: the deployment of scripts/cluster.ts (two `next start` instances behind a
 * round-robin balancer, one `payload jobs:run` worker, one PostgreSQL) under contacts browsing and
 * paying, while the ERP pushes invoices and reminder sweeps run; then whether any answer was an error
 * and whether anything was done twice.
 *
 *  1. A fresh database, the fake Stripe API (test/fakes/stripe.ts) and an SMTP sink (test/helpers/smtp.ts)
 *     in this process; startCluster with them (the release step migrates), partial payments allowed.
 *  2. BENCH_CONTACTS (50) clients with one billing contact each (a known password), and their
 *     BENCH_INVOICES (40) invoices each pushed by the ERP through the balancer (BENCH_DUE of them with a
 *     reminder step due now, BENCH_PAID paid); the contacts want new-invoice e-mails and receipts only
 *     once the import and its queued jobs are done, so the import e-mails nothing but reminders.
 *  3. For BENCH_SECONDS (60), at once:
 *     - each contact signs in and loops (closed loop, BENCH_THINK_MS between pages): dashboard, invoice
 *       list (random status, sort, page, search or amount range), one of its invoices, the PDF
 *       (BENCH_PDF_SHARE), and paying the invoice (BENCH_PAY_SHARE, some part payments) as a browser
 *       does: the pay form, the fake Stripe checkout (which delivers its signed webhooks through the
 *       balancer before redirecting back), the return page until it says the payment was received;
 *     - the ERP pushes BENCH_ERP_RATE `invoice.upserted` a second (open loop): new invoices, and as
 *       many again of repeats (the same delivery again, or the same externalId and version as a new event);
 *     - reminder sweeps queued as the schedules do (`queueSweepOnce`, twice at once, a third of the way
 *       in; again two thirds in), for the worker to run.
 *  4. Until the queue has drained and the mail is quiet, then the checks: every answer what the portal
 *     answers (no 5xx, no unexpected 4xx, anywhere through the balancer); each paid checkout one payment,
 *     each invoice's amount paid its succeeded allocations; no e-mail twice (recipient, subject,
 *     attachments), reminders per (invoice, step) at most one and as many as the sent records, one
 *     receipt per payment, one new-invoice e-mail per pushed invoice; every pushed externalId once;
 *     every inbox event processed; no failed job.
 *
 * Prints the figures and checks, writes bench/results/cluster.json (logs of every process under
 * bench/results/cluster/), exits non-zero when a check fails. The cluster is stopped and the database
 * dropped whatever happens (BENCH_KEEP_DB=1 keeps it). autocannon or wrk are not used: a session per
 * contact, pages chosen from the previous answer and a checkout that leaves the site are beyond them;
 * requests go through node:http with keep-alive, as the other benches' do.
 * Environment: BENCH_SECONDS, BENCH_CONTACTS, BENCH_INVOICES, BENCH_DUE (6), BENCH_PAID (10),
 * BENCH_ERP_RATE (4), BENCH_PAY_SHARE (0.1), BENCH_PDF_SHARE (0.15), BENCH_THINK_MS (0),
 * BENCH_WORKER_CRON and BENCH_WORKER_LIMIT: how often the worker takes how many jobs (as `npm run cluster`:
 * every 5 s, Payload's 10),
 * BENCH_SKIP_BUILD=1 (reuse dev/.next-cluster), BENCH_KEEP_DB=1, BENCH_DATABASE_SERVER, BENCH_APP_DATABASE_URI.
 */
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { getPayload, type Payload } from 'payload'
import pg from 'pg'

import { createDevConfig } from '../dev/config.js'
import { SIGNATURE_HEADER, signatureHeader } from '../src/exports/erp.js'
import { queueSweepOnce } from '../src/jobs/schedules.js'
import { toMajorUnits, toMinorUnits } from '../src/money/format.js'
import { settingsSlug } from '../src/options.js'
import { invoiceQueryString, invoiceSorts, parseInvoiceQuery } from '../src/portal/filters.js'
import { REMINDER_TASK } from '../src/reminders/sweep.js'
import { invoiceStatuses } from '../src/status/machines.js'
import { startFakeStripe } from '../test/fakes/stripe.js'
import { type ReceivedMail, startSmtpSink } from '../test/helpers/smtp.js'
import { type BalancedResponse, type Cluster, startCluster } from '../scripts/cluster.js'
import { admin, databaseUriOf } from './database.js'
import { appDatabaseUri, type Delivery, openLoop, percentile, poster, reportChecks, root, sleep } from './lib/load.js'
import { cpuSecondsOf } from './lib/process.js'
import { atMost, information } from './lib/report.js'

if (process.env.NODE_ENV !== 'production') {
  throw new Error('bench/cluster.ts runs with NODE_ENV=production (npm run bench:cluster): the release step migrates, and Payload in this process must not push the schema.')
}

const seconds = Number(process.env.BENCH_SECONDS || 60)
const contactCount = Number(process.env.BENCH_CONTACTS || 50)
const invoicesPerClient = Number(process.env.BENCH_INVOICES || 40)
const duePerClient = Number(process.env.BENCH_DUE || 6)
const paidPerClient = Number(process.env.BENCH_PAID || 10)
const erpRate = Number(process.env.BENCH_ERP_RATE || 4)
const payShare = Number(process.env.BENCH_PAY_SHARE || 0.1)
const pdfShare = Number(process.env.BENCH_PDF_SHARE || 0.15)
const thinkMs = Number(process.env.BENCH_THINK_MS || 0)
const databaseName = 'invoice_portal_bench_cluster'
const databaseUri = databaseUriOf(databaseName)
const erpSecret = 'bench-cluster-erp-secret-0123456789'
const route = '/portal'
const sessionCookie = 'invoice-portal-session'
const logDir = path.join(root, 'bench/results/cluster')
const requestTimeoutMs = 60_000

const log = (message: string) => console.log(`[bench:cluster] ${message}`)
const random = Math.random
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
const ms = (value: number | undefined) => (value === undefined ? null : Number(value.toFixed(1)))

// ---------------------------------------------------------------------------------------------------
// HTTP, timed and tallied

type Answer = { body: string; headers: http.IncomingHttpHeaders; ms: number; status: number }
type Outgoing = { form?: Record<string, string>; headers?: Record<string, string>; method?: string }

const agent = new http.Agent({ keepAlive: true, maxSockets: 512 })

/** One request over node:http with keep-alive, timed from sending to the last byte of the body. */
function send(url: string, { form, headers = {}, method = 'GET' }: Outgoing = {}): Promise<Answer> {
  const body = form && new URLSearchParams(form).toString()
  const target = new URL(url)
  const since = performance.now()
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        headers: { ...(form && { 'content-type': 'application/x-www-form-urlencoded' }), ...(body !== undefined && { 'content-length': Buffer.byteLength(body) }), ...headers },
        hostname: target.hostname,
        method,
        path: `${target.pathname}${target.search}`,
        port: target.port,
        timeout: requestTimeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => resolve({ body: Buffer.concat(chunks).toString('utf8'), headers: response.headers, ms: performance.now() - since, status: response.statusCode ?? 0 }))
        response.on('error', reject)
      },
    )
    request.on('timeout', () => request.destroy(new Error(`no answer within ${requestTimeoutMs} ms`)))
    request.on('error', reject)
    request.end(body)
  })
}

/** Per kind of request: latencies and statuses; and every answer that is not what the portal gives, with a sample. */
const tally = new Map<string, { ms: number[]; statuses: Map<number, number> }>()
const unexpected: string[] = []
let unexpectedCount = 0

function note(kind: string, answer: Answer | null, problem: null | string): void {
  const entry = tally.get(kind) ?? { ms: [], statuses: new Map<number, number>() }
  tally.set(kind, entry)
  const status = answer?.status ?? 0
  entry.statuses.set(status, (entry.statuses.get(status) ?? 0) + 1)
  if (answer) entry.ms.push(answer.ms)
  if (!problem) return
  unexpectedCount += 1
  if (unexpected.length < 20) unexpected.push(`${kind}: ${problem}`)
}

/** A request of `kind`, recorded; `expect` says which statuses are the portal's answer, `check` what the body must hold. */
async function timed(kind: string, url: string, request: Outgoing, expect: number[], check?: (answer: Answer) => null | string): Promise<Answer | null> {
  let answer: Answer
  try {
    answer = await send(url, request)
  } catch (error) {
    note(kind, null, `${request.method ?? 'GET'} ${url}: ${(error as Error).message}`)
    return null
  }
  const wrongStatus = expect.includes(answer.status) ? null : `${request.method ?? 'GET'} ${url} answered ${answer.status} ${answer.headers.location ?? answer.body.slice(0, 200)}`
  note(kind, answer, wrongStatus ?? check?.(answer) ?? null)
  return wrongStatus ? null : answer
}

/**
 * Everything the balancer answered (the contacts, the ERP, the fake Stripe's webhooks): errors over the
 * whole run, statuses by path kind and requests per instance over the load.
 */
const balanced = { byInstance: new Map<string, number>(), errors: [] as string[], errorCount: 0, statuses: new Map<string, number>() }
function noteBalanced(response: BalancedResponse): void {
  const where = response.path.startsWith('/api/invoice-portal/') ? response.path.split('?')[0] : response.path.startsWith(`${route}/api/`) ? `${route}/api/…` : route
  const key = `${response.status} ${where}`
  balanced.statuses.set(key, (balanced.statuses.get(key) ?? 0) + 1)
  balanced.byInstance.set(response.upstream, (balanced.byInstance.get(response.upstream) ?? 0) + 1)
  if (response.status < 400) return
  balanced.errorCount += 1
  if (balanced.errors.length < 20) balanced.errors.push(`${response.status} ${response.method} ${response.path} (${response.upstream})`)
}

// ---------------------------------------------------------------------------------------------------
// The ERP

type InvoiceKind = 'due' | 'new' | 'open' | 'paid'

/** An `invoice.upserted` event: `due` has its "+7 days" reminder due now (and the earlier steps passed), `paid` is paid. */
function invoiceEvent(eventId: string, externalId: string, client: string, kind: InvoiceKind, index: number) {
  const dates: Record<InvoiceKind, [number, number]> = { due: [-40, -10], new: [0, 30], open: [-(index % 20), 10 + (index % 20)], paid: [-60 + index, -30 + index] }
  const [issued, due] = dates[kind]
  const lineItems = Array.from({ length: 1 + (index % 3) }, (_, line) => ({
    description: pick(['Consulting (hours)', 'Support retainer', 'Hosting, monthly', 'Licence seats', 'Workshop day']),
    quantity: pick(['1', '2', '0.5', '12.5', '3']),
    taxRate: pick(['21', '21', '9', '0']),
    unitAmount: 1000 + ((index * 7919 + line * 104_729) % 90_000),
  }))
  const data = { client: { externalId: client }, currency: 'EUR', dueDate: day(due), externalId, issueDate: day(issued), lineItems, status: kind === 'paid' ? 'paid' : 'open', version: 1 }
  return { data, id: eventId, occurredAt: new Date().toISOString(), type: 'invoice.upserted' }
}

const asDelivery = (event: object): Delivery => ({ body: JSON.stringify(event), headers: { 'Content-Type': 'application/json' } })

/** Posts ERP deliveries, each signed as it goes out (as an ERP does), so the 300 s tolerance holds however long a run is. */
function erpSender(url: string) {
  const post = poster(url)
  return (delivery: Delivery) => post({ body: delivery.body, headers: { ...delivery.headers, [SIGNATURE_HEADER]: signatureHeader(erpSecret, delivery.body) } })
}

/** The pushes of the run: new invoices, and repeats of recent ones (the same delivery again; the same externalId and version as a new event). */
function erpLoad(count: number, clients: string[]) {
  const deliveries: Delivery[] = []
  const fresh: Array<{ delivery: Delivery; event: ReturnType<typeof invoiceEvent> }> = []
  const kinds = { again: 0, new: 0, reexported: 0 }
  for (let index = 0; index < count; index += 1) {
    const roll = random()
    const recent = fresh.slice(-10)
    if (recent.length === 0 || roll < 0.5) {
      const event = invoiceEvent(`evt_load_${index}`, `LOAD-${index}`, pick(clients), 'new', index)
      fresh.push({ delivery: asDelivery(event), event })
      deliveries.push(fresh.at(-1)!.delivery)
      kinds.new += 1
    } else if (roll < 0.75) {
      deliveries.push(pick(recent).delivery)
      kinds.again += 1
    } else {
      deliveries.push(asDelivery({ ...pick(recent).event, id: `evt_load_${index}_again` }))
      kinds.reexported += 1
    }
  }
  return { deliveries, externalIds: fresh.map(({ event }) => event.data.externalId), kinds }
}

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (let index = next++; index < items.length; index = next++) await work(items[index])
  }))
}

// ---------------------------------------------------------------------------------------------------
// Seeding

type Login = { email: string; password: string }
type Seeded = { clients: string[]; contacts: Login[]; dueInvoices: number }

async function waitForInbox(db: pg.Client, timeoutMs: number): Promise<void> {
  const since = Date.now()
  for (;;) {
    const { rows } = await db.query<{ n: string }>("SELECT count(*) AS n FROM webhook_events WHERE status = 'received'")
    if (Number(rows[0].n) === 0) return
    if (Date.now() - since > timeoutMs) throw new Error(`${rows[0].n} webhook events still unprocessed after ${timeoutMs / 1000} s`)
    await sleep(250)
  }
}

const wanted = (all: boolean) => ({ invoiceIssued: all, paymentReceived: all, reminders: true })

/**
 * The clients through the Local API, each with one billing contact who wants reminders (a sweep the
 * schedules queue during the import finds someone to remind) but, until the import is done, no
 * new-invoice e-mails or receipts.
 */
async function createClientsAndContacts(payload: Payload): Promise<{ clients: string[]; contacts: Login[] }> {
  const clients = Array.from({ length: contactCount }, (_, index) => `CLUSTER-C-${index + 1}`)
  const contacts = clients.map((_, index) => ({ email: `contact-${index + 1}@cluster.test`, password: `cluster-password-${index + 1}` }))
  await inParallel(clients, 5, async (externalId) => {
    const timezone = pick(['Europe/Amsterdam', 'UTC', 'America/New_York', 'Asia/Tokyo'])
    const client = await payload.create({ collection: 'clients', data: { currency: 'EUR', externalId, locale: 'en', name: `Cluster client ${externalId.slice(10)}`, timezone } })
    const { email, password } = contacts[clients.indexOf(externalId)]
    await payload.create({ collection: 'contacts', data: { client: client.id, email, name: `Billing ${externalId}`, notifications: wanted(false), password, role: 'billing' } })
  })
  return { clients, contacts }
}

/** Every client's invoices pushed by the ERP through the balancer, 16 at a time (the hooks derive every amount, number and reminder date); until all are applied. */
async function importInvoices(cluster: Cluster, db: pg.Client, clients: string[]): Promise<void> {
  const kindOf = (index: number): InvoiceKind => (index < duePerClient ? 'due' : index < duePerClient + paidPerClient ? 'paid' : 'open')
  const pushes = clients.flatMap((client, c) =>
    Array.from({ length: invoicesPerClient }, (_, index) => asDelivery(invoiceEvent(`evt_seed_${c}_${index}`, `SEED-${c}-${index}`, client, kindOf(index), index))),
  )
  const sendErp = erpSender(`${cluster.url}/api/invoice-portal/erp/webhook`)
  const refused: number[] = []
  const since = Date.now()
  await inParallel(pushes, 16, async (delivery) => {
    const status = await sendErp(delivery)
    if (status !== 200) refused.push(status)
  })
  if (refused.length) throw new Error(`seed: ${refused.length} ERP pushes refused (${[...new Set(refused)].join(', ')})`)
  await waitForInbox(db, 300_000)
  const { rows } = await db.query<{ n: string }>("SELECT count(*) AS n FROM invoices WHERE external_id LIKE 'SEED-%'")
  if (Number(rows[0].n) !== pushes.length) throw new Error(`seed: ${rows[0].n} of ${pushes.length} pushed invoices stored`)
  log(`imported ${pushes.length} invoices of ${clients.length} clients through the ERP webhook in ${((Date.now() - since) / 1000).toFixed(1)} s`)
}

/**
 * The clients and contacts, the import, and once its queued jobs have run (none of them may e-mail a
 * contact about an imported invoice), the contacts' new-invoice e-mails and receipts switched on.
 * Partial payments are allowed.
 */
async function seed(payload: Payload, cluster: Cluster, db: pg.Client, mail: ReceivedMail[]): Promise<Seeded> {
  await payload.updateGlobal({ slug: settingsSlug, data: { portal: { allowPartialPayment: true, minimumPartialAmount: 1000 } } })
  const { clients, contacts } = await createClientsAndContacts(payload)
  await importInvoices(cluster, db, clients)
  const drained = await drain(db, mail, 300_000)
  log(`the import's queued jobs done ${drained.toFixed(1)} s later`)
  // One at a time: Payload's update by `where` runs its documents in parallel on one transaction's connection.
  for (const contact of contacts) await payload.update({ collection: 'contacts', data: { notifications: wanted(true) }, where: { email: { equals: contact.email } } })
  return { clients, contacts, dueInvoices: clients.length * duePerClient }
}

// ---------------------------------------------------------------------------------------------------
// Virtual contacts

type Contact = { cookie: string; email: string; invoiceIds: string[] }
const payments = { confirmedMs: [] as number[], paidSessions: [] as string[], partial: 0, unconfirmed: 0 }

async function signIn(base: string, login: { email: string; password: string }): Promise<Contact> {
  const answer = await timed('sign-in', `${base}${route}/api/login`, { form: { ...login, next: route }, headers: { origin: base }, method: 'POST' }, [303])
  const cookies = [answer?.headers['set-cookie'] ?? []].flat()
  const cookie = cookies.map((header) => header.split(';')[0]).find((pair) => pair.startsWith(`${sessionCookie}=`) && pair.length > sessionCookie.length + 1)
  if (!cookie) throw new Error(`${login.email} could not sign in`)
  return { cookie, email: login.email, invoiceIds: [] }
}

const invoiceIdsIn = (html: string) => [...new Set([...html.matchAll(/href="\/portal\/invoices\/(\d+)"/g)].map((match) => match[1]))]
const pageOk = (marker: string) => (answer: Answer) => (answer.body.includes(marker) ? null : `no ${marker} in the page`)
const attributeOf = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1]

/** A list URL as the filter form writes it: a status (or overdue/unpaid), a sort, a page; sometimes a number search or an amount range. */
function randomListPath(): string {
  const query = parseInvoiceQuery({})
  const status = pick(['', '', '', 'overdue', 'unpaid', ...invoiceStatuses.filter((value) => value !== 'draft')] as const)
  const search = random() < 0.15 ? { q: 'INV-' } : {}
  const amounts = random() < 0.15 ? { amountMax: '2000', amountMin: '100' } : {}
  return `${route}/invoices${invoiceQueryString(query, { page: pick([1, 1, 2]), sort: pick(invoiceSorts), status, ...search, ...amounts })}`
}

/**
 * Pays from the invoice page as a browser does: the pay form (all of what is due, or a part), the fake
 * Stripe checkout page's "pay" (it delivers the signed webhooks through the balancer, then redirects
 * back), then the return page until it says the payment was received (it refreshes itself meanwhile).
 */
async function pay(base: string, stripeUrl: string, contact: Contact, invoiceId: string, page: string): Promise<void> {
  const provider = attributeOf(/<button[^>]*name="provider"[^>]*>/.exec(page)?.[0] ?? '', 'value')
  if (!provider) return
  // The amount field is there when the settings allow part payments; without it the form pays all that is due.
  const input = /<input[^>]*name="amount"[^>]*>/.exec(page)?.[0]
  const [max, min] = input ? [toMinorUnits(attributeOf(input, 'max') ?? '0', 'EUR'), toMinorUnits(attributeOf(input, 'min') ?? '0', 'EUR')] : [0, 0]
  const partial = max > min && random() < 0.4
  const amount = partial ? min + Math.floor(random() * (max - min)) : max
  const started = performance.now()
  const headers = { cookie: contact.cookie, origin: base }
  const form = { ...(input && { amount: toMajorUnits(amount, 'EUR') }), invoice: invoiceId, provider }
  const toCheckout = (answer: Answer) => (answer.headers.location?.startsWith(`${stripeUrl}/checkout/`) ? null : `pay led to ${answer.headers.location}, not the checkout`)
  const started303 = await timed('pay (form post)', `${base}${route}/api/pay`, { form, headers, method: 'POST' }, [303], toCheckout)
  const checkoutUrl = started303?.headers.location
  if (!checkoutUrl?.startsWith(`${stripeUrl}/checkout/`)) return
  const checkout = await timed('checkout at the fake Stripe (3 webhooks delivered)', `${checkoutUrl}/pay`, { form: { method: 'card' }, method: 'POST' }, [303])
  if (!checkout?.headers.location) return
  payments.paidSessions.push(checkoutUrl.split('/').pop()!)
  if (partial) payments.partial += 1
  const returnPath = new URL(checkout.headers.location).pathname
  const deadline = performance.now() + 60_000
  while (performance.now() < deadline) {
    const answer = await timed('payment return page', `${base}${returnPath}`, { headers }, [200], pageOk('data-testid="payment-outcome"'))
    if (answer?.body.includes('Payment received')) {
      payments.confirmedMs.push(performance.now() - started)
      return
    }
    await sleep(1000)
  }
  payments.unconfirmed += 1
}

/** One contact's visits until `until`: dashboard, a list, an invoice, sometimes its PDF, now and then paying it. */
async function browse(base: string, stripeUrl: string, contact: Contact, until: number): Promise<void> {
  const headers = { 'accept-language': 'en', cookie: contact.cookie }
  const think = () => (thinkMs ? sleep(random() * thinkMs * 2) : Promise.resolve())
  while (performance.now() < until) {
    await timed('dashboard', `${base}${route}`, { headers }, [200], pageOk('<main'))
    await think()
    const list = await timed('invoice list', `${base}${randomListPath()}`, { headers }, [200], pageOk('<main'))
    const listed = invoiceIdsIn(list?.body ?? '')
    if (listed.length) contact.invoiceIds = listed
    if (contact.invoiceIds.length === 0 || performance.now() >= until) continue
    await think()
    const invoiceId = pick(contact.invoiceIds)
    const detail = await timed('invoice detail', `${base}${route}/invoices/${invoiceId}`, { headers }, [200], pageOk('data-testid="invoice-amount-due"'))
    if (random() < pdfShare) {
      await timed('invoice PDF', `${base}${route}/api/invoices/${invoiceId}/pdf`, { headers }, [200], (answer) => (answer.headers['content-type'] === 'application/pdf' ? null : `a ${answer.headers['content-type']}, not a PDF`))
    }
    if (detail && random() < payShare) await pay(base, stripeUrl, contact, invoiceId, detail.body)
    await think()
  }
}

// ---------------------------------------------------------------------------------------------------
// After the load

/** Until the queue has no job left to run, the inbox nothing unprocessed, and no e-mail arrived for 3 s; at most `timeoutMs` (the checks then say what is left). */
async function drain(db: pg.Client, mail: ReceivedMail[], timeoutMs: number): Promise<number> {
  const since = Date.now()
  let quietSince = Date.now()
  let seen = mail.length
  for (;;) {
    const { rows } = await db.query<{ events: string; jobs: string }>(
      "SELECT (SELECT count(*) FROM payload_jobs WHERE completed_at IS NULL AND NOT coalesce(has_error, false)) AS jobs, (SELECT count(*) FROM webhook_events WHERE status = 'received') AS events",
    )
    if (mail.length !== seen) [seen, quietSince] = [mail.length, Date.now()]
    if (Number(rows[0].jobs) === 0 && Number(rows[0].events) === 0 && Date.now() - quietSince >= 3000) return (Date.now() - since) / 1000
    if (Date.now() - since > timeoutMs) {
      log(`not drained after ${timeoutMs / 1000} s: ${rows[0].jobs} jobs, ${rows[0].events} webhook events waiting`)
      return (Date.now() - since) / 1000
    }
    await sleep(500)
  }
}

const countBy = <T>(items: readonly T[], key: (item: T) => string) => {
  const counts = new Map<string, number>()
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1)
  return counts
}

/** E-mails by kind (from their subjects), and how many were sent twice: the same recipient, subject and attachments. */
function mailFigures(mail: ReceivedMail[]) {
  const identity = (message: ReceivedMail) => `${message.to.join(',')}|${message.subject}|${message.attachments.map((file) => file.filename).join(',')}`
  const duplicates = [...countBy(mail, identity)].filter(([, n]) => n > 1)
  const numberIn = (subject: string) => /(INV-\d{4}-\d+)/.exec(subject)?.[1] ?? ''
  const reminders = mail.filter((message) => /^(Reminder: invoice|Overdue: invoice|Invoice \S+ from .* is due today)/.test(message.subject))
  return {
    duplicates,
    newInvoice: mail.filter((message) => message.subject.startsWith('New invoice ')),
    receipts: mail.filter((message) => message.subject.startsWith('Payment received:')),
    reminderNumbers: countBy(reminders, (message) => `${message.to.join(',')}|${numberIn(message.subject)}`),
    reminders,
  }
}

async function databaseFigures(db: pg.Client, paidSessions: string[], loadExternalIds: string[]) {
  const one = async <T>(sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows[0] as T
  const stripe = await one<{ distinct_refs: string; rows: string; succeeded: string; succeeded_of_sessions: string }>(
    `SELECT count(*) AS rows, count(DISTINCT provider_ref) AS distinct_refs, count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
            count(*) FILTER (WHERE status = 'succeeded' AND provider_ref = ANY($1)) AS succeeded_of_sessions
     FROM payments WHERE provider = 'stripe' AND provider_ref IS NOT NULL`,
    [paidSessions],
  )
  const perSession = await one<{ off: string }>(
    `SELECT count(*) AS off FROM unnest($1::text[]) AS s(ref) WHERE (SELECT count(*) FROM payments p WHERE p.provider = 'stripe' AND p.provider_ref = s.ref AND p.status = 'succeeded') <> 1`,
    [paidSessions],
  )
  const amounts = await one<{ bad_due: string; bad_paid: string; invoices: string }>(
    `SELECT count(*) AS invoices,
            count(*) FILTER (WHERE i.amount_paid <> coalesce((SELECT sum(a.amount) FROM payments_allocations a JOIN payments p ON p.id = a._parent_id WHERE a.invoice_id = i.id AND p.status = 'succeeded'), 0)) AS bad_paid,
            count(*) FILTER (WHERE i.status IN ('open', 'partially_paid', 'paid') AND i.amount_due <> greatest(0, i.total - i.amount_paid - i.amount_credited)) AS bad_due
     FROM invoices i`,
  )
  const erp = await one<{ duplicated: string; present: string }>(
    `SELECT count(DISTINCT external_id) AS present, count(*) - count(DISTINCT external_id) AS duplicated FROM invoices WHERE source = 'erp' AND external_id = ANY($1)`,
    [loadExternalIds],
  )
  const loadSent = await one<{ n: string }>("SELECT count(*) AS n FROM invoices WHERE external_id = ANY($1) AND sent_at IS NOT NULL", [loadExternalIds])
  const inbox = await db.query<{ n: string; provider: string; status: string }>('SELECT provider::text, status::text, count(*) AS n FROM webhook_events GROUP BY 1, 2 ORDER BY 1, 2')
  const inboxDuplicates = await one<{ n: string }>('SELECT count(*) - count(DISTINCT (provider, event_id)) AS n FROM webhook_events')
  const reminders = await db.query<{ n: string; status: string; step: string }>('SELECT status::text, step, count(*) AS n FROM invoice_portal_reminders GROUP BY 1, 2 ORDER BY 1, 2')
  const sentReminders = await db.query<{ number: string }>("SELECT i.number FROM invoice_portal_reminders r JOIN invoices i ON i.id = r.invoice_id WHERE r.status = 'sent'")
  const jobs = await one<{ failed: string; waiting: string }>(
    'SELECT count(*) FILTER (WHERE has_error) AS failed, count(*) FILTER (WHERE completed_at IS NULL AND NOT coalesce(has_error, false)) AS waiting FROM payload_jobs',
  )
  const failedJobs = await db.query<{ error: unknown; task_slug: string }>('SELECT task_slug, error FROM payload_jobs WHERE has_error LIMIT 5')
  return { amounts, erp, failedJobs: failedJobs.rows, inbox: inbox.rows, inboxDuplicates: Number(inboxDuplicates.n), jobs, loadSent: Number(loadSent.n), perSession, reminders: reminders.rows, sentReminders: sentReminders.rows.map((row) => row.number), stripe }
}

const latency = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return { n: sorted.length, p50: ms(percentile(sorted, 50)), p95: ms(percentile(sorted, 95)), p99: ms(percentile(sorted, 99)), max: ms(sorted.at(-1)) }
}

// ---------------------------------------------------------------------------------------------------

let cluster: Cluster | null = null
let payload: Payload | null = null
let exitCode = 1
/** Rejects once a process of the cluster died (with what it printed last); never otherwise. */
let dead: Promise<never> = new Promise(() => {})
/** `work`, unless a process of the cluster dies first. */
const whileAlive = <T>(work: Promise<T>): Promise<T> => Promise.race([work, dead])
const stripe = await startFakeStripe()
const sink = await startSmtpSink()
const db = new pg.Client({ connectionString: databaseUri })
// Dropping the database at the end ends this connection with an error event; nothing to report then.
db.on('error', () => {})

let cleaning: null | Promise<void> = null
/** Stops the cluster and the fakes and drops the database (unless BENCH_KEEP_DB=1); once, however often it is called. */
const cleanUp = () =>
  (cleaning ??= (async () => {
    await cluster?.stop().catch((error: unknown) => console.error('[bench:cluster] stopping the cluster failed:', error))
    await db.end().catch(() => {})
    ;(payload?.db as unknown as { pool?: { on: (event: string, listener: () => void) => void } } | undefined)?.pool?.on('error', () => {})
    await stripe.close()
    await sink.stop()
    agent.destroy()
    if (process.env.BENCH_KEEP_DB === '1') return
    await admin((client) => client.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`)).catch((error: unknown) => console.error('[bench:cluster] dropping the database failed:', error))
  })())
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    console.error(`[bench:cluster] ${signal}: stopping`)
    void cleanUp().finally(() => process.exit(130))
  })
}
try {
  await admin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`)
    await client.query(`CREATE DATABASE "${databaseName}"`)
  })
  log(`starting the cluster on ${databaseName}${process.env.BENCH_SKIP_BUILD === '1' ? '' : ' (next build into dev/.next-cluster first)'}…`)
  const started = await startCluster({
    appDatabaseUri: appDatabaseUri(databaseName, databaseUri),
    build: process.env.BENCH_SKIP_BUILD === '1' ? 'if-missing' : 'always',
    createDatabase: false,
    databaseUri,
    env: { ERP_WEBHOOK_SECRET: erpSecret, SMTP_URL: sink.url, STRIPE_API_URL: stripe.url, STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_WEBHOOK_SECRET: stripe.webhookSecret },
    log,
    logDir,
    onResponse: noteBalanced,
    seedDemoData: false,
    // The worker as `npm run cluster` runs it, unless told otherwise.
    workerCron: process.env.BENCH_WORKER_CRON || undefined,
    workerLimit: Number(process.env.BENCH_WORKER_LIMIT) || undefined,
  })
  cluster = started
  dead = started.died.then((message) => Promise.reject(new Error(message)))
  dead.catch(() => {})
  stripe.setWebhookUrl(`${started.url}/api/invoice-portal/stripe/webhook`)
  await db.connect()
  payload = await getPayload({ config: createDevConfig({ databaseUri, plugin: { paymentReconciliation: { cron: false }, reminders: { cron: false } }, seed: false }) })
  const seeded = await whileAlive(seed(payload, started, db, sink.messages))

  const contacts = await whileAlive(Promise.all(seeded.contacts.map((login) => signIn(started.url, login))))
  log(`${contacts.length} contacts signed in; ${seconds} s of browsing and paying, ERP pushes at ${erpRate}/s, reminder sweeps at ${Math.round(seconds / 3)} s and ${Math.round((2 * seconds) / 3)} s`)
  const load = erpLoad(Math.round(erpRate * seconds), seeded.clients)
  const processGroups = { ...Object.fromEntries(started.instances.map((instance) => [instance.name, instance.pid])), worker: started.worker.pid }
  const [cpuBefore, benchCpuBefore] = [cpuSecondsOf(processGroups), process.cpuUsage()]
  balanced.statuses.clear()
  balanced.byInstance.clear()
  const loadStarted = performance.now()
  const until = loadStarted + seconds * 1000
  const sweeps: boolean[][] = []
  const queueSweeps = async (at: number, times: number) => {
    await sleep(at * 1000)
    sweeps.push(await Promise.all(Array.from({ length: times }, () => queueSweepOnce(payload!, REMINDER_TASK))))
  }
  const work = Promise.all([
    ...contacts.map((contact) => browse(started.url, stripe.url, contact, until)),
    openLoop(load.deliveries, erpRate, erpSender(`${started.url}/api/invoice-portal/erp/webhook`)),
    queueSweeps(seconds / 3, 2),
    queueSweeps((2 * seconds) / 3, 1),
  ])
  const outcome = await whileAlive(work)
  const erp = outcome[contacts.length] as Awaited<ReturnType<typeof openLoop>>
  const loadSeconds = (performance.now() - loadStarted) / 1000
  const benchCpu = process.cpuUsage(benchCpuBefore)
  const cpu = Object.fromEntries([
    ...Object.entries(cpuSecondsOf(processGroups)).map(([name, used]) => [name, Number((used - cpuBefore[name]).toFixed(1))]),
    ['bench (contacts, balancer, fake Stripe, SMTP sink)', Number(((benchCpu.user + benchCpu.system) / 1e6).toFixed(1))],
  ])
  log(`load done in ${loadSeconds.toFixed(1)} s; waiting for the queue to drain…`)
  const drainSeconds = await whileAlive(drain(db, sink.messages, 180_000))

  const found = await databaseFigures(db, payments.paidSessions, load.externalIds)
  const mail = mailFigures(sink.messages)
  // The load's own requests: not the sign-ins before it, nor the fake Stripe's checkout page.
  const pages = [...tally].filter(([kind]) => !kind.startsWith('checkout') && kind !== 'sign-in')
  const allPages = pages.flatMap(([, entry]) => entry.ms)
  const requestsPerSecond = allPages.length / loadSeconds
  const reminderMailsPerInvoice = Math.max(0, ...mail.reminderNumbers.values())
  const reminderNumbersMailed = new Set([...mail.reminderNumbers.keys()].map((key) => key.split('|')[1]))
  const sentNotMailed = found.sentReminders.filter((number) => !reminderNumbersMailed.has(number)).length
  const paymentsDuplicated = Number(found.stripe.rows) - Number(found.stripe.distinct_refs) + Number(found.perSession.off)
  const figures = {
    setup: { contacts: contacts.length, invoicesSeeded: seeded.clients.length * invoicesPerClient, withReminderDue: seeded.dueInvoices, instances: started.instances.length, worker: started.worker.command, balancer: started.url },
    seconds: Number(loadSeconds.toFixed(1)),
    // Of the load's seconds × the machine's cores; PostgreSQL counts every database on the server.
    cpuSeconds: { ...cpu, available: Number((loadSeconds * os.cpus().length).toFixed(1)) },
    requests: {
      portal: allPages.length,
      perSecond: Number(requestsPerSecond.toFixed(1)),
      // The contacts' requests, the ERP's pushes and the fake Stripe's webhooks.
      throughBalancerPerSecond: Number(([...balanced.statuses.values()].reduce((sum, n) => sum + n, 0) / loadSeconds).toFixed(1)),
      perInstance: Object.fromEntries(balanced.byInstance),
    },
    latencyMs: { overall: latency(allPages), ...Object.fromEntries([...tally].map(([kind, entry]) => [kind, latency(entry.ms)])) },
    statuses: Object.fromEntries([...tally].map(([kind, entry]) => [kind, Object.fromEntries(entry.statuses)])),
    balancerStatuses: Object.fromEntries([...balanced.statuses].sort()),
    unexpectedAnswers: { count: unexpectedCount, samples: unexpected },
    balancerErrors: { count: balanced.errorCount, samples: balanced.errors },
    payments: {
      checkoutsPaid: payments.paidSessions.length,
      partial: payments.partial,
      stripePaymentRows: Number(found.stripe.rows),
      succeeded: Number(found.stripe.succeeded),
      duplicated: paymentsDuplicated,
      confirmedOnReturnPageMs: latency(payments.confirmedMs),
      notConfirmedWithin60s: payments.unconfirmed,
    },
    invoices: { checked: Number(found.amounts.invoices), amountPaidNotItsAllocations: Number(found.amounts.bad_paid), amountDueWrong: Number(found.amounts.bad_due) },
    erp: { pushes: load.deliveries.length, ...load.kinds, answeredByStatus: Object.fromEntries(erp.statuses), latencyMs: latency(erp.latencies), newInvoicesPresent: Number(found.erp.present), duplicated: Number(found.erp.duplicated) },
    sweeps: { queuedWhenTwoFiredAtOnce: sweeps[0]?.filter(Boolean).length ?? 0, queuedLater: sweeps[1]?.filter(Boolean).length ?? 0, records: found.reminders },
    mail: { total: sink.messages.length, reminders: mail.reminders.length, receipts: mail.receipts.length, newInvoice: mail.newInvoice.length, duplicated: mail.duplicates.length, duplicateSamples: mail.duplicates.slice(0, 5).map(([key, n]) => `${n}× ${key}`) },
    inbox: found.inbox,
    jobs: { failed: Number(found.jobs.failed), waiting: Number(found.jobs.waiting), failedSamples: found.failedJobs },
    drainSeconds: Number(drainSeconds.toFixed(1)),
  }
  const checks = [
    ['every answer is what the portal answers (no 5xx, no unexpected 4xx or redirect)', unexpectedCount === 0],
    ['nothing through the balancer answered 4xx or 5xx (contacts, ERP, Stripe webhooks)', balanced.errorCount === 0],
    ['both instances served requests', balanced.byInstance.size === started.instances.length],
    ['payments were made, some in part', payments.paidSessions.length > 0 && payments.partial > 0],
    ['each paid checkout session gives exactly one succeeded payment (unique provider refs, count = sessions paid)', paymentsDuplicated === 0 && Number(found.stripe.succeeded_of_sessions) === payments.paidSessions.length && Number(found.stripe.succeeded) === payments.paidSessions.length],
    ["each invoice's amount paid is the sum of its succeeded allocations, and its amount due follows", Number(found.amounts.bad_paid) === 0 && Number(found.amounts.bad_due) === 0],
    ['every return page showed its payment received', payments.unconfirmed === 0],
    ['no e-mail sent twice (same recipient, subject and attachments)', mail.duplicates.length === 0],
    ['reminders were sent by the sweeps: at most one e-mail per (invoice, step), one for each sent record', mail.reminders.length > 0 && reminderMailsPerInvoice <= 1 && mail.reminders.length === found.sentReminders.length && sentNotMailed === 0],
    ['one receipt per succeeded payment', mail.receipts.length === Number(found.stripe.succeeded)],
    ['one new-invoice e-mail per pushed invoice', mail.newInvoice.length === load.externalIds.length && found.loadSent === load.externalIds.length],
    ['every pushed externalId exists exactly once', Number(found.erp.present) === load.externalIds.length && Number(found.erp.duplicated) === 0],
    ['every push answered 200', erp.ok === load.deliveries.length],
    ['the inbox holds each event once, all processed', found.inboxDuplicates === 0 && found.inbox.every((row) => row.status === 'processed')],
    ['no failed job, none left waiting', Number(found.jobs.failed) === 0 && Number(found.jobs.waiting) === 0],
  ] as const
  const pageRows = pages.map(([kind, entry]) => information(`${kind} p95`, percentile([...entry.ms].sort((a, b) => a - b), 95), 'ms'))
  const rows = [
    information(`overall p95 (${contacts.length} contacts, 2 instances, 1 worker)`, percentile([...allPages].sort((a, b) => a - b), 95), 'ms'),
    ...pageRows,
    information('requests per second (portal pages and posts)', requestsPerSecond, '/s'),
    atMost('error answers', unexpectedCount + balanced.errorCount, 'answers', 0),
    atMost('duplicate payments', paymentsDuplicated, 'payments', 0),
    atMost('duplicate e-mails', mail.duplicates.length, 'e-mails', 0),
  ]
  exitCode = reportChecks('cluster', figures, checks, { rows })
} catch (error) {
  console.error(`[bench:cluster] FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
} finally {
  await cleanUp()
}
process.exit(exitCode)
