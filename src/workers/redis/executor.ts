import { randomBytes } from 'node:crypto'
import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { custom, defineOptions, integer, invalid, type SchemaOf } from '../../options/index.ts'
import type { Executor, ExecutorFactory, ExecutorSetup } from '../executor.ts'
import { bullConnection, connect, MAX_BACKOFF_MS, OutageNotice, REDIS_URL, redact } from './connection.ts'
import { fileHash, publishData } from './data.ts'
import { RedisDriver } from './driver.ts'
import { pruneRegistry } from './keys.ts'
import { type ExperimentManifest, experimentKeys } from './wire.ts'

/**
 * Options of a {@link RedisExecutor}.
 *
 * @example
 * ```ts
 * const options: RedisExecutorOptions = { connection: 'rediss://user:secret@redis.internal:6380' }
 * ```
 */
export interface RedisExecutorOptions {
  /** The Redis server: `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS. */
  readonly connection: string
  /**
   * The largest `data` published through Redis, MB once serialized; larger data needs `dataModule`.
   * @default 512
   */
  readonly maxDataMb?: number
  /**
   * A module (file URL or path, the same on every machine) whose default export returns the data;
   * each worker imports it once instead of reading published data. For data too big for Redis.
   */
  readonly dataModule?: URL | string
  /**
   * How long the driver's liveness key lasts unrenewed, ms: workers leave an experiment whose driver
   * is gone (killed) this long, and its keys expire.
   * @default 10000
   */
  readonly aliveMs?: number
  /**
   * The expiry the driver keeps refreshing (every third of it) on the experiment's keys, ms: a killed
   * driver's keys are gone this long after it, even with no worker left to remove them. Redis away
   * longer than this loses them as a restart without persistence does: the driver then publishes the
   * experiment again and queues its running trials again from their last checkpoints. At least 6000: each
   * refresh period (a third) must outlast the 2 s wait between reconnection attempts.
   * @default 600000 (10 minutes)
   */
  readonly keyTtlMs?: number
}

/** How long a driver waits for a first worker to take a trial before it says how to start one, ms. */
const NO_WORKER_WARN_MS = 5000

/**
 * The shortest `keyTtlMs`: the driver refreshes the keys every third of it, each time SCANning Redis's whole keyspace,
 * so a refresh period must be at least the longest reconnection wait. Then a refresh lost to a dropped connection
 * leaves two more before the keys lapse (a lapsed manifest makes the driver publish again and queue every unfinished
 * trial again), and the keyspace is scanned at most once per 2 s.
 */
const MIN_KEY_TTL_MS = 3 * MAX_BACKOFF_MS

/** A data module option: a file URL or path, read as a file URL string. */
const MODULE_URL = custom<string>('a file URL or a path to a module', (value, at) => {
  if (value instanceof URL) return value.href
  if (typeof value !== 'string' || value === '') throw invalid(at, 'a file URL or a path to a module', value)
  if (value.startsWith('file:')) return value
  return pathToFileURL(isAbsolute(value) ? value : resolve(value)).href
})

/** Every option of a {@link RedisExecutor}. */
export const REDIS_EXECUTOR_OPTIONS = defineOptions('RedisExecutor', {
  connection: REDIS_URL.required(),
  maxDataMb: integer({ min: 1 }).withDefault(512),
  dataModule: MODULE_URL,
  aliveMs: integer({ min: 100 }).withDefault(10_000),
  keyTtlMs: integer({
    min: MIN_KEY_TTL_MS,
    rule: `an integer >= ${MIN_KEY_TTL_MS} (3 refresh periods of keyTtlMs / 3, each at least the ${MAX_BACKOFF_MS} ms reconnection wait)`,
  }).withDefault(600_000),
} satisfies SchemaOf<RedisExecutorOptions>)

/**
 * Runs an experiment's trials on worker processes on any number of machines,
 * through a BullMQ queue on Redis: give it to the Tuner as `executor`, and
 * start workers with `npx hyperpool worker --redis <url>` (or `new
 * RedisWorker(...)`). The searcher, scheduler, trackers and journal stay in
 * the driver; `concurrency` is how many trials are queued or running at
 * once (set it to the workers' threads in all). See docs/distributed.md.
 *
 * @example
 * ```ts
 * const tuner = new Tuner({ ...options, concurrency: 16, executor: new RedisExecutor({ connection: 'redis://10.0.0.5:6379' }) })
 * ```
 */
export class RedisExecutor implements ExecutorFactory {
  readonly #o: ReturnType<typeof REDIS_EXECUTOR_OPTIONS.read>

  constructor(options: RedisExecutorOptions) {
    this.#o = REDIS_EXECUTOR_OPTIONS.read(options)
  }

  /** This executor as code, its password left out: what an interrupted run's resume hint passes to `Tuner.restore`. */
  get code(): string {
    return `new RedisExecutor({ connection: ${JSON.stringify(redact(this.#o.connection))} })`
  }

  /** Publishes the experiment (its manifest and data) under a fresh id and returns its executor. */
  async open(setup: ExecutorSetup): Promise<Executor> {
    const url = this.#o.connection
    const id = `${setup.name}-${randomBytes(4).toString('hex')}`
    const keys = experimentKeys(id)
    const notice = new OutageNotice((level, message) => setup.logger[level](message))
    const redis = connect(url, notice)
    const reader = connect(url, notice)
    const { dataModule, aliveMs, keyTtlMs } = this.#o
    try {
      const trainableHash = await fileHash(setup.trainable)
      const publish = async () => {
        const dataChunks = dataModule === undefined ? await publishData(redis, keys, setup.data, this.#o.maxDataMb * 2 ** 20, keyTtlMs) : 0
        const manifest: ExperimentManifest = {
          name: setup.name,
          trainable: setup.trainable,
          trainableHash,
          dataChunks,
          dataModule,
          maxHeapMb: setup.maxHeapMb,
          aliveMs,
          keyTtlMs,
        }
        await redis.set(keys.manifest, JSON.stringify(manifest), 'PX', keyTtlMs)
      }
      await publish()
      await pruneRegistry(redis)
      const driver = new RedisDriver({
        id,
        slots: setup.slots,
        keys,
        redis,
        reader,
        connection: bullConnection(url),
        logger: setup.logger,
        onOutput: setup.onOutput,
        aliveMs,
        keyTtlMs,
        publish,
        noWorkerWarnMs: NO_WORKER_WARN_MS,
      })
      await driver.ready()
      setup.logger.debug(`experiment ${id} published on Redis`)
      return driver
    } catch (error) {
      redis.disconnect()
      reader.disconnect()
      throw error
    }
  }
}
