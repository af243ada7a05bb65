import { randomBytes } from 'node:crypto'
import { type Job, Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Decision } from '../../types.ts'
import type { TrialHandle } from '../executor.ts'
import { LocalPool } from '../pool.ts'
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
  readonly maxHeapMb: number | undefined
  readonly connection: { readonly url: string; readonly maxRetriesPerRequest: null }
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
  /** The pending report of each run here, by run: what resolves it. */
  readonly #waiting = new Map<number, { attempt: string; resolve: (decision: Decision) => void }>()
  readonly #handles = new Map<number, TrialHandle>()
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
    this.#pool = new LocalPool({
      trainable: manifest.trainable,
      concurrency: s.concurrency,
      data,
      maxHeapMb: s.maxHeapMb,
      onOutput: (output) => void send(redis, keys.inbox, { type: 'output', output }).catch(() => {}),
    })
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
    if (message.type === 'kill') {
      this.#handles.get(message.run)?.kill()
      return
    }
    const waiting = this.#waiting.get(message.run)
    if (message.attempt === undefined || waiting?.attempt === message.attempt) {
      if (waiting !== undefined) {
        this.#waiting.delete(message.run)
        waiting.resolve(message.decision)
      }
      if (message.decision !== 'continue') this.#handles.get(message.run)?.stop(message.decision)
    }
  }

  /** Leaves the experiment: running trials end with their threads (the driver restarts them elsewhere if it still runs). */
  async close(): Promise<void> {
    this.#leaving = true
    for (const handle of this.#handles.values()) handle.kill()
    await this.#bull.close(true)
    await this.#pool.close()
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
    const handle = this.#pool.start(
      { trialId, config, seed, restore: from?.state },
      {
        report: (metrics) => {
          reports++
          const answer = new Promise<Decision>((resolve) => this.#waiting.set(run, { attempt, resolve }))
          void send(redis, keys.inbox, { type: 'report', run, attempt, worker, metrics })
          return answer
        },
        checkpoint: (state) => {
          // By the convention of ctx.checkpoint the state includes the work of the report that follows it: a restart goes on after that one.
          const saved: StoredCheckpoint = { reports: reports + 1, state }
          // Kept for a restart elsewhere, and told to the driver, in one step: a restart never starts from a checkpoint the driver has not seen.
          void redis
            .multi()
            .set(keys.checkpoint(run), encode(saved))
            .xadd(keys.inbox, '*', 'm', encode({ type: 'checkpoint', run, attempt, after: reports, state }))
            .exec()
        },
        started: announce ? () => void send(redis, keys.inbox, { type: 'started', run, attempt }) : undefined,
      },
    )
    this.#handles.set(run, handle)
    const outcome = await handle.done
    this.#handles.delete(run)
    this.#waiting.delete(run)
    // Neither completed nor failed: BullMQ finds the job stalled once its lock lapses and hands it to another worker.
    if (this.#leaving) return new Promise<void>(() => {})
    await send(redis, keys.inbox, { type: 'end', run, attempt, outcome })
  }
}
