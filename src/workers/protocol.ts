// Kept in the published .d.ts: its types use Node's, which newer TypeScript loads only when asked.
/// <reference types="node" preserve="true" />
import type { MessagePort } from 'node:worker_threads'
import type { Config, Decision, Metrics, TrialOutput } from '../types.ts'

/** What the driver sends to start one trial; everything here is cloned per trial, so it stays small. */
export interface TrialTask {
  readonly trialId: number
  readonly config: Config
  readonly seed: number
  /** The checkpoint to resume from (its own, or another trial's under PBT); undefined on a first run. */
  readonly restore: unknown
  /** Reports travel over this port; the driver answers each with a {@link DecisionMessage}. */
  readonly port: MessagePort
  /** Numbers this run of the trial among the pool's runs: its output is tagged with it (see {@link OutputMessage}). */
  readonly run: number
}

/** What a worker returns for one task: how the trial ended, and how many output batches it sent while it ran. */
export interface TaskResult {
  readonly outcome: TrialOutcome
  /** The driver waits for this many {@link OutputMessage}s of the run before it treats the trial as ended. */
  readonly outputBatches: number
}

/**
 * Worker -> driver, on the worker's `parentPort` (piscina emits it as the pool's
 * `'message'`): what the thread wrote to stdout and stderr since the last batch.
 * It travels apart from the task's result, so it can arrive after it: see
 * {@link TaskResult.outputBatches}.
 */
export interface OutputMessage {
  readonly type: 'hyperpool:output'
  /** The run that was (or, when `late`, had last been) on the thread; undefined before the first. */
  readonly run: number | undefined
  readonly trialId: number | undefined
  /** Written after that run had ended; not counted in its `outputBatches`. */
  readonly late: boolean
  /** Stream and text in the order written; consecutive writes to one stream are joined. */
  readonly chunks: readonly (readonly [stream: TrialOutput['stream'], text: string])[]
}

export function isOutputMessage(message: unknown): message is OutputMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'hyperpool:output'
}

/** Worker -> driver. */
export interface ReportMessage {
  readonly type: 'report'
  readonly metrics: Metrics
}

/** Worker -> driver: state to resume from; not answered. */
export interface CheckpointMessage {
  readonly type: 'checkpoint'
  readonly state: unknown
}

/** Worker -> driver: the trainable is loaded and about to run; not answered. */
export interface StartedMessage {
  readonly type: 'started'
}

/** Driver -> worker: the answer to a report, or an unprompted stop (abort, time budget). */
export interface DecisionMessage {
  readonly type: 'decision'
  readonly decision: Decision
}

/** A plain, cloneable form of an error thrown inside a worker. */
export interface SerializedError {
  readonly name: string
  readonly message: string
  readonly stack: string | undefined
}

/** How a trial's task ended, as the worker returns it. */
export type TrialOutcome =
  | { readonly kind: 'completed'; readonly final: Metrics | undefined }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'paused' }
  | { readonly kind: 'errored'; readonly error: SerializedError }
  /** The trainable module could not be imported, or has no default-export function: no trial can run. */
  | { readonly kind: 'unloadable'; readonly error: SerializedError }

/** Set once per worker (piscina `workerData`): the trainable and the shared data. */
export interface WorkerSetup {
  /** URL of the worker module (`worker.ts` from sources, `worker.js` when built). */
  readonly entry: string
  /** URL of the trainable module. */
  readonly trainable: string
  /** URL of tsx's registration API, if installed, for TypeScript modules. */
  readonly tsLoader: string | undefined
  readonly data: unknown
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack }
  return { name: 'Error', message: `non-Error thrown: ${String(error)}`, stack: undefined }
}
