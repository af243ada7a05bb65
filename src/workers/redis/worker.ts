import { availableParallelism, hostname } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { Redis } from 'ioredis'
import { countOf } from '../../format.ts'
import { createLogger, LOGGER, type Logger } from '../../logger.ts'
import { computed, defineOptions, integer, type SchemaOf } from '../../options/index.ts'
import { bullConnection, connect, OutageNotice, REDIS_URL, redact, tidyWithin } from './connection.ts'
import { fileHash, loadData } from './data.ts'
import { deleteMatching } from './keys.ts'
import { ExperimentMember } from './member.ts'
import { type ExperimentManifest, experimentKeys, REGISTRY, readStream, send, type WorkerMessage } from './wire.ts'

/**
 * Options of a {@link RedisWorker}.
 *
 * @example
 * ```ts
 * const options: RedisWorkerOptions = { connection: 'redis://10.0.0.5:6379', concurrency: 8 }
 * ```
 */
export interface RedisWorkerOptions {
  /** The Redis server the drivers use: `redis://...` or `rediss://...`. */
  readonly connection: string
  /**
   * Trials at once on this process, one worker thread each.
   * @default the machine's available cores
   */
  readonly concurrency?: number
  /**
   * Heap cap per worker thread, MB.
   * @default the driver's Tuner's `maxHeapMb`, else the local pool's default
   */
  readonly maxHeapMb?: number
  /**
   * BullMQ's lock on a running trial, ms: renewed every half of it while this process lives; a trial
   * whose process died is found lost once it lapses, at the next stalled check.
   * @default 10000
   */
  readonly lockMs?: number
  /**
   * How often this process looks for lost trials (BullMQ's stalled check), ms. A killed worker's trial
   * runs again elsewhere within about `lockMs + stalledCheckMs`.
   * @default 5000
   */
  readonly stalledCheckMs?: number
  /**
   * How many times one trial may be lost with its worker before it errors.
   * @default 3
   */
  readonly maxStalledCount?: number
  /**
   * How often the process looks for experiments to join and ones that ended, ms.
   * @default 500
   */
  readonly pollMs?: number
  /**
   * Where the worker logs (joins, refusals, Redis outages).
   * @default a logger to stderr
   */
  readonly logger?: Logger
}

/** Every option of a {@link RedisWorker}. */
export const REDIS_WORKER_OPTIONS = defineOptions('RedisWorker', {
  connection: REDIS_URL.required(),
  concurrency: integer({ min: 1 }).withDefault(computed("the machine's available cores", availableParallelism)),
  maxHeapMb: integer({ min: 16 }).withDeferredDefault("the driver's Tuner's `maxHeapMb`, else the local pool's default"),
  lockMs: integer({ min: 100 }).withDefault(10_000),
  stalledCheckMs: integer({ min: 50 }).withDefault(5000),
  maxStalledCount: integer({ min: 0 }).withDefault(3),
  pollMs: integer({ min: 10 }).withDefault(500),
  logger: LOGGER.withDeferredDefault('a logger to stderr'),
} satisfies SchemaOf<RedisWorkerOptions>)

/** How long a driver's liveness key must stay missing before its experiment is cleared, when its manifest does not say, ms. */
const DEFAULT_ALIVE_MS = 10_000

/** An experiment this process has joined: its member and the read of its inbox. */
interface Joined {
  readonly member: ExperimentMember
  readonly reader: Redis
  readonly stop: AbortController
  readonly reading: Promise<void>
}

/**
 * A worker process's side of the Redis executor: it watches the Redis
 * server for experiments, joins each one (checks that its copy of the
 * trainable is the driver's, loads the data once into shared memory, starts
 * a local pool of `concurrency` threads) and runs trials from the
 * experiment's queue until the experiment ends. Start it from code, or with
 * `npx hyperpool worker --redis <url>`. Workers may come and go during a run.
 *
 * @example
 * ```ts
 * const worker = new RedisWorker({ connection: 'redis://10.0.0.5:6379', concurrency: 8 })
 * process.on('SIGTERM', () => void worker.close())
 * ```
 */
export class RedisWorker {
  /** This process's name in the drivers' logs: `host:pid`. */
  readonly name = `${hostname()}:${process.pid}`
  readonly #o: ReturnType<typeof REDIS_WORKER_OPTIONS.read>
  readonly #logger: Logger
  readonly #notice: OutageNotice
  readonly #redis: Redis
  readonly #joined = new Map<string, Joined | Promise<void>>()
  /** Experiments this process refused: not tried again. */
  readonly #refused = new Set<string>()
  readonly #timer: NodeJS.Timeout
  /** The poll under way, if any: one at a time (with Redis away, they would pile up and all run at its return). */
  #polling: Promise<void> | undefined
  /** When this process first saw each experiment's liveness key missing (its clock, Redis reachable all along). */
  readonly #missing = new Map<string, number>()
  #closed = false

  constructor(options: RedisWorkerOptions) {
    this.#o = REDIS_WORKER_OPTIONS.read(options)
    this.#logger = this.#o.logger ?? createLogger()
    this.#notice = new OutageNotice((level, message) => this.#logger[level](message))
    this.#redis = connect(this.#o.connection, this.#notice)
    // A liveness key may lapse while Redis is away (its expiry runs on): what was seen missing before counts for nothing.
    this.#redis.on('ready', () => this.#missing.clear())
    this.#logger.info(
      `worker ${this.name}: ${countOf(this.#o.concurrency, 'thread')}, waiting for experiments on ${redact(this.#o.connection)}`,
    )
    this.#timer = setInterval(() => this.#pollOnce(), this.#o.pollMs)
    this.#pollOnce()
  }

  /** The experiments this process runs trials of now. */
  get experiments(): string[] {
    return [...this.#joined.keys()].filter((id) => !(this.#joined.get(id) instanceof Promise))
  }

  /** Leaves every experiment (their running trials move to other workers) and disconnects. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#timer)
    const tidy = await tidyWithin(async () => {
      await this.#polling
      await Promise.all([...this.#joined.keys()].map((id) => this.#leave(id)))
      await this.#redis.quit().catch(() => {})
    })
    // Redis is away: leave without its answer, so the process can exit; its trials' locks lapse and others take them.
    if (!tidy) this.#redis.disconnect()
  }

  #pollOnce(): void {
    this.#polling ??= this.#poll().finally(() => {
      this.#polling = undefined
    })
  }

  async #poll(): Promise<void> {
    let ids: string[]
    try {
      ids = await this.#redis.smembers(REGISTRY)
    } catch {
      return
    }
    if (this.#closed) return
    for (const id of ids) {
      const keys = experimentKeys(id)
      if (!(await this.#driverGone(id))) {
        if (!this.#joined.has(id) && !this.#refused.has(id)) {
          const joining = this.#join(id).catch((error: Error) => this.#refuse(id, error.message))
          this.#joined.set(id, joining)
        }
      } else {
        // The driver is gone (killed) and nobody ended the experiment: clean up after it.
        await this.#leaveWithin(id)
        await this.#redis.srem(REGISTRY, id).catch(() => {})
        await deleteMatching(this.#redis, keys.pattern).catch(() => {})
        this.#missing.delete(id)
        this.#logger.info(`experiment ${id}: its driver is gone; left it and removed its keys`)
      }
    }
    for (const id of this.#joined.keys()) {
      if (ids.includes(id)) continue
      await this.#leaveWithin(id)
      // BullMQ's worker may have written a key of the ended experiment's queue as it closed: remove what is left, unless
      // the experiment is listed again meanwhile (a driver publishing it again after Redis lost it).
      if ((await this.#redis.sismember(REGISTRY, id).catch(() => 1)) === 1) continue
      await deleteMatching(this.#redis, experimentKeys(id).pattern).catch(() => {})
    }
  }

  /**
   * Whether experiment `id`'s driver is gone: its liveness key missing on polls `aliveMs` apart (the
   * driver's, from its manifest), Redis reachable all along. A key missing once is not enough: it
   * may have lapsed while Redis was away, and a live driver renews it as soon as Redis is back.
   */
  async #driverGone(id: string): Promise<boolean> {
    const keys = experimentKeys(id)
    if ((await this.#redis.exists(keys.alive).catch(() => 1)) === 1) {
      this.#missing.delete(id)
      return false
    }
    const now = Date.now()
    const since = this.#missing.get(id)
    if (since === undefined) {
      this.#missing.set(id, now)
      return false
    }
    const manifest = await this.#redis.get(keys.manifest).catch(() => null)
    const aliveMs =
      manifest === null ? DEFAULT_ALIVE_MS : ((JSON.parse(manifest) as Partial<ExperimentManifest>).aliveMs ?? DEFAULT_ALIVE_MS)
    return now - since >= aliveMs
  }

  async #join(id: string): Promise<void> {
    const keys = experimentKeys(id)
    const text = await this.#redis.get(keys.manifest)
    if (text === null) {
      // Gone for now (Redis lost it, and its driver publishes it again), or for good: not a refusal; the next poll sees which.
      this.#joined.delete(id)
      return
    }
    const manifest = JSON.parse(text) as ExperimentManifest
    let hash: string
    try {
      hash = await fileHash(manifest.trainable)
    } catch (error) {
      throw new Error(`the trainable ${fileURLToPath(manifest.trainable)} cannot be read here (${(error as Error).message})`)
    }
    if (hash !== manifest.trainableHash) {
      throw new Error(
        `this machine's copy of the trainable ${fileURLToPath(manifest.trainable)} differs from the driver's (sha256 ${hash.slice(0, 12)} here, ${manifest.trainableHash.slice(0, 12)} there); deploy the same code on every machine`,
      )
    }
    const data = await loadData(this.#redis, keys, manifest)
    const member = new ExperimentMember(
      id,
      keys,
      manifest,
      data,
      {
        worker: this.name,
        concurrency: this.#o.concurrency,
        maxHeapMb: this.#o.maxHeapMb,
        connection: bullConnection(this.#o.connection),
        lockMs: this.#o.lockMs,
        stalledCheckMs: this.#o.stalledCheckMs,
        maxStalledCount: this.#o.maxStalledCount,
      },
      this.#redis,
    )
    const reader = connect(this.#o.connection, this.#notice)
    const stop = new AbortController()
    const reading = readStream<WorkerMessage>(reader, keys.worker(this.name), (m) => member.receive(m), stop.signal)
    this.#joined.set(id, { member, reader, stop, reading })
    if (this.#closed) return this.#leave(id)
    this.#logger.info(`joined experiment ${id} (${manifest.name})`)
    await send(this.#redis, keys.inbox, { type: 'joined', worker: this.name, slots: this.#o.concurrency })
  }

  #refuse(id: string, reason: string): void {
    this.#joined.delete(id)
    this.#refused.add(id)
    this.#logger.error(`refused experiment ${id}: ${reason}`)
    void send(this.#redis, experimentKeys(id).inbox, { type: 'refused', worker: this.name, reason }).catch(() => {})
  }

  /** Leaves, waiting at most the close's deadline: polls run one at a time, and one stuck leaving would stop them all. */
  async #leaveWithin(id: string): Promise<void> {
    if (!(await tidyWithin(() => this.#leave(id)))) this.#logger.warn(`leaving experiment ${id} takes long; going on meanwhile`)
  }

  async #leave(id: string): Promise<void> {
    const joined = this.#joined.get(id)
    if (joined === undefined || joined instanceof Promise) return
    this.#joined.delete(id)
    joined.stop.abort()
    joined.reader.disconnect()
    await joined.reading
    await joined.member.close()
    this.#logger.info(`left experiment ${id}`)
  }
}
