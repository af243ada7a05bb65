import { randomBytes } from 'node:crypto'
import type { Job, Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Decision } from '../../types.ts'
import type { TrialHandle } from '../executor.ts'
import { LocalPool } from '../pool.ts'
import type { BullConnection } from './connection.ts'
import { bullmq } from './lazy.ts'
import {
  decode,
  type ExperimentManifest,
  encode,
  type experimentKeys,
  QUEUE_PREFIX,
  type RunJob,
  type StoredCheckpoint,
  send,
  type WorkerMessage,
} from './wire.ts'

/** How a worker process takes part in experiments: set once per process. */
export interface MemberSettings {
  /** This process's name on the driver's log: `host:pid`. */
  readonly worker: string
  readonly concurrency: number
  /** This process's own cap; without one, the Tuner's from the manifest applies. */
  readonly maxHeapMb: number | undefined
  readonly connection: BullConnection
  /** BullMQ's lock on a running job, ms: a job whose worker stopped renewing it for this long is stalled. */
  readonly lockMs: number
  /** How often BullMQ looks for stalled jobs, ms. */
  readonly stalledCheckMs: number
  /** How many times a job may be lost with its worker before BullMQ fails it. */
  readonly maxStalledCount: number
}

/**
 * One experiment on one worker process: a local pool of threads (the same
 * `LocalPool` the Tuner runs on one machine) fed by a BullMQ worker on the
 * experiment's queue. A job's run tells the driver each report and waits for
 * its decision on this process's inbox stream; its checkpoints are also kept
 * in Redis, where any worker restarting the run after this one is lost finds
 * the latest.
 *
 * @example
 * ```ts
 * const member = new ExperimentMember(id, keys, manifest, data, settings, redis)
 * await member.close()
 * ```
 */
export class ExperimentMember {
  readonly #keys: ReturnType<typeof experimentKeys>
  readonly #s: MemberSettings
  readonly #redis: Redis
  readonly #pool: LocalPool
  readonly #bull: Worker<RunJob>
  readonly #keyTtlMs: number
  /**
   * The runs here, by attempt. One run may be here twice: its lock lapsed (Redis away longer than
   * `lockMs`) and BullMQ handed its job out again while the first attempt still ran; each attempt is
   * answered apart, and the driver tells the stale one to stop.
   */
  readonly #attempts = new Map<string, Attempt>()
  /** Leaving: the runs killed on the way out are not ended on the driver; their jobs stall and run again elsewhere. */
  #leaving = false

  constructor(
    id: string,
    keys: ReturnType<typeof experimentKeys>,
    manifest: ExperimentManifest,
    data: unknown,
    s: MemberSettings,
    redis: Redis,
  ) {
    this.#keys = keys
    this.#s = s
    this.#redis = redis
    this.#keyTtlMs = manifest.keyTtlMs
    this.#pool = new LocalPool({
      trainable: manifest.trainable,
      concurrency: s.concurrency,
      data,
      maxHeapMb: s.maxHeapMb ?? manifest.maxHeapMb,
      onOutput: (output) => void send(redis, keys.inbox, { type: 'output', output }).catch(() => {}),
    })
    const { Worker } = bullmq()
    this.#bull = new Worker<RunJob>(id, (job) => this.#process(job), {
      connection: s.connection,
      prefix: QUEUE_PREFIX,
      concurrency: s.concurrency,
      lockDuration: s.lockMs,
      stalledInterval: s.stalledCheckMs,
      maxStalledCount: s.maxStalledCount,
      name: s.worker,
    })
    // BullMQ reports connection trouble here too; the connection's own notice says it once.
    this.#bull.on('error', () => {})
  }

  /** A message on this process's inbox for this experiment. */
  receive(message: WorkerMessage): void {
    const attempts =
      message.type === 'decision' && message.attempt !== undefined
        ? [this.#attempts.get(message.attempt)]
        : [...this.#attempts.values()].filter((attempt) => attempt.run === message.run)
    for (const attempt of attempts) {
      if (attempt === undefined) continue
      if (message.type === 'kill') {
        attempt.handle?.kill()
        continue
      }
      const waiting = attempt.waiting
      // The answer to the report waiting, or an unprompted stop or pause (no index): a decision sent twice resolves nothing more.
      if (waiting !== undefined && (message.index === undefined || message.index === waiting.index)) {
        attempt.waiting = undefined
        waiting.resolve(message.decision)
      }
      if (message.decision !== 'continue') attempt.handle?.stop(message.decision)
    }
  }

  /** Leaves the experiment: running trials end with their threads (the driver restarts them elsewhere if it still runs). */
  async close(): Promise<void> {
    this.#leaving = true
    // Killed runs' threads are being replaced: the fresh ones hold nothing to finish, so no last turn for anyone.
    const killed = this.#attempts.size > 0
    for (const attempt of this.#attempts.values()) attempt.handle?.kill()
    await this.#bull.close(true)
    await this.#pool.close({ drain: !killed })
  }

  async #process(job: Job<RunJob>): Promise<void> {
    const { run, trialId, config, seed, announce } = job.data
    const attempt = randomBytes(6).toString('hex')
    const keys = this.#keys
    const redis = this.#redis
    const stored = await redis.getBuffer(keys.checkpoint(run))
    const from = stored === null ? undefined : decode<StoredCheckpoint>(stored)
    let reports = from?.reports ?? 0
    const worker = this.#s.worker
    await send(redis, keys.inbox, { type: 'begin', run, attempt, worker, from: reports })
    const here: Attempt = { run, handle: undefined, waiting: undefined, failure: undefined, pending: undefined }
    this.#attempts.set(attempt, here)
    here.handle = this.#pool.start(
      { trialId, config, seed, restore: from?.state },
      {
        report: (metrics) => {
          const index = ++reports
          const answer = new Promise<Decision>((resolve) => {
            here.waiting = { index, resolve }
          })
          void send(redis, keys.inbox, { type: 'report', run, attempt, worker, index, metrics }).catch((error: Error) => {
            // Refused by Redis (commands wait through reconnects): no answer will come, so the trial ends, saying why.
            here.failure ??= `its report ${index} could not reach the driver: ${error.message}`
            here.handle?.kill()
          })
          const pending = here.pending
          if (pending?.reports !== index) return answer
          // The checkpoint stands for this report: kept for a restart elsewhere only once the driver has the report (its
          // answer came), so a restart from it never skips a report the driver did not get.
          here.pending = undefined
          return answer.then(async (decision) => {
            await redis.set(keys.checkpoint(run), encode(pending), 'PX', this.#keyTtlMs).catch(() => {})
            return decision
          })
        },
        checkpoint: (state) => {
          // By the convention of ctx.checkpoint the state includes the work of the report that follows it: a restart goes on after that one.
          here.pending = { reports: reports + 1, state }
          void send(redis, keys.inbox, { type: 'checkpoint', run, attempt, after: reports, state }).catch(() => {})
        },
        started: announce ? () => void send(redis, keys.inbox, { type: 'started', run, attempt }) : undefined,
      },
    )
    const ended = await here.handle.done
    this.#attempts.delete(attempt)
    const outcome: typeof ended =
      here.failure === undefined ? ended : { kind: 'errored', error: { name: 'WorkerError', message: here.failure, stack: undefined } }
    // Neither completed nor failed: BullMQ finds the job stalled once its lock lapses and hands it to another worker.
    if (this.#leaving) return new Promise<void>(() => {})
    await send(redis, keys.inbox, { type: 'end', run, attempt, outcome })
  }
}

/** One attempt of a run on this process: its trial, and the report it waits to have answered. */
interface Attempt {
  readonly run: number
  handle: TrialHandle | undefined
  waiting: { readonly index: number; readonly resolve: (decision: Decision) => void } | undefined
  /** Why the attempt was ended here (a message Redis refused), if it was. */
  failure: string | undefined
  /** The checkpoint made before the report not yet made or answered: stored for a restart elsewhere once it is answered. */
  pending: StoredCheckpoint | undefined
}
