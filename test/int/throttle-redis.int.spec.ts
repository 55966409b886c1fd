import { getPayload, type Payload } from 'payload'

import { Redis } from 'ioredis'
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createDevConfig } from '../../dev/config.js'
import { closeRedisCounters } from '../../src/security/throttleRedis.js'
import { passwords } from '../helpers/fixtures.js'
import { portalClient } from '../helpers/portal.js'
import { startTestApp, type TestApp } from '../helpers/payload.js'

/**
 * The throttle with `portal.throttle.redis`: counted in the machine's Redis (127.0.0.1:6379) instead of
 * PostgreSQL, shared by two app instances, expired by Redis; and counted in PostgreSQL while Redis
 * cannot be reached.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0'
const prefix = `invoice-portal-test:${process.pid}:${Date.now()}:`
let first: TestApp
const others: Payload[] = []
let redis: Redis
let payload: Payload

beforeAll(async () => {
  first = await startTestApp({ plugin: { portal: { throttle: { redis: { keyPrefix: prefix, url: REDIS_URL } } } } })
  payload = first.payload
  redis = new Redis(REDIS_URL)
})
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`)
  if (keys.length) await redis.del(...keys)
  await redis.quit()
  await closeRedisCounters()
  for (const other of others) {
    // Its connections close as the database is dropped; that error is expected here.
    ;(other.db as unknown as { pool?: { on: (event: string, listener: () => void) => void } }).pool?.on('error', () => {})
    await other.destroy()
  }
  await first?.stop()
})

const counterOf = (action: string, kind: string, value: string) => `${prefix}${createHash('sha256').update(`${action}\u0000${kind}\u0000${value}`).digest('hex')}`
const postgresCounters = async () => (await payload.count({ collection: 'invoice-portal-throttles' })).totalDocs

/** Another app instance on the same database (Payload keeps one per key), with its own throttle options. */
async function instance(key: string, redisOption: { keyPrefix: string; url: string }, perEmail?: number): Promise<Payload> {
  const databaseUri = (payload.db as unknown as { poolOptions: { connectionString: string } }).poolOptions.connectionString
  const other = await getPayload({ config: createDevConfig({ databaseUri, plugin: { portal: { throttle: { ...(perEmail ? { login: { perEmail } } : {}), redis: redisOption } } }, seed: false }), key })
  others.push(other)
  return other
}

describe('throttling in Redis', () => {
  it('counts failures per address in Redis, with the window as its expiry, refuses past the limit, and gives a success its count back', async () => {
    const client = await payload.create({ collection: 'clients', data: { currency: 'EUR', name: 'Redis BV' } })
    await payload.create({ collection: 'contacts', data: { client: client.id, email: 'redis@throttle.test', name: 'R', password: passwords.contact } })
    const http = portalClient(first.config)
    const from = { headers: { 'x-forwarded-for': '203.0.113.7' } }
    expect((await http.post('login', { email: 'redis@throttle.test', password: passwords.contact }, from)).session).toBeTruthy()
    const key = counterOf('login', 'email', 'redis@throttle.test')
    expect(Number(await redis.get(key))).toBe(0)
    const statuses: number[] = []
    for (let attempt = 0; attempt < 12; attempt++) statuses.push((await http.post('login', { email: 'redis@throttle.test', password: `wrong-${attempt}` }, from)).status)
    expect(statuses.slice(0, 10).every((status) => status === 303)).toBe(true)
    expect(statuses.slice(10)).toEqual([429, 429])
    expect(Number(await redis.get(key))).toBe(12)
    const ttl = await redis.pttl(key)
    expect(ttl).toBeGreaterThan(14 * 60_000)
    expect(ttl).toBeLessThanOrEqual(15 * 60_000)
    expect(Number(await redis.get(counterOf('login', 'ip', '203.0.113.7')))).toBe(12)
    expect(await postgresCounters()).toBe(0)
  })

  it('shares the counts between two instances', async () => {
    const other = await instance('redis-second', { keyPrefix: prefix, url: REDIS_URL })
    const client = await payload.create({ collection: 'clients', data: { currency: 'EUR', name: 'Shared BV' } })
    await payload.create({ collection: 'contacts', data: { client: client.id, email: 'shared@throttle.test', name: 'S', password: passwords.contact } })
    const outcomes: string[] = []
    for (let attempt = 0; attempt < 12; attempt++) {
      const app = attempt % 2 ? other : payload
      outcomes.push(await app.login({ collection: 'contacts', data: { email: 'shared@throttle.test', password: 'nope' } }).then(() => 'in', (error: Error) => error.name))
    }
    // Payload locks the contact after 5 failures; the throttle counts the 12 of both instances together.
    expect(outcomes.slice(10)).toEqual(['TooManyAttempts', 'TooManyAttempts'])
    expect(outcomes.slice(0, 10).every((outcome) => outcome !== 'TooManyAttempts' && outcome !== 'in')).toBe(true)
    expect(Number(await redis.get(counterOf('login', 'email', 'shared@throttle.test')))).toBe(12)
    expect(await postgresCounters()).toBe(0)
  })

  it('counts in PostgreSQL while Redis cannot be reached, so nothing goes uncounted and nothing fails', async () => {
    const away = await instance('redis-away', { keyPrefix: prefix, url: 'redis://127.0.0.1:1/0' }, 3)
    const client = await payload.create({ collection: 'clients', data: { currency: 'EUR', name: 'Away BV' } })
    await payload.create({ collection: 'contacts', data: { client: client.id, email: 'away@throttle.test', name: 'A', password: passwords.contact } })
    const outcomes: string[] = []
    for (let attempt = 0; attempt < 5; attempt++) {
      outcomes.push(await away.login({ collection: 'contacts', data: { email: 'away@throttle.test', password: 'nope' } }).then(() => 'in', (error: Error) => error.name))
    }
    expect(outcomes).toEqual(['AuthenticationError', 'AuthenticationError', 'AuthenticationError', 'TooManyAttempts', 'TooManyAttempts'])
    expect(await postgresCounters()).toBeGreaterThan(0)
  })
})
