import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import type { BenchReport } from './report.js'

/** What the open-loop benches share: the app in its own process, signed deliveries, timing, percentiles. */

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]

/**
 * The app reaches a PostgreSQL on the same machine through its Unix socket, as a co-located deployment
 * would: loopback TCP costs the app's two cores about twice the CPU per statement.
 * BENCH_APP_DATABASE_URI overrides it (e.g. the TCP address, to compare).
 */
export function appDatabaseUri(databaseName: string, tcpUri: string): string {
  const socketDirectory = '/var/run/postgresql'
  return (
    process.env.BENCH_APP_DATABASE_URI ??
    (!process.env.BENCH_DATABASE_SERVER && existsSync(socketDirectory) ? `postgres://postgres@/${databaseName}?host=${socketDirectory}` : tcpUri)
  )
}

/**
 * Starts `script` (a bench server, run with tsx) in its own process and resolves with it and the port
 * it printed as "ready <port>". BENCH_PROFILE_DIR: a CPU profile of it; BENCH_NODE_FLAGS: its V8/Node flags.
 */
export async function startApp(script: string, env: Record<string, string>) {
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []
  const nodeFlags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean)
  const child = spawn(process.execPath, [...profile, ...nodeFlags, '--import', 'tsx', script], {
    cwd: root,
    // Payload pushes the schema to a fresh database only outside production.
    env: { ...process.env, NODE_ENV: 'development', PAYLOAD_CONFIG_PATH: './dev/payload.config.ts', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /ready (\d+)/.exec(chunk.toString())
      if (match) resolve(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`the app exited (${code}) before it was ready`)))
  })
  return { child, port }
}

export type Delivery = { body: string; headers: Record<string, string> }

/** POSTs with node:http and keep-alive: fetch (undici) costs the shared cores several times more per request. */
export function poster(url: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })
  const target = new URL(url)
  return ({ body, headers }: Delivery) =>
    new Promise<number>((resolve, reject) => {
      const request = http.request(
        { agent, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) }, hostname: target.hostname, method: 'POST', path: target.pathname, port: target.port },
        (response) => {
          response.resume()
          response.on('end', () => resolve(response.statusCode ?? 0))
        },
      )
      request.on('error', reject)
      request.end(body)
    })
}

/**
 * Sends at `perSecond`, each at its own scheduled time, and times each from that time, so a slow
 * server cannot hide its backlog. One clock loop fires what is due (not thousands of pending timers,
 * whose upkeep would load the shared cores). `onSent(index, scheduled)` sees each send.
 */
export async function openLoop(deliveries: Delivery[], perSecond: number, send: (delivery: Delivery) => Promise<number>, onSent?: (index: number, scheduled: number) => void) {
  const latencies: number[] = []
  const statuses = new Map<number, number>()
  const inFlight: Array<Promise<void>> = []
  const start = performance.now() + 20
  let next = 0
  while (next < deliveries.length) {
    const now = performance.now()
    for (; next < deliveries.length && start + (next * 1000) / perSecond <= now; next += 1) {
      const scheduled = start + (next * 1000) / perSecond
      onSent?.(next, scheduled)
      inFlight.push(
        send(deliveries[next])
          .catch(() => 0)
          .then((status) => {
            latencies.push(performance.now() - scheduled)
            statuses.set(status, (statuses.get(status) ?? 0) + 1)
          }),
      )
    }
    await sleep(1)
  }
  await Promise.all(inFlight)
  const seconds = (performance.now() - start) / 1000
  const ok = [...statuses].filter(([status]) => status >= 200 && status < 300).reduce((sum, [, n]) => sum + n, 0)
  return { latencies: latencies.sort((a, b) => a - b), ok, seconds, statuses }
}

/**
 * Prints a bench's figures and checks, writes them to bench/results/<name>.json (with `report`'s rows
 * and plot for bench/REPORT.md, see bench/lib/report.ts), and returns the exit code: 0 when every
 * check passed.
 */
export function reportChecks(name: string, figures: Record<string, unknown>, checks: ReadonlyArray<readonly [string, boolean]>, report?: BenchReport): number {
  console.log(JSON.stringify(figures, null, 2))
  for (const [check, passed] of checks) console.log(`${passed ? 'PASS' : 'FAIL'}  ${check}`)
  mkdirSync(path.join(root, 'bench/results'), { recursive: true })
  const forReport = report ? { plot: report.plot, report: report.rows } : {}
  writeFileSync(path.join(root, `bench/results/${name}.json`), JSON.stringify({ checks: Object.fromEntries(checks), figures, ...forReport, when: new Date().toISOString() }, null, 2))
  return checks.every(([, passed]) => passed) ? 0 : 1
}
