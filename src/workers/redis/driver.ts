import { Queue, QueueEvents } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Logger } from '../../logger.ts'
import type { TrialOutput } from '../../types.ts'
import type { Executor, TrialHandle, TrialListener, TrialRun } from '../executor.ts'
import { CLOSE_DEADLINE_MS, tidyWithin } from './connection.ts'
import { RemoteRun } from './remote-run.ts'
import {
  type DriverMessage,
  encode,
  type experimentKeys,
  QUEUE_PREFIX,
  REGISTRY,
  type RunJob,
  readStream,
  send,
  type WorkerMessage,
} from './wire.ts'

/** What the driver side of an experiment on Redis is built from (see `RedisExecutor.open`). */
export interface DriverParts {
  readonly id: string
  readonly slots: number
  readonly keys: ReturnType<typeof experimentKeys>
  /** For commands. */
  readonly redis: Redis
  /** For the blocking read of the driver's inbox. */
  readonly reader: Redis
  readonly connection: { readonly url: string; readonly maxRetriesPerRequest: null }
  readonly logger: Logger
  readonly onOutput: (output: TrialOutput) => void
  /** How long the driver's liveness key lasts unrenewed, ms: workers leave an experiment whose driver is gone that long. */
  readonly aliveMs: number
}

/**
 * The Redis executor of one experiment, driver side: each run is a BullMQ
 * job on the experiment's queue; what the run says comes back on the driver's
 * inbox stream and is routed to its {@link RemoteRun}. A job BullMQ gives up
 * on (lost with its worker more often than the workers' `maxStalledCount`)
 * ends its run as errored.
 *
 * @example
 * ```ts
 * const executor = await new RedisExecutor({ connection: url }).open(setup)
 * ```
 */
export class RedisDriver implements Executor {
  readonly slots: number
  readonly #p: DriverParts
  readonly #queue: Queue
  readonly #events: QueueEvents
  readonly #runs = new Map<number, RemoteRun>()
  readonly #stop = new AbortController()
  readonly #reading: Promise<void>
  readonly #heartbeat: NodeJS.Timeout
  #count = 0

  constructor(parts: DriverParts) {
    this.#p = parts
    this.slots = parts.slots
    this.#queue = new Queue(parts.id, { connection: parts.connection, prefix: QUEUE_PREFIX })
    this.#events = new QueueEvents(parts.id, { connection: parts.connection, prefix: QUEUE_PREFIX })
    this.#events.on('failed', ({ jobId, failedReason }) => this.#lost(jobId, failedReason))
    // BullMQ reports connection trouble on these too; the connections' own notice says it once (unheard, Node prints each).
    this.#queue.on('error', () => {})
    this.#events.on('error', () => {})
    this.#reading = readStream<DriverMessage>(parts.reader, parts.keys.inbox, (m) => this.#receive(m), this.#stop.signal)
    this.#heartbeat = setInterval(() => void this.#renew(), Math.max(100, parts.aliveMs / 4))
  }

  /** Ready when the queue's event listener is: a job that fails before it listens would go unheard. */
  async ready(): Promise<void> {
    await Promise.all([this.#events.waitUntilReady(), this.#queue.waitUntilReady(), this.#renew()])
    await this.#p.redis.sadd(REGISTRY, this.#p.id)
  }

  start(run: TrialRun, listener: TrialListener): TrialHandle {
    const key = this.#count++
    const remote = new RemoteRun(
      key,
      run.trialId,
      listener,
      (worker, message) => this.#tell(worker, message),
      (run) => this.#withdraw(run),
    )
    this.#runs.set(key, remote)
    void remote.done.then(() => this.#runs.delete(key))
    const job: RunJob = { run: key, trialId: run.trialId, config: run.config, seed: run.seed, announce: listener.started !== undefined }
    const stored =
      run.restore === undefined ? undefined : this.#p.redis.set(this.#p.keys.checkpoint(key), encode({ reports: 0, state: run.restore }))
    void Promise.resolve(stored)
      .then(() => this.#queue.add('trial', job, { jobId: `run-${key}`, removeOnComplete: true, removeOnFail: true }))
      .catch((error: Error) =>
        remote.finish({
          kind: 'errored',
          error: { name: error.name, message: `the trial could not be queued: ${error.message}`, stack: error.stack },
        }),
      )
    return remote
  }

  /** Ends the experiment on Redis: workers leave it, and its queue and keys are removed. */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat)
    this.#stop.abort()
    const { redis, reader, keys, id, logger } = this.#p
    reader.disconnect()
    const tidy = await tidyWithin(async () => {
      await redis.srem(REGISTRY, id)
      await redis.del(keys.alive)
      await this.#reading
      await this.#events.close()
      await this.#queue.obliterate({ force: true }).catch(() => {})
      await this.#queue.close()
      await deleteMatching(redis, keys.pattern)
      await redis.quit()
    })
    if (tidy) return
    // Redis is away: end anyway, so fit() returns; the keys go when a worker sees the liveness key lapse.
    logger.warn(
      `Redis did not answer within ${CLOSE_DEADLINE_MS / 1000} s at the end: the experiment's keys stay until a worker clears them`,
    )
    redis.disconnect()
    void this.#events.disconnect().catch(() => {})
    void this.#queue.disconnect().catch(() => {})
  }

  #receive(message: DriverMessage): void {
    const { logger } = this.#p
    switch (message.type) {
      case 'joined':
        logger.info(`worker ${message.worker} joined the experiment with ${message.slots} thread${message.slots === 1 ? '' : 's'}`)
        return
      case 'refused':
        logger.error(`worker ${message.worker} refused the experiment: ${message.reason}`)
        return
      case 'output':
        this.#p.onOutput(message.output)
        return
    }
    const run = this.#runs.get(message.run)
    if (run === undefined) {
      // A run that ended (a stale attempt of it): its report still waits for an answer, so tell it to end.
      if (message.type === 'report')
        this.#tell(message.worker, { type: 'decision', run: message.run, attempt: message.attempt, decision: 'stop' })
      return
    }
    switch (message.type) {
      case 'begin': {
        const lost = run.begin(message.attempt, message.worker, message.from)
        if (lost !== undefined) {
          logger.warn(`trial ${run.trialId}: its worker ${lost} was lost; it restarts on ${message.worker} after report ${message.from}`)
        }
        return
      }
      case 'started':
        run.started(message.attempt)
        return
      case 'report':
        run.report(message.attempt, message.worker, message.metrics)
        return
      case 'checkpoint':
        run.checkpoint(message.attempt, message.after, message.state)
        return
      case 'end':
        if (run.end(message.attempt, message.outcome)) void this.#p.redis.del(this.#p.keys.checkpoint(run.run))
        return
    }
  }

  #tell(worker: string, message: WorkerMessage): void {
    void send(this.#p.redis, this.#p.keys.worker(worker), message).catch(() => {})
  }

  /** Removes a run's job if it is still waiting: BullMQ refuses to remove a job a worker holds (locked). */
  async #withdraw(run: number): Promise<boolean> {
    try {
      return (await this.#queue.remove(`run-${run}`)) === 1
    } catch {
      return false
    }
  }

  /** BullMQ gave up on a job: its run ends as errored, with BullMQ's reason. */
  #lost(jobId: string, reason: string): void {
    const run = this.#runs.get(Number(jobId.replace(/^run-/, '')))
    run?.finish({
      kind: 'errored',
      error: { name: 'WorkerError', message: `the trial's worker was lost and BullMQ gave up on its job: ${reason}`, stack: undefined },
    })
  }

  async #renew(): Promise<void> {
    await this.#p.redis.set(this.#p.keys.alive, String(process.pid), 'PX', this.#p.aliveMs).catch(() => {})
  }
}

/** Deletes every key matching `pattern` (SCAN, never KEYS, so a big Redis is not blocked). */
export async function deleteMatching(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000)
    cursor = next
    if (found.length > 0) await redis.del(...found)
  } while (cursor !== '0')
}
