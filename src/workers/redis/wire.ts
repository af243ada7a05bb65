import { deserialize, serialize } from 'node:v8'
import type { Redis } from 'ioredis'
import type { Decision, Metrics, TrialOutput } from '../../types.ts'
import type { TrialOutcome } from '../protocol.ts'

/*
 * What travels over plain Redis beside BullMQ's jobs. Each experiment has a
 * driver inbox and one inbox per worker process, both Redis streams, read
 * with blocking XREAD: a report goes to the driver's inbox, its decision
 * comes back on the worker's. Streams, not pub/sub, so a message written
 * while its reader reconnects waits for it. Messages are v8-serialized, so
 * checkpoints keep their typed arrays.
 */

/** The set of live experiments that workers watch. */
export const REGISTRY = 'hyperpool:experiments'

/** BullMQ's key prefix: an experiment's queue keys are `hyperpool:<id>:...`, beside its own. */
export const QUEUE_PREFIX = 'hyperpool'

/**
 * The keys of experiment `id`; all start with `hyperpool:<id>:`, so the end of the experiment removes them by that pattern.
 *
 * @example
 * ```ts
 * const keys = experimentKeys('exp1-3f2a'); keys.inbox // 'hyperpool:exp1-3f2a:driver'
 * ```
 */
export function experimentKeys(id: string) {
  const base = `${QUEUE_PREFIX}:${id}:x`
  return {
    pattern: `${QUEUE_PREFIX}:${id}:*`,
    /** JSON {@link ExperimentManifest}. */
    manifest: `${base}:manifest`,
    /** Set with a short expiry and renewed while the driver lives: workers leave an experiment whose key expired. */
    alive: `${base}:alive`,
    /** The driver's inbox stream. */
    inbox: `${base}:driver`,
    /** A worker process's inbox stream. */
    worker: (worker: string) => `${base}:worker:${worker}`,
    /** Chunk `i` of the published data. */
    data: (i: number) => `${base}:data:${i}`,
    /** The checkpoint a lost run restarts from: a v8-serialized {@link StoredCheckpoint}. */
    checkpoint: (run: number) => `${base}:ckpt:${run}`,
  }
}

/** What a worker reads to join an experiment. */
export interface ExperimentManifest {
  readonly name: string
  /** The trainable's file URL; the worker loads its own copy from the same path. */
  readonly trainable: string
  /** sha256 of the trainable file: a worker whose copy differs refuses the experiment. */
  readonly trainableHash: string
  /** Chunks of published data (0 when none, or when `dataModule` is set). */
  readonly dataChunks: number
  /** A module each worker imports once for its data, instead of published data. */
  readonly dataModule: string | undefined
  /** The Tuner's heap cap per thread, MB: a worker without its own `maxHeapMb` applies it. */
  readonly maxHeapMb: number | undefined
  /** How long the driver's liveness key lasts unrenewed, ms: a worker declares the driver gone after seeing it missing this long. */
  readonly aliveMs: number
  /** The expiry the driver keeps refreshing on the experiment's keys, ms: what a worker's checkpoints are written with. */
  readonly keyTtlMs: number
}

/**
 * A run's latest checkpoint: `state`, and the reports it covers. By the convention of `ctx.checkpoint`
 * a state is saved before the report it goes with, so one saved after r reports covers r + 1: a run
 * restarted from it goes on with report r + 2. The Tuner's own starting state (a resumed trial) covers 0.
 */
export interface StoredCheckpoint {
  readonly reports: number
  readonly state: unknown
}

/** What a BullMQ job of an experiment carries: one run of a trial. */
export interface RunJob {
  readonly run: number
  readonly trialId: number
  readonly config: Record<string, unknown>
  readonly seed: number
  readonly announce: boolean
}

/** Worker -> driver. `attempt` names one pickup of a run's job: a run lost with its worker is picked up again under a new one. */
export type DriverMessage =
  | { readonly type: 'joined'; readonly worker: string; readonly slots: number }
  | { readonly type: 'refused'; readonly worker: string; readonly reason: string }
  | { readonly type: 'begin'; readonly run: number; readonly attempt: string; readonly worker: string; readonly from: number }
  | { readonly type: 'started'; readonly run: number; readonly attempt: string }
  | {
      readonly type: 'report'
      readonly run: number
      readonly attempt: string
      readonly worker: string
      /** The report's number in the run (1 for its first): a message sent twice (resent after a reconnect) is seen as such. */
      readonly index: number
      readonly metrics: Metrics
    }
  | { readonly type: 'checkpoint'; readonly run: number; readonly attempt: string; readonly after: number; readonly state: unknown }
  | { readonly type: 'output'; readonly output: TrialOutput }
  | { readonly type: 'end'; readonly run: number; readonly attempt: string; readonly outcome: TrialOutcome }

/** Driver -> worker: a report's answer, an unprompted stop or pause, or a kill. */
export type WorkerMessage =
  | {
      readonly type: 'decision'
      readonly run: number
      /** The attempt, with the number of the report answered; both undefined for an unprompted stop or pause. */
      readonly attempt: string | undefined
      readonly index?: number
      readonly decision: Decision
    }
  | { readonly type: 'kill'; readonly run: number }

export function encode(message: unknown): Buffer {
  return serialize(message)
}

export function decode<T>(buffer: Buffer): T {
  return deserialize(buffer) as T
}

/** Appends `message` to the stream `key`. */
export function send(redis: Redis, key: string, message: DriverMessage | WorkerMessage): Promise<unknown> {
  return redis.xaddBuffer(key, '*', 'm', encode(message))
}

/**
 * Reads the stream `key` from its start until `signal` aborts, handing each
 * message to `receive` in order, and trims what was read. `redis` must be a
 * connection of its own: XREAD blocks it. A failed read (Redis restarting) is
 * retried after `retryMs`.
 */
export async function readStream<T>(
  redis: Redis,
  key: string,
  receive: (message: T) => void,
  signal: AbortSignal,
  retryMs = 200,
): Promise<void> {
  let last = '0'
  while (!signal.aborted) {
    let batch: [Buffer, [Buffer, Buffer[]][]][] | null
    try {
      batch = (await redis.xreadBuffer('COUNT', 1000, 'BLOCK', 1000, 'STREAMS', key, last)) as typeof batch
    } catch {
      if (signal.aborted) return
      await new Promise((resolve) => setTimeout(resolve, retryMs))
      continue
    }
    if (signal.aborted) return
    for (const [, entries] of batch ?? []) {
      for (const [id, fields] of entries) {
        last = id.toString()
        const value = fields[1]
        if (value !== undefined) receive(decode<T>(value))
      }
    }
    if (batch !== null) void redis.xtrim(key, 'MINID', last).catch(() => {})
  }
}
