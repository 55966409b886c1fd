import pg from 'pg'

/** The PostgreSQL server tests use: TEST_DATABASE_SERVER, else the machine's local server. */
export const serverUri = () => process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export function databaseUri(name: string): string {
  const url = new URL(serverUri())
  url.pathname = `/${name}`
  return url.toString()
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUri() })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** Creates an empty database with a unique name and returns its name. */
export async function createTestDatabase(prefix = 'invoice_portal_test'): Promise<string> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`
  await admin((client) => client.query(`CREATE DATABASE "${name}"`))
  return name
}

export async function dropTestDatabase(name: string): Promise<void> {
  await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))
}
