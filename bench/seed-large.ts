/**
 * `npm run bench:seed-large`: a company with a million invoices, straight into PostgreSQL, in minutes,
 * the same every time for the same seed.
 *
 * The database `invoice_portal_large` (BENCH_LARGE_DATABASE) gets its schema the way production does
 * (`payload migrate`, dev/migrations), then one SQL script per table builds, from generate_series and a
 * hash of (seed, row, purpose) as the only randomness:
 *  - BENCH_LARGE_CLIENTS (10,000) clients, each with one billing contact (password below);
 *  - BENCH_LARGE_INVOICES (1,000,000) invoices over three years up to today, each with 1–4 lines, its
 *    tax breakdown, derived totals and balance, a number from the default pattern (gapless per year in
 *    issue order) and the counters to match; a status that follows its age (old ones mostly paid,
 *    recent ones open, some overdue, partially paid, credited, void, uncollectible, drafts);
 *  - a succeeded payment (Stripe, Mollie or manual) allocated to each paid or partially paid invoice;
 *  - an issued credit note on about 2 % of the issued invoices;
 *  - the audit trail a contact's dashboard reads: status changes and payments.
 * Invoices are spread over the clients in tiers so that latency can be plotted against invoices per
 * client: client 1 has 1 % of all (10,000), clients 2–11 0.1 % each (1,000), 12–111 0.01 % (100),
 * 112–211 0.001 % (10); the rest share what is left (~99 each). A client's invoices are interleaved in
 * time with everyone else's, as they arrive in a real company: the worst case for locality.
 *
 * Then it checks what it wrote against the plugin itself: the invoice hook re-derives a sample of
 * invoices (totals, tax breakdown, balance, status) from their stored lines, payments and credit notes
 * and must change nothing; numbers are unique; no row points nowhere. VACUUM ANALYZE last.
 *
 * A database already seeded with the same parameters is left as it is (BENCH_LARGE_RESEED=1 rebuilds).
 * Prints one line `BENCH_SEED_LARGE <json>` and writes bench/results/seed-large.json.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'

import { admin, databaseUriOf } from './database.js'
import { root } from './lib/load.js'
import { largeDatabase, largeSeedParameters, type LargeSeedInfo, seedContact, tiersOf } from './lib/large.js'

const parameters = largeSeedParameters()
const { clients, invoices, seed } = parameters
const databaseName = largeDatabase()
const databaseUri = databaseUriOf(databaseName)
const log = (message: string) => console.log(`[bench:seed-large] ${message}`)
const started = Date.now()
const timings: Record<string, number> = {}

async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  const since = Date.now()
  const result = await work()
  timings[name] = (Date.now() - since) / 1000
  log(`${name}: ${timings[name].toFixed(1)} s`)
  return result
}

/** The parameters the database was seeded with, or null when it is missing or was not finished. */
async function seededWith(): Promise<LargeSeedInfo | null> {
  const exists = await admin(async (client) => (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName])).rowCount)
  if (!exists) return null
  const client = new pg.Client({ connectionString: databaseUri })
  await client.connect()
  try {
    const { rows } = await client.query(`SELECT to_regclass('bench_seed') AS found`)
    if (!rows[0].found) return null
    return ((await client.query('SELECT info FROM bench_seed')).rows[0]?.info as LargeSeedInfo) ?? null
  } finally {
    await client.end()
  }
}

/** `payload migrate`, as a release step does: the migrations not applied yet, on the data there is. */
const migrate = (name: string) =>
  timed(name, () =>
    promisify(execFile)(path.join(root, 'node_modules/.bin/payload'), ['migrate'], {
      cwd: root,
      env: { ...process.env, DATABASE_URI: databaseUri, NODE_ENV: 'production', PAYLOAD_CONFIG_PATH: './dev/payload.config.ts', SEED_DEMO_DATA: 'false' },
    }),
  )

const previous = await seededWith()
if (previous && !process.env.BENCH_LARGE_RESEED && (Object.keys(parameters) as Array<keyof typeof parameters>).every((key) => previous.parameters[key] === parameters[key])) {
  log(`${databaseName} already holds this seed (${JSON.stringify(parameters)}), seeded ${previous.seededAt}; BENCH_LARGE_RESEED=1 rebuilds it`)
  // Migrations added since it was seeded (new indexes, say) are applied to it as to production data.
  await migrate('migrate (new migrations only)')
  console.log(`BENCH_SEED_LARGE ${JSON.stringify(previous)}`)
  process.exit(0)
}

await admin(async (client) => {
  await client.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`)
  await client.query(`CREATE DATABASE "${databaseName}"`)
})
await migrate('migrate')

const db = new pg.Client({ connectionString: databaseUri })
await db.connect()
const run = (sql: string) => db.query(sql)
const count = async (sql: string) => Number((await db.query(sql)).rows[0].n)

// The session builds rows that reference each other in one go: foreign keys are checked once at the
// end (the orphan check), not per row.
await run(`SET session_replication_role = replica; SET work_mem = '256MB'; SET maintenance_work_mem = '1GB'; SET synchronous_commit = off`)
// r(k, purpose): a number in [0, 1) from the seed, a row key and what it is for; immutable, so a rerun
// (or a parallel plan) draws the same numbers.
await run(`CREATE FUNCTION pg_temp.r(k bigint, purpose int) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  $$ SELECT (hashint8extended(k, ${seed}::bigint * 1000 + purpose) & 2147483647)::float8 / 2147483648 $$`)
await run(`CREATE FUNCTION pg_temp.pick(k bigint, purpose int, choices text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  $$ SELECT choices[1 + floor(pg_temp.r(k, purpose) * array_length(choices, 1))::int] $$`)
const rowId = (key: string) => `substr(md5(${seed} || ':' || ${key}), 1, 24)`
const days = 1095
const today = `(now() AT TIME ZONE 'UTC')::date`

await timed('clients and contacts', async () => {
  const tiers = tiersOf(parameters)
  const sizeCase = tiers.map((tier) => `WHEN c <= ${tier.lastClient} THEN ${tier.size}`).join(' ')
  const tiered = tiers.reduce((sum, tier) => sum + tier.clients * tier.size, 0)
  const lastTiered = tiers.at(-1)?.lastClient ?? 0
  const rest = clients - lastTiered
  await run(`CREATE TEMP TABLE plan AS SELECT c AS client_id, CASE ${sizeCase}
    ELSE ${Math.floor((invoices - tiered) / Math.max(1, rest))} + CASE WHEN c - ${lastTiered} <= ${(invoices - tiered) % Math.max(1, rest)} THEN 1 ELSE 0 END END AS size
    FROM generate_series(1, ${clients}) c`)
  await run(`INSERT INTO clients (id, name, billing_email, currency, locale, timezone, tax_id, address_line1, address_postal_code, address_city, address_country, portal_enabled, updated_at, created_at)
    SELECT c, CASE WHEN c = 1 THEN 'Big Client BV' ELSE 'Client ' || c || ' ' || pg_temp.pick(c, 1, ARRAY['BV','GmbH','Ltd','SAS','BVBA']) END,
      'billing@client' || c || '.test', 'EUR', pg_temp.pick(c, 2, ARRAY['en','en','nl'])::enum_clients_locale,
      pg_temp.pick(c, 3, ARRAY['Europe/Amsterdam','Europe/Amsterdam','Europe/Berlin','Europe/London','UTC','America/New_York']),
      'NL' || lpad(c::text, 9, '0') || 'B01', 'Street ' || c, lpad((1000 + c % 8999)::text, 4, '0') || ' AB', pg_temp.pick(c, 4, ARRAY['Amsterdam','Utrecht','Berlin','London']),
      pg_temp.pick(c, 5, ARRAY['NL','NL','DE','GB']), true, now() - interval '${days + 30} days', now() - interval '${days + 30} days'
    FROM generate_series(1, ${clients}) c`)
  const { hash, salt } = await seedContact.hashAndSalt()
  await db.query(
    `INSERT INTO contacts (id, name, client_id, role, email, salt, hash, login_attempts, updated_at, created_at)
     SELECT c, 'Contact of client ' || c, c, 'billing', ${seedContact.emailSql('c')}, $1, $2, 0, now() - interval '${days + 30} days', now() - interval '${days + 30} days'
     FROM generate_series(1, ${clients}) c`,
    [salt, hash],
  )
})

await timed('invoices', async () => {
  // Invoice n (1…N) is the n-th issued over the period; which client's it is comes from a seeded
  // shuffle of every client's slots, so each client's invoices are spread over the whole period.
  await run(`CREATE TEMP TABLE slots AS SELECT row_number() OVER (ORDER BY pg_temp.r(p.client_id * 100003 + k, 6), p.client_id, k)::int AS n, p.client_id
    FROM plan p, generate_series(1, p.size) k`)
  await run(`CREATE TEMP TABLE shape AS
    SELECT s.n, s.client_id, d.issue, d.issue + d.terms AS due, d.terms,
      CASE WHEN u < 0.015 THEN 'draft' WHEN u < 0.035 THEN 'void' WHEN d.issue + d.terms < ${today} AND u < 0.045 THEN 'uncollectible'
           WHEN d.issue + d.terms >= ${today} THEN CASE WHEN v < 0.75 THEN 'open' WHEN v < 0.85 THEN 'partially_paid' ELSE 'paid' END
           ELSE CASE WHEN v < 0.9 THEN 'paid' WHEN v < 0.96 THEN 'open' ELSE 'partially_paid' END END AS status,
      1 + floor(pg_temp.r(s.n, 9) * 4)::int AS lines,
      pg_temp.r(s.n, 10) < 0.02 AS credited
    FROM slots s
    CROSS JOIN LATERAL (SELECT ${today} - ${days} + ((s.n - 1)::bigint * ${days} / ${invoices})::int AS issue, pg_temp.pick(s.n, 7, ARRAY['14','30','30','45','60'])::int AS terms) d
    CROSS JOIN LATERAL (SELECT pg_temp.r(s.n, 8) AS u, pg_temp.r(s.n, 11) AS v) x`)
  await run(`INSERT INTO invoices_line_items (_order, _parent_id, id, description, quantity, unit_amount, tax_rate, amount)
    SELECT j, s.n, ${rowId(`'l' || s.n || ':' || j`)},
      pg_temp.pick(s.n * 8 + j, 12, ARRAY['Consulting (hours)','Support retainer','Hosting, monthly','Licence seats','Workshop day','Travel expenses','Design work (hours)','API usage (1,000 calls)']),
      q.quantity, q.unit, q.rate, round(q.quantity::numeric * q.unit)
    FROM shape s CROSS JOIN generate_series(1, s.lines) j
    CROSS JOIN LATERAL (SELECT pg_temp.pick(s.n * 8 + j, 13, ARRAY['1','1','2','3','0.5','1.25','12.5','40']) AS quantity,
      100 + floor(pg_temp.r(s.n * 8 + j, 14) * 150000)::int AS unit, pg_temp.pick(s.n * 8 + j, 15, ARRAY['21','21','9','0']) AS rate) q`)
  await run(`INSERT INTO invoices_tax_breakdown (_order, _parent_id, id, rate, base, tax)
    SELECT row_number() OVER (PARTITION BY _parent_id ORDER BY rate::numeric), _parent_id, ${rowId(`'t' || _parent_id || ':' || rate`)}, rate, base, round(base * rate::numeric / 100)
    FROM (SELECT _parent_id, tax_rate AS rate, sum(amount) AS base FROM invoices_line_items GROUP BY 1, 2) g`)
  await run(`CREATE TEMP TABLE money AS SELECT s.*, t.subtotal, t.tax_total, t.subtotal + t.tax_total AS total,
      CASE WHEN s.credited AND s.status NOT IN ('draft', 'void') THEN greatest(1, round((t.subtotal + t.tax_total) * 0.1))::bigint ELSE 0 END AS credit
    FROM shape s JOIN (SELECT _parent_id, sum(base) AS subtotal, sum(tax) AS tax_total FROM invoices_tax_breakdown GROUP BY 1) t ON t._parent_id = s.n`)
  await run(`ALTER TABLE money ADD COLUMN paid bigint; ALTER TABLE money ADD COLUMN paid_on date`)
  await run(`UPDATE money SET paid = CASE status WHEN 'paid' THEN total - credit WHEN 'partially_paid' THEN greatest(1, floor((total - credit) * (0.2 + pg_temp.r(n, 16) * 0.5)))::bigint ELSE 0 END,
    paid_on = CASE WHEN status IN ('paid', 'partially_paid') THEN least(${today} - 1, issue + floor(pg_temp.r(n, 17) * (terms + 10))::int) END`)
  // A payment of 0 (an invoice credited in full, say) is no payment: it is paid by its credit note.
  await run(`UPDATE money SET status = 'paid' WHERE status = 'partially_paid' AND paid >= total - credit`)
  await run(`INSERT INTO invoices (id, number, client_id, status, issue_date, due_date, payment_terms, currency, subtotal, tax_total, total, amount_paid, amount_credited, amount_due,
      source, sent_at, next_reminder_at, paid_at, voided_at, updated_at, created_at)
    SELECT n, NULL, client_id, status::enum_invoices_status, issue::timestamptz, due::timestamptz, 'Net ' || terms, 'EUR', subtotal, tax_total, total, paid,
      CASE WHEN status = 'void' THEN 0 ELSE credit END,
      CASE WHEN status IN ('open', 'partially_paid', 'paid', 'uncollectible') THEN total - credit - paid ELSE CASE WHEN status = 'draft' THEN total ELSE 0 END END,
      pg_temp.pick(n, 18, ARRAY['manual','erp','erp']),
      CASE WHEN status <> 'draft' THEN issue + time '09:00' END,
      CASE WHEN status IN ('open', 'partially_paid') AND total - credit - paid > 0 THEN greatest(due + 1, ${today} + 1) + time '08:00' END,
      CASE WHEN status = 'paid' THEN coalesce(paid_on, issue) + time '14:00' END,
      CASE WHEN status = 'void' THEN issue + time '16:00' END,
      greatest(issue, coalesce(paid_on, issue)) + time '14:00', issue + time '08:00' + make_interval(secs => (n % 3600))
    FROM money`)
  await run(`UPDATE invoices i SET external_id = 'ERP-' || i.id WHERE source = 'erp'`)
})

await timed('payments and credit notes', async () => {
  await run(`INSERT INTO payments (id, client_id, amount, currency, status, provider, method, provider_ref, amount_refunded, amount_charged_back, paid_at, contact_id, updated_at, created_at)
    SELECT m.n, m.client_id, m.paid, 'EUR', 'succeeded', p.provider::enum_payments_provider,
      (CASE p.provider WHEN 'stripe' THEN pg_temp.pick(m.n, 20, ARRAY['card','card','ideal','sepa_debit']) WHEN 'mollie' THEN pg_temp.pick(m.n, 21, ARRAY['ideal','card','bancontact']) ELSE 'bank_transfer' END)::enum_payments_method,
      CASE p.provider WHEN 'stripe' THEN 'cs_seed_' || m.n WHEN 'mollie' THEN 'tr_seed_' || m.n END, 0, 0,
      m.paid_on + time '13:00', CASE WHEN p.provider <> 'manual' THEN m.client_id END, m.paid_on + time '13:00', m.paid_on + time '12:55'
    FROM money m CROSS JOIN LATERAL (SELECT pg_temp.pick(m.n, 19, ARRAY['stripe','stripe','mollie','manual']) AS provider) p
    WHERE m.paid > 0 AND m.status IN ('paid', 'partially_paid')`)
  await run(`INSERT INTO payments_allocations (_order, _parent_id, id, invoice_id, amount) SELECT 1, id, ${rowId(`'a' || id`)}, id, amount FROM payments`)
  await run(`INSERT INTO credit_notes (id, number, invoice_id, client_id, status, amount, currency, reason, issued_at, updated_at, created_at)
    SELECT row_number() OVER (ORDER BY m.n), NULL, m.n, m.client_id, 'issued', m.credit, 'EUR', pg_temp.pick(m.n, 22, ARRAY['Goodwill discount','Returned goods','Price correction']),
      m.issue + 3 + time '10:00', m.issue + 3 + time '10:00', m.issue + 3 + time '10:00'
    FROM money m WHERE m.credit > 0 AND m.status NOT IN ('draft', 'void')`)
})

await timed('numbers and counters', async () => {
  const padded = (seq: string) => `lpad(${seq}::text, greatest(5, length(${seq}::text)), '0')`
  for (const [table, prefix, kind, date, where] of [
    ['invoices', 'INV', 'invoice', 'issue_date', `status <> 'draft'`],
    ['credit_notes', 'CN', 'creditNote', 'issued_at', 'true'],
  ]) {
    await run(`UPDATE ${table} t SET number = '${prefix}-' || s.year || '-' || ${padded('s.seq')} FROM (
      SELECT id, to_char(${date} AT TIME ZONE 'UTC', 'YYYY') AS year, row_number() OVER (PARTITION BY to_char(${date} AT TIME ZONE 'UTC', 'YYYY') ORDER BY ${date}, id) AS seq
      FROM ${table} WHERE ${where}) s WHERE t.id = s.id`)
    await run(`INSERT INTO invoice_portal_sequences (key, value)
      SELECT '${kind}:${prefix}-' || to_char(${date} AT TIME ZONE 'UTC', 'YYYY') || '-{SEQ:5}', count(*) FROM ${table} WHERE ${where} GROUP BY 1`)
  }
})

await timed('audit events', async () => {
  await run(`INSERT INTO portal_events (type, client_id, invoice_id, actor, details, updated_at, created_at)
    SELECT 'invoice_status_changed'::enum_portal_events_type, i.client_id, i.id, 'system', jsonb_build_object('from', NULL, 'number', i.number, 'to', 'open'), i.sent_at, i.sent_at
    FROM invoices i WHERE i.status <> 'draft'
    UNION ALL
    SELECT 'invoice_status_changed', i.client_id, i.id, 'system', jsonb_build_object('from', 'open', 'number', i.number, 'to', i.status::text), coalesce(i.paid_at, i.voided_at, i.due_date + interval '30 days'), coalesce(i.paid_at, i.voided_at, i.due_date + interval '30 days')
    FROM invoices i WHERE i.status IN ('paid', 'void', 'uncollectible', 'partially_paid')
    UNION ALL
    SELECT 'payment_succeeded', p.client_id, a.invoice_id, 'system', jsonb_build_object('amount', p.amount, 'currency', p.currency, 'payment', p.id), p.paid_at, p.paid_at
    FROM payments p JOIN payments_allocations a ON a._parent_id = p.id
    ORDER BY 7`)
})

await timed('sequences and vacuum', async () => {
  for (const table of ['clients', 'contacts', 'invoices', 'payments', 'credit_notes', 'portal_events']) {
    await run(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), greatest(1, (SELECT coalesce(max(id), 0) FROM ${table})))`)
  }
  await run('RESET session_replication_role')
  await run('VACUUM (ANALYZE)')
})

// Checks: the data is what the plugin would have written.
const failures: string[] = []
const orphanChecks: Record<string, string> = {
  allocations: 'SELECT count(*) AS n FROM payments_allocations a LEFT JOIN invoices i ON i.id = a.invoice_id WHERE i.id IS NULL',
  contacts: 'SELECT count(*) AS n FROM contacts c LEFT JOIN clients k ON k.id = c.client_id WHERE k.id IS NULL',
  creditNotes: 'SELECT count(*) AS n FROM credit_notes n LEFT JOIN invoices i ON i.id = n.invoice_id WHERE i.id IS NULL',
  invoices: 'SELECT count(*) AS n FROM invoices i LEFT JOIN clients c ON c.id = i.client_id WHERE c.id IS NULL',
  lines: 'SELECT count(*) AS n FROM invoices_line_items l LEFT JOIN invoices i ON i.id = l._parent_id WHERE i.id IS NULL',
}
for (const [name, sql] of Object.entries(orphanChecks)) if (await count(sql)) failures.push(`orphan ${name}`)
const duplicateNumbers = await count(`SELECT count(*) - count(DISTINCT number) AS n FROM invoices WHERE number IS NOT NULL`)
if (duplicateNumbers) failures.push(`${duplicateNumbers} duplicate invoice numbers`)
const unbalanced = await count(`SELECT count(*) AS n FROM invoices WHERE status IN ('open', 'partially_paid', 'paid') AND amount_due <> total - amount_paid - amount_credited`)
if (unbalanced) failures.push(`${unbalanced} invoices whose amount due is not total − paid − credited`)

const figures = await timed('re-derive sample through the plugin', () => rederiveSample(failures))
await db.end()
if (failures.length) {
  console.error(`[bench:seed-large] the seeded data is not what the plugin writes:\n${failures.join('\n')}`)
  process.exit(1)
}

const tally = async (sql: string) => Object.fromEntries((await query(sql)).map((row) => [row.k, Number(row.n)]))
async function query(sql: string): Promise<Array<{ k: string; n: string }>> {
  const client = new pg.Client({ connectionString: databaseUri })
  await client.connect()
  try {
    return (await client.query(sql)).rows
  } finally {
    await client.end()
  }
}
const info: LargeSeedInfo = {
  counts: await tally(`SELECT 'clients' AS k, count(*) AS n FROM clients UNION ALL SELECT 'contacts', count(*) FROM contacts UNION ALL SELECT 'invoices', count(*) FROM invoices
    UNION ALL SELECT 'lineItems', count(*) FROM invoices_line_items UNION ALL SELECT 'payments', count(*) FROM payments UNION ALL SELECT 'creditNotes', count(*) FROM credit_notes
    UNION ALL SELECT 'auditEvents', count(*) FROM portal_events`),
  database: databaseName,
  parameters,
  rederived: figures.sampled,
  seededAt: new Date().toISOString(),
  seconds: { ...timings, total: (Date.now() - started) / 1000 },
  sizes: await tally(`SELECT relname AS k, pg_total_relation_size(oid) / 1048576 AS n FROM pg_class WHERE relname IN ('invoices', 'invoices_line_items', 'payments', 'portal_events') ORDER BY 1`),
  statuses: await tally(`SELECT status::text AS k, count(*) AS n FROM invoices GROUP BY 1 ORDER BY 2 DESC`),
  tiers: tiersOf(parameters),
}
await query(`CREATE TABLE bench_seed AS SELECT '${JSON.stringify(info).replace(/'/g, "''")}'::jsonb AS info`)
mkdirSync(path.join(root, 'bench/results'), { recursive: true })
writeFileSync(path.join(root, 'bench/results/seed-large.json'), JSON.stringify({ figures: info, when: new Date().toISOString() }, null, 2))
console.log(`BENCH_SEED_LARGE ${JSON.stringify(info)}`)
process.exit(0)

/**
 * The invoice hook (through the Local API, as a payment's settlement does) re-derives a sample of
 * invoices from their stored lines, payments and credit notes; a seeded row it would change is wrong.
 */
async function rederiveSample(problems: string[]): Promise<{ sampled: number }> {
  const { getPayload } = await import('payload')
  const { createDevConfig } = await import('../dev/config.js')
  const { withFlags } = await import('../src/utilities/context.js')
  const payload = await getPayload({ config: createDevConfig({ databaseUri, seed: false }) })
  // Ten of each kind whose balance the hook derives: open, partially paid, paid, and credited.
  const kinds = [`status = 'open'`, `status = 'partially_paid'`, `status = 'paid'`, `amount_credited > 0 AND status IN ('open', 'partially_paid', 'paid')`]
  const sample = (await db.query(kinds.map((kind) => `(SELECT id FROM invoices WHERE ${kind} ORDER BY md5(id::text || '${seed}') LIMIT 10)`).join(' UNION ALL '))).rows as Array<{ id: number }>
  const derived = ['status', 'subtotal', 'taxTotal', 'taxBreakdown', 'total', 'amountPaid', 'amountCredited', 'amountDue', 'number', 'paidAt'] as const
  const comparable = (value: unknown) => JSON.stringify(value, (key, inner) => (key === 'id' ? undefined : inner))
  for (const { id } of sample) {
    const before = (await payload.findByID({ collection: 'invoices', depth: 0, id })) as Record<string, unknown>
    const after = (await payload.update({ collection: 'invoices', context: withFlags({}, { settlement: true }), data: {}, depth: 0, id, overrideAccess: true })) as Record<string, unknown>
    const changed = derived.filter((field) => comparable(before[field]) !== comparable(after[field]))
    if (changed.length) problems.push(`invoice ${id}: the hook re-derived ${changed.map((field) => `${field} ${comparable(before[field])} → ${comparable(after[field])}`).join(', ')}`)
  }
  const { seedContact } = await import('./lib/large.js')
  const login = await payload.login({ collection: 'contacts', data: { email: seedContact.email(1), password: seedContact.password } }).catch((error: Error) => error)
  if (login instanceof Error || !login.token) problems.push(`the seeded contact can't sign in: ${login instanceof Error ? login.message : 'no token'}`)
  await payload.destroy()
  return { sampled: sample.length }
}
