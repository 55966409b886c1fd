/**
 * `npm run test:smoke-embedded`: runs embedded-smoke.ts the way `npm run dev` runs the app — through
 * dev/scripts/with-database.ts with DATABASE_URI unset — on a fresh PGlite data directory.
 */
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

const dataDir = await mkdtemp(path.join(tmpdir(), 'invoice-portal-pglite-'))
const env: NodeJS.ProcessEnv = { ...process.env, PGLITE_DIR: dataDir }
delete env.DATABASE_URI

const { error, status } = spawnSync('tsx', ['dev/scripts/with-database.ts', 'tsx', 'test/e2e/embedded-smoke.ts'], {
  env,
  stdio: 'inherit',
})
if (error) console.error(error)
await rm(dataDir, { force: true, recursive: true })
process.exit(status ?? 1)
