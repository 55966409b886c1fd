/**
 * `npm run bench:webhooks`: sustained verified Stripe webhook deliveries per second, answered 2xx, and
 * their latency, with 30 % duplicates; then whether every payment was counted exactly once.
 *
 *  1. A fresh database, the fake Stripe API (test/fakes/stripe.ts) in this process, and the app in a
 *     child process (bench/webhooks/server.ts) that seeds BENCH_PAYMENTS pending checkouts.
 *  2. Each checkout is paid at the fake, which gives Stripe's three events (charge.succeeded,
 *     payment_intent.succeeded, checkout.session.completed). The deliveries are those events plus
 *     BENCH_DUPLICATES (0.3) of them again, shuffled, each signed when it is sent.
 *  3. Warm-up with the first BENCH_WARMUP_PAYMENTS checkouts, then an open loop at BENCH_RATE deliveries
 *     per second: latency is measured from each delivery's scheduled time, so a slow server cannot hide
 *     its backlog. The app processes every stored event in its job queue meanwhile, as in production.
 *  4. Once the queue is empty: each invoice must be paid exactly once (amount paid = total), each payment
 *     succeeded with one `payment_succeeded` audit event, and the inbox must hold each event id once.
 *
 * Prints the figures, writes bench/results/webhooks.json, exits non-zero when a check fails.
 * Environment: BENCH_PAYMENTS (1500), BENCH_WARMUP_PAYMENTS (200), BENCH_RATE (600), BENCH_DUPLICATES
 * (0.3), BENCH_SWEEP ("300,400,600"), BENCH_SWEEP_PAYMENTS (150), BENCH_RECEIPTS (1: receipt PDFs are
 * rendered and e-mailed meanwhile), BENCH_DIAG (1: CPU, event-loop delay and GC of both processes every
 * 2 s), BENCH_PROFILE_DIR (a CPU profile of the app process), BENCH_NODE_FLAGS (flags for the app
 * process), BENCH_APP_DATABASE_URI, BENCH_DATABASE_SERVER.
 */
import { readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'

import type Stripe from 'stripe'

import { startFakeStripe } from '../test/fakes/stripe.js'
import { admin, databaseUriOf } from './database.js'
import { reportEveryTwoSeconds } from './lib/diag.js'
import { appDatabaseUri as appDatabaseUriOf, openLoop, percentile, poster, reportChecks, sleep, startApp } from './lib/load.js'
import { atLeast, atMost, information } from './lib/report.js'

const paymentsCount = Number(process.env.BENCH_PAYMENTS || 1500)
const warmupPayments = Number(process.env.BENCH_WARMUP_PAYMENTS || 200)
const rate = Number(process.env.BENCH_RATE || 520)
/** Shorter runs at other rates first, to show where the two cores saturate. */
const sweepRates = (process.env.BENCH_SWEEP ?? '300,400,600').split(',').filter(Boolean).map(Number)
const sweepPayments = Number(process.env.BENCH_SWEEP_PAYMENTS || 150)
const duplicateShare = Number(process.env.BENCH_DUPLICATES || 0.3)
const targets = { p99Ms: 50, perSecond: 500 }
const databaseName = 'invoice_portal_bench_webhooks'
const databaseUri = databaseUriOf(databaseName)
const appDatabaseUri = appDatabaseUriOf(databaseName, databaseUri)

await admin(async (client) => {
  await client.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`)
  await client.query(`CREATE DATABASE "${databaseName}"`)
})
const stripe = await startFakeStripe()
reportEveryTwoSeconds('load')
const seedFile = path.join(os.tmpdir(), `invoice-portal-bench-webhooks-${process.pid}.json`)
const seedStarted = Date.now()
const { child, port } = await startApp('bench/webhooks/server.ts', {
  BENCH_PAYMENTS: String(paymentsCount + warmupPayments + sweepRates.length * sweepPayments),
  BENCH_SEED_FILE: seedFile,
  DATABASE_URI: appDatabaseUri,
  STRIPE_API_URL: stripe.url,
  STRIPE_SECRET_KEY: stripe.secretKey,
  STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
})
let exitCode = 1
try {
  const seeded = JSON.parse(readFileSync(seedFile, 'utf8')) as Array<{ invoice: number; payment: number; session: string; total: number }>
  console.log(`seeded ${seeded.length} pending checkouts in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`)
  const url = `http://127.0.0.1:${port}/api/invoice-portal/stripe/webhook`

  const deliveriesFor = (checkouts: typeof seeded) => {
    const unique = checkouts.flatMap((checkout) => stripe.pay(checkout.session, { method: 'card' }))
    const duplicates = Math.round((unique.length * duplicateShare) / (1 - duplicateShare))
    const all: Stripe.Event[] = [...unique, ...Array.from({ length: duplicates }, () => unique[Math.floor(Math.random() * unique.length)])]
    for (let index = all.length - 1; index > 0; index -= 1) {
      const other = Math.floor(Math.random() * (index + 1))
      ;[all[index], all[other]] = [all[other], all[index]]
    }
    return { all, unique: unique.length }
  }
  const send = poster(url)
  // Signed just before the run (well inside Stripe's 5-minute tolerance), so the load generator, which
  // shares the two cores, spends its time sending rather than signing.
  const run = (events: Stripe.Event[], perSecond: number) => openLoop(events.map((event) => stripe.signedDelivery(event)), perSecond, send)

  /** Waits until the app has processed every stored event (it does so right after answering). */
  const processed = async (db: pg.Client) => {
    const started = Date.now()
    for (;;) {
      const { rows } = await db.query<{ open: string }>("SELECT count(*) AS open FROM webhook_events WHERE status <> 'processed'")
      if (Number(rows[0].open) === 0 || Date.now() - started > 300_000) return (Date.now() - started) / 1000
      await sleep(250)
    }
  }
  const db = new pg.Client({ connectionString: databaseUri })
  await db.connect()

  const warm = deliveriesFor(seeded.slice(0, warmupPayments))
  await run(warm.all, Math.min(rate, 300))
  // The measured run starts with the warm-up's work done, so it measures deliveries, not a backlog.
  await processed(db)
  const summary = (result: Awaited<ReturnType<typeof openLoop>>, deliveries: number) => {
    const { ok } = result
    const at = (n: number) => Number(percentile(result.latencies, n).toFixed(1))
    return { answered2xxPerSecond: Number((ok / result.seconds).toFixed(1)), deliveries, ok, p50: at(50), p95: at(95), p99: at(99) }
  }
  const sweep: Array<{ offeredPerSecond: number } & ReturnType<typeof summary>> = []
  for (const [index, sweepRate] of sweepRates.entries()) {
    const from = warmupPayments + index * sweepPayments
    const step = deliveriesFor(seeded.slice(from, from + sweepPayments))
    sweep.push({ offeredPerSecond: sweepRate, ...summary(await run(step.all, sweepRate), step.all.length) })
    await processed(db)
  }
  for (const step of sweep) console.log(`sweep ${step.offeredPerSecond}/s: ${step.answered2xxPerSecond}/s answered 2xx, p50 ${step.p50} ms, p95 ${step.p95} ms, p99 ${step.p99} ms (${step.deliveries} deliveries)`)
  const measured = seeded.slice(warmupPayments + sweepRates.length * sweepPayments)
  const measuredRun = deliveriesFor(measured)
  console.log(`measuring ${measuredRun.all.length} deliveries (${measuredRun.unique} distinct events, ${measuredRun.all.length - measuredRun.unique} duplicates) at ${rate}/s`)
  const result = await run(measuredRun.all, rate)
  const { ok } = result

  // The queued jobs stay behind as the durable fallback and find the work done.
  const drainSeconds = await processed(db)
  const ids = measured.map((checkout) => checkout.invoice)
  const money = await db.query<{ amount_paid: number; id: number; total: number }>('SELECT id, amount_paid, total FROM invoices WHERE id = ANY($1)', [ids])
  const wrongInvoices = money.rows.filter((row) => Number(row.amount_paid) !== Number(row.total)).length
  const payments = await db.query<{ status: string }>('SELECT status FROM payments WHERE id = ANY($1)', [measured.map((checkout) => checkout.payment)])
  const notSucceeded = payments.rows.filter((row) => row.status !== 'succeeded').length
  const succeededEvents = await db.query<{ n: string }>("SELECT count(*) AS n FROM portal_events WHERE type = 'payment_succeeded' AND invoice_id = ANY($1)", [ids])
  const inbox = await db.query<{ duplicates: string; rows: string }>(
    "SELECT count(*) AS rows, count(*) - count(DISTINCT event_id) AS duplicates FROM webhook_events WHERE provider = 'stripe'",
  )
  const failedEvents = await db.query<{ n: string }>("SELECT count(*) AS n FROM webhook_events WHERE status <> 'processed'")
  await db.end()

  const perSecond = ok / result.seconds
  const p = (n: number) => percentile(result.latencies, n)
  const figures = {
    deliveries: measuredRun.all.length,
    distinctEvents: measuredRun.unique,
    duplicates: measuredRun.all.length - measuredRun.unique,
    statuses: Object.fromEntries(result.statuses),
    offeredPerSecond: rate,
    receiptsRendered: process.env.BENCH_RECEIPTS === '1',
    appDatabase: appDatabaseUri.includes('host=/') ? 'unix socket' : 'tcp',
    answered2xxPerSecond: Number(perSecond.toFixed(1)),
    latencyMs: { max: Number(result.latencies.at(-1)!.toFixed(1)), p50: Number(p(50).toFixed(1)), p95: Number(p(95).toFixed(1)), p99: Number(p(99).toFixed(1)) },
    processedAllAfterSeconds: drainSeconds,
    sweep,
    invoicesNotPaidExactlyOnce: wrongInvoices,
    paymentsNotSucceeded: notSucceeded,
    paymentSucceededAuditEvents: Number(succeededEvents.rows[0].n),
    inboxRows: Number(inbox.rows[0].rows),
    inboxDuplicateIds: Number(inbox.rows[0].duplicates),
    eventsNotProcessed: Number(failedEvents.rows[0].n),
  }
  const checks = [
    [`answered 2xx per second ≥ ${targets.perSecond}`, perSecond >= targets.perSecond],
    [`p99 latency ≤ ${targets.p99Ms} ms`, p(99) <= targets.p99Ms],
    ['every delivery answered 2xx', ok === measuredRun.all.length],
    ['zero double counts: every invoice paid exactly its total', wrongInvoices === 0],
    ['every payment succeeded', notSucceeded === 0],
    ['one payment_succeeded audit event per payment', Number(succeededEvents.rows[0].n) === measured.length],
    ['each event id stored once', Number(inbox.rows[0].duplicates) === 0 && Number(inbox.rows[0].rows) === 3 * seeded.length],
    ['every stored event processed', Number(failedEvents.rows[0].n) === 0],
  ] as const
  // No peer baseline: nothing else receives the deliveries in this run.
  exitCode = reportChecks('webhooks', figures, checks, {
    rows: [
      atLeast(`Stripe webhook deliveries answered 2xx per second (${Math.round(duplicateShare * 100)} % duplicates)`, perSecond, '/s', targets.perSecond),
      atMost('Stripe webhook delivery latency p99 (open loop)', p(99), 'ms', targets.p99Ms),
      information('Stripe webhook delivery latency p50', p(50), 'ms'),
    ],
  })
} finally {
  child.kill('SIGTERM')
  await stripe.close()
  await sleep(500)
  await admin((client) => client.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`)).catch(() => {})
}
process.exit(exitCode)
