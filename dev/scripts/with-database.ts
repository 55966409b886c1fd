/**
 * Runs a command with a database (DESIGN.md §8):
 *
 *   tsx dev/scripts/with-database.ts next dev dev
 *
 * - DATABASE_URI set: runs the command as is, against that PostgreSQL.
 * - DATABASE_URI unset: starts an embedded PGlite (data in PGLITE_DIR, default dev/.pglite, kept between
 *   runs) behind a PostgreSQL wire-protocol socket on 127.0.0.1 (PGLITE_PORT, default any free port) and
 *   runs the command with DATABASE_URI pointing at it.
 *
 * Signals are forwarded to the command; this process exits with the command's exit code.
 */
import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { spawn } from 'node:child_process'
import { constants } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Payload keeps a transaction open on one connection while it queries on others, so a single connection
 * deadlocks at start-up. The dev config's pool holds up to 10; the rest is headroom for a second pool
 * (e.g. after a hot reload) while the first one drains.
 */
const maxConnections = 20
const forwardedSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

const [command, ...args] = process.argv.slice(2)
if (!command) {
  console.error('Usage: tsx dev/scripts/with-database.ts <command> [args…]')
  process.exit(2)
}

type Embedded = { stop: () => Promise<void>; uri: string }

async function startEmbeddedDatabase(): Promise<Embedded> {
  const defaultDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../.pglite')
  const dataDir = process.env.PGLITE_DIR || defaultDir
  const db = await PGlite.create(dataDir)
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', maxConnections, port: Number(process.env.PGLITE_PORT || 0) })
  await server.start()
  const uri = `postgres://postgres:postgres@${server.getServerConn()}/postgres`
  console.log(`[with-database] embedded PGlite (${dataDir}) listening at ${uri}`)
  return {
    stop: async () => {
      await server.stop()
      await db.close()
    },
    uri,
  }
}

/** Runs the command to its end and resolves with the exit code this process should report. */
function run(env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(command, args, { env, stdio: 'inherit' })
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal)
  for (const signal of forwardedSignals) process.on(signal, forward(signal))
  return new Promise((resolve) => {
    child.on('error', (error) => {
      console.error(`[with-database] could not start ${command}: ${error.message}`)
      resolve(127)
    })
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)))
  })
}

if (process.env.DATABASE_URI) {
  process.exit(await run(process.env))
}

const embedded = await startEmbeddedDatabase()
const code = await run({ ...process.env, DATABASE_URI: embedded.uri })
await embedded.stop()
process.exit(code)
