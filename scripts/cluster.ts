/**
 * `npm run cluster`: the dev host app deployed as it would be on several machines, on this one.
 *
 *  - one PostgreSQL database (DATABASE_URI, default `invoice_portal_cluster` on 127.0.0.1:5432, created
 *    when missing) holding the data, the contacts' sessions and the Jobs Queue;
 *  - the release step, once, before anything serves: `payload migrate`, then the demo data when the
 *    database is empty (SEED_DEMO_DATA=false skips it) in a one-off process, never in the instances;
 *  - two `next start` instances (ports 3001 and 3002, or free ones) of one build (dev/.next-cluster,
 *    built when missing or with `--build`), web only (INVOICE_PORTAL_ROLE=web): admin, portal,
 *    REST/GraphQL and webhooks, no queue runner;
 *  - one worker, `payload jobs:run --queue invoice-portal --cron …`, the only queue runner;
 *  - a round-robin HTTP load balancer on port 3000 (or a free one) in front of the instances, whose
 *    URL is PORTAL_BASE_URL.
 *
 * Prints what runs where and where the logs are; Ctrl-C (or SIGTERM) stops everything, and so does
 * any process of the cluster ending on its own. bench/cluster.ts starts the same with `startCluster`.
 * Environment: DATABASE_URI, CLUSTER_PORT (3000), CLUSTER_INSTANCES (2), CLUSTER_WORKER_CRON, SEED_DEMO_DATA,
 * and what the dev app reads (SMTP_URL, STRIPE_*, MOLLIE_*, ERP_WEBHOOK_SECRET, PAYLOAD_SECRET, PORTAL_BASE_URL).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import pg from 'pg'

import { root, sleep } from '../bench/lib/load.js'
import { portOr, runStep, stopProcessGroup } from '../bench/lib/process.js'
import { JOBS_QUEUE } from '../src/jobs/queue.js'

/** The build every instance serves, apart from dev/.next, which tests and other benches build and use. */
export const DIST_DIR = '.next-cluster'
const defaultDatabaseUri = 'postgres://postgres@127.0.0.1:5432/invoice_portal_cluster'
const bin = (name: string) => path.join(root, 'node_modules/.bin', name)
const thisFile = fileURLToPath(import.meta.url)

export type BalancedResponse = { method: string; ms: number; path: string; status: number; upstream: string }

export type ClusterOptions = {
  /** The database the release step migrates and every process uses. */
  databaseUri: string
  /** How the app processes reach it when not by `databaseUri` (a Unix socket, say). */
  appDatabaseUri?: string
  /** Preferred port of the balancer; taken when free, else any free port. 0: any. */
  balancerPort?: number
  /** `always`: build dev/.next-cluster even when a build is there. */
  build?: 'always' | 'if-missing'
  /** Create the database when it does not exist. */
  createDatabase?: boolean
  /** Environment for every process of the cluster (SMTP_URL, STRIPE_*, ERP_WEBHOOK_SECRET…), over this process's. */
  env?: Record<string, string>
  /** Preferred ports of the instances, as `balancerPort`. */
  instancePorts?: number[]
  instances?: number
  log?: (message: string) => void
  /** Where each process's output goes (`<name>.log`). */
  logDir?: string
  /** Sees every response the balancer sends. */
  onResponse?: (response: BalancedResponse) => void
  /** The one-off demo seed of the release step (only into an empty database). */
  seedDemoData?: boolean
  /** How often the worker looks for jobs (croner syntax; six fields count seconds). */
  workerCron?: string
  /** Most jobs the worker takes at each look (Payload's default: 10). */
  workerLimit?: number
}

type Process = { child: ChildProcess; command: string; exited: Promise<void>; logFile: string; name: string; url?: string }

export type Cluster = {
  /** A message once a process of the cluster ended on its own; everything is stopped by then. */
  died: Promise<string>
  instances: Array<{ name: string; pid: number; url: string }>
  logDir: string
  stop: () => Promise<void>
  /** The balancer: the one URL clients, providers and the ERP use. */
  url: string
  worker: { command: string; pid: number }
}

// ---------------------------------------------------------------------------------------------------
// Processes

const running = new Set<Process>()

// Last resort when this process ends without stopping the cluster (an uncaught error in a callback).
process.on('exit', () => {
  for (const { child } of running) {
    try {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
})

/** A long-running process in its own process group (so stopping it stops what it started), its output in `<logDir>/<name>.log`. */
function spawnLogged(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, logDir: string): Process {
  const logFile = path.join(logDir, `${name}.log`)
  const out = openSync(logFile, 'w')
  // stdin stays an open pipe: the worker keeps itself alive by reading it.
  const child = spawn(command, args, { cwd: root, detached: true, env, stdio: ['pipe', out, out] })
  closeSync(out)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const started: Process = { child, command: [path.basename(command), ...args].join(' '), exited, logFile, name }
  running.add(started)
  void exited.then(() => running.delete(started))
  return started
}

const exitOf = (child: ChildProcess) => child.exitCode ?? child.signalCode
const logTail = (file: string, lines = 30) => {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

/** Waits until `next start` answers its portal sign-in page with 200. */
async function untilReady(instance: Process, url: string): Promise<void> {
  const since = Date.now()
  for (;;) {
    if (exitOf(instance.child) !== null) throw new Error(`${instance.name} exited (${exitOf(instance.child)}) before it was ready:\n${logTail(instance.logFile)}`)
    if (Date.now() - since > 180_000) throw new Error(`${instance.name} was not ready within 180 s; see ${instance.logFile}`)
    const response = await fetch(`${url}/portal/login`).catch(() => null)
    if (response) {
      await response.arrayBuffer()
      if (response.status === 200) return
      throw new Error(`${instance.name}: GET /portal/login answered ${response.status} while starting; see ${instance.logFile}`)
    }
    await sleep(250)
  }
}

// ---------------------------------------------------------------------------------------------------
// Database and release step

async function createDatabaseIfMissing(databaseUri: string): Promise<boolean> {
  const url = new URL(databaseUri)
  const name = decodeURIComponent(url.pathname.slice(1))
  url.pathname = '/postgres'
  const client = new pg.Client({ connectionString: url.toString() })
  await client.connect()
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (rowCount) return false
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`)
    return true
  } finally {
    await client.end()
  }
}

/**
 * The release step, before any instance starts and never in two processes at once: the schema by
 * the migrations (production never pushes it), then the demo data in one process of its own (the
 * dev config seeds in onInit when the users table is empty; two instances starting at once would race).
 */
async function release(options: ClusterOptions, env: NodeJS.ProcessEnv, logDir: string, log: (message: string) => void): Promise<void> {
  const migrated = await runStep('migrate', bin('payload'), ['migrate'], env, undefined, logDir)
  log(`release: payload migrate ${migrated.seconds.toFixed(1)} s`)
  if (!options.seedDemoData) return
  const seeded = await runStep('seed', bin('tsx'), [thisFile, 'seed'], { ...env, SEED_DEMO_DATA: 'true' }, undefined, logDir)
  log(`release: demo data (when empty) ${seeded.seconds.toFixed(1)} s`)
}

/** `tsx scripts/cluster.ts seed`: the one-off seed process of the release step. */
async function seedOnce(): Promise<void> {
  const { getPayload } = await import('payload')
  const { default: config } = await import('../dev/payload.config.js')
  await getPayload({ config })
}

async function buildIfNeeded(build: ClusterOptions['build'], env: NodeJS.ProcessEnv, logDir: string, log: (message: string) => void): Promise<void> {
  const buildId = path.join(root, 'dev', DIST_DIR, 'BUILD_ID')
  if (build !== 'always' && existsSync(buildId)) {
    log(`build: reusing dev/${DIST_DIR} of ${statSync(buildId).mtime.toISOString()} (--build to rebuild)`)
    return
  }
  const built = await runStep('next-build', bin('next'), ['build', 'dev'], env, undefined, logDir)
  log(`build: next build dev → dev/${DIST_DIR} ${built.seconds.toFixed(1)} s`)
}

// ---------------------------------------------------------------------------------------------------
// Load balancer

const hopByHop = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'])
const endToEnd = (headers: http.IncomingHttpHeaders) => Object.fromEntries(Object.entries(headers).filter(([name, value]) => value !== undefined && !hopByHop.has(name)))

/**
 * What an instance is told about the request. The balancer is the edge, so it sets the X-Forwarded
 * headers rather than extending what a client sent: the portal records the first X-Forwarded-For
 * address as the client's.
 */
function upstreamHeaders(incoming: http.IncomingMessage, body: Buffer): http.OutgoingHttpHeaders {
  return {
    ...endToEnd(incoming.headers),
    'content-length': body.length,
    'x-forwarded-for': incoming.socket.remoteAddress ?? '',
    'x-forwarded-host': incoming.headers.host ?? '',
    'x-forwarded-proto': 'http',
  }
}

/**
 * A round-robin HTTP proxy (node:http, keep-alive to the instances). Request bodies are read whole
 * first (portal forms, webhooks), so a request can be sent again: to the next instance when one
 * refuses connections, and once when a kept-alive connection was closed by the instance just as it
 * was reused. Responses stream through.
 */
async function startBalancer(port: number, upstreams: Array<{ name: string; url: string }>, onResponse?: (response: BalancedResponse) => void) {
  const agents = upstreams.map(() => new http.Agent({ keepAlive: true, maxSockets: 256 }))
  let turn = 0
  const forward = (incoming: http.IncomingMessage, outgoing: http.ServerResponse, body: Buffer, index: number, retried: boolean, since: number) => {
    const upstream = upstreams[index]
    const target = new URL(upstream.url)
    const request = http.request(
      { agent: agents[index], headers: upstreamHeaders(incoming, body), hostname: target.hostname, method: incoming.method, path: incoming.url, port: target.port },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, endToEnd(response.headers))
        // An instance that goes away mid-answer cuts the client's answer short too.
        response.on('error', (error) => outgoing.destroy(error))
        response.pipe(outgoing)
        outgoing.once('finish', () => onResponse?.({ method: incoming.method ?? '', ms: performance.now() - since, path: incoming.url ?? '', status: outgoing.statusCode, upstream: upstream.name }))
      },
    )
    let abandoned = false
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (abandoned) return
      const again = !retried && (error.code === 'ECONNREFUSED' || (request.reusedSocket && error.code === 'ECONNRESET'))
      if (again) return forward(incoming, outgoing, body, error.code === 'ECONNREFUSED' ? (index + 1) % upstreams.length : index, true, since)
      if (outgoing.headersSent) return outgoing.destroy(error)
      outgoing.writeHead(502, { 'content-type': 'text/plain' }).end(`Bad gateway (${upstream.name}): ${error.message}`)
      onResponse?.({ method: incoming.method ?? '', ms: performance.now() - since, path: incoming.url ?? '', status: 502, upstream: upstream.name })
    })
    // The client went away: so does the request to the instance, and it is not sent again.
    outgoing.once('close', () => {
      if (outgoing.writableFinished) return
      abandoned = true
      request.destroy()
    })
    request.end(body)
  }
  const server = http.createServer((incoming, outgoing) => {
    const since = performance.now()
    const chunks: Buffer[] = []
    // A client that goes away mid-request is nothing to forward.
    incoming.on('error', () => outgoing.destroy())
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => {
      turn = (turn + 1) % upstreams.length
      forward(incoming, outgoing, Buffer.concat(chunks), turn, false, since)
    })
  })
  // Longer than a client's idle connection usually lives; the instances keep theirs longer still (75 s).
  server.keepAliveTimeout = 65_000
  server.headersTimeout = 66_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  return {
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
      for (const agent of agents) agent.destroy()
    },
  }
}

// ---------------------------------------------------------------------------------------------------
// The cluster

/** Starts the release step, the build, the instances, the worker and the balancer; stops what it started if any of it fails. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const log = options.log ?? (() => {})
  const logDir = options.logDir ?? path.join(os.tmpdir(), 'invoice-portal-cluster')
  mkdirSync(logDir, { recursive: true })
  const count = options.instances ?? 2
  const balancerPort = await portOr(options.balancerPort ?? 0)
  const url = `http://127.0.0.1:${balancerPort}`
  const env = (role: 'release' | 'web' | 'worker'): NodeJS.ProcessEnv => ({
    ...process.env,
    ...options.env,
    DATABASE_URI: options.appDatabaseUri ?? options.databaseUri,
    INVOICE_PORTAL_ROLE: role,
    NEXT_DIST_DIR: DIST_DIR,
    NEXT_TELEMETRY_DISABLED: '1',
    NODE_ENV: 'production',
    PAYLOAD_CONFIG_PATH: './dev/payload.config.ts',
    PORTAL_BASE_URL: options.env?.PORTAL_BASE_URL ?? process.env.PORTAL_BASE_URL ?? url,
    SEED_DEMO_DATA: 'false',
  })

  let balancer: Awaited<ReturnType<typeof startBalancer>> | null = null
  const started: Process[] = []
  let stopping: null | Promise<void> = null
  const stop = () =>
    (stopping ??= (async () => {
      await balancer?.close()
      await Promise.all(started.map((proc) => stopProcessGroup(proc.child, proc.exited)))
    })())

  try {
    if (options.createDatabase !== false && (await createDatabaseIfMissing(options.databaseUri))) log(`database: created ${new URL(options.databaseUri).pathname.slice(1)}`)
    await Promise.all([release(options, env('release'), logDir, log), buildIfNeeded(options.build, env('web'), logDir, log)])

    const ports: number[] = []
    for (let index = 0; index < count; index += 1) ports.push(await portOr(options.instancePorts?.[index] ?? 0))
    const instances = ports.map((port, index) => {
      const instance = spawnLogged(`web-${index + 1}`, bin('next'), ['start', 'dev', '-p', String(port), '-H', '127.0.0.1', '--keepAliveTimeout', '75000'], env('web'), logDir)
      instance.url = `http://127.0.0.1:${port}`
      return instance
    })
    started.push(...instances)
    const workerArgs = ['jobs:run', '--queue', JOBS_QUEUE, '--cron', options.workerCron ?? '*/5 * * * * *', ...(options.workerLimit ? ['--limit', String(options.workerLimit)] : [])]
    const worker = spawnLogged('worker', bin('payload'), workerArgs, env('worker'), logDir)
    started.push(worker)
    await Promise.all(instances.map((instance) => untilReady(instance, instance.url!)))
    balancer = await startBalancer(balancerPort, instances.map((instance) => ({ name: instance.name, url: instance.url! })), options.onResponse)

    // A process that ends while the cluster is not being stopped takes the rest down with it.
    const died = new Promise<string>((resolve) => {
      for (const proc of started) {
        void proc.exited.then(async () => {
          if (stopping) return
          const message = `${proc.name} (${proc.command}) exited (${exitOf(proc.child)}); last output:\n${logTail(proc.logFile)}`
          await stop()
          resolve(message)
        })
      }
    })
    return {
      died,
      instances: instances.map((instance) => ({ name: instance.name, pid: instance.child.pid!, url: instance.url! })),
      logDir,
      stop,
      url,
      worker: { command: worker.command, pid: worker.child.pid! },
    }
  } catch (error) {
    await stop()
    throw error
  }
}

/** What runs where, for a terminal. */
export function describeCluster(cluster: Cluster, databaseUri: string): string {
  const safeUri = databaseUri.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
  const rows = [
    ['balancer', cluster.url, `round robin over ${cluster.instances.map((instance) => instance.name).join(', ')}; PORTAL_BASE_URL, webhooks and the ERP use this URL`],
    ...cluster.instances.map((instance) => [instance.name, instance.url, `next start (pid ${instance.pid}), web only: admin, portal, REST/GraphQL, webhooks; no queue runner`]),
    ['worker', '', `${cluster.worker.command} (pid ${cluster.worker.pid}): the one runner of the ${JOBS_QUEUE} queue (sweeps, retries, e-mails, ZIPs)`],
    ['database', safeUri, 'data, contacts\' sessions and the Jobs Queue; migrated by the release step'],
    ['logs', cluster.logDir, '<name>.log per process'],
  ]
  const width = Math.max(...rows.map(([name]) => name.length))
  return [
    'invoice portal cluster',
    ...rows.map(([name, where, what]) => `  ${name.padEnd(width)}  ${where}${where ? '  ' : ''}${what}`),
    `  open ${cluster.url}/admin (staff) or ${cluster.url}/portal; Ctrl-C stops everything`,
  ].join('\n')
}

async function main(): Promise<void> {
  const databaseUri = process.env.DATABASE_URI || defaultDatabaseUri
  const firstPort = Number(process.env.CLUSTER_PORT || 3000)
  const instances = Number(process.env.CLUSTER_INSTANCES || 2)
  const log = (message: string) => console.log(`[cluster] ${message}`)
  const cluster = await startCluster({
    balancerPort: firstPort,
    build: process.argv.includes('--build') ? 'always' : 'if-missing',
    databaseUri,
    instancePorts: Array.from({ length: instances }, (_, index) => firstPort + 1 + index),
    instances,
    log,
    seedDemoData: process.env.SEED_DEMO_DATA !== 'false',
    workerCron: process.env.CLUSTER_WORKER_CRON || undefined,
  })
  console.log(describeCluster(cluster, databaseUri))
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      log(`${signal}: stopping`)
      void cluster.stop().then(() => process.exit(0))
    })
  }
  console.error(`[cluster] ${await cluster.died}\n[cluster] stopped everything`)
  process.exit(1)
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    if (process.argv[2] === 'seed') await seedOnce()
    else await main()
  } catch (error) {
    console.error(`[cluster] ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
  // The seed step is done once getPayload has run its onInit; its database pool would keep it alive.
  if (process.argv[2] === 'seed') process.exit(0)
}
