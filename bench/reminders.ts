/**
 * `npm run bench:reminders`: how long the reminder sweep takes to find the invoices due for a step
 * among BENCH_INVOICES (1,000,000) and hand every reminder to SMTP, and how long a sweep that finds
 * nothing due takes; with the query plans, to show the index is used.
 *
 *  1. A fresh database; the dev host app's Payload in this process, its mail going to an in-process
 *     SMTP sink over a pooled nodemailer transport (8 connections).
 *  2. SQL seeds BENCH_CLIENTS (1,000) clients in five timezones, each with one billing contact, and
 *     the invoices: BENCH_DUE (20,000) open ones due yesterday whose "-3 days" reminder went out
 *     four days ago (so "+1 day" is due now, everywhere), the rest paid, void, draft or open with
 *     their next step in the future.
 *  3. EXPLAIN ANALYZE of the sweep's query; one sweep, timed, until every reminder is handed over;
 *     then a second sweep, which finds nothing due.
 *  4. Checks: each due invoice got exactly one e-mail and one `sent` record; the times are within
 *     the targets (60 s; 100 ms).
 * Prints the figures, writes bench/results/reminders.json, exits non-zero when a check fails.
 */
import { getPayload } from 'payload'
import pg from 'pg'
import { SMTPServer } from 'smtp-server'

import { createDevConfig } from '../dev/config.js'
import { loadPortal } from '../src/portal/context.js'
import { sweepReminders } from '../src/reminders/sweep.js'
import { admin, databaseUriOf } from './database.js'
import { reportChecks } from './lib/load.js'
import { atMost, information } from './lib/report.js'

const invoices = Number(process.env.BENCH_INVOICES || 1_000_000)
const due = Number(process.env.BENCH_DUE || 20_000)
const clients = Number(process.env.BENCH_CLIENTS || 1000)
const targets = { emptySweepMs: 100, sweepSeconds: 60 }
const databaseName = 'invoice_portal_bench_reminders'
const databaseUri = databaseUriOf(databaseName)

// The sink: counts each message and notes its subject (the invoice number), nothing more.
const subjects: string[] = []
const sink = new SMTPServer({
  authOptional: true,
  disableReverseLookup: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, callback) {
    let head = ''
    stream.on('data', (chunk: Buffer) => {
      if (head.length < 4096) head += chunk.toString('latin1')
    })
    stream.on('end', () => {
      subjects.push(/^Subject: (.*)$/m.exec(head)?.[1] ?? '')
      callback()
    })
  },
})
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve))
const smtpUrl = `smtp://127.0.0.1:${(sink.server.address() as { port: number }).port}/?pool=true&maxConnections=8`

await admin(async (client) => {
  await client.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`)
  await client.query(`CREATE DATABASE "${databaseName}"`)
})
const config = createDevConfig({ databaseUri, plugin: { paymentReconciliation: { cron: false }, reminders: { cron: false } }, seed: false, smtpUrl })
const payload = await getPayload({ config })
const db = new pg.Client({ connectionString: databaseUri })
await db.connect()
let exitCode = 1
try {
  const today = new Date().toISOString().slice(0, 10)
  const started = performance.now()
  await db.query(`
    INSERT INTO clients (name, currency, locale, timezone, portal_enabled, created_at, updated_at)
    SELECT 'Bench client ' || n, 'EUR', 'en', (ARRAY['UTC','Europe/Amsterdam','America/New_York','America/Los_Angeles','Asia/Tokyo'])[1 + n % 5], true, now(), now()
    FROM generate_series(1, $1::int) AS n`, [clients])
  await db.query(`
    INSERT INTO contacts (client_id, email, name, role, notifications_invoice_issued, notifications_payment_received, notifications_reminders, created_at, updated_at)
    SELECT id, 'billing-' || id || '@bench.test', 'Billing ' || id, 'billing', true, true, true, now(), now() FROM clients`)
  // Invoice n: the first BENCH_DUE are due for "+1 day"; then 50 % paid, 30 % open with a step ahead, 20 % void or draft.
  await db.query(`
    INSERT INTO invoices (number, client_id, status, issue_date, due_date, currency, subtotal, tax_total, total, amount_paid, amount_credited, amount_due, source, next_reminder_at, created_at, updated_at)
    SELECT 'B-' || lpad(n::text, 7, '0'), 1 + n % $2::int,
      (CASE WHEN kind IN ('due', 'ahead') THEN 'open' ELSE kind END)::enum_invoices_status,
      $3::date - 30 + interval '12 hours',
      (CASE kind WHEN 'due' THEN $3::date - 1 WHEN 'ahead' THEN $3::date + 20 + n % 30 WHEN 'draft' THEN $3::date + 10 ELSE $3::date - 20 END) + interval '12 hours',
      'EUR', 10000, 2100, 12100, CASE kind WHEN 'paid' THEN 12100 ELSE 0 END, 0, CASE WHEN kind IN ('due', 'ahead') THEN 12100 ELSE 0 END, 'manual',
      CASE kind WHEN 'due' THEN $3::date::timestamptz WHEN 'ahead' THEN $3::date + 17 + n % 30 + interval '8 hours' END,
      now(), now()
    FROM (SELECT n, CASE WHEN n <= $4::int THEN 'due' WHEN n % 10 < 5 THEN 'paid' WHEN n % 10 < 8 THEN 'ahead' WHEN n % 10 = 8 THEN 'void' ELSE 'draft' END AS kind
          FROM generate_series(1, $1::int) AS n) AS seeded`, [invoices, clients, today, due])
  await db.query(`
    INSERT INTO invoice_portal_reminders (invoice_id, client_id, step, days, status, due_at, sent_at, amount_due, recipients, created_at, updated_at)
    SELECT id, client_id, '-3', -3, 'sent', $1::date - 4 + interval '9 hours', $1::date - 4 + interval '9 hours', 12100, 'seeded', now(), now()
    FROM invoices WHERE id <= $2::int`, [today, due])
  await db.query('ANALYZE')
  const seededSeconds = (performance.now() - started) / 1000

  const now = new Date(`${today}T23:00:00.000Z`)
  const plan = async () =>
    (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT id FROM invoices WHERE next_reminder_at <= $1 ORDER BY next_reminder_at LIMIT 200`, [now.toISOString()])).rows.map((row) => row['QUERY PLAN'])
  const planWhenDue = await plan()

  const portal = await loadPortal(config)
  const sweepStarted = performance.now()
  const result = await sweepReminders(portal, now)
  const sweepSeconds = (performance.now() - sweepStarted) / 1000
  const planWhenNothingDue = await plan()
  const emptyStarted = performance.now()
  const empty = await sweepReminders(portal, now)
  const emptySweepMs = performance.now() - emptyStarted

  const numbers = subjects.map((subject) => /B-\d{7}/.exec(subject)?.[0])
  const distinct = new Set(numbers).size
  const records = (await db.query<{ n: string }>("SELECT count(*) AS n FROM invoice_portal_reminders WHERE status = 'sent' AND step = '+1'")).rows[0].n
  const figures = {
    invoices,
    dueForAStep: due,
    seededSeconds: Number(seededSeconds.toFixed(1)),
    sweep: { ...result, seconds: Number(sweepSeconds.toFixed(2)), perSecond: Number((result.sent / sweepSeconds).toFixed(0)) },
    mailsHandedToSmtp: subjects.length,
    emptySweep: { ...empty, ms: Number(emptySweepMs.toFixed(1)) },
    planWhenDue,
    planWhenNothingDue,
  }
  const checks = [
    [`the sweep hands all ${due} reminders to SMTP within ${targets.sweepSeconds} s`, result.sent === due && subjects.length === due && sweepSeconds <= targets.sweepSeconds],
    ['each due invoice got one e-mail and one sent record', distinct === due && Number(records) === due],
    [`a sweep with nothing due takes under ${targets.emptySweepMs} ms`, empty.visited === 0 && emptySweepMs <= targets.emptySweepMs],
    ['the sweep query reads the next_reminder_at index', planWhenDue.some((line) => /Index (Only )?Scan using .*next_reminder_at/.test(line))],
  ] as const
  // No peer baseline: the bench times the plugin's sweep alone.
  exitCode = reportChecks('reminders', figures, checks, {
    rows: [
      atMost(`reminder sweep: ${due.toLocaleString('en')} due among ${invoices.toLocaleString('en')} invoices, all handed to SMTP`, sweepSeconds, 's', targets.sweepSeconds),
      atMost('reminder sweep with nothing due', emptySweepMs, 'ms', targets.emptySweepMs),
      information('reminders handed to SMTP per second', result.sent / sweepSeconds, '/s'),
    ],
  })
} finally {
  await db.end()
  ;(payload.db as unknown as { pool?: { on: (event: string, listener: () => void) => void } }).pool?.on('error', () => {})
  await payload.destroy()
  sink.close()
  await admin((client) => client.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`)).catch(() => {})
}
process.exit(exitCode)
