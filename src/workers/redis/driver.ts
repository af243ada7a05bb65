import type { Queue, QueueEvents } from 'bullmq'
import type { Redis } from 'ioredis'
import { serializeError, WorkerError } from '../../errors.ts'
import { countOf } from '../../format.ts'
import type { Logger } from '../../logger.ts'
import type { TrialOutput } from '../../types.ts'
import type { Executor, TrialHandle, TrialListener, TrialRun } from '../executor.ts'
import { type BullConnection, CLOSE_DEADLINE_MS, closeEvents, redact, tidyWithin } from './connection.ts'
import { deleteMatching, expireMatching } from './keys.ts'
import { bullmq } from './lazy.ts'
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
  readonly connection: BullConnection
  readonly logger: Logger
  readonly onOutput: (output: TrialOutput) => void
  /** How long the driver's liveness key lasts unrenewed, ms: workers leave an experiment whose driver is gone that long. */
  readonly aliveMs: number
  /** The expiry the driver keeps refreshing on the experiment's keys, ms: a killed driver's keys go away on their own. */
  readonly keyTtlMs: number
  /** Writes the manifest and the data (again, when Redis lost them). */
  readonly publish: () => Promise<void>
  /** How long the driver waits for a first worker to take a trial before it says how to start one, ms. */
  readonly noWorkerWarnMs: number
}

/**
 * The Redis executor of one experiment, driver side: each run is a BullMQ
 * job on the experiment's queue; what the run says comes back on the driver's
 * inbox stream and is routed to its {@link RemoteRun}. A job BullMQ gives up
 * on (lost with its worker more often than the workers' `maxStalledCount`)
 * ends its run as errored. While it lives, the driver renews its liveness
 * key, keeps the experiment's keys from expiring, and publishes the
 * experiment again (running trials queued again from their last
 * checkpoints) if Redis lost it: the journal, in the driver, stays the
 * source of truth.
 *
 * @example
 * ```ts
 * const executor = await new RedisExecutor({ connection: url }).open(setup)
 * ```
 */
export class RedisDriver implements Executor {
  readonly slots: number
  readonly queues = true
  readonly #p: DriverParts
  readonly #queue: Queue
  readonly #events: QueueEvents
  readonly #runs = new Map<number, RemoteRun>()
  readonly #stop = new AbortController()
  readonly #reading: Promise<void>
  readonly #timers: NodeJS.Timeout[] = []
  /** The heartbeat under way, if any: one at a time (with Redis away, they would pile up and all run at its return). */
  #beat: Promise<void> | undefined
  #expiring: Promise<void> | undefined
  /** A worker took a trial: the warning of a driver without workers is moot. */
  #served = false
  #count = 0

  constructor(parts: DriverParts) {
    this.#p = parts
    this.slots = parts.slots
    const { Queue, QueueEvents } = bullmq()
    this.#queue = new Queue(parts.id, { connection: parts.connection, prefix: QUEUE_PREFIX })
    this.#events = new QueueEvents(parts.id, { connection: parts.connection, prefix: QUEUE_PREFIX })
    this.#events.on('failed', ({ jobId, failedReason }) => this.#lost(jobId, failedReason))
    // BullMQ reports connection trouble on these too; the connections' own notice says it once (unheard, Node prints each).
    this.#queue.on('error', () => {})
    this.#events.on('error', () => {})
    this.#reading = readStream<DriverMessage>(parts.reader, parts.keys.inbox, (m) => this.#receive(m), this.#stop.signal)
    // Back from an outage: renew at once (the liveness key may have lapsed meanwhile), and see whether Redis kept the experiment.
    parts.redis.on('ready', () => void this.#heartbeat())
  }

  /** Ready when the queue's event listener is: a job that fails before it listens would go unheard. */
  async ready(): Promise<void> {
    const { redis, id, aliveMs, keyTtlMs } = this.#p
    await Promise.all([this.#events.waitUntilReady(), this.#queue.waitUntilReady(), this.#heartbeat()])
    await redis.sadd(REGISTRY, id)
    // The queue's own keys get their expiry now, not a third of keyTtlMs later: a driver killed before that left them for good.
    this.#refreshExpiry()
    this.#timers.push(
      setInterval(() => void this.#heartbeat(), Math.max(100, aliveMs / 4)),
      setInterval(() => void this.#refreshExpiry(), keyTtlMs / 3),
    )
  }

  start(run: TrialRun, listener: TrialListener): TrialHandle {
    // Timed from the first trial queued, not from ready(): a warning checked before any trial waited never came.
    if (this.#count === 0) this.#timers.push(setTimeout(() => this.#warnNoWorker(), this.#p.noWorkerWarnMs))
    const key = this.#count++
    const job: RunJob = { run: key, trialId: run.trialId, config: run.config, seed: run.seed, announce: listener.started !== undefined }
    const remote = new RemoteRun(
      job,
      run.restore === undefined ? undefined : { reports: 0, state: run.restore },
      listener,
      (worker, message) => this.#tell(worker, message, remote),
      (run) => this.#withdraw(run),
    )
    this.#runs.set(key, remote)
    void remote.done.then(() => this.#runs.delete(key))
    void this.#enqueue(remote).catch((error: unknown) => remote.finish({ kind: 'errored', error: serializeError(this.#unqueued(error)) }))
    return remote
  }

  /** Ends the experiment on Redis: workers leave it, and its queue and keys are removed. */
  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer)
    this.#stop.abort()
    const { redis, reader, keys, id, logger } = this.#p
    reader.disconnect()
    const tidy = await tidyWithin(async () => {
      // A heartbeat under way may publish the experiment again: let it end first.
      await this.#beat
      await this.#expiring
      await redis.srem(REGISTRY, id)
      await redis.del(keys.alive)
      await this.#reading
      await closeEvents(this.#events)
      await this.#queue.obliterate({ force: true }).catch(() => {})
      await this.#queue.close()
      await deleteMatching(redis, keys.pattern)
      await redis.quit()
    })
    if (tidy) return
    // Redis is away: end anyway, so fit() returns; the keys go when a worker sees the liveness key lapse, or expire.
    logger.warn(
      `Redis did not answer within ${CLOSE_DEADLINE_MS / 1000} s at the end: the experiment's keys stay until a worker clears them, or for ${this.#p.keyTtlMs / 1000} s`,
    )
    redis.disconnect()
    void this.#events.disconnect().catch(() => {})
    void this.#queue.disconnect().catch(() => {})
  }

  /** Puts the run's job on the queue, with the checkpoint it starts from. */
  async #enqueue(remote: RemoteRun): Promise<void> {
    const { redis, keys, keyTtlMs } = this.#p
    if (remote.latest !== undefined) await redis.set(keys.checkpoint(remote.run), encode(remote.latest), 'PX', keyTtlMs)
    await this.#queue.add('trial', remote.job, { jobId: `run-${remote.run}`, removeOnComplete: true, removeOnFail: true })
    // The first job's keys expire from the start too (the refresh after ready() may have run before them).
    if (remote.run === 0) this.#refreshExpiry()
  }

  /**
   * Why a trial could not be queued, with what Redis or BullMQ said as its cause: the trial's error keeps the
   * whole chain (a reply error's own cause included), where a message alone said what, not why.
   */
  #unqueued(error: unknown): WorkerError {
    const { connection, id } = this.#p
    const said = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    return new WorkerError(`the trial could not be queued on ${QUEUE_PREFIX}:${id} at ${redact(connection.url)}: ${said}`, {
      field: 'executor',
      cause: error,
    })
  }

  #receive(message: DriverMessage): void {
    const { logger } = this.#p
    switch (message.type) {
      case 'joined':
        logger.info(`worker ${message.worker} joined the experiment with ${countOf(message.slots, 'thread')}`)
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
        this.#tell(message.worker, { type: 'decision', run: message.run, attempt: message.attempt, index: message.index, decision: 'stop' })
      return
    }
    switch (message.type) {
      case 'begin': {
        this.#served = true
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
        run.report(message.attempt, message.worker, message.index, message.metrics)
        return
      case 'checkpoint':
        run.checkpoint(message.attempt, message.after, message.state)
        return
      case 'end':
        if (run.end(message.attempt, message.outcome)) void this.#p.redis.del(this.#p.keys.checkpoint(run.run))
        return
    }
  }

  /** Sends `message` to `worker`; if Redis refuses it, `run` (waiting for it there) ends as errored rather than never. */
  #tell(worker: string, message: WorkerMessage, run?: RemoteRun): void {
    void send(this.#p.redis, this.#p.keys.worker(worker), message).catch((error: Error) => {
      // Commands wait through reconnects, so only a refusal lands here (Redis out of memory, a read-only replica, no permission).
      run?.finish({
        kind: 'errored',
        error: {
          name: 'WorkerError',
          message: `the driver could not send its ${message.type} to worker ${worker}: ${error.message}`,
          stack: undefined,
        },
      })
    })
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

  #heartbeat(): Promise<void> {
    if (this.#stop.signal.aborted) return Promise.resolve()
    this.#beat ??= this.#renew().finally(() => {
      this.#beat = undefined
    })
    return this.#beat
  }

  /** Renews the liveness key; a manifest gone means Redis lost the experiment (restarted without its data): publish it again. */
  async #renew(): Promise<void> {
    const { redis, keys, aliveMs } = this.#p
    try {
      const [, [, present] = []] =
        (await redis.multi().set(keys.alive, String(process.pid), 'PX', aliveMs).exists(keys.manifest).exec()) ?? []
      if (present === 0 && !this.#stop.signal.aborted) await this.#republish()
    } catch {
      // Redis away: the next heartbeat tries again.
    }
  }

  /** Redis lost the experiment's keys: publishes it again and queues its running trials again from their last checkpoints. */
  async #republish(): Promise<void> {
    const { redis, id, logger, publish } = this.#p
    const runs = [...this.#runs.values()].filter((run) => !run.ended)
    logger.warn(
      `Redis lost experiment ${id} (restarted without its data?): publishing it again and queueing its ${countOf(runs.length, 'unfinished trial')} again, each from its last checkpoint; the journal keeps every report`,
    )
    // Listed first: a worker that saw the registry empty checks it before removing the experiment's keys, and must find it.
    await redis.sadd(REGISTRY, id)
    await publish()
    await Promise.all(runs.map((run) => this.#enqueue(run)))
  }

  #refreshExpiry(): void {
    const { redis, keys, keyTtlMs } = this.#p
    this.#expiring ??= expireMatching(redis, keys.pattern, keyTtlMs, keys.alive)
      .catch(() => {})
      .finally(() => {
        this.#expiring = undefined
      })
  }

  #warnNoWorker(): void {
    if (this.#served || this.#runs.size === 0) return
    const { logger, connection, noWorkerWarnMs, id } = this.#p
    logger.warn(
      `no worker has taken a trial in ${noWorkerWarnMs / 1000} s (queue ${QUEUE_PREFIX}:${id} on ${redact(connection.url)}): start one on any machine that reaches Redis, in a checkout of the same code, with \`npx hyperpool worker --redis ${redact(connection.url)}\``,
    )
  }
}
