import { APIError, type PayloadRequest } from 'payload'

import { createHash } from 'node:crypto'

import type { ThrottledAction } from '../options.js'
import type { PluginContext } from '../utilities/context.js'

import { sql } from '@payloadcms/db-postgres/drizzle'

import { connection, table } from '../db/postgres.js'
import { type Counted, type RedisCounter, redisCounter } from './throttleRedis.js'

type Runner = Pick<PayloadRequest, 'payload'> & Partial<Pick<PayloadRequest, 'transactionID'>>

/** Who a throttled request is about: the e-mail address it names and the IP address it came from. */
export type ThrottleSubject = { email?: null | string; ip?: null | string }

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number }

/**
 * A refused request: 429 with the seconds until it may be tried again. An APIError, so REST and
 * GraphQL answer it with its message; Payload logs it at `info` by its name (plugin.ts), since an
 * attack would otherwise fill the error log with stack traces.
 */
export class TooManyAttempts extends APIError {
  readonly retryAfterSeconds: number
  constructor(retryAfterSeconds: number) {
    super(`Too many attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute${retryAfterSeconds > 60 ? 's' : ''}.`, 429, { retryAfterSeconds }, true)
    this.name = 'TooManyAttempts'
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/**
 * By name, not `instanceof`: Next bundles a route's modules per route, and the Payload instance one
 * route created (with its hooks and their copy of this class) serves the others.
 */
export function isTooManyAttempts(error: unknown): error is TooManyAttempts {
  return error instanceof Error && error.name === 'TooManyAttempts' && typeof (error as TooManyAttempts).retryAfterSeconds === 'number'
}

/** Keys are hashes of the action, the kind of address and the address: the table names nobody. */
function keysOf(action: ThrottledAction, subject: ThrottleSubject) {
  const hash = (kind: string, value: string) => createHash('sha256').update(`${action}\u0000${kind}\u0000${value}`).digest('hex')
  const email = subject.email?.trim().toLowerCase()
  const ip = subject.ip?.trim()
  return [...(email ? [{ key: hash('email', email), kind: 'perEmail' as const }] : []), ...(ip ? [{ key: hash('ip', ip), kind: 'perIp' as const }] : [])]
}

/**
 * Counts a request against its e-mail address and its IP address, and says whether it may go on: one
 * statement for both counters, so requests arriving together on several instances are counted one
 * by one and none slips past a limit. A window starts with the first request after the last one
 * ended. Refused requests count too (a window does not grow longer for it). Expired counters are
 * cleared a few at a time by the same statement.
 */
export async function countRequest(ctx: PluginContext, runner: Runner, action: ThrottledAction, subject: ThrottleSubject): Promise<ThrottleVerdict> {
  const rule = ctx.options.portal.throttle[action]
  const keys = keysOf(action, subject)
  if (keys.length === 0) return { allowed: true }
  const names = keys.map((entry) => entry.key)
  const counted = await inStore(ctx, runner, (redis) => redis.count(names, rule.windowSeconds), () => countInPostgres(ctx, runner, names, rule.windowSeconds))
  const limits = new Map(keys.map((entry) => [entry.key, rule[entry.kind]]))
  const over = counted.filter((row) => row.hits > limits.get(row.key)!)
  if (over.length === 0) return { allowed: true }
  return { allowed: false, retryAfterSeconds: Math.max(1, ...over.map((row) => Math.ceil(row.secondsLeft))) }
}

/**
 * Redis when configured, else PostgreSQL. When Redis cannot be reached the request is counted in
 * PostgreSQL instead (and the failure logged): a sign-in is never let through uncounted, nor refused
 * for want of a counter.
 */
async function inStore<T>(ctx: PluginContext, runner: Runner, withRedis: (redis: RedisCounter) => Promise<T>, withPostgres: () => Promise<T>): Promise<T> {
  const redis = ctx.options.portal.throttleRedis
  if (!redis) return withPostgres()
  try {
    return await withRedis(redisCounter(redis))
  } catch (error) {
    runner.payload.logger.error({ err: error, msg: "payload-invoice-portal: the throttle's Redis failed; counting in PostgreSQL" })
    return withPostgres()
  }
}

async function countInPostgres(ctx: PluginContext, runner: Runner, names: string[], windowSeconds: number): Promise<Counted> {
  // On the request's own connection. Payload checks a password before it opens the sign-in's
  // transaction, so a failure's count stays when it rolls back; a reset request is counted inside its
  // transaction, which commits whether or not the address is known. A second connection would also
  // wait forever on the embedded database, which serves one transaction at a time.
  const { adapter, db } = await connection(runner)
  const throttles = table(adapter, ctx.options.slugs.throttles)
  const result = await db.execute(sql`
    with expired as (
      delete from ${throttles} where ${throttles.id} in (
        select ${throttles.id} from ${throttles}
        where ${throttles.windowEndsAt} < now() - interval '1 hour' and ${throttles.key} <> all(${sql.param(names)}::text[])
        order by ${throttles.windowEndsAt} limit 20)
    )
    insert into ${throttles} (${sql.identifier(throttles.key.name)}, ${sql.identifier(throttles.hits.name)}, ${sql.identifier(throttles.windowEndsAt.name)})
    select key, 1, now() + make_interval(secs => ${windowSeconds}) from unnest(${sql.param(names)}::text[]) as keys(key)
    on conflict (${sql.identifier(throttles.key.name)}) do update set
      ${sql.identifier(throttles.hits.name)} = case when ${throttles.windowEndsAt} <= now() then 1 else ${throttles.hits} + 1 end,
      ${sql.identifier(throttles.windowEndsAt.name)} = case when ${throttles.windowEndsAt} <= now() then excluded.${sql.identifier(throttles.windowEndsAt.name)} else ${throttles.windowEndsAt} end,
      ${sql.identifier(throttles.updatedAt.name)} = now()
    returning ${throttles.key} as key, ${throttles.hits}::integer as hits, extract(epoch from ${throttles.windowEndsAt} - now()) as seconds_left`)
  return (result.rows as Array<{ hits: number; key: string; seconds_left: number | string }>).map((row) => ({ hits: Number(row.hits), key: row.key, secondsLeft: Number(row.seconds_left) }))
}

/**
 * Takes one request back off its counters: a sign-in that succeeded is not a failure. Counting every
 * attempt first and giving successes back is what keeps attempts made at the same moment from all
 * being checked before any of them is counted.
 */
export async function uncountRequest(ctx: PluginContext, runner: Runner, action: ThrottledAction, subject: ThrottleSubject): Promise<void> {
  const keys = keysOf(action, subject)
  if (keys.length === 0) return
  const names = keys.map((entry) => entry.key)
  await inStore(ctx, runner, (redis) => redis.uncount(names), () => uncountInPostgres(ctx, runner, names))
}

async function uncountInPostgres(ctx: PluginContext, runner: Runner, names: string[]): Promise<void> {
  // In the sign-in's transaction: the refund commits with the session it made.
  const { adapter, db } = await connection(runner)
  const throttles = table(adapter, ctx.options.slugs.throttles)
  await db.execute(sql`
    update ${throttles} set ${sql.identifier(throttles.hits.name)} = greatest(${throttles.hits} - 1, 0)
    where ${throttles.key} = any(${sql.param(names)}::text[]) and ${throttles.windowEndsAt} > now()`)
}

/** `countRequest`, refusing with TooManyAttempts. */
export async function assertNotThrottled(ctx: PluginContext, runner: Runner, action: ThrottledAction, subject: ThrottleSubject): Promise<void> {
  const verdict = await countRequest(ctx, runner, action, subject)
  if (!verdict.allowed) throw new TooManyAttempts(verdict.retryAfterSeconds)
}
