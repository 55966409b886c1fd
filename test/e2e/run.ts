/**
 * `npm run test:e2e`: recreate the e2e database, build dev/ for production, run Playwright against
 * `next start` (see playwright.config.ts; its globalSetup, mail-sink.ts, catches the app's e-mail).
 * Extra arguments go to `playwright test`.
 */
import { spawnSync } from 'node:child_process'

import { e2eDatabaseUri } from './database.js'

// The build evaluates the Payload config, which needs a DATABASE_URI; it does not connect.
const env = { ...process.env, DATABASE_URI: e2eDatabaseUri() }
const steps: [string, string[]][] = [
  ['tsx', ['test/e2e/prepare-db.ts']],
  ['next', ['build', 'dev']],
  ['playwright', ['test', ...process.argv.slice(2)]],
]

for (const [command, args] of steps) {
  const started = Date.now()
  const { error, status } = spawnSync(command, args, { env, stdio: 'inherit' })
  const step = [command, ...args].join(' ')
  console.log(`[test:e2e] ${step}: ${status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  if (error) console.error(error)
  if (status !== 0) process.exit(status ?? 1)
}
