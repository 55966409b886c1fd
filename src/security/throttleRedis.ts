import { Redis } from 'ioredis'

/**
 * The throttle's counters in Redis, when `portal.throttle.redis` is configured: one Lua script counts
 * all of a request's keys at once (atomic, as the PostgreSQL upsert is), and Redis expires a window
 * itself. Every app instance pointed at the same Redis shares the counts.
 */
export type Counted = Array<{ hits: number; key: string; secondsLeft: number }>

export type RedisCounter = {
  count: (keys: string[], windowSeconds: number) => Promise<Counted>
  uncount: (keys: string[]) => Promise<void>
}

// KEYS: the counters; ARGV[1]: the window in ms. A counter without an expiry (cannot happen unless
// set by hand) gets one, so it never counts forever.
const COUNT = `
local out = {}
for i, key in ipairs(KEYS) do
  local hits = redis.call('INCR', key)
  local ttl = redis.call('PTTL', key)
  if hits == 1 or ttl < 0 then
    redis.call('PEXPIRE', key, ARGV[1])
    ttl = tonumber(ARGV[1])
  end
  out[i] = { hits, ttl }
end
return out`

const UNCOUNT = `
for _, key in ipairs(KEYS) do
  local hits = tonumber(redis.call('GET', key) or '0')
  if hits > 0 then redis.call('DECR', key) end
end
return 0`

const counters = new Map<string, RedisCounter & { client: Redis }>()

export function redisCounter({ keyPrefix, url }: { keyPrefix: string; url: string }): RedisCounter {
  const id = `${url}\u0000${keyPrefix}`
  let counter = counters.get(id)
  if (!counter) {
    // No offline queue and one quick retry: when Redis is away a request falls back to PostgreSQL at
    // once (throttle.ts) instead of waiting for a reconnect.
    const client = new Redis(url, { enableOfflineQueue: false, keyPrefix, lazyConnect: true, maxRetriesPerRequest: 1 })
    client.on('error', () => {})
    const ready = () => (client.status === 'wait' ? client.connect() : Promise.resolve())
    counter = {
      client,
      count: async (keys, windowSeconds) => {
        await ready()
        const rows = (await client.eval(COUNT, keys.length, ...keys, String(windowSeconds * 1000))) as Array<[number, number]>
        return rows.map(([hits, ttl], index) => ({ hits: Number(hits), key: keys[index], secondsLeft: Math.max(1, Number(ttl) / 1000) }))
      },
      uncount: async (keys) => {
        await ready()
        await client.eval(UNCOUNT, keys.length, ...keys)
      },
    }
    counters.set(id, counter)
  }
  return counter
}

/** Closes every Redis connection the throttle opened (tests, and a host shutting down). */
export async function closeRedisCounters(): Promise<void> {
  await Promise.all([...counters.values()].map((counter) => counter.client.quit().catch(() => counter.client.disconnect())))
  counters.clear()
}
