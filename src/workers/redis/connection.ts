import type { QueueEvents } from 'bullmq'
import type { Redis } from 'ioredis'
import { custom, invalid } from '../../options/index.ts'
import { ioredis } from './lazy.ts'

/**
 * A Redis URL option: `redis://[user:password@]host[:port][/db]`, or
 * `rediss://` for TLS. Credentials and TLS pass through to ioredis as given.
 *
 * @example
 * ```ts
 * connection: REDIS_URL.required()
 * ```
 */
export const REDIS_URL = custom<string>('a redis:// or rediss:// URL', (value, at) => {
  const rule = 'a redis:// or rediss:// URL such as redis://127.0.0.1:6379'
  if (typeof value !== 'string') throw invalid(at, rule, value)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw invalid(at, rule, value)
  }
  if ((url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') throw invalid(at, rule, value)
  return value
})

/** Longest wait between two reconnection attempts, ms: a Redis back after a restart is found within it. */
export const MAX_BACKOFF_MS = 2000

/**
 * Says once that Redis went away, and once that it came back, however many
 * connections and attempts lie between.
 */
export class OutageNotice {
  #down = false
  constructor(readonly say: (level: 'warn' | 'info', message: string) => void) {}

  lost(url: string, error: Error): void {
    if (this.#down) return
    this.#down = true
    this.say('warn', `Redis at ${redact(url)} is unreachable (${error.message}); retrying with backoff (up to ${MAX_BACKOFF_MS} ms apart)`)
  }

  back(url: string): void {
    if (!this.#down) return
    this.#down = false
    this.say('info', `Redis at ${redact(url)} is reachable again; carrying on`)
  }
}

/**
 * A connection to `url` that reconnects with exponential backoff and queues
 * commands meanwhile (BullMQ needs `maxRetriesPerRequest: null`), so a Redis
 * restart pauses the experiment instead of failing it.
 *
 * @example
 * ```ts
 * const redis = connect('redis://127.0.0.1:6379', new OutageNotice((level, m) => logger[level](m)))
 * ```
 */
export function connect(url: string, notice: OutageNotice): Redis {
  const redis = new (ioredis().Redis)(url, { ...bullConnection(url), connectionName: 'hyperpool' })
  redis.on('error', (error: Error) => notice.lost(url, error))
  redis.on('ready', () => notice.back(url))
  return redis
}

/** What BullMQ's connections are given. */
export interface BullConnection {
  readonly url: string
  readonly maxRetriesPerRequest: null
  readonly retryStrategy: (times: number) => number
}

/**
 * The options of BullMQ's own connections (queue, events, workers): the same
 * backoff as ours. BullMQ's default waits up to 20 s between attempts, so
 * after a restart its connections came back long after ours; and one of them
 * still waiting to reconnect when it is closed never closes (see `closeEvents`).
 *
 * @example
 * ```ts
 * new Queue(id, { connection: bullConnection(url), prefix: QUEUE_PREFIX })
 * ```
 */
export function bullConnection(url: string): BullConnection {
  return { url, maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(50 * 2 ** times, MAX_BACKOFF_MS) }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = '***'
    return parsed.href
  } catch {
    return url
  }
}

/** How long closing waits for Redis before it gives up on a tidy end. */
export const CLOSE_DEADLINE_MS = 5000

/**
 * Runs `tidy` (the Redis commands of a close) for at most `CLOSE_DEADLINE_MS`:
 * true when it finished, false when Redis did not answer in time (commands
 * wait for a reconnect forever otherwise, and the process would never exit).
 *
 * @example
 * ```ts
 * if (!(await tidyWithin(() => redis.del(key)))) redis.disconnect()
 * ```
 */
export async function tidyWithin(tidy: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<false>((done) => {
    timer = setTimeout(() => done(false), CLOSE_DEADLINE_MS)
  })
  try {
    return await Promise.race([tidy().then(() => true as const), late])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Closes BullMQ's event listener once its connection is up: BullMQ's close
 * waits for the connection's end, which ioredis never announces for a
 * connection waiting to reconnect, so a close right after a Redis restart
 * hung forever (before the reconnect) or, under the close's deadline, left
 * the experiment's keys behind.
 *
 * @example
 * ```ts
 * await closeEvents(new QueueEvents(id, { connection: bullConnection(url) }))
 * ```
 */
export async function closeEvents(events: QueueEvents): Promise<void> {
  const client = await events.getBackend().client
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve))
  await events.close()
}
