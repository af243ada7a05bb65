// Kept in the published .d.ts: its types use Node's, which newer TypeScript loads only when asked.
/// <reference types="node" preserve="true" />
import type { MessagePort } from 'node:worker_threads'
import type { SerializedError } from '../errors.ts'
import type { Config, Decision, Metrics, TrialOutput } from '../types.ts'

/*
 * Two channels join the driver and a worker thread. piscina's own carries
 * each task and its result. The thread's link, one MessageChannel the worker
 * makes when it starts and hands over once ({@link LinkHello}), carries
 * everything in between, for every run on that thread: the run's number
 * travels in each message, so no port is made or transferred per trial.
 */

/** What the driver sends to start one trial; everything here is cloned per trial, so it stays small. */
export interface TrialTask {
  readonly trialId: number
  readonly config: Config
  readonly seed: number
  /** The checkpoint to resume from (its own, or another trial's under PBT); undefined on a first run. */
  readonly restore: unknown
  /** Numbers this run of the trial among the pool's runs: every message about it on the link carries it. */
  readonly run: number
  /** Send a {@link StartedMessage} when the trainable starts: only when the driver listens for it (a time limit counts from it). */
  readonly announce: boolean
  /** Reports travel one way, unless one of these metrics is NaN (see `TrialRun.oneWay`); undefined: every report waits for its answer. */
  readonly oneWay: readonly string[] | undefined
}

/** A one-way report that travels in its run's result: its metrics and when it was made (see {@link ReportMessage.at}). */
export interface OneWayReport {
  readonly metrics: Metrics
  readonly at: number
  /** See {@link ReportMessage.began}. */
  readonly began?: number
}

/** What a worker returns for one task: how the trial ended, and how many messages the run sent on the link. */
export interface TaskResult {
  readonly outcome: TrialOutcome
  /**
   * The link and piscina's channel are not ordered with each other, so the result can arrive before
   * the run's last messages: the driver waits until this many of them arrived before the trial ends.
   */
  readonly messages: number
  /** One-way reports the run made after its last message on the link: the driver takes them, in order, before the end. */
  readonly reports?: readonly OneWayReport[] | undefined
  /** When the trainable was called (see {@link ReportMessage.began}), for a thread's first run that made no report to say it. */
  readonly began?: number | undefined
  /**
   * The trainable left work running on the thread after it returned (a timer, an unawaited write): the
   * thread's event loop stands still between tasks, so the pool gives that work a last turn when it closes
   * (see {@link DrainTask}).
   */
  readonly lingering?: true | undefined
}

/**
 * Driver -> worker through piscina, one per thread as the pool closes, when a run left work behind (see
 * {@link TaskResult.lingering}): the thread lets its event loop run until that work is done, or for at
 * most `ms`. `arrived` counts the threads holding one, each holding its thread until all have arrived,
 * so no thread takes two and leaves another undrained.
 */
export interface DrainTask {
  readonly drain: true
  readonly threads: number
  readonly arrived: Int32Array
  readonly ms: number
}

/** Worker -> driver on `parentPort` (piscina emits it as the pool's `'message'`), once per thread: its end of the link. */
export interface LinkHello {
  readonly type: 'hyperpool:link'
  readonly port: MessagePort
  /**
   * One shared Int32 the driver adds 1 to after each message it posts on the link: a one-way report looks
   * for a stop on the link only when this moved, so the common report (nothing told) costs a load, not a
   * read of the port (which cost a no-op trial more than the rest of its report did).
   */
  readonly told: Int32Array
}

export function isLinkHello(message: unknown): message is LinkHello {
  if (typeof message !== 'object' || message === null) return false
  const { type, told } = message as { type?: unknown; told?: unknown }
  return type === 'hyperpool:link' && told instanceof Int32Array
}

/**
 * Worker -> driver on `parentPort`, as a thread dies while the trainable module is still loading
 * (`process.exit` at its top level, or an uncaught error it set off): the module cannot run any
 * trial. Node hands the driver a thread's messages before its exit; for an error, this is posted
 * from `'uncaughtExceptionMonitor'`, before Node sends the error on another channel, and may arrive
 * after it (8 runs in 100 on a loaded machine): the pool reads it one event-loop turn after the
 * task's failure (see `LocalPool.start`).
 */
export interface ExitedWhileLoading {
  readonly type: 'hyperpool:exited-loading'
  /**
   * The run on the thread, waiting for the module (see {@link TrialTask.run}): only its failure is the
   * module's. A thread loads the module only once a task is in (until then it waits in `Atomics.wait`),
   * so there is one; undefined if not. Another thread's exit later, after a clean load, is its trial's own.
   */
  readonly run: number | undefined
  /** A ConfigError naming the module, its exit code or error (its cause), and what it printed. */
  readonly error: SerializedError
}

export function isExitedWhileLoading(message: unknown): message is ExitedWhileLoading {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'hyperpool:exited-loading'
}

/**
 * Worker -> driver on the link: what the thread wrote to stdout and stderr
 * since the last batch, tagged with the run that was (or, when `late`, had
 * last been) on the thread; undefined before the first.
 */
export interface OutputMessage {
  readonly type: 'output'
  readonly run: number | undefined
  readonly trialId: number | undefined
  /** Written after that run had ended; not counted in its {@link TaskResult.messages}. */
  readonly late: boolean
  /** Stream and text in the order written; consecutive writes to one stream are joined. */
  readonly chunks: readonly (readonly [stream: TrialOutput['stream'], text: string])[]
}

/** Worker -> driver on the link: a report; the driver answers it with a {@link DecisionMessage}, unless it travels one way. */
export interface ReportMessage {
  readonly type: 'report'
  readonly run: number
  readonly metrics: Metrics
  /**
   * Set on a one-way report (see `TrialTask.oneWay`), which gets no answer: when it was made, ms since the epoch
   * (`performance.timeOrigin + performance.now()`, which threads of one process share), since it may reach the driver later.
   */
  readonly at?: number
  /**
   * On the first report of a thread's first run, which waited for the thread's start and the trainable module's
   * import: when the trainable was called, ms since the epoch as `at`. The run's clock (`time_total_s`) counts
   * from here, so it leaves them out. Later runs start at once and say nothing.
   */
  readonly began?: number
}

/** Worker -> driver on the link: state to resume from; not answered. */
export interface CheckpointMessage {
  readonly type: 'checkpoint'
  readonly run: number
  readonly state: unknown
}

/** Worker -> driver on the link: the trainable is loaded and about to run; not answered. */
export interface StartedMessage {
  readonly type: 'started'
  readonly run: number
}

/** Everything a worker sends on its link. */
export type LinkMessage = OutputMessage | ReportMessage | CheckpointMessage | StartedMessage

/** A run's messages other than output: what its trial context sends. */
export type RunMessage = ReportMessage | CheckpointMessage | StartedMessage

/**
 * Driver -> worker on the link: the answer to a report, or an unprompted stop (abort, time budget).
 * A stop for a run whose thread the driver does not know yet (it has sent nothing) goes to every
 * thread: the one that runs it, now or once its task arrives, takes it; the others keep it unused.
 */
export interface DecisionMessage {
  readonly run: number
  readonly decision: Decision
}

/** How a trial's task ended, as the worker returns it. */
export type TrialOutcome =
  | { readonly kind: 'completed'; readonly final: Metrics | undefined }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'paused' }
  | { readonly kind: 'errored'; readonly error: SerializedError }
  /** The trainable module could not be imported, ended its thread as it loaded, or has no default-export function: no trial can run. */
  | { readonly kind: 'unloadable'; readonly error: SerializedError }

/** Set once per worker (piscina `workerData`): the trainable and the shared data. */
export interface WorkerSetup {
  /** URL of the worker module (`worker.ts` from sources, `worker.js` when built). */
  readonly entry: string
  /** URL of the trainable module. */
  readonly trainable: string
  readonly data: unknown
}
