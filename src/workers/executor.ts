import type { Config, Decision, Metrics } from '../types.ts'
import type { TrialOutcome } from './protocol.ts'

/** One trial run handed to an executor. */
export interface TrialRun {
  readonly trialId: number
  readonly config: Config
  readonly seed: number
  /** The checkpoint to resume from, if any. */
  readonly restore?: unknown
}

/** What the executor hands back while a trial runs. */
export interface TrialListener {
  /** A report; the answer (possibly later: the trial waits for it) goes back before its `report` resolves. */
  report(metrics: Metrics): Decision | Promise<Decision>
  /** A checkpoint the trial saved. */
  checkpoint(state: unknown): void
  /**
   * The trainable is loaded and starts running (after the thread's start and the module's import, if this run paid for them).
   * Leave it out when nothing needs it: an executor may then save the message that tells it.
   */
  started?(): void
}

/** A running trial: its end, and a way to ask it to end early. */
export interface TrialHandle {
  /** Settles when the trial's task ends; never rejects (failures are an `errored` outcome). */
  readonly done: Promise<TrialOutcome>
  /** Ends the trial at its next report and aborts its `ctx.signal`. */
  stop(decision?: Exclude<Decision, 'continue'>): void
  /** Ends the trial now, whatever it is doing (its thread is replaced). */
  kill(): void
}

/**
 * Where trials run. The Tuner only talks to this seam: the local worker pool
 * is one executor; a remote one plugs in the same way.
 *
 * @example
 * ```ts
 * const handle = executor.start({ trialId: 0, config, seed }, { report: () => 'continue', checkpoint() {} })
 * const outcome = await handle.done
 * ```
 */
export interface Executor {
  /** How many trials can run at once. */
  readonly slots: number
  start(run: TrialRun, listener: TrialListener): TrialHandle
  /** Ends every thread; call once, after the last trial ended. */
  close(): Promise<void>
}
