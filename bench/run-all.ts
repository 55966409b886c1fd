/**
 * `npm run bench`: every benchmark of the project, one after the other (never two at once: they share
 * the machine's cores and PostgreSQL), then bench/REPORT.md with their figures against the targets
 * and the peer baselines measured in the same run, and the latency plot (bench/report-latency.svg).
 *
 * Each runs as `npm run bench:<name>`, its output shown and kept in bench/results/<name>.log; its exit
 * code and wall time are recorded whatever they are, and the next one runs. Its figures come from
 * bench/results/<name>.json (contract: bench/lib/report.ts), only when written during this run.
 *
 * Environment: BENCH_ONLY=scale,erp (a subset; bench:scale brings its seed along), BENCH_SKIP_SEED=1
 * (do not run bench:seed-large, which is a no-op when the 1,000,000-invoice database is there already),
 * BENCH_REPORT_DIR (where REPORT.md and the SVG go, bench/ by default: e.g. elsewhere for a dry run).
 * Exits non-zero when a benchmark that ran exited non-zero.
 */
import { execFileSync, spawn } from 'node:child_process'
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { admin } from './database.js'
import { root } from './lib/load.js'
import { type BenchRun, readResult, type RunInfo, writeReport } from './lib/report.js'

const benches = ['seed-large', 'scale', 'portal', 'erp', 'webhooks', 'reminders', 'pdf', 'cluster']
const resultsDir = path.join(root, 'bench/results')
const reportDir = path.resolve(root, process.env.BENCH_REPORT_DIR || 'bench')

/** The benches this run asks for, in their fixed order; the seed goes with bench:scale, which needs its data. */
function selectedBenches(): string[] {
  const only = (process.env.BENCH_ONLY ?? '').split(',').map((name) => name.trim()).filter(Boolean)
  const unknown = only.filter((name) => !benches.includes(name))
  if (unknown.length) console.warn(`[bench] BENCH_ONLY names no benchmark: ${unknown.join(', ')} (known: ${benches.join(', ')})`)
  if (only.length === 0) return benches
  return benches.filter((name) => only.includes(name) || (name === 'seed-large' && only.includes('scale')))
}

/** Read before each bench: scripts may be added to package.json while a long run goes on. */
const hasScript = (name: string) => Boolean((JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts?.[`bench:${name}`])

let current: ReturnType<typeof spawn> | null = null
let interrupted = false
// Each bench runs in a process group of its own (npm, its shell, tsx, the bench and what it starts), so
// Ctrl-C or a kill of this process reaches all of it, not just npm, which would leave the bench orphaned.
// The benches not yet run are then skipped and the report is written with what was measured.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted = true
    try {
      if (current?.pid) process.kill(-current.pid, signal)
    } catch {
      // the group has ended meanwhile
    }
  })
}

/** `npm run bench:<name>`, its output printed and kept in bench/results/<name>.log. */
function runScript(name: string): Promise<number> {
  const log = createWriteStream(path.join(resultsDir, `${name}.log`))
  const child = spawn('npm', ['run', `bench:${name}`], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  current = child
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk)
    log.write(chunk)
  })
  child.stderr.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk)
    log.write(chunk)
  })
  return new Promise((resolve) => {
    let ended = false
    const end = (code: number) => {
      if (ended) return
      ended = true
      current = null
      log.end(() => resolve(code))
    }
    child.on('error', (error) => {
      log.write(`\n[bench] could not start npm: ${error.message}\n`)
      end(127)
    })
    // A bench ended by a signal gets the shell's code for it (128 + its number). Its output is complete
    // once its pipes close; a process it left behind may hold them open, so not waited for long.
    child.on('exit', (code, signal) => {
      const exitCode = code ?? 128 + (signal ? os.constants.signals[signal] : 0)
      const timer = setTimeout(() => {
        child.stdout.destroy()
        child.stderr.destroy()
        end(exitCode)
      }, 5000)
      child.on('close', () => {
        clearTimeout(timer)
        end(exitCode)
      })
    })
  })
}

async function runBench(name: string, runStarted: Date): Promise<BenchRun> {
  if (interrupted) return { name, reason: 'interrupted', status: 'not run' }
  if (name === 'seed-large' && process.env.BENCH_SKIP_SEED === '1') return { name, reason: 'BENCH_SKIP_SEED=1', status: 'not run' }
  if (!hasScript(name)) return { name, reason: 'no script', status: 'not run' }
  console.log(`\n[bench] npm run bench:${name}`)
  const started = performance.now()
  const exitCode = await runScript(name)
  const seconds = (performance.now() - started) / 1000
  console.log(`[bench] bench:${name} exited ${exitCode} after ${seconds.toFixed(0)} s`)
  return { exitCode, name, result: readResult(resultsDir, name, runStarted), seconds, status: 'ran' }
}

/** The `cpu` line of /proc/stat: every field up to steal (the 8th number; guest time is already in user). */
function cpuTimes(): null | { steal: number; total: number } {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number)
    return { steal: fields[7] ?? 0, total: fields.reduce((sum, value) => sum + value, 0) }
  } catch {
    return null
  }
}

const stealPercent = (from: ReturnType<typeof cpuTimes>, to: ReturnType<typeof cpuTimes>) =>
  from && to && to.total > from.total ? (100 * (to.steal - from.steal)) / (to.total - from.total) : null

/** The code measured: HEAD, and whether the work tree differed from it when the run started. */
function revision(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain') ? ' + uncommitted' : ''}`
  } catch {
    return 'unknown (no git)'
  }
}

async function postgresVersion(): Promise<string> {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 10 s')), 10_000).unref())
  try {
    return await Promise.race([admin(async (client) => (await client.query<{ version: string }>('select version()')).rows[0].version), timeout])
  } catch (error) {
    return `not reachable (${error instanceof Error ? error.message : String(error)})`
  }
}

function machine(postgres: string): RunInfo['machine'] {
  const cpus = os.cpus()
  return {
    cpu: `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}`,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    postgres,
  }
}

mkdirSync(resultsDir, { recursive: true })
const started = new Date()
const revisionAtStart = revision()
const cpuAtStart = cpuTimes()
const postgres = await postgresVersion()
const runs: BenchRun[] = []
for (const name of selectedBenches()) runs.push(await runBench(name, started))
const info: RunInfo = { finished: new Date(), machine: machine(postgres), revision: revisionAtStart, started, stealPercent: stealPercent(cpuAtStart, cpuTimes()) }
const written = writeReport(reportDir, info, runs)
console.log(`\n[bench] wrote ${written.map((file) => path.relative(root, file)).join(', ')}`)
process.exit(runs.some((run) => run.status === 'ran' && run.exitCode !== 0) ? 1 : 0)
