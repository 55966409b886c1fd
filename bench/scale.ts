/**
 * `npm run bench:scale`: the portal at 1,000,000 invoices (bench/seed-large.ts, which `npm run bench`
 * runs first), on 2 cores.
 *
 *  1. In this process, the Local API queries behind the portal's pages, exactly as the pages run them
 *     (invoiceListArgs, loadDashboard), as the contact of the client with 10,000 invoices: every sort at
 *     page 1 and 50, every filter at page 1 and 50 (or its last page), and the dashboard. The SQL each
 *     one sends is captured from Payload's pool and replayed on a connection of its own, one statement
 *     after the other (the raw SQL floor); both are timed, interleaved, and each statement's plan is
 *     printed from EXPLAIN (ANALYZE, BUFFERS).
 *  2. Over HTTP, `next start` (built into dev/.next-scale), one request at a time on loopback, timed
 *     to the body's last byte: the same pages (rendered), Payload's REST API for the same list query as
 *     the peer baseline, and the list and dashboard of clients with 10, 100, 1,000 and 10,000 invoices
 *     (the plot). Rounds interleave the kinds so that machine drift spreads over all of them.
 *
 * Targets (issue 8): list p95 ≤ 15 ms at page 1 and ≤ 25 ms at page 50 for every sort and filter,
 * dashboard p95 ≤ 20 ms, Local API within 3× of its raw SQL floor. Writes bench/results/scale.json.
 * Environment: BENCH_ROUNDS (40), BENCH_SKIP_BUILD=1 (reuse dev/.next-scale), BENCH_LARGE_* as seed-large.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, existsSync, openSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import pg from 'pg'
import { stringify } from 'qs-esm'

import { databaseUriOf } from './database.js'
import { largeDatabase, type LargeSeedInfo, seedContact } from './lib/large.js'
import { appDatabaseUri, percentile, reportChecks, root, sleep } from './lib/load.js'
import { freePort, runStep, stopProcessGroup } from './lib/process.js'
import { atMost, information, ratioAtMost, type ReportRow } from './lib/report.js'

if (process.env.NODE_ENV !== 'production') throw new Error('bench/scale.ts runs with NODE_ENV=production (npm run bench:scale)')
const rounds = Number(process.env.BENCH_ROUNDS || 40)
const warmupRounds = 5
const targets = { dashboardP95: 20, localApiRatio: 3, page1P95: 15, page50P95: 25 }
const databaseName = largeDatabase()
const databaseUri = databaseUriOf(databaseName)
const distDir = '.next-scale'
const log = (message: string) => console.log(`[bench:scale] ${message}`)

const seedInfo = await (async () => {
  const client = new pg.Client({ connectionString: databaseUri })
  await client.connect().catch(() => {
    throw new Error(`no database ${databaseName}: run npm run bench:seed-large first`)
  })
  try {
    return (await client.query('SELECT info FROM bench_seed')).rows[0].info as LargeSeedInfo
  } finally {
    await client.end()
  }
})()
const bigClient = seedInfo.tiers[0].firstClient
const tierClients = seedInfo.tiers.map((tier) => ({ client: tier.firstClient, invoices: tier.size })).reverse()

type ListKind = { key: string; params: Record<string, string> }
const sorts = ['-issueDate', 'issueDate', 'dueDate', '-dueDate', '-total', 'total', '-number', 'number']
const filters: Array<[string, Record<string, string>]> = [
  ['unpaid', { status: 'unpaid' }],
  ['overdue', { status: 'overdue' }],
  ['paid', { status: 'paid' }],
  ['void', { status: 'void' }],
  ['number contains', { q: 'INV-2025-1' }],
  ['issued in 2025', { issueFrom: '2025-01-01', issueTo: '2025-12-31' }],
  ['due in a half year', { dueFrom: '2025-01-01', dueTo: '2025-06-30' }],
  ['amount 500–2,000', { amountMax: '2000', amountMin: '500' }],
]

// ---------------------------------------------------------------------------------------------------
// 1. Local API against the raw SQL floor, in this process

const { getPayload } = await import('payload')
const { createDevConfig } = await import('../dev/config.js')
const { invoiceListArgs, parseInvoiceQuery } = await import('../src/portal/filters.js')
const { loadDashboard } = await import('../src/portal/dashboard.js')
const { loadPortal } = await import('../src/portal/context.js')
const { calendarDay } = await import('../src/status/machines.js')

const config = createDevConfig({ databaseUri: appDatabaseUri(databaseName, databaseUri), seed: false })
const payload = await getPayload({ config })
const portal = await loadPortal(config)
type Statement = { text: string; values: unknown[] }
let captured: null | Statement[] = null
const pool = (payload.db as unknown as { pool: { query: (...args: unknown[]) => unknown } }).pool
const poolQuery = pool.query.bind(pool)
pool.query = (...args: unknown[]) => {
  if (captured) {
    const [query, values] = args as [string | { text: string; values?: unknown[] }, unknown[] | undefined]
    captured.push(typeof query === 'string' ? { text: query, values: values ?? [] } : { text: query.text, values: values ?? query.values ?? [] })
  }
  return poolQuery(...args)
}

const clientRow = async (id: number) => (await payload.findByID({ collection: 'clients', depth: 0, id })) as unknown as { currency: string; id: number; timezone: string }
const signInLocal = async (client: number) =>
  (await payload.login({ collection: 'contacts', data: { email: seedContact.email(client), password: seedContact.password } })).user as never
const big = { client: await clientRow(bigClient), contact: await signInLocal(bigClient) }
const today = calendarDay(new Date(), big.client.timezone)

/** Each list kind at page 1 and at page 50, or its last page when it has fewer. */
async function listKinds(): Promise<ListKind[]> {
  const kinds: ListKind[] = []
  for (const [name, params] of [...sorts.map((sort): [string, Record<string, string>] => [`sort ${sort}`, sort === '-issueDate' ? {} : { sort }]), ...filters]) {
    const first = await payload.find(invoiceListArgs('invoices', big.contact, big.client, parseInvoiceQuery(params), today))
    const deep = Math.min(50, first.totalPages)
    kinds.push({ key: `${name} · page 1`, params })
    if (deep > 1) kinds.push({ key: `${name} · page ${deep}`, params: { ...params, page: String(deep) } })
  }
  return kinds
}
const kinds = await listKinds()
const localCall: Record<string, () => Promise<unknown>> = Object.fromEntries([
  ...kinds.map((kind) => [kind.key, () => payload.find(invoiceListArgs('invoices', big.contact, big.client, parseInvoiceQuery(kind.params), today))]),
  ['dashboard', () => loadDashboard(portal, big.contact, big.client, big.client.timezone)],
])

// The statements of one call, captured once (warm).
await Promise.all(Object.values(localCall).map((call) => call()))
const statements: Record<string, Statement[]> = {}
for (const [key, call] of Object.entries(localCall)) {
  captured = []
  await call()
  statements[key] = captured
  captured = null
}

const raw = new pg.Client({ connectionString: appDatabaseUri(databaseName, databaseUri) })
await raw.connect()
const replay = async (key: string) => {
  for (const statement of statements[key]) await raw.query({ rowMode: 'array', text: statement.text, values: statement.values })
}

type Plan = { 'Actual Total Time'?: number; 'Index Name'?: string; 'Node Type': string; Plans?: Plan[]; 'Relation Name'?: string; 'Shared Hit Blocks'?: number; 'Shared Read Blocks'?: number }
const explain: Record<string, Array<{ buffers: number; indexes: string[]; ms: number; nodes: string; sql: string }>> = {}
for (const [key, list] of Object.entries(statements)) {
  explain[key] = []
  for (const statement of list) {
    const [{ 'QUERY PLAN': [result] }] = (await raw.query({ text: `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${statement.text}`, values: statement.values })).rows as Array<{ 'QUERY PLAN': Array<{ 'Execution Time': number; Plan: Plan }> }>
    const walk = (plan: Plan): Plan[] => [plan, ...(plan.Plans ?? []).flatMap(walk)]
    const nodes = walk(result.Plan)
    explain[key].push({
      buffers: (result.Plan['Shared Hit Blocks'] ?? 0) + (result.Plan['Shared Read Blocks'] ?? 0),
      indexes: [...new Set(nodes.map((node) => node['Index Name']).filter((name): name is string => Boolean(name)))],
      ms: result['Execution Time'],
      nodes: nodes.map((node) => node['Node Type']).join(' → '),
      sql: statement.text.replace(/\s+/g, ' ').slice(0, 70),
    })
  }
}

type Timing = { p50: number; p95: number }
const timingOf = (samples: number[]): Timing => {
  const sorted = [...samples].sort((a, b) => a - b)
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) }
}
async function timeRounds<K extends string>(keys: readonly K[], run: (key: K) => Promise<unknown>): Promise<Record<K, Timing>> {
  const samples = Object.fromEntries(keys.map((key) => [key, [] as number[]])) as Record<K, number[]>
  for (let round = 0; round < warmupRounds + rounds; round += 1) {
    // A rotating start: no kind always runs first (or right after the same other kind).
    for (let index = 0; index < keys.length; index += 1) {
      const key = keys[(index + round) % keys.length]
      const since = performance.now()
      await run(key)
      if (round >= warmupRounds) samples[key].push(performance.now() - since)
    }
  }
  return Object.fromEntries(keys.map((key) => [key, timingOf(samples[key])])) as Record<K, Timing>
}

log(`Local API and raw SQL: ${Object.keys(localCall).length} kinds × ${rounds} rounds, client ${bigClient} (${seedInfo.tiers[0].size} invoices)`)
const pairKeys = Object.keys(localCall).flatMap((key) => [`local:${key}`, `raw:${key}`])
const pairs = await timeRounds(pairKeys, (pair) => (pair.startsWith('local:') ? localCall[pair.slice(6)]() : replay(pair.slice(4))))
const localApi = Object.fromEntries(Object.keys(localCall).map((key) => [key, { local: pairs[`local:${key}`], raw: pairs[`raw:${key}`], ratio: pairs[`local:${key}`].p50 / pairs[`raw:${key}`].p50, statements: statements[key].length }]))
await raw.end()

// Local API per client size, for the plot.
const tierUsers = await Promise.all(tierClients.map(async (tier) => ({ ...tier, client: await clientRow(tier.client), contact: await signInLocal(tier.client) })))
const tierLocal = await timeRounds(
  tierUsers.map((tier) => String(tier.invoices)),
  (size) => {
    const tier = tierUsers.find((one) => String(one.invoices) === size)!
    return payload.find(invoiceListArgs('invoices', tier.contact, tier.client, parseInvoiceQuery({}), today))
  },
)
await payload.destroy()

// ---------------------------------------------------------------------------------------------------
// 2. Over HTTP: next start

const appEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  DATABASE_URI: appDatabaseUri(databaseName, databaseUri),
  INVOICE_PORTAL_ROLE: 'web',
  NEXT_DIST_DIR: distDir,
  NEXT_TELEMETRY_DISABLED: '1',
  NODE_ENV: 'production',
  PAYLOAD_CONFIG_PATH: './dev/payload.config.ts',
  SEED_DEMO_DATA: 'false',
  ...extra,
})
const next = path.join(root, 'node_modules/.bin/next')
if (process.env.BENCH_SKIP_BUILD !== '1' || !existsSync(path.join(root, 'dev', distDir, 'BUILD_ID'))) {
  log(`next build dev (into dev/${distDir})`)
  await runStep('scale-next-build', next, ['build', 'dev'], appEnv())
}
const port = await freePort()
const out = openSync(path.join(root, 'bench/results/scale-next-start.log'), 'w')
const server: ChildProcess = spawn(next, ['start', 'dev', '-p', String(port), '-H', '127.0.0.1'], { cwd: root, detached: true, env: appEnv(), stdio: ['ignore', out, out] })
closeSync(out)
const serverExited = new Promise((resolve) => server.on('exit', resolve))
const stopServer = () => stopProcessGroup(server, serverExited)
process.on('exit', () => {
  if (server.pid && server.exitCode === null) process.kill(-server.pid, 'SIGKILL')
})

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
type Response = { body: string; headers: http.IncomingHttpHeaders; status: number }
function request(method: string, pathAndQuery: string, headers: Record<string, string> = {}, body?: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request({ agent, headers: { ...headers, ...(body && { 'content-length': Buffer.byteLength(body) }) }, host: '127.0.0.1', method, path: pathAndQuery, port }, (incoming) => {
      const chunks: Buffer[] = []
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
      incoming.on('end', () => resolve({ body: Buffer.concat(chunks).toString(), headers: incoming.headers, status: incoming.statusCode ?? 0 }))
    })
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

let exitCode = 1
try {
  for (let waited = 0; ; waited += 250) {
    if (server.exitCode !== null) throw new Error('next start exited; see bench/results/scale-next-start.log')
    if (waited > 120_000) throw new Error('next start was not ready within 120 s')
    const ready = await request('GET', '/portal/login').catch(() => null)
    if (ready?.status === 200) break
    await sleep(250)
  }
  /** A contact's portal session cookie and REST token. */
  const signIn = async (client: number) => {
    const email = seedContact.email(client)
    const form = await request('POST', '/portal/api/login', { 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams({ email, next: '/portal', password: seedContact.password }).toString())
    const cookie = ([] as string[]).concat(form.headers['set-cookie'] ?? []).map((header) => header.split(';')[0]).find((pair) => pair.startsWith('invoice-portal-session='))
    const rest = await request('POST', '/api/contacts/login', { 'content-type': 'application/json' }, JSON.stringify({ email, password: seedContact.password }))
    const token = (JSON.parse(rest.body) as { token?: string }).token
    if (!cookie || !token) throw new Error(`contact of client ${client} could not sign in (${form.status}, ${rest.status})`)
    return { cookie: { cookie }, jwt: { authorization: `JWT ${token}` } }
  }
  const bigSession = await signIn(bigClient)
  const tierSessions = await Promise.all(tierClients.map(async (tier) => ({ ...tier, session: await signIn(tier.client) })))

  /** Payload's REST API for the same list query: what a host gets without the portal (no rendering). */
  const restPath = (params: Record<string, string>) => {
    const args = invoiceListArgs('invoices', {} as never, big.client, parseInvoiceQuery(params), today)
    return `/api/invoices?${stringify({ depth: 0, limit: args.limit, page: args.page, select: args.select, sort: args.sort.join(','), where: args.where })}`
  }
  const httpKinds: Record<string, () => Promise<Response>> = Object.fromEntries([
    ...kinds.map((kind) => [`portal:${kind.key}`, () => request('GET', `/portal/invoices?${new URLSearchParams(kind.params)}`, bigSession.cookie)]),
    ...kinds.map((kind) => [`rest:${kind.key}`, () => request('GET', restPath(kind.params), bigSession.jwt)]),
    ['portal:dashboard', () => request('GET', '/portal', bigSession.cookie)],
    ...tierSessions.flatMap((tier) => [
      [`tier list:${tier.invoices}`, () => request('GET', '/portal/invoices', tier.session.cookie)],
      [`tier dashboard:${tier.invoices}`, () => request('GET', '/portal', tier.session.cookie)],
    ]),
  ])
  const failures: string[] = []
  const checked = async (key: string) => {
    const response = await httpKinds[key]()
    if (response.status !== 200 && failures.length < 10) failures.push(`${key}: ${response.status} ${response.body.slice(0, 120)}`)
  }
  log(`HTTP: ${Object.keys(httpKinds).length} kinds × ${rounds} rounds on next start`)
  const httpTimings = await timeRounds(Object.keys(httpKinds), checked)
  if (failures.length) throw new Error(`requests failed:\n${failures.join('\n')}`)

  // ---------------------------------------------------------------------------------------------------
  // Figures, checks, report

  const isDeep = (key: string) => !key.endsWith('page 1')
  const portalList = kinds.map((kind) => ({ key: kind.key, portal: httpTimings[`portal:${kind.key}`], rest: httpTimings[`rest:${kind.key}`] }))
  const worst = (list: typeof portalList) => list.reduce((max, one) => (one.portal.p95 > max.portal.p95 ? one : max))
  const worstPage1 = worst(portalList.filter((one) => !isDeep(one.key)))
  const worstDeep = worst(portalList.filter((one) => isDeep(one.key)))
  const dashboard = httpTimings['portal:dashboard']
  const worstRatio = Object.entries(localApi).reduce((max, entry) => (entry[1].ratio > max[1].ratio ? entry : max))
  const figures = {
    database: { invoices: seedInfo.counts.invoices, name: databaseName, seeded: seedInfo.seededAt },
    explain,
    http: { dashboard, list: portalList, tiers: tierSessions.map((tier) => ({ dashboard: httpTimings[`tier dashboard:${tier.invoices}`], invoices: tier.invoices, list: httpTimings[`tier list:${tier.invoices}`] })) },
    localApi,
    localApiTiers: tierUsers.map((tier) => ({ invoices: tier.invoices, list: tierLocal[String(tier.invoices)] })),
    rounds,
  }
  const ms = (value: number) => value.toFixed(2).padStart(7)
  console.log('\nLocal API (as the page runs it) vs its raw SQL floor, client with 10,000 invoices — p50 / p95 ms')
  for (const [key, one] of Object.entries(localApi)) console.log(`  ${key.padEnd(34)} local ${ms(one.local.p50)} /${ms(one.local.p95)}   raw ${ms(one.raw.p50)} /${ms(one.raw.p95)}   ${one.ratio.toFixed(2)}×  (${one.statements} statements)`)
  console.log('\nPlans (EXPLAIN ANALYZE): execution ms, buffers, indexes')
  for (const [key, plans] of Object.entries(explain)) for (const plan of plans) console.log(`  ${key.padEnd(34)} ${ms(plan.ms)} ${String(plan.buffers).padStart(6)}  ${plan.indexes.join(', ') || plan.nodes}`)
  console.log('\nHTTP (next start), portal page vs Payload REST for the same query — p50 / p95 ms')
  for (const one of portalList) console.log(`  ${one.key.padEnd(34)} portal ${ms(one.portal.p50)} /${ms(one.portal.p95)}   REST ${ms(one.rest.p50)} /${ms(one.rest.p95)}`)
  console.log(`  ${'dashboard'.padEnd(34)} portal ${ms(dashboard.p50)} /${ms(dashboard.p95)}`)
  for (const tier of figures.http.tiers) console.log(`  client with ${String(tier.invoices).padEnd(6)} invoices: list ${ms(tier.list.p50)} /${ms(tier.list.p95)}   dashboard ${ms(tier.dashboard.p50)} /${ms(tier.dashboard.p95)}`)

  const checks: Array<[string, boolean]> = [
    [`portal list page 1, every sort and filter: p95 ≤ ${targets.page1P95} ms (worst: ${worstPage1.key}, ${worstPage1.portal.p95.toFixed(1)} ms)`, worstPage1.portal.p95 <= targets.page1P95],
    [`portal list page 50, every sort and filter: p95 ≤ ${targets.page50P95} ms (worst: ${worstDeep.key}, ${worstDeep.portal.p95.toFixed(1)} ms)`, worstDeep.portal.p95 <= targets.page50P95],
    [`portal dashboard p95 ≤ ${targets.dashboardP95} ms (${dashboard.p95.toFixed(1)} ms)`, dashboard.p95 <= targets.dashboardP95],
    [`Local API within ${targets.localApiRatio}× its raw SQL floor, p50 (worst: ${worstRatio[0]}, ${worstRatio[1].ratio.toFixed(2)}×)`, worstRatio[1].ratio <= targets.localApiRatio],
  ]
  const page1Default = portalList.find((one) => one.key === 'sort -issueDate · page 1')!
  const page50Default = portalList.find((one) => one.key === 'sort -issueDate · page 50')!
  const rows: ReportRow[] = [
    atMost('portal list page 1 p95, worst sort/filter (HTTP)', worstPage1.portal.p95, 'ms', targets.page1P95, { label: `Payload REST, same query`, measured: worstPage1.rest.p95 }),
    atMost('portal list page 50 p95, worst sort/filter (HTTP)', worstDeep.portal.p95, 'ms', targets.page50P95, { label: `Payload REST, same query`, measured: worstDeep.rest.p95 }),
    information('portal list page 1 p95, default sort (HTTP)', page1Default.portal.p95, 'ms', { label: 'Payload REST', measured: page1Default.rest.p95 }),
    information('portal list page 50 p95, default sort (HTTP)', page50Default.portal.p95, 'ms', { label: 'Payload REST', measured: page50Default.rest.p95 }),
    atMost('portal dashboard p95 (HTTP)', dashboard.p95, 'ms', targets.dashboardP95),
    ratioAtMost(`Local API p50, worst ratio to its raw SQL (${worstRatio[0]})`, worstRatio[1].local.p50, 'ms', { label: 'raw SQL floor', measured: worstRatio[1].raw.p50 }, targets.localApiRatio),
  ]
  const plot = {
    series: [
      { label: 'portal list page 1 p95 (HTTP)', points: figures.http.tiers.map((tier): [number, number] => [tier.invoices, tier.list.p95]) },
      { label: 'portal dashboard p95 (HTTP)', points: figures.http.tiers.map((tier): [number, number] => [tier.invoices, tier.dashboard.p95]) },
      { label: 'Local API list page 1 p95', points: figures.localApiTiers.map((tier): [number, number] => [tier.invoices, tier.list.p95]) },
    ],
    targets: [{ label: 'list target 15 ms', y: targets.page1P95 }, { label: 'dashboard target 20 ms', y: targets.dashboardP95 }],
    title: `Portal latency against invoices per client (${seedInfo.counts.invoices.toLocaleString('en')} invoices in all, 2 cores)`,
    x: 'invoices of the client',
    y: 'ms',
  }
  exitCode = reportChecks('scale', figures, checks, { plot, rows })
} finally {
  await stopServer()
}
process.exit(exitCode)
