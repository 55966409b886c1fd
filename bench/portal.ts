/**
 * `npm run bench:portal`: how fast the client portal's invoice pages are next to Payload's plain REST
 * API on the same data, and how many SQL statements each request runs.
 *
 *  1. A fresh database `invoice_portal_bench` with one client of 5,000 invoices (bench/seed.ts), while
 *     `next build dev` runs alongside.
 *  2. SQL statements per request: `log_statement = 'all'` for the bench database only, `next start`, and
 *     the statements of the server's connections counted in the PostgreSQL log between two marker
 *     queries around each request (after the response, until the log is quiet, so the portal's
 *     after-response audit write is counted too).
 *  3. Latency: log_statement reset, `next start` again, sign-in, warm-up, then sequential requests per
 *     kind, timed on the client over loopback (server time plus a negligible loopback).
 *  4. The server is stopped, log_statement reset and the database dropped, whatever happens.
 *
 * Prints a table and a summary line, and writes bench/results/portal.json. Exits non-zero on errors
 * (a request that is not 200, a failed step), not on a missed target.
 *
 * Environment: BENCH_INVOICES (5000), BENCH_REQUESTS (200), BENCH_WARMUP (20), BENCH_SEED=local-api
 * (every invoice through the Local API, slow), BENCH_SKIP_BUILD=1 (reuse dev/.next), BENCH_KEEP_DB=1,
 * BENCH_PG_LOG (the PostgreSQL server log, found by itself otherwise), BENCH_DATABASE_SERVER.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'

import { admin, databaseUriOf } from './database.js'
import { freePort, otherNextProcesses, runStep, stopProcessGroup } from './lib/process.js'
import { information, ratioAtMost } from './lib/report.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const resultsDir = path.join(root, 'bench/results')
const bin = (name: string) => path.join(root, 'node_modules/.bin', name)

const databaseName = 'invoice_portal_bench'
const databaseUri = databaseUriOf(databaseName)
const invoiceCount = Number(process.env.BENCH_INVOICES || 5000)
const requests = Number(process.env.BENCH_REQUESTS || 200)
const warmup = Number(process.env.BENCH_WARMUP || 20)
const countRepeats = 3
const spacedRequests = 50
const spacedGapMs = 100
const target = 1.5
const route = '/portal'
const sessionCookie = 'invoice-portal-session'

const started = Date.now()
const seconds = (since: number) => (Date.now() - since) / 1000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const log = (message: string) => console.log(`[bench:portal] ${message}`)

// ---------------------------------------------------------------------------------------------------
// Database and child processes


const childEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  DATABASE_URI: databaseUri,
  NEXT_TELEMETRY_DISABLED: '1',
  PAYLOAD_CONFIG_PATH: './dev/payload.config.ts',
  // The dev config seeds its demo data into an empty users table; the bench has its own data.
  SEED_DEMO_DATA: 'false',
  ...extra,
})

async function waitForOtherBuilds(): Promise<void> {
  for (let waited = 0; waited < 600_000; waited += 5000) {
    const others = otherNextProcesses()
    if (others.length === 0) return
    if (waited === 0) log(`waiting for another next build/start to end before building dev/.next (up to 10 min): ${others.join('; ')}`)
    await sleep(5000)
  }
  log('another next process is still running; building anyway')
}

function revision(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'dev'], { cwd: root, encoding: 'utf8' }).trim()
    return `${head}${dirty ? ' + uncommitted changes in src/ or dev/' : ''}`
  } catch {
    return 'unknown'
  }
}

type Server = { base: string; child: ChildProcess; exited: Promise<void>; logFile: string; readySeconds: number }
let server: null | Server = null

/** `next start dev` in its own process group, ready once the sign-in page answers 200. */
async function startServer(label: string): Promise<Server> {
  const port = await freePort()
  const logFile = path.join(resultsDir, `next-start-${label}.log`)
  const out = openSync(logFile, 'w')
  const since = Date.now()
  const child = spawn(bin('next'), ['start', 'dev', '-p', String(port), '-H', '127.0.0.1'], { cwd: root, detached: true, env: childEnv(), stdio: ['ignore', out, out] })
  closeSync(out)
  let exitCode: null | number | string = null
  const exited = new Promise<void>((resolve) => child.on('exit', (code, signal) => {
    exitCode = code ?? signal
    resolve()
  }))
  const base = `http://127.0.0.1:${port}`
  const starting: Server = { base, child, exited, logFile, readySeconds: 0 }
  server = starting
  for (;;) {
    if (exitCode !== null) throw new Error(`next start exited (${exitCode}) before it was ready; see ${path.relative(root, logFile)}`)
    if (Date.now() - since > 120_000) throw new Error(`next start was not ready within 120 s; see ${path.relative(root, logFile)}`)
    const response = await fetch(`${base}${route}/login`).catch(() => null)
    if (response) {
      await response.arrayBuffer()
      if (response.status === 200) break
      throw new Error(`GET ${route}/login answered ${response.status} while starting; see ${path.relative(root, logFile)}`)
    }
    await sleep(250)
  }
  starting.readySeconds = seconds(since)
  return starting
}

async function stopServer(): Promise<void> {
  const running = server
  server = null
  if (running) await stopProcessGroup(running.child, running.exited)
}

// Last resort when the process ends without the cleanup (an uncaught error in a callback).
process.on('exit', () => {
  if (server?.child.pid && server.child.exitCode === null) {
    try {
      process.kill(-server.child.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
})

// ---------------------------------------------------------------------------------------------------
// HTTP

type Session = { cookie: string; jwt: string }
type Kind = {
  check: (body: string) => null | string
  /** Further requests made after `path` and timed with it (one page's worth of REST calls). */
  extraPaths?: string[]
  headers: (session: Session) => Record<string, string>
  key: string
  label: string
  path: string
}

async function signIn(base: string, login: { email: string; password: string }): Promise<Session> {
  const form = await fetch(`${base}${route}/api/login`, {
    body: new URLSearchParams({ email: login.email, next: route, password: login.password }),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    method: 'POST',
    redirect: 'manual',
  })
  await form.arrayBuffer()
  const cookie = form.headers.getSetCookie().map((header) => header.split(';')[0]).find((pair) => pair.startsWith(`${sessionCookie}=`) && pair.length > sessionCookie.length + 1)
  if (form.status !== 303 || !cookie) throw new Error(`POST ${route}/api/login: ${form.status} to ${form.headers.get('location')}, no session cookie`)
  const rest = await fetch(`${base}/api/contacts/login`, {
    body: JSON.stringify(login),
    headers: { 'content-type': 'application/json' },
    method: 'POST',
  })
  const body = (await rest.json()) as { token?: string }
  if (rest.status !== 200 || !body.token) throw new Error(`POST /api/contacts/login: ${rest.status} ${JSON.stringify(body).slice(0, 200)}`)
  return { cookie, jwt: body.token }
}

/** One request, timed from sending it to the last byte of the body; throws unless 200 and the body checks out. */
async function hit(base: string, kind: Kind, session: Session): Promise<{ bytes: number; ms: number }> {
  const since = performance.now()
  const response = await fetch(`${base}${kind.path}`, { headers: kind.headers(session), redirect: 'manual' })
  const body = await response.text()
  const ms = performance.now() - since
  if (response.status !== 200) throw new Error(`${kind.label}: GET ${kind.path} answered ${response.status} ${response.headers.get('location') ?? body.slice(0, 200)}`)
  const problem = kind.check(body)
  if (problem) throw new Error(`${kind.label}: GET ${kind.path}: ${problem}`)
  let bytes = Buffer.byteLength(body)
  let total = ms
  for (const path of kind.extraPaths ?? []) {
    const started = performance.now()
    const extra = await fetch(`${base}${path}`, { headers: kind.headers(session), redirect: 'manual' })
    const text = await extra.text()
    total += performance.now() - started
    if (extra.status !== 200) throw new Error(`${kind.label}: GET ${path} answered ${extra.status} ${text.slice(0, 200)}`)
    bytes += Buffer.byteLength(text)
  }
  return { bytes, ms: total }
}

const portalRows = (body: string) => new Set([...body.matchAll(/href="\/portal\/invoices\/(\d+)"/g)].map((match) => match[1])).size

function kinds(seed: SeedResult) {
  const portal = (session: Session) => ({ 'accept-language': 'en', cookie: session.cookie })
  const rest = (session: Session) => ({ authorization: `JWT ${session.jwt}` })
  const listOf = (rows: number) => (body: string) => (portalRows(body) === rows ? null : `expected ${rows} invoice rows, got ${portalRows(body)}`)
  const restList = (rows: number, fields?: string[]) => (body: string) => {
    const json = JSON.parse(body) as { docs: Array<Record<string, unknown>>; totalDocs: number }
    if (json.docs.length !== rows || json.totalDocs !== invoiceCount) return `expected ${rows} of ${invoiceCount} docs, got ${json.docs.length} of ${json.totalDocs}`
    if (fields && Object.keys(json.docs[0]).some((key) => key !== 'id' && !fields.includes(key))) return `select not applied: ${Object.keys(json.docs[0]).join(', ')}`
    return null
  }
  const select = ['amountDue', 'currency', 'dueDate', 'issueDate', 'number', 'status', 'total']
  const restListPath = (limit: number, withSelect: boolean) =>
    `/api/invoices?${new URLSearchParams({
      depth: '0',
      limit: String(limit),
      sort: '-issueDate',
      'where[client][equals]': String(seed.client.id),
      ...(withSelect ? Object.fromEntries(select.map((field) => [`select[${field}]`, 'true'])) : {}),
    })}`
  const year = seed.numberYear
  const detail = seed.detailInvoice
  const all = {
    portalLogin: {
      check: (body: string) => (body.includes('type="password"') ? null : 'no sign-in form'),
      headers: () => ({ 'accept-language': 'en' }),
      key: 'portalLogin',
      label: 'portal sign-in page, no session (floor)',
      path: `${route}/login`,
    },
    portalList: { check: listOf(25), headers: portal, key: 'portalList', label: '(a) portal list, page 1 (25 rows)', path: `${route}/invoices` },
    portalListPage2: { check: listOf(25), headers: portal, key: 'portalListPage2', label: '(a) portal list, page 2 (25 rows)', path: `${route}/invoices?page=2` },
    portalList10: { check: listOf(10), headers: portal, key: 'portalList10', label: '(a) portal list, filtered (10 rows)', path: `${route}/invoices?q=INV-${year}-0001` },
    portalList1: { check: listOf(1), headers: portal, key: 'portalList1', label: '(a) portal list, filtered (1 row)', path: `${route}/invoices?q=INV-${year}-00017` },
    portalList0: { check: listOf(0), headers: portal, key: 'portalList0', label: '(a) portal list, filtered (0 rows)', path: `${route}/invoices?q=NO-SUCH-NUMBER` },
    portalDetail: {
      check: (body: string) => (body.includes('data-testid="invoice-amount-due"') && body.includes('Goodwill discount') ? null : 'no amount due or credit note on the page'),
      headers: portal,
      key: 'portalDetail',
      label: `(b) portal detail, partially paid (${detail.payments} payments, 1 credit note)`,
      path: `${route}/invoices/${detail.id}`,
    },
    portalDetailOpen: {
      check: (body: string) => (body.includes('data-testid="invoice-amount-due"') ? null : 'no amount due on the page'),
      headers: portal,
      key: 'portalDetailOpen',
      label: '(b) portal detail, open (no payments)',
      path: `${route}/invoices/${seed.openInvoice.id}`,
    },
    portalDetailPaid: {
      check: (body: string) => (body.includes('data-testid="invoice-amount-due"') ? null : 'no amount due on the page'),
      headers: portal,
      key: 'portalDetailPaid',
      label: '(b) portal detail, paid (1 payment)',
      path: `${route}/invoices/${seed.paidInvoice.id}`,
    },
    restList: { check: restList(25), headers: rest, key: 'restList', label: '(c) REST list, 25, no select', path: restListPath(25, false) },
    restListSelect: { check: restList(25, select), headers: rest, key: 'restListSelect', label: '(c) REST list, 25, same select', path: restListPath(25, true) },
    restList10: { check: restList(10), headers: rest, key: 'restList10', label: '(c) REST list, 10, no select', path: restListPath(10, false) },
    restDetail: {
      check: (body: string) => ((JSON.parse(body) as { id?: unknown }).id === detail.id ? null : 'another document'),
      headers: rest,
      key: 'restDetail',
      label: '(d) REST detail',
      path: `/api/invoices/${detail.id}?depth=0`,
    },
    restDetailData: {
      check: (body: string) => ((JSON.parse(body) as { id?: unknown }).id === detail.id ? null : 'another document'),
      extraPaths: [
        `/api/payments?depth=0&pagination=false&where[allocations.invoice][equals]=${detail.id}`,
        `/api/credit-notes?depth=0&pagination=false&where[invoice][equals]=${detail.id}`,
      ],
      headers: rest,
      key: 'restDetailData',
      label: "(e) REST, the detail page's data (invoice + payments + credit notes: 3 calls)",
      path: `/api/invoices/${detail.id}?depth=0`,
    },
  } satisfies Record<string, Kind>
  return all
}

// ---------------------------------------------------------------------------------------------------
// SQL statements from the PostgreSQL log

type Statement = { table: string; text: string; transaction: boolean; verb: string }

/** The server log PostgreSQL writes statements to: the candidate a probe marker shows up in. */
async function findServerLog(marker: pg.Client): Promise<{ file: string } | { reason: string }> {
  const candidates = new Set<string>()
  if (process.env.BENCH_PG_LOG) candidates.add(process.env.BENCH_PG_LOG)
  const current = await marker
    .query<{ data: string; file: null | string }>(`SELECT pg_current_logfile() AS file, current_setting('data_directory') AS data`)
    .then(({ rows }) => rows[0])
    .catch(() => null)
  if (current?.file) candidates.add(path.resolve(current.data, current.file))
  for (const dir of ['/var/log/postgresql', '/var/log/postgres', '/var/lib/pgsql/data/log']) {
    if (!existsSync(dir)) continue
    for (const name of readdirSync(dir).filter((file) => file.endsWith('.log'))) candidates.add(path.join(dir, name))
  }
  const sizes = new Map<string, number>()
  for (const file of candidates) {
    try {
      sizes.set(file, statSync(file).size)
      closeSync(openSync(file, 'r'))
    } catch {
      sizes.delete(file)
    }
  }
  if (sizes.size === 0) return { reason: `no readable PostgreSQL log among ${[...candidates].join(', ') || 'the usual places'} (set BENCH_PG_LOG)` }
  const probe = `bench-marker-probe-${Date.now()}`
  await marker.query(`SELECT '${probe}'`)
  await sleep(100)
  for (const [file, size] of sizes) if (readFrom(file, size).includes(probe)) return { file }
  return { reason: `the probe statement did not appear in ${[...sizes.keys()].join(', ')}` }
}

function readFrom(file: string, offset: number): string {
  const size = statSync(file).size
  if (size <= offset) return ''
  const buffer = Buffer.alloc(size - offset)
  const fd = openSync(file, 'r')
  try {
    readSync(fd, buffer, 0, buffer.length, offset)
  } finally {
    closeSync(fd)
  }
  return buffer.toString('utf8')
}

/**
 * Statements of the bench database's sessions between two markers (the markers excluded), each marked
 * whether it ran inside a transaction (BEGIN … COMMIT of the same backend, told by the log's [pid]).
 */
function statementsBetween(text: string, start: string, end: string): Statement[] {
  const lines = text.split('\n')
  const from = lines.findIndex((line) => line.includes(`'${start}'`))
  const to = lines.findIndex((line) => line.includes(`'${end}'`))
  if (from < 0 || to < 0) throw new Error(`markers ${start} / ${end} not found in the PostgreSQL log`)
  const tagged = lines[from].includes(`@${databaseName}`)
  const open = new Set<string>()
  const statements: Statement[] = []
  for (const line of lines.slice(from + 1, to)) {
    const match = /LOG:\s+(?:statement|execute [^:]*):\s(.*)$/.exec(line)
    if (!match || line.includes('bench-marker-') || (tagged && !line.includes(`@${databaseName}`))) continue
    const text = match[1].trim()
    const verb = (/^\(?\s*([a-z]+)/i.exec(text)?.[1] ?? '?').toUpperCase()
    const pid = /\[(\d+)\]/.exec(line)?.[1] ?? ''
    if (verb === 'BEGIN' || verb === 'START') open.add(pid)
    statements.push({
      table: /\b(?:from|into|update)\s+"?([a-z_][a-z0-9_]*)"?/i.exec(text)?.[1] ?? '',
      text: text.length > 1000 ? `${text.slice(0, 1000)}…` : text,
      transaction: Boolean(pid) && open.has(pid),
      verb,
    })
    if (verb === 'COMMIT' || verb === 'ROLLBACK' || verb === 'END') open.delete(pid)
  }
  return statements
}

async function waitForQuietLog(file: string): Promise<void> {
  let size = statSync(file).size
  let quiet = 0
  for (let waited = 0; waited < 5000 && quiet < 3; waited += 150) {
    await sleep(150)
    const now = statSync(file).size
    quiet = now === size ? quiet + 1 : 0
    size = now
  }
}

const breakdown = (statements: Statement[]) => {
  const verbs = new Map<string, number>()
  for (const { verb } of statements) verbs.set(verb, (verbs.get(verb) ?? 0) + 1)
  return [...verbs].map(([verb, n]) => `${verb} ${n}`).join(', ')
}
const tables = (statements: Statement[]) => {
  const counts = new Map<string, number>()
  for (const { table, verb } of statements) {
    const key = table ? `${verb.toLowerCase()} ${table}` : verb.toLowerCase()
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return [...counts].map(([key, n]) => (n > 1 ? `${key} ×${n}` : key)).join(', ')
}

// ---------------------------------------------------------------------------------------------------
// Figures

type Stats = { bytes: number; max: number; mean: number; min: number; n: number; p50: number; p95: number }
function stats(samples: Array<{ bytes: number; ms: number }>): Stats {
  const sorted = samples.map((sample) => sample.ms).sort((a, b) => a - b)
  const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]
  return {
    bytes: Math.round(samples.reduce((sum, sample) => sum + sample.bytes, 0) / samples.length),
    max: sorted[sorted.length - 1],
    mean: sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length,
    min: sorted[0],
    n: sorted.length,
    p50: rank(0.5),
    p95: rank(0.95),
  }
}

const pad = (value: string, width: number, right = false) => (right ? value.padStart(width) : value.padEnd(width))
const ms = (value: number) => value.toFixed(1)
function table(headers: string[], rows: string[][], rightAligned: number[]): string {
  const widths = headers.map((header, index) => Math.max(header.length, ...rows.map((row) => row[index].length)))
  const line = (cells: string[]) => cells.map((cell, index) => pad(cell, widths[index], rightAligned.includes(index))).join('  ')
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n')
}

type SeedResult = {
  checks: { counters: number; derivedSample: number; seconds: number }
  client: { id: number; name: string }
  contact: { email: string; id: number; password: string }
  copies: number
  copySeconds: number
  counts: { events: number; invoices: number; lines: number; payments: number; statuses: Record<string, number> }
  detailInvoice: { amountDue: number; id: number; number: string; payments: number; status: string }
  issueRange: [string, string]
  lineRange: string
  localApi: {
    parallel: { batchSize: number; count: number; perInvoiceMs: null | number; seconds: number }
    projectedOneByOneSeconds: number
    projectedParallelSeconds: null | number
    sequential: { count: number; perInvoiceMs: number; seconds: number }
  }
  mode: string
  numberYear: string
  openInvoice: { id: number }
  paidInvoice: { id: number }
  schemaSeconds: number
  templates: number
  totalSeconds: number
}

// ---------------------------------------------------------------------------------------------------

let logStatementSet = false
let databaseCreated = false

let marker: null | pg.Client = null
let cleaning: null | Promise<void> = null
/** Stops the server, resets log_statement and drops the database; once, however often it is called. */
const cleanup = () => (cleaning ??= cleanUp())

async function cleanUp(): Promise<void> {
  await marker?.end().catch(() => {})
  await stopServer().catch((error: unknown) => console.error('[bench:portal] stopping next start failed:', error))
  if (logStatementSet) {
    await admin((client) => client.query(`ALTER DATABASE "${databaseName}" RESET log_statement`)).catch((error: unknown) => console.error('[bench:portal] RESET log_statement failed:', error))
    logStatementSet = false
  }
  if (databaseCreated && process.env.BENCH_KEEP_DB !== '1') {
    await admin((client) => client.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`)).catch((error: unknown) => console.error('[bench:portal] dropping the database failed:', error))
    databaseCreated = false
  }
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    console.error(`[bench:portal] ${signal}: stopping`)
    void cleanup().finally(() => process.exit(130))
  })
}

async function main() {
  mkdirSync(resultsDir, { recursive: true })

  // 1. Database, seed and build (side by side).
  await admin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`)
    await client.query(`CREATE DATABASE "${databaseName}"`)
  })
  databaseCreated = true
  const skipBuild = process.env.BENCH_SKIP_BUILD === '1' && existsSync(path.join(root, 'dev/.next/BUILD_ID'))
  log(`seeding ${invoiceCount} invoices into ${databaseName}${skipBuild ? ' (reusing dev/.next)' : ' while `next build dev` runs'}…`)
  // Outside production, so that getPayload pushes the schema.
  const { NODE_ENV: _nodeEnv, ...seedEnv } = childEnv({ BENCH_DATABASE_URI: databaseUri, BENCH_INVOICES: String(invoiceCount) })
  // The build starts once the seed's Local API part is done, so that part is timed on a quiet machine.
  let localApiDone: (ok: boolean) => void = () => {}
  const localApiPhase = new Promise<boolean>((resolve) => (localApiDone = resolve))
  const seeding = runStep('seed', bin('tsx'), ['bench/seed.ts'], seedEnv as NodeJS.ProcessEnv, (output) => {
    if (output.includes('BENCH_SEED_LOCAL_API_DONE')) localApiDone(true)
  }).catch((error: unknown) => {
    localApiDone(false)
    throw error
  })
  const building = skipBuild
    ? Promise.resolve(null)
    : localApiPhase.then(async (ok) => {
        if (!ok) return null
        await waitForOtherBuilds()
        return runStep('next-build', bin('next'), ['build', 'dev'], childEnv())
      })
  const [seedStep, buildStep] = await Promise.all([seeding, building])
  const seedLine = seedStep.output.split('\n').find((line) => line.startsWith('BENCH_SEED_RESULT '))
  if (!seedLine) throw new Error('bench/seed.ts printed no result')
  const seed = JSON.parse(seedLine.slice('BENCH_SEED_RESULT '.length)) as SeedResult
  log(`seeded in ${seedStep.seconds.toFixed(1)} s${buildStep ? `, next build ${buildStep.seconds.toFixed(1)} s (started after the seed's Local API part)` : ''}`)
  const all = kinds(seed)
  const login = { email: seed.contact.email, password: seed.contact.password }

  // 2. SQL statements per request.
  await admin((client) => client.query(`ALTER DATABASE "${databaseName}" SET log_statement = 'all'`))
  logStatementSet = true
  marker = new pg.Client({ connectionString: databaseUri })
  // Dropping the database at the end ends this connection with an error event; nothing to report then.
  marker.on('error', () => {})
  await marker.connect()
  // Per kind: statements outside a transaction (the request's reads) and inside one (the portal's page-view
  // audit write, which next/server after() runs after the response).
  const sql: Record<string, { after: number[]; afterStatements: Statement[]; breakdown: string; counts: number[]; during: number[]; statements: Statement[]; tables: string }> = {}
  let sqlUnavailable: null | string = null
  try {
    const serverLog = await findServerLog(marker)
    if ('reason' in serverLog) {
      sqlUnavailable = serverLog.reason
      log(`SQL statements not counted: ${sqlUnavailable}`)
    } else {
      const countingServer = await startServer('sql-count')
      log(`counting SQL statements (log_statement = all, ${serverLog.file}), next start ready in ${countingServer.readySeconds.toFixed(1)} s`)
      const session = await signIn(countingServer.base, login)
      for (const kind of Object.values(all)) for (let i = 0; i < countRepeats; i += 1) await hit(countingServer.base, kind, session)
      let n = 0
      for (const kind of Object.values(all)) {
        const during: number[] = []
        const after: number[] = []
        let first: Statement[] = []
        for (let repeat = 0; repeat < countRepeats; repeat += 1) {
          await waitForQuietLog(serverLog.file)
          const offset = statSync(serverLog.file).size
          const [start, end] = ['start', 'end'].map((at) => `bench-marker-${n}-${at}`)
          n += 1
          await marker.query(`SELECT '${start}'`)
          await hit(countingServer.base, kind, session)
          // Until the log is quiet: the portal's audit write runs after the response.
          await waitForQuietLog(serverLog.file)
          await marker.query(`SELECT '${end}'`)
          const statements = statementsBetween(readFrom(serverLog.file, offset), start, end)
          during.push(statements.filter((statement) => !statement.transaction).length)
          after.push(statements.filter((statement) => statement.transaction).length)
          if (repeat === 0) first = statements
        }
        const reads = first.filter((statement) => !statement.transaction)
        sql[kind.key] = {
          after,
          afterStatements: first.filter((statement) => statement.transaction),
          breakdown: breakdown(first),
          counts: during.map((value, index) => value + after[index]),
          during,
          statements: first,
          tables: tables(reads),
        }
      }
    }
  } finally {
    await marker.end()
    marker = null
    await stopServer()
    await admin((client) => client.query(`ALTER DATABASE "${databaseName}" RESET log_statement`))
    logStatementSet = false
  }

  // 3. Latency.
  const timingServer = await startServer('timing')
  log(`timing: next start ready in ${timingServer.readySeconds.toFixed(1)} s, ${warmup} warm-up + ${requests} sequential requests per kind`)
  const session = await signIn(timingServer.base, login)
  const timed = [all.portalList, all.portalDetail, all.restList, all.restListSelect, all.restDetail, all.restDetailData]
  const loadBefore = os.loadavg()[0]
  for (const kind of timed) for (let i = 0; i < warmup; i += 1) await hit(timingServer.base, kind, session)
  const timings: Record<string, Stats> = {}
  for (const kind of timed) {
    const samples: Array<{ bytes: number; ms: number }> = []
    for (let i = 0; i < requests; i += 1) samples.push(await hit(timingServer.base, kind, session))
    timings[kind.key] = stats(samples)
  }
  // Diagnostics: the same requests spaced apart, so the portal's after-response audit write of one
  // request does not overlap the next one (back to back, it can), and the sign-in page as the floor of
  // a portal page (Next render and one settings read, no session).
  const spaced: Record<string, Stats> = {}
  const diagnostics = [all.portalLogin, all.portalList, all.portalDetail, all.restList, all.restDetail]
  for (const kind of diagnostics) {
    const samples: Array<{ bytes: number; ms: number }> = []
    for (let i = 0; i < spacedRequests; i += 1) {
      await sleep(spacedGapMs)
      samples.push(await hit(timingServer.base, kind, session))
    }
    spaced[kind.key] = stats(samples)
  }
  const loadAfter = os.loadavg()[0]
  await stopServer()

  // 4. Figures.
  const ratio = (a: Stats, b: Stats) => ({ mean: a.mean / b.mean, p50: a.p50 / b.p50, p95: a.p95 / b.p95 })
  const ratios = {
    detail: ratio(timings.portalDetail, timings.restDetailData),
    detailVsOneCall: ratio(timings.portalDetail, timings.restDetail),
    detailSpaced: ratio(spaced.portalDetail, spaced.restDetail),
    list: ratio(timings.portalList, timings.restList),
    listSpaced: ratio(spaced.portalList, spaced.restList),
    listVsSelect: ratio(timings.portalList, timings.restListSelect),
  }
  const verdict = (value: number) => (value <= target ? 'PASS' : 'FAIL')
  const range = (values: number[]) => (new Set(values).size === 1 ? String(values[0]) : `${Math.min(...values)}–${Math.max(...values)}`)
  const sqlCell = (key: string) => {
    const counted = sql[key]
    if (!counted) return 'n/a'
    return counted.after.some((value) => value > 0) ? `${range(counted.during)} + ${range(counted.after)}` : range(counted.during)
  }
  const same = (keys: string[], part: 'counts' | 'during' = 'counts') => {
    const values = keys.flatMap((key) => sql[key]?.[part] ?? [])
    return values.length ? new Set(values).size === 1 : null
  }
  const listFlat = same(['portalList', 'portalListPage2', 'portalList10', 'portalList1', 'portalList0'])
  const detailFlat = same(['portalDetail', 'portalDetailPaid'])
  const restFlat = same(['restList', 'restList10'])

  const out: string[] = []
  const l = seed.localApi
  out.push(
    '',
    `payload-invoice-portal · portal benchmark · ${new Date().toISOString()} · ${revision()}`,
    `${os.cpus().length} CPUs · Node ${process.version} · load average ${loadBefore.toFixed(2)} before the timed requests, ${loadAfter.toFixed(2)} after`,
    '',
  )
  out.push(
    `data      ${seed.counts.invoices.toLocaleString('en')} invoices of one client (${Object.entries(seed.counts.statuses).map(([status, n]) => `${status} ${n}`).join(', ')}),`,
    `          ${seed.lineRange} lines each (${seed.counts.lines.toLocaleString('en')} lines), ${seed.counts.payments.toLocaleString('en')} payments, issued ${seed.issueRange[0]} … ${seed.issueRange[1]}`,
    seed.mode === 'local-api'
      ? `seeded    every invoice through the Local API (${l.sequential.count} one by one, the rest in parallel batches of ${l.parallel.batchSize}) in ${seed.totalSeconds.toFixed(1)} s`
      : `seeded    ${seed.templates} invoices through the Local API with their payments, voids and write-offs (hooks, numbering, audit events):\n` +
          `          ${l.sequential.count} one by one ${l.sequential.seconds.toFixed(1)} s (${l.sequential.perInvoiceMs.toFixed(0)} ms each → ~${l.projectedOneByOneSeconds.toFixed(0)} s for ${invoiceCount} one by one),\n` +
          `          ${l.parallel.count} in parallel batches of ${l.parallel.batchSize} ${l.parallel.seconds.toFixed(1)} s (${(l.parallel.perInvoiceMs ?? 0).toFixed(0)} ms each → ~${(l.projectedParallelSeconds ?? 0).toFixed(0)} s for ${invoiceCount});\n` +
          `          both too slow for a bench meant to finish in minutes beside next build; so\n` +
          `          ${seed.copies.toLocaleString('en')} SQL copies (INSERT … SELECT of invoices, lines, tax breakdown, payments, allocations, audit events;\n` +
          `          each template ×${Math.ceil(invoiceCount / seed.templates)}, shifted in time) and a gapless renumbering per year with the counters set to match: ${seed.copySeconds.toFixed(1)} s;\n` +
          `          checked: unique numbers, totals = lines, paid = payments, counters, ${seed.checks.derivedSample} copies re-derived by the invoice hook unchanged.\n` +
          `          Seed step ${seedStep.seconds.toFixed(1)} s in all (schema push ${seed.schemaSeconds.toFixed(1)} s).`,
    `server    ${buildStep ? `next build dev ${buildStep.seconds.toFixed(1)} s` : 'next build skipped (BENCH_SKIP_BUILD)'}; next start ready in ${timingServer.readySeconds.toFixed(1)} s; client on loopback, one request at a time`,
    `detail    invoice ${seed.detailInvoice.number} (#${seed.detailInvoice.id}), ${seed.detailInvoice.status}, ${seed.detailInvoice.payments} payments and 1 credit note`,
    '',
  )
  const timingRow = (label: string, s: Stats, key: string) => [label, String(s.n), ms(s.p50), ms(s.p95), ms(s.mean), ms(s.min), (s.bytes / 1024).toFixed(1), sqlCell(key)]
  out.push(
    table(
      ['request (back to back)', 'n', 'p50 ms', 'p95 ms', 'mean ms', 'min ms', 'KB', 'SQL/req'],
      timed.map((kind) => timingRow(kind.label, timings[kind.key], kind.key)),
      [1, 2, 3, 4, 5, 6, 7],
    ),
    '',
    'SQL/req: reads + statements of the audit write\'s transaction (the portal records each page view after the response).',
    '',
  )
  const ratioLine = (name: string, r: { mean: number; p50: number; p95: number }, judged: boolean) =>
    `${pad(name, 46)} p50 ${r.p50.toFixed(2)}×  p95 ${r.p95.toFixed(2)}×  mean ${r.mean.toFixed(2)}×${judged ? `   target ≤ ${target}× (p50): ${verdict(r.p50)}` : '   (for information)'}`
  out.push(
    ratioLine('list   portal / REST (plain, no select)', ratios.list, true),
    ratioLine('list   portal / REST (same select)', ratios.listVsSelect, false),
    ratioLine('detail portal / REST of the same data (3)', ratios.detail, true),
    ratioLine('detail portal / REST invoice only (1 call)', ratios.detailVsOneCall, false),
    '',
    table(
      [`diagnostic: ${spacedGapMs} ms between requests`, 'n', 'p50 ms', 'p95 ms', 'mean ms', 'min ms', 'KB', 'SQL/req'],
      diagnostics.map((kind) => timingRow(kind.label, spaced[kind.key], kind.key)),
      [1, 2, 3, 4, 5, 6, 7],
    ),
    '',
    ratioLine('list   portal / REST, spaced', ratios.listSpaced, false),
    ratioLine('detail portal / REST, spaced', ratios.detailSpaced, false),
    '',
  )
  if (sqlUnavailable) {
    out.push(`SQL statements per request: not counted (${sqlUnavailable})`)
  } else {
    const after = Object.values(sql).find((counted) => counted.afterStatements.length)?.afterStatements ?? []
    out.push(
      `SQL statements per request (PostgreSQL log_statement = all; the server's statements between marker queries; ${countRepeats} runs each):`,
      '',
      table(
        ['request', 'reads', 'write tx', 'reads: statements'],
        Object.values(all).map((kind) => [kind.label, range(sql[kind.key].during), range(sql[kind.key].after), sql[kind.key].tables]),
        [1, 2],
      ),
      '',
      `write tx (portal pages, after the response): ${tables(after) || 'nothing'}`,
      `portal list flat in rows (25/25/10/1/0): ${listFlat ? 'yes' : 'NO'} · portal detail flat in payments (3+1 credit note vs 1): ${detailFlat ? 'yes' : 'NO'}` +
        ` · REST list 25 vs 10 rows: ${restFlat ? 'same' : 'differs'}`,
      'An invoice without payments runs one statement less: Payload finds the matching payment ids first and skips reading documents when there are none.',
    )
  }
  const total = seconds(started)
  const summary =
    `bench:portal: list ${ratios.list.p50.toFixed(2)}× REST (${verdict(ratios.list.p50)}), detail ${ratios.detail.p50.toFixed(2)}× REST of the same data (${verdict(ratios.detail.p50)}), target ≤ ${target}× at p50; ` +
    `p50 portal list ${ms(timings.portalList.p50)} ms vs REST ${ms(timings.restList.p50)} ms, detail ${ms(timings.portalDetail.p50)} ms vs ${ms(timings.restDetailData.p50)} ms for the same data over REST (${ms(timings.restDetail.p50)} ms for the invoice alone); ` +
    (sqlUnavailable ? 'SQL not counted; ' : `SQL/request list ${sqlCell('portalList')} (flat in rows: ${listFlat ? 'yes' : 'NO'}), detail ${sqlCell('portalDetail')}, REST ${sqlCell('restList')}/${sqlCell('restDetail')}; `) +
    `${invoiceCount} invoices (${seed.mode}); ${total.toFixed(0)} s`
  out.push('', summary)
  console.log(out.join('\n'))

  // For bench/REPORT.md: the portal against Payload's REST API on the same data, the peer this run measured.
  const restList = { label: 'Payload REST list (25, no select)', measured: timings.restList.p50 }
  const restDetail = { label: "Payload REST, the detail page's data (3 calls)", measured: timings.restDetailData.p50 }
  const report = [
    ratioAtMost(`portal invoice list p50 (${invoiceCount.toLocaleString('en')} invoices, 25 rows)`, timings.portalList.p50, 'ms', restList, target),
    information('portal invoice list p95', timings.portalList.p95, 'ms', { ...restList, measured: timings.restList.p95 }),
    ratioAtMost('portal invoice detail p50', timings.portalDetail.p50, 'ms', restDetail, target),
    information('portal invoice detail p95', timings.portalDetail.p95, 'ms', { ...restDetail, measured: timings.restDetailData.p95 }),
    ...(sqlUnavailable ? [] : [information('SQL statements per portal list request', Math.max(...sql.portalList.counts), 'statements', { label: 'Payload REST list', measured: Math.max(...sql.restList.counts) })]),
  ]
  const resultFile = path.join(resultsDir, 'portal.json')
  writeFileSync(
    resultFile,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        revision: revision(),
        load: { after: loadAfter, before: loadBefore },
        machine: { cpus: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.release()}` },
        ratios,
        requests: Object.fromEntries(Object.values(all).map((kind) => [kind.key, { label: kind.label, path: kind.path }])),
        seed,
        server: { buildSeconds: buildStep?.seconds ?? null, readySeconds: timingServer.readySeconds, seedStepSeconds: seedStep.seconds },
        spaced: { gapMs: spacedGapMs, timings: spaced },
        sql: sqlUnavailable ? { unavailable: sqlUnavailable } : { ...sql, flat: { detail: detailFlat, list: listFlat, rest: restFlat } },
        report,
        summary,
        target: { detail: verdict(ratios.detail.p50), list: verdict(ratios.list.p50), maxRatio: target, measure: 'p50' },
        timings,
        totalSeconds: total,
        warmup,
      },
      null,
      2,
    )}\n`,
  )
  log(`figures written to ${path.relative(root, resultFile)}`)
}

let failed = false
try {
  await main()
} catch (error) {
  failed = true
  console.error(`[bench:portal] FAILED: ${error instanceof Error ? error.stack ?? error.message : String(error)}`)
} finally {
  await cleanup()
}
process.exit(failed ? 1 : 0)
