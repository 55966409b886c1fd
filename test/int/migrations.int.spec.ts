import { execFile } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createTestDatabase, databaseUri, dropTestDatabase } from '../helpers/db.js'
import { startTestApp } from '../helpers/payload.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const run = promisify(execFile)

/**
 * Production does not push the schema: the host runs `payload migrate` (dev/migrations) before it
 * starts. The schema those migrations build must be the one the collections describe (what dev and
 * tests push), or an index or column added to a collection without its migration would be missing
 * in production only.
 */
async function schemaOf(uri: string): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: uri })
  await client.connect()
  const rows = async (sql: string) => (await client.query(sql)).rows.map((row) => Object.values(row).join(' | ').replace(/\s+/g, ' '))
  try {
    return {
      columns: await rows(`select table_name, column_name, data_type, is_nullable, coalesce(column_default, '') from information_schema.columns
        where table_schema = 'public' and table_name <> 'payload_migrations' order by 1, 2`),
      constraints: await rows(`select conrelid::regclass::text, conname, pg_get_constraintdef(oid) from pg_constraint
        where connamespace = 'public'::regnamespace and conrelid::regclass::text <> 'payload_migrations' order by 1, 2`),
      enums: await rows(`select t.typname, string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_type t join pg_enum e on e.enumtypid = t.oid group by 1 order by 1`),
      indexes: await rows(`select tablename, indexdef from pg_indexes where schemaname = 'public' and tablename <> 'payload_migrations' order by 1, 2`),
    }
  } finally {
    await client.end()
  }
}

let migrated: string
let pushed: Awaited<ReturnType<typeof startTestApp>>

beforeAll(async () => {
  migrated = await createTestDatabase('invoice_portal_migrated')
  await run(path.join(root, 'node_modules/.bin/payload'), ['migrate'], {
    cwd: root,
    env: { ...process.env, DATABASE_URI: databaseUri(migrated), NODE_ENV: 'production', PAYLOAD_CONFIG_PATH: './dev/payload.config.ts', SEED_DEMO_DATA: 'false' },
  })
  pushed = await startTestApp()
}, 120_000)
afterAll(async () => {
  await pushed?.stop()
  if (migrated) await dropTestDatabase(migrated)
})

describe('migrations', () => {
  it('build exactly the schema the collections push: every table, column, default, constraint and index', async () => {
    const fromMigrations = await schemaOf(databaseUri(migrated))
    const fromPush = await schemaOf((pushed.payload.db as unknown as { poolOptions: { connectionString: string } }).poolOptions.connectionString)
    expect(fromMigrations.indexes.length).toBeGreaterThan(50)
    expect(fromMigrations.indexes.some((index) => index.includes('invoices_client_idx'))).toBe(true)
    for (const part of ['enums', 'columns', 'constraints', 'indexes'] as const) expect(fromMigrations[part], part).toEqual(fromPush[part])
  })
})
