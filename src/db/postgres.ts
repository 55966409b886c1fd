import type { PayloadRequest } from 'payload'

import { and, eq, gt, inArray, isNull, sql } from '@payloadcms/db-postgres/drizzle'

import { payableInvoiceStatuses } from '../status/machines.js'

/**
 * The two things Payload's Local API can't express and money needs: an atomic counter and a row lock.
 * Both run on the request's transaction, so they commit or roll back with the document they serve.
 */
type DrizzleTable = Record<string, unknown>
export type DrizzleAdapter = {
  drizzle: unknown
  name: string
  sessions: Record<number | string, { db: unknown } | undefined>
  tableNameMap: Map<string, string>
  tables: Record<string, DrizzleTable>
}

export function snakeCase(slug: string): string {
  return slug.replace(/[-\s]+/g, '_').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
}

/** A request, or just Payload when the work needs no transaction of its own (the portal's reads). */
type Runner = Pick<PayloadRequest, 'payload'> & Partial<Pick<PayloadRequest, 'transactionID'>>

export async function connection(req: Runner) {
  const adapter = req.payload.db as unknown as DrizzleAdapter
  if (!adapter.tables || !adapter.sessions) {
    throw new Error('payload-invoice-portal needs a PostgreSQL database adapter (@payloadcms/db-postgres)')
  }
  const transactionId = req.transactionID ? await req.transactionID : undefined
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- drizzle's generic builders are untyped here
  const db = ((transactionId !== undefined && adapter.sessions[transactionId]?.db) || adapter.drizzle) as any
  return { adapter, db }
}

/** The table's name in Payload's schema: its slug in snake case, or the name Payload shortened it to. */
export const tableNameOf = (adapter: DrizzleAdapter, slug: string) => adapter.tableNameMap.get(snakeCase(slug)) ?? snakeCase(slug)

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- drizzle table columns
export function table(adapter: DrizzleAdapter, slug: string): any {
  const found = adapter.tables[tableNameOf(adapter, slug)]
  if (!found) throw new Error(`payload-invoice-portal: no table for collection "${slug}"`)
  return found
}

/**
 * Inserts many rows into a table in one statement with one parameter: the rows as a JSON array that
 * PostgreSQL turns into records of the table's own type. Drizzle's multi-row VALUES binds every value
 * as its own parameter, and building that statement costs the app more than writing the rows costs
 * the database. Rows are keyed by the table's column keys; each distinct set of keys is one statement,
 * so a column a row leaves out gets its default, as in VALUES. Returns each row's id, in row order.
 */
export async function insertRows(db: { execute: (query: unknown) => Promise<{ rows: unknown[] }> }, into: DrizzleTable, rows: ReadonlyArray<Record<string, unknown>>): Promise<Array<number | string>> {
  const ids: Array<number | string> = new Array(rows.length)
  const groups = new Map<string, number[]>()
  rows.forEach((row, index) => {
    const keys = Object.keys(row).sort().join(',')
    const group = groups.get(keys)
    if (group) group.push(index)
    else groups.set(keys, [index])
  })
  for (const [keys, indexes] of groups) {
    const columns = keys.split(',').map((key) => {
      const column = into[key] as { name: string } | undefined
      if (!column) throw new Error(`payload-invoice-portal: no column "${key}" to insert into`)
      return { key, name: column.name }
    })
    // Written out directly: an object per row, for JSON.stringify, costs more than the rest of the insert.
    const prefixes = columns.map(({ name }, position) => `${position === 0 ? '{' : ','}${JSON.stringify(name)}:`)
    let json = ''
    for (const index of indexes) {
      const row = rows[index]
      json += json ? ',' : '['
      for (let position = 0; position < columns.length; position += 1) json += prefixes[position] + (JSON.stringify(row[columns[position].key]) ?? 'null')
      json += '}'
    }
    json += ']'
    const list = sql.join(columns.map(({ name }) => sql.identifier(name)), sql`, `)
    // RETURNING gives the rows in the order the SELECT produced them: the array's order.
    const result = await db.execute(sql`insert into ${into} (${list}) select ${list} from jsonb_populate_recordset(null::${into}, ${json}::jsonb) returning ${sql.identifier((into.id as { name: string }).name)} as id`)
    ;(result.rows as Array<{ id: number | string }>).forEach((row, position) => (ids[indexes[position]] = row.id))
  }
  return ids
}

/**
 * Moves each counter on by its count, in one statement, and returns each one's new value: the last of
 * the values taken. The rows stay locked until the request's transaction ends, so two documents can
 * never get the same number, and a rolled-back document gives its number back (no gaps, as invoice
 * numbering law in most of the EU expects).
 */
export async function advanceCounters(req: PayloadRequest, sequencesSlug: string, counts: ReadonlyMap<string, number>): Promise<Map<string, number>> {
  const { adapter, db } = await connection(req)
  const sequences = table(adapter, sequencesSlug)
  const column = (key: string) => sql.identifier(sequences[key].name)
  // Sorted, so two transactions advancing overlapping counters lock them in one order (no deadlock).
  const entries = [...counts].sort(([a], [b]) => a.localeCompare(b))
  const values = sql.join(entries.map(([key, count]) => sql`(${key}, ${count}::numeric)`), sql`, `)
  const result = await db.execute(sql`
    insert into ${sequences} (${column('key')}, ${column('value')}) values ${values}
    on conflict (${column('key')}) do update set ${column('value')} = ${sequences.value} + excluded.${column('value')}, ${column('updatedAt')} = now()
    returning ${column('key')} as key, ${column('value')} as value`)
  return new Map((result.rows as Array<{ key: string; value: number | string }>).map((row) => [row.key, Number(row.value)]))
}

/** Increments the counter `key` and returns its new value (see `advanceCounters`). */
export async function nextCounterValue(req: PayloadRequest, sequencesSlug: string, key: string): Promise<number> {
  return (await advanceCounters(req, sequencesSlug, new Map([[key, 1]]))).get(key)!
}

/**
 * Takes the last `count` values of counter `key` back. Only for values this transaction took last
 * and did not use: the counter's row is still locked by it, so nobody took one after them.
 */
export async function giveBackCounterValues(req: PayloadRequest, sequencesSlug: string, key: string, count: number): Promise<void> {
  const { adapter, db } = await connection(req)
  const sequences = table(adapter, sequencesSlug)
  await db.execute(sql`update ${sequences} set ${sql.identifier(sequences.value.name)} = ${sequences.value} - ${count} where ${sequences.key} = ${key}`)
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
 * Locks those of the rows that no other transaction holds, until `req`'s transaction ends, and returns
 * their ids: two sweeps running at once (two app instances) share the work instead of waiting.
 */
export async function lockFreeRows(req: PayloadRequest, slug: string, ids: ReadonlyArray<number | string>): Promise<Array<number | string>> {
  if (ids.length === 0) return []
  const { adapter, db } = await connection(req)
  const rows = table(adapter, slug)
  const locked = await db.select({ id: rows.id }).from(rows).where(inArray(rows.id, [...new Set(ids)])).orderBy(rows.id).for('update', { skipLocked: true })
  return locked.map((row: { id: number | string }) => row.id)
}

/**
 * Sets one field of many rows, each to its own value, in one statement: bookkeeping a sweep does for
 * hundreds of documents (when each is next due), where Payload's update would validate and re-read each.
 */
export async function setFieldOfRows(req: PayloadRequest, slug: string, field: string, values: ReadonlyArray<{ id: number | string; value: null | string }>): Promise<void> {
  if (values.length === 0) return
  const { adapter, db } = await connection(req)
  const rows = table(adapter, slug)
  const column = rows[field] as { columnType: string; enum?: { enumName: string }; name: string }
  const cast = column.enum ? sql.identifier(column.enum.enumName) : sql.raw(column.columnType === 'PgTimestampString' ? 'timestamptz' : 'text')
  const list = sql.join(values.map(({ id, value }) => sql`(${id}, ${value}::${cast})`), sql`, `)
  await db.execute(sql`update ${rows} set ${sql.identifier(column.name)} = v.value from (values ${list}) as v(id, value) where ${rows.id} = v.id::${sql.raw(typeof values[0].id === 'number' ? 'integer' : 'text')}`)
}

/**
 * Marks every payable invoice (of one client, or all) for the next reminder sweep, in one statement:
 * after the steps changed, each must be planned again, and there may be a hundred thousand.
 */
export async function wakeReminders(req: PayloadRequest, invoicesSlug: string, wake: string, clientId?: null | number | string): Promise<void> {
  const { adapter, db } = await connection(req)
  const invoices = table(adapter, invoicesSlug)
  const payable = and(inArray(invoices.status, [...payableInvoiceStatuses]), gt(invoices.amountDue, 0), clientId === undefined || clientId === null ? undefined : eq(invoices.client, clientId))
  await db.update(invoices).set({ nextReminderAt: wake }).where(payable)
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

export type InboxEvent = {
  eventId: string
  /** JSON text (a verified raw body) or a value to serialise. */
  payload: unknown
  provider: string
  type: string
}

/**
 * Stores webhook events in the inbox and queues, for each, the Payload job that processes it, in one
 * statement: both rows or neither, and nothing at all for an event id already stored (a repeated
 * delivery). Answers per event, in order: its inbox row and job, or null when it was stored already
 * (also when the same event comes twice in `events`: the first is stored). Payload's `jobs.queue`
 * inside a transaction takes five round trips; an inbox that must take hundreds of deliveries a
 * second cannot afford them. The job rows use Payload's own table and column names.
 */
export async function storeEventsAndQueueJobs(
  runner: Runner,
  inboxSlug: string,
  events: readonly InboxEvent[],
  job: { inputKey: string; queue: string; task: string },
): Promise<Array<{ event: number | string; job: number | string } | null>> {
  if (events.length === 0) return []
  const { adapter, db } = await connection(runner)
  const inbox = table(adapter, inboxSlug)
  const jobs = table(adapter, 'payload-jobs')
  const name = (owner: DrizzleTable, key: string) => (owner[key] as { name: string }).name
  const column = (owner: DrizzleTable, key: string) => sql.identifier(name(owner, key))
  const taskType = sql.identifier((jobs.taskSlug as { enum: { enumName: string } }).enum.enumName)
  // One JSON parameter for all: a raw body is JSON text already and goes in as it came.
  const rows = events.map(
    (event) =>
      `{${JSON.stringify(name(inbox, 'provider'))}:${JSON.stringify(event.provider)},${JSON.stringify(name(inbox, 'eventId'))}:${JSON.stringify(event.eventId)},` +
      `${JSON.stringify(name(inbox, 'type'))}:${JSON.stringify(event.type)},${JSON.stringify(name(inbox, 'payload'))}:${typeof event.payload === 'string' ? event.payload : JSON.stringify(event.payload)}}`,
  )
  const result = await db.execute(sql`
    with stored as (
      insert into ${inbox} (${column(inbox, 'provider')}, ${column(inbox, 'eventId')}, ${column(inbox, 'type')}, ${column(inbox, 'payload')})
      select ${column(inbox, 'provider')}, ${column(inbox, 'eventId')}, ${column(inbox, 'type')}, ${column(inbox, 'payload')} from jsonb_populate_recordset(null::${inbox}, ${`[${rows.join(',')}]`}::jsonb)
      on conflict (${column(inbox, 'provider')}, ${column(inbox, 'eventId')}) do nothing
      returning ${column(inbox, 'id')} as id, ${column(inbox, 'provider')}::text as provider, ${column(inbox, 'eventId')} as event_id
    ), queued as (
      insert into ${jobs} (${column(jobs, 'input')}, ${column(jobs, 'taskSlug')}, ${column(jobs, 'queue')})
      select jsonb_build_object(${job.inputKey}::text, stored.id::text), ${job.task}::text::${taskType}, ${job.queue} from stored
      returning ${column(jobs, 'id')} as job, ${column(jobs, 'input')} ->> ${job.inputKey}::text as event
    )
    select stored.provider, stored.event_id, stored.id as event, queued.job from stored join queued on queued.event = stored.id::text`)
  const stored = new Map((result.rows as Array<{ event: number | string; event_id: string; job: number | string; provider: string }>).map((row) => [`${row.provider} ${row.event_id}`, row]))
  return events.map((event) => {
    const key = `${event.provider} ${event.eventId}`
    const row = stored.get(key)
    stored.delete(key)
    return row ? { event: runner.payload.db.defaultIDType === 'number' ? Number(row.event) : row.event, job: row.job } : null
  })
}

/**
 * Records the outcome of processing inbox events: one UPDATE that also counts the attempt. Payload's
 * update would validate every field against a merge of the whole stored event, several kilobytes of
 * provider JSON, which costs more than processing the event did.
 */
export async function markInboxEvents(
  runner: Runner,
  inboxSlug: string,
  ids: ReadonlyArray<number | string>,
  outcome: { lastError: null | string; status: 'failed' | 'processed' },
): Promise<void> {
  const { adapter, db } = await connection(runner)
  const inbox = table(adapter, inboxSlug)
  await db
    .update(inbox)
    .set({
      attempts: sql`coalesce(${inbox.attempts}, 0) + 1`,
      lastError: outcome.lastError,
      ...(outcome.status === 'processed' ? { processedAt: sql`now()` } : {}),
      status: outcome.status,
      updatedAt: sql`now()`,
    })
    .where(inArray(inbox.id, [...ids]))
}

/** How long a job ended by `completeQueuedJobs` stays before it is cleared: far past any worker's claim. */
const endedJobsKeptFor = '10 minutes'

/**
 * Ends queued jobs whose work was done another way (an inbox event processed straight after its
 * answer): in the same transaction as that work, so the job stays queued if the work is rolled back.
 * A job a worker has started is left to finish (it finds the work done).
 *
 * Marked done, never deleted at once: Payload's `runJobs` claims jobs in two steps (read, then an
 * update per job), and a row deleted between the two makes the worker throw and a `jobs:run --cron`
 * process exit. A marked row is still there to claim (the worker finds the work done) and no longer
 * matches the next read. Rows of the same tasks ended long ago are cleared in the same statement,
 * as Payload deletes completed jobs, unless the host keeps them (`jobs.deleteJobOnComplete: false`).
 */
export async function completeQueuedJobs(runner: Runner, ids: ReadonlyArray<number | string>): Promise<void> {
  if (ids.length === 0) return
  const { adapter, db } = await connection(runner)
  const jobs = table(adapter, 'payload-jobs')
  const waiting = and(inArray(jobs.id, [...ids]), eq(jobs.processing, false), isNull(jobs.completedAt))
  const ended = db.$with('ended').as(db.update(jobs).set({ completedAt: sql`now()`, updatedAt: sql`now()` }).where(waiting).returning({ task: jobs.taskSlug }))
  if (runner.payload.config.jobs?.deleteJobOnComplete === false) {
    await db.with(ended).select({ task: ended.task }).from(ended)
    return
  }
  // Bounded, oldest first: each call clears more than it marks, so the backlog never grows.
  const stale = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(sql`${jobs.taskSlug} in (select ${ended.task} from ${ended})`, eq(jobs.processing, false), sql`${jobs.completedAt} < now() - ${endedJobsKeptFor}::interval`))
    .orderBy(jobs.completedAt)
    .limit(Math.max(100, ids.length * 2))
  await db.with(ended).delete(jobs).where(inArray(jobs.id, stale))
}

/**
 * Holds a lock on a name until the request's transaction ends: work about one record that may not
 * exist yet (an ERP push for an unknown external id) is serialised where no row could be locked.
 */
export async function lockName(req: PayloadRequest, name: string): Promise<void> {
  await lockNames(req, [name])
}

/** `lockName` for many names in one statement, taken in one order so two such calls can't deadlock. */
export async function lockNames(req: PayloadRequest, names: readonly string[]): Promise<void> {
  if (names.length === 0) return
  const { db } = await connection(req)
  const sorted = [...new Set(names)].sort()
  const values = sql.join(sorted.map((name, position) => sql`(${name}::text, ${position})`), sql`, `)
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(name, 0)) from (values ${values}) as locks(name, position) order by position`)
}
