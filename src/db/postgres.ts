import type { PayloadRequest } from 'payload'

import { and, eq, gt, inArray, isNull, sql } from '@payloadcms/db-postgres/drizzle'

/**
 * The two things Payload's Local API can't express and money needs: an atomic counter and a row lock.
 * Both run on the request's transaction, so they commit or roll back with the document they serve.
 */
type DrizzleTable = Record<string, unknown>
type DrizzleAdapter = {
  drizzle: unknown
  name: string
  sessions: Record<number | string, { db: unknown } | undefined>
  tableNameMap: Map<string, string>
  tables: Record<string, DrizzleTable>
}

function snakeCase(slug: string): string {
  return slug.replace(/[-\s]+/g, '_').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
}

/** A request, or just Payload when the work needs no transaction of its own (the portal's reads). */
type Runner = Pick<PayloadRequest, 'payload'> & Partial<Pick<PayloadRequest, 'transactionID'>>

async function connection(req: Runner) {
  const adapter = req.payload.db as unknown as DrizzleAdapter
  if (!adapter.tables || !adapter.sessions) {
    throw new Error('payload-invoice-portal needs a PostgreSQL database adapter (@payloadcms/db-postgres)')
  }
  const transactionId = req.transactionID ? await req.transactionID : undefined
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- drizzle's generic builders are untyped here
  const db = ((transactionId !== undefined && adapter.sessions[transactionId]?.db) || adapter.drizzle) as any
  return { adapter, db }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- drizzle table columns
function table(adapter: DrizzleAdapter, slug: string): any {
  const name = adapter.tableNameMap.get(snakeCase(slug)) ?? snakeCase(slug)
  const found = adapter.tables[name]
  if (!found) throw new Error(`payload-invoice-portal: no table for collection "${slug}"`)
  return found
}

/**
 * Increments the counter `key` and returns its new value. The row stays locked until the request's
 * transaction ends, so two documents can never get the same number, and a rolled-back document
 * gives its number back (no gaps, as invoice numbering law in most of the EU expects).
 */
export async function nextCounterValue(req: PayloadRequest, sequencesSlug: string, key: string): Promise<number> {
  const { adapter, db } = await connection(req)
  const sequences = table(adapter, sequencesSlug)
  const rows = await db
    .insert(sequences)
    .values({ key, value: 1 })
    .onConflictDoUpdate({ set: { updatedAt: sql`now()`, value: sql`${sequences.value} + 1` }, target: sequences.key })
    .returning({ value: sequences.value })
  return Number(rows[0].value)
}

/**
 * Locks the given documents' rows until the request's transaction ends, so concurrent payments or
 * credit notes against one invoice are checked and applied one after the other.
 */
export async function lockRows(req: PayloadRequest, slug: string, ids: ReadonlyArray<number | string>): Promise<void> {
  if (ids.length === 0) return
  const { adapter, db } = await connection(req)
  const rows = table(adapter, slug)
  // Sorted so that two transactions locking overlapping sets always lock in the same order (no deadlock).
  const sorted = [...new Set(ids)].sort((a, b) => String(a).localeCompare(String(b), 'en', { numeric: true }))
  await db.select({ id: rows.id }).from(rows).where(inArray(rows.id, sorted)).orderBy(rows.id).for('update')
}

/**
 * Spends a single-use token: marks it used and returns its contact id, or null when it is unknown,
 * expired or already used. One UPDATE … WHERE used_at IS NULL decides, so of two simultaneous uses
 * exactly one gets the row.
 */
export async function consumeToken(runner: Runner, tokensSlug: string, tokenHash: string): Promise<null | number | string> {
  const { adapter, db } = await connection(runner)
  const tokens = table(adapter, tokensSlug)
  const rows = await db
    .update(tokens)
    .set({ updatedAt: sql`now()`, usedAt: sql`now()` })
    .where(and(eq(tokens.tokenHash, tokenHash), isNull(tokens.usedAt), gt(tokens.expiresAt, sql`now()`)))
    .returning({ contact: tokens.contact })
  return rows[0]?.contact ?? null
}

/**
 * Inserts a row unless one with the same values in `unique` (a unique index) exists, and returns the
 * new row's id or null. One statement decides, so of two simultaneous deliveries exactly one inserts,
 * and the loser's transaction is not aborted by a unique violation.
 */
export async function insertUnlessExists(
  req: PayloadRequest,
  slug: string,
  values: Record<string, unknown>,
  unique: readonly string[],
): Promise<null | number | string> {
  const { adapter, db } = await connection(req)
  const rows = table(adapter, slug)
  const inserted = await db
    .insert(rows)
    .values(values)
    .onConflictDoNothing({ target: unique.map((column) => rows[column]) })
    .returning({ id: rows.id })
  return inserted[0]?.id ?? null
}
