import type { Redis } from 'ioredis'
import { experimentKeys, REGISTRY } from './wire.ts'

/** Visits every key matching `pattern` in batches (SCAN, never KEYS, so a big Redis is not blocked). */
async function scanMatching(redis: Redis, pattern: string, visit: (keys: string[]) => Promise<unknown>): Promise<void> {
  let cursor = '0'
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000)
    cursor = next
    if (found.length > 0) await visit(found)
  } while (cursor !== '0')
}

/**
 * Deletes every key matching `pattern`.
 *
 * @example
 * ```ts
 * await deleteMatching(redis, 'hyperpool:exp1-3f2a:*')
 * ```
 */
export function deleteMatching(redis: Redis, pattern: string): Promise<void> {
  return scanMatching(redis, pattern, (keys) => redis.del(...keys))
}

/**
 * BullMQ's keys that carry an expiry of their own, which must stay short: a
 * job's lock (a lost worker is found when it lapses), the stalled check's
 * turn, the rate limiter.
 */
const OWN_EXPIRY = /:(lock|stalled-check|limiter)$/

/**
 * Sets an expiry of `ttlMs` on every key matching `pattern` but those that
 * keep their own (BullMQ's locks, and `keep`): the driver calls it while it
 * lives, so a killed driver's keys go away `ttlMs` after its last call.
 *
 * @example
 * ```ts
 * await expireMatching(redis, 'hyperpool:exp1-3f2a:*', 600_000, 'hyperpool:exp1-3f2a:x:alive')
 * ```
 */
export function expireMatching(redis: Redis, pattern: string, ttlMs: number, keep: string): Promise<void> {
  return scanMatching(redis, pattern, (keys) => {
    const batch = redis.pipeline()
    for (const key of keys) if (key !== keep && !OWN_EXPIRY.test(key)) batch.pexpire(key, ttlMs)
    return batch.exec()
  })
}

/**
 * Takes off the registry the experiments whose manifest is gone: their keys
 * expired after their driver was killed, with no worker left to remove them.
 *
 * @example
 * ```ts
 * await pruneRegistry(redis)
 * ```
 */
export async function pruneRegistry(redis: Redis): Promise<void> {
  const ids = await redis.smembers(REGISTRY)
  if (ids.length === 0) return
  const batch = redis.pipeline()
  for (const id of ids) batch.exists(experimentKeys(id).manifest)
  const found = (await batch.exec()) ?? []
  const gone = ids.filter((_, i) => found[i]?.[1] === 0)
  if (gone.length > 0) await redis.srem(REGISTRY, ...gone)
}
