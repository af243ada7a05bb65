// Kept in the published .d.ts: its types use Node's, which newer TypeScript loads only when asked.
/// <reference types="node" preserve="true" />
import { HyperpoolError, ownErrorClasses } from '../errors.ts'
import { argumentAt, check, oneOf } from '../options/index.ts'
import type { Decision, Metrics } from '../types.ts'

/**
 * What a trainable receives beside its config, inside its worker thread.
 *
 * @example
 * ```ts
 * export default async function train(config: Config, ctx: TrialContext<Data>) {
 *   const { X } = ctx.data                      // shared memory, no copy
 *   for (let epoch = 1; epoch <= 10; epoch++) {
 *     await ctx.report({ loss: step(config, X, ctx.random) })  // a stopped trial ends here
 *   }
 * }
 * ```
 */
export interface TrialContext<D = unknown> {
  /** The trial's id within its experiment (0, 1, 2, …). */
  readonly trialId: number
  /** The trial's seed, derived from the experiment seed and the trial id. */
  readonly seed: number
  /** A uniform [0, 1) generator seeded with `seed`: the same trial draws the same numbers. */
  readonly random: () => number
  /** The experiment's `data`, as views over shared memory (see `SharedData`). */
  readonly data: D
  /** Aborted when the trial is told to stop (scheduler, stop criteria, experiment abort). */
  readonly signal: AbortSignal
  /**
   * Sends metrics to the driver and waits for its decision. Resolves to go on;
   * rejects with a `TrialStopSignal` when the trial is stopped, which ends the
   * trainable unless it catches it. On the local pool, when nothing decides
   * on reports (the FIFO scheduler, no `stop.maxIterations` or
   * `stop.metricThreshold`), it resolves at once and the report travels one
   * way (at once, or, made within 1 ms of the trial's start or last message,
   * with the next message, when the trainable next yields to the event loop,
   * or with the trial's end; such a held report is lost if the thread dies, e.g. out of
   * memory, before it next yields or reports); a stop the driver tells (a
   * time budget, an abort) then lands at the next report, and a report whose
   * metric is NaN still waits for its answer. On Redis workers every report
   * waits for its answer. Values are
   * numbers, strings, booleans, null, and arrays and plain objects of them
   * (what the log stores); anything
   * else (a BigInt, a function, a Date, a typed array) is refused with a
   * `ReportError` naming the metric. Await every call: one made before the
   * previous one was awaited is dropped, and the trial errors.
   */
  report(metrics: Metrics): Promise<void>
  /**
   * Saves state to resume from, when a scheduler pauses the trial or PBT
   * clones it. The state is structured-cloned (typed arrays welcome) and kept
   * with the experiment on disk. Call it before the `report` that may pause.
   */
  checkpoint(state: unknown): void
  /** The state this run resumes from: the trial's own last checkpoint, or a donor's under PBT; `undefined` on a first run. */
  restore<T = unknown>(): T | undefined
}

/** What a TrialStopSignal carries: how the driver ended the trial. */
const ENDING = oneOf<Exclude<Decision, 'continue'>>(['stop', 'pause']).required()

/**
 * Thrown out of `ctx.report` when the scheduler or a stop criterion ends the
 * trial. Let it propagate; the trial is then recorded as stopped, not errored.
 * A control-flow signal rather than a fault, it is still a
 * {@link HyperpoolError}, so "everything hyperpool throws" stays one family:
 * a trainable that catches `HyperpoolError` to rethrow hyperpool's own
 * errors passes the stop on too.
 *
 * @example
 * ```ts
 * try { await ctx.report({ loss }) } finally { await releaseResources() }
 * ```
 */
export class TrialStopSignal extends HyperpoolError {
  readonly decision: Exclude<Decision, 'continue'>

  constructor(decision: Exclude<Decision, 'continue'>) {
    const ending = check(ENDING, decision, argumentAt('TrialStopSignal', 'decision'))
    super(`trial ${ending === 'stop' ? 'stopped' : 'paused'} by the driver`)
    this.decision = ending
  }
}
ownErrorClasses(TrialStopSignal)
