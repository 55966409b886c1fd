import pg from 'pg'

/** The PostgreSQL server benchmarks use: BENCH_DATABASE_SERVER, else the tests' server. */
export const serverUri = process.env.BENCH_DATABASE_SERVER ?? process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** The URI of database `name` on that server. */
export function databaseUriOf(name: string): string {
  const url = new URL(serverUri)
  url.pathname = `/${name}`
  return url.toString()
}

/** Runs `work` on a connection to the server's maintenance database (CREATE/DROP/ALTER DATABASE). */
export async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUri })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}
