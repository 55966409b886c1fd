/**
 * Seeds the portal benchmark's database (a child step of `npm run bench:portal`, see bench/portal.ts):
 * pushes the schema (getPayload outside production, as test/e2e/prepare-db.ts does) and creates one
 * client with BENCH_INVOICES invoices and a contact with a known password.
 *
 * Through the Local API one invoice (with its payments and status changes) costs tens of milliseconds
 * of hooks, so 5,000 of them one by one would take minutes. The seed therefore:
 *  1. creates `templates` invoices through the Local API — the first ones one by one to measure that
 *     rate, the rest in parallel batches — with their payments, voids and write-offs, so every
 *     derived field, event and counter is what the plugin's hooks produce;
 *  2. copies them with SQL (INSERT … SELECT) into the rest: invoice rows, lines, tax breakdown,
 *     payments with their allocations and the audit events, each copy shifted in time;
 *  3. renumbers every invoice gaplessly per year in issue-date order (the numbers the counter would
 *     have handed out) and sets the counters to match, so the next number the plugin draws is free;
 *  4. checks the result: unique numbers, totals equal to the lines, amounts paid equal to the
 *     payments, and the invoice hook re-deriving a sample of copies without a change.
 * BENCH_SEED=local-api creates every invoice through the Local API instead (slow; for comparison).
 *
 * Prints one line `BENCH_SEED_RESULT <json>` for the parent.
 */
import type { Payload } from 'payload'

import { getPayload } from 'payload'
import pg from 'pg'

import { createDevConfig } from '../dev/config.js'
import { withFlags } from '../src/utilities/context.js'

if (process.env.NODE_ENV === 'production') {
  throw new Error('bench/seed.ts needs NODE_ENV other than production: Payload pushes the schema only then.')
}

const databaseUri = process.env.BENCH_DATABASE_URI
if (!databaseUri) throw new Error('BENCH_DATABASE_URI is not set (bench/seed.ts is run by bench/portal.ts).')
const total = Number(process.env.BENCH_INVOICES || 5000)
const localApiOnly = process.env.BENCH_SEED === 'local-api'
const templates = localApiOnly ? total : Math.min(total, Number(process.env.BENCH_TEMPLATES || 250))
const sequentialSample = Math.min(templates, 100)
const batchSize = 6
const windowDays = 730

const benchLogin = { email: 'bench@bench.test', password: 'bench-password-1' }

// Deterministic data: the same run gives the same invoices.
let rngState = 0x2f6b1d3
const random = () => {
  rngState = (rngState + 0x6d2b79f5) | 0
  let t = Math.imul(rngState ^ (rngState >>> 15), 1 | rngState)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]
const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1))

type Line = { description: string; quantity: string; taxRate: string; unitAmount: number }
type Plan = { issueOffset: number; lines: Line[]; payments: number[]; status: 'open' | 'paid' | 'partially_paid' | 'uncollectible' | 'void'; terms: number }

const descriptions = ['Consulting (hours)', 'Support retainer', 'Hosting, monthly', 'Licence seats', 'Workshop day', 'Travel expenses', 'Design work (hours)', 'API usage (1,000 calls)', 'Training materials', 'Project management']
const today = new Date(`${new Date().toISOString().slice(0, 10)}T12:00:00.000Z`)
const dayString = (offset: number) => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10)

function plan(index: number): Plan {
  const lines = Array.from({ length: between(1, 5) }, () => ({
    description: pick(descriptions),
    quantity: pick(['1', '1', '2', '3', '0.5', '1.25', '12.5', '40', '7.75']),
    taxRate: pick(['21', '21', '21', '9', '0']),
    unitAmount: between(100, 150_000),
  }))
  const roll = random()
  // The first template is the detail page's invoice: partially paid by three payments.
  const status: Plan['status'] = index === 0 ? 'partially_paid' : roll < 0.44 ? 'paid' : roll < 0.82 ? 'open' : roll < 0.93 ? 'partially_paid' : roll < 0.97 ? 'void' : 'uncollectible'
  const payments = status === 'paid' ? [1] : status === 'partially_paid' ? (index === 0 ? [0.2, 0.15, 0.1] : random() < 0.4 ? [0.3, 0.2] : [0.45]) : []
  return { issueOffset: index === 0 ? 20 : between(0, windowDays - 1), lines, payments, status, terms: pick([14, 30, 30, 45, 60]) }
}

async function createTemplate(payload: Payload, clientId: number, index: number): Promise<{ id: number; payments: number; status: string }> {
  const p = plan(index)
  const invoice = await payload.create({
    collection: 'invoices',
    data: {
      client: clientId,
      dueDate: dayString(-p.issueOffset + p.terms),
      issueDate: dayString(-p.issueOffset),
      lineItems: p.lines,
      paymentTerms: `Net ${p.terms} days`,
      status: 'open',
    },
    depth: 0,
  })
  const total = invoice.total as number
  let paidSoFar = 0
  for (const [n, share] of p.payments.entries()) {
    const amount = share === 1 ? total - paidSoFar : Math.max(1, Math.round(total * share))
    if (amount <= 0) continue
    paidSoFar += amount
    const paidAt = new Date(Math.min(Date.now(), today.getTime() + (-p.issueOffset + between(1, p.terms + 10) + n * 7) * 86_400_000 + between(0, 8) * 3_600_000))
    await payload.create({
      collection: 'payments',
      data: { allocations: [{ amount, invoice: invoice.id }], amount, client: clientId, currency: 'EUR', method: pick(['bank_transfer', 'ideal', 'card', 'sepa_debit']), paidAt: paidAt.toISOString(), provider: 'manual', status: 'succeeded' },
      depth: 0,
    })
  }
  if (p.status === 'void' || p.status === 'uncollectible') {
    await payload.update({ collection: 'invoices', data: { status: p.status }, depth: 0, id: invoice.id })
  }
  return { id: invoice.id as number, payments: p.payments.length, status: p.status }
}

const started = Date.now()
const payload = await getPayload({ config: createDevConfig({ databaseUri, seed: false }) })
const schemaSeconds = (Date.now() - started) / 1000
// One connection of its own for the SQL steps (their transaction and temporary tables need one session).
const sql = new pg.Client({ connectionString: databaseUri })
await sql.connect()
const query = async <T = Record<string, unknown>>(text: string, params?: unknown[]) => (await sql.query(text, params)).rows as T[]

const client = await payload.create({
  collection: 'clients',
  data: { billingEmail: 'ap@bench.test', currency: 'EUR', locale: 'en', name: 'Bench Client BV', timezone: 'Europe/Amsterdam' },
})
const contact = await payload.create({ collection: 'contacts', data: { ...benchLogin, client: client.id, name: 'Bench Contact', role: 'billing' } })
const clientId = client.id as number

// 1. Templates through the Local API: a sequential sample to measure, then parallel batches.
const made: Array<{ id: number; payments: number; status: string }> = []
let t0 = Date.now()
for (let index = 0; index < sequentialSample; index += 1) made.push(await createTemplate(payload, clientId, index))
const sequentialSeconds = (Date.now() - t0) / 1000
t0 = Date.now()
for (let index = sequentialSample; index < templates; index += batchSize) {
  const batch = Array.from({ length: Math.min(batchSize, templates - index) }, (_, offset) => index + offset)
  made.push(...(await Promise.all(batch.map((n) => createTemplate(payload, clientId, n)))))
}
const parallelSeconds = (Date.now() - t0) / 1000
const parallelCount = templates - sequentialSample
// The parent starts `next build` now, so the Local API rates above are measured without it.
console.log('BENCH_SEED_LOCAL_API_DONE')

// 2. SQL copies of the templates, 3. renumbering, in one transaction.
t0 = Date.now()
const copies = total - templates
const columnsOf = async (table: string) =>
  (await query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`, [table])).map((row) => row.column_name)
/** INSERT INTO table (every column but `skip`) SELECT the same columns of `alias`, with `overrides`. */
const copyStatement = async (table: string, alias: string, overrides: Record<string, string>, from: string, skip: string[] = []) => {
  const columns = (await columnsOf(table)).filter((column) => !skip.includes(column))
  return `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) SELECT ${columns.map((c) => overrides[c] ?? `${alias}."${c}"`).join(', ')} ${from}`
}
const shifted = (column: string, alias: string) => `${alias}."${column}" + m.shift * interval '1 day'`
const arrayId = (alias: string) => `substr(md5(${alias}.id || ':' || m.g), 1, 24)`

if (copies > 0) {
  const groups = Math.ceil(copies / templates)
  const step = Math.floor(windowDays / (groups + 1)) + 1
  const unsupported = await query<{ n: string }>(
    `SELECT count(*) AS n FROM payments p WHERE p.provider_ref IS NOT NULL OR (SELECT count(*) FROM payments_allocations a WHERE a._parent_id = p.id) <> 1`,
  )
  if (Number(unsupported[0].n) > 0) throw new Error('bench seed: copies expect payments with one allocation and no provider reference')
  const statements = [
    'BEGIN',
    // Copy g of a template issued d days ago is issued ((d + g·step) mod 730) days ago, due as many days later.
    `CREATE TEMP TABLE inv_map ON COMMIT DROP AS
       SELECT s.g, s.old_id, s.shift, nextval(pg_get_serial_sequence('invoices', 'id'))::int AS new_id FROM (
         SELECT g, i.id AS old_id, x.d - ((x.d + g * ${step}) % ${windowDays}) AS shift
         FROM invoices i
         CROSS JOIN LATERAL (SELECT ((now() AT TIME ZONE 'UTC')::date - (i.issue_date AT TIME ZONE 'UTC')::date) AS d) x
         CROSS JOIN generate_series(1, ${groups}) g
         WHERE i.client_id = ${clientId}
         ORDER BY g, i.id LIMIT ${copies}) s`,
    await copyStatement('invoices', 'i', { due_date: shifted('due_date', 'i'), id: 'm.new_id', issue_date: shifted('issue_date', 'i'), number: 'NULL' }, 'FROM inv_map m JOIN invoices i ON i.id = m.old_id'),
    await copyStatement('invoices_line_items', 'li', { _parent_id: 'm.new_id', id: arrayId('li') }, 'FROM inv_map m JOIN invoices_line_items li ON li._parent_id = m.old_id'),
    await copyStatement('invoices_tax_breakdown', 'tb', { _parent_id: 'm.new_id', id: arrayId('tb') }, 'FROM inv_map m JOIN invoices_tax_breakdown tb ON tb._parent_id = m.old_id'),
    `CREATE TEMP TABLE pay_map ON COMMIT DROP AS
       SELECT s.g, s.old_id, s.shift, s.new_invoice, nextval(pg_get_serial_sequence('payments', 'id'))::int AS new_id FROM (
         SELECT m.g, a._parent_id AS old_id, m.shift, m.new_id AS new_invoice
         FROM payments_allocations a JOIN inv_map m ON m.old_id = a.invoice_id ORDER BY m.g, a._parent_id) s`,
    await copyStatement('payments', 'p', { id: 'm.new_id', paid_at: `LEAST(${shifted('paid_at', 'p')}, now())` }, 'FROM pay_map m JOIN payments p ON p.id = m.old_id'),
    await copyStatement('payments_allocations', 'a', { _parent_id: 'm.new_id', id: arrayId('a'), invoice_id: 'm.new_invoice' }, 'FROM pay_map m JOIN payments_allocations a ON a._parent_id = m.old_id'),
    await copyStatement('portal_events', 'e', { invoice_id: 'm.new_id' }, 'FROM inv_map m JOIN portal_events e ON e.invoice_id = m.old_id ORDER BY m.new_id, e.id', ['id']),
    'COMMIT',
  ]
  for (const statement of statements) await query(statement)
}

// Renumber gaplessly per year of issue (what the counter hands out when invoices are issued in date
// order), set the counters to match, and keep the numbers in the status-change events in step.
const templateNumbers = await query<{ number: string }>(`SELECT number FROM invoices WHERE number IS NOT NULL AND number !~ '^INV-[0-9]{4}-[0-9]{5}$'`)
if (templateNumbers.length) throw new Error(`bench seed: unexpected invoice number ${templateNumbers[0].number} (pattern INV-{YYYY}-{SEQ:5} expected)`)
for (const statement of [
  'BEGIN',
  `UPDATE invoices SET number = 'renumber-' || id WHERE status <> 'draft'`,
  `UPDATE invoices i SET number = 'INV-' || s.year || '-' || lpad(s.seq::text, 5, '0') FROM (
     SELECT id, to_char(issue_date AT TIME ZONE 'UTC', 'YYYY') AS year,
            row_number() OVER (PARTITION BY to_char(issue_date AT TIME ZONE 'UTC', 'YYYY') ORDER BY issue_date, id) AS seq
     FROM invoices WHERE status <> 'draft') s WHERE i.id = s.id`,
  `DELETE FROM invoice_portal_sequences WHERE key LIKE 'invoice:INV-%'`,
  `INSERT INTO invoice_portal_sequences (key, value)
     SELECT 'invoice:INV-' || to_char(issue_date AT TIME ZONE 'UTC', 'YYYY') || '-{SEQ:5}', count(*) FROM invoices WHERE status <> 'draft' GROUP BY 1`,
  `UPDATE portal_events e SET details = jsonb_set(e.details, '{number}', to_jsonb(i.number))
     FROM invoices i WHERE e.invoice_id = i.id AND e.type = 'invoice_status_changed' AND e.details ? 'number'`,
  'COMMIT',
  'ANALYZE',
]) {
  await query(statement)
}
const copySeconds = (Date.now() - t0) / 1000

// The detail page's invoice also gets an issued credit note (through the Local API), so the page shows
// every section: lines, tax breakdown, two payments and a credit note; it stays partially paid.
const detailId = made[0].id
await payload.create({ collection: 'credit-notes', data: { amount: 500, invoice: detailId, reason: 'Goodwill discount', status: 'issued' } })

// 4. Checks.
t0 = Date.now()
const failures: string[] = []
const [numbers] = await query<{ distinct_numbers: string; invoices: string; missing: string }>(
  `SELECT count(*) AS invoices, count(DISTINCT number) AS distinct_numbers, count(*) FILTER (WHERE number IS NULL) AS missing FROM invoices WHERE client_id = $1`,
  [clientId],
)
if (Number(numbers.invoices) !== total || Number(numbers.distinct_numbers) !== total || Number(numbers.missing) !== 0) failures.push(`numbers: ${JSON.stringify(numbers)}`)
const [sums] = await query<{ bad_lines: string; bad_paid: string; bad_status: string; line_range: string }>(
  `SELECT
     count(*) FILTER (WHERE i.subtotal <> (SELECT coalesce(sum(li.amount), 0) FROM invoices_line_items li WHERE li._parent_id = i.id)) AS bad_lines,
     count(*) FILTER (WHERE i.amount_paid <> (SELECT coalesce(sum(a.amount), 0) FROM payments_allocations a JOIN payments p ON p.id = a._parent_id
                                               WHERE a.invoice_id = i.id AND p.status = 'succeeded')) AS bad_paid,
     count(*) FILTER (WHERE i.status IN ('open', 'partially_paid', 'paid') AND i.amount_due <> i.total - i.amount_paid - i.amount_credited) AS bad_status,
     min((SELECT count(*) FROM invoices_line_items li WHERE li._parent_id = i.id)) || '–' || max((SELECT count(*) FROM invoices_line_items li WHERE li._parent_id = i.id)) AS line_range
   FROM invoices i WHERE i.client_id = $1`,
  [clientId],
)
if (Number(sums.bad_lines) || Number(sums.bad_paid) || Number(sums.bad_status)) failures.push(`sums: ${JSON.stringify(sums)}`)
const counters = await query<{ key: string; max_seq: string; value: string }>(
  `SELECT s.key, s.value, (SELECT max(right(number, 5)::int) FROM invoices WHERE 'invoice:' || left(number, 9) || '{SEQ:5}' = s.key) AS max_seq
   FROM invoice_portal_sequences s WHERE s.key LIKE 'invoice:%' ORDER BY s.key`,
)
for (const counter of counters) if (Number(counter.value) !== Number(counter.max_seq)) failures.push(`counter ${counter.key} = ${counter.value}, highest number ${counter.max_seq}`)
// The invoice hook re-derives amounts and status from the stored lines, payments and credit notes
// (the same write the plugin makes after a payment); on valid copies it changes nothing.
const lastTemplate = Math.max(...made.map((invoice) => invoice.id))
const sample = await query<{ id: number }>(`SELECT id FROM invoices WHERE client_id = $1 AND id > $2 ORDER BY md5(id::text) LIMIT 25`, [clientId, lastTemplate])
const derived = ['status', 'subtotal', 'taxTotal', 'total', 'amountPaid', 'amountCredited', 'amountDue', 'number'] as const
for (const { id } of sample) {
  const before = (await payload.findByID({ collection: 'invoices', depth: 0, id })) as Record<string, unknown>
  const after = (await payload.update({ collection: 'invoices', context: withFlags({}, { settlement: true }), data: {}, depth: 0, id, overrideAccess: true })) as Record<string, unknown>
  const changed = derived.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
  if (changed.length) failures.push(`invoice ${id}: hook re-derived ${changed.map((field) => `${field} ${before[field]} → ${after[field]}`).join(', ')}`)
}
if (failures.length) throw new Error(`bench seed: the seeded data is not what the hooks produce:\n${failures.join('\n')}`)
const checkSeconds = (Date.now() - t0) / 1000

const statuses = Object.fromEntries(
  (await query<{ n: string; status: string }>(`SELECT status::text, count(*) AS n FROM invoices WHERE client_id = $1 GROUP BY 1 ORDER BY 2 DESC`, [clientId])).map((row) => [row.status, Number(row.n)]),
)
const [counts] = await query<{ events: string; lines: string; min_issue: string; max_issue: string; payments: string }>(
  `SELECT (SELECT count(*) FROM invoices_line_items) AS lines, (SELECT count(*) FROM payments) AS payments, (SELECT count(*) FROM portal_events) AS events,
          (SELECT min(issue_date)::date::text FROM invoices) AS min_issue, (SELECT max(issue_date)::date::text FROM invoices) AS max_issue`,
)
const [detail] = await query<{ amount_due: string; number: string; payments: string; status: string }>(
  `SELECT number, status::text, amount_due, (SELECT count(*) FROM payments_allocations WHERE invoice_id = i.id) AS payments FROM invoices i WHERE id = $1`,
  [detailId],
)
if (detail.status !== 'partially_paid') throw new Error(`bench seed: the detail invoice is ${detail.status}, not partially paid`)
const [open] = await query<{ id: number }>(
  `SELECT id FROM invoices i WHERE client_id = $1 AND status = 'open' AND NOT EXISTS (SELECT 1 FROM payments_allocations a WHERE a.invoice_id = i.id) ORDER BY id DESC LIMIT 1`,
  [clientId],
)
const [paid] = await query<{ id: number }>(
  `SELECT id FROM invoices i WHERE client_id = $1 AND status = 'paid' AND (SELECT count(*) FROM payments_allocations a WHERE a.invoice_id = i.id) = 1 ORDER BY id DESC LIMIT 1`,
  [clientId],
)
const [another] = await query<{ year: string }>(`SELECT to_char(issue_date AT TIME ZONE 'UTC', 'YYYY') AS year FROM invoices GROUP BY 1 HAVING count(*) >= 25 ORDER BY count(*) DESC LIMIT 1`)

const perTemplate = sequentialSeconds / sequentialSample
const result = {
  checks: { counters: counters.length, derivedSample: sample.length, seconds: checkSeconds },
  client: { id: clientId, name: client.name },
  contact: { email: benchLogin.email, id: contact.id, password: benchLogin.password },
  copies,
  copySeconds,
  counts: { events: Number(counts.events), invoices: total, lines: Number(counts.lines), payments: Number(counts.payments), statuses },
  detailInvoice: { amountDue: Number(detail.amount_due), id: detailId, number: detail.number, payments: Number(detail.payments), status: detail.status },
  issueRange: [counts.min_issue, counts.max_issue],
  lineRange: sums.line_range,
  localApi: {
    parallel: { batchSize, count: parallelCount, perInvoiceMs: parallelCount ? (parallelSeconds / parallelCount) * 1000 : null, seconds: parallelSeconds },
    projectedOneByOneSeconds: perTemplate * total,
    projectedParallelSeconds: parallelCount ? (parallelSeconds / parallelCount) * total : null,
    sequential: { count: sequentialSample, perInvoiceMs: perTemplate * 1000, seconds: sequentialSeconds },
  },
  mode: copies > 0 ? 'templates+sql-copy' : 'local-api',
  numberYear: another.year,
  openInvoice: { id: open.id },
  paidInvoice: { id: paid.id },
  schemaSeconds,
  templates,
  totalSeconds: (Date.now() - started) / 1000,
}
await sql.end()
console.log(`BENCH_SEED_RESULT ${JSON.stringify(result)}`)
// payload.destroy() leaves handles open (the process would idle on), and the work is done.
process.exit(0)
