// Kept in the published .d.ts: its types use Node's, which newer TypeScript loads only when asked.
/// <reference types="node" preserve="true" />
import type { MessagePort } from 'node:worker_threads'
import { HyperpoolError, ReportError, show } from '../errors.ts'
import { argumentAt, check, isObject, oneOf } from '../options/index.ts'
import { createRandom } from '../search/rng.ts'
import type { Decision, Metrics } from '../types.ts'
import type { CheckpointMessage, DecisionMessage, ReportMessage } from './protocol.ts'

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
   * trainable unless it catches it.
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

/** Builds the context of one trial around its report port; `ended()` says whether the driver ended it. */
export function createContext<D>(
  task: { trialId: number; seed: number; restore: unknown; port: MessagePort },
  data: D,
): { ctx: TrialContext<D>; ended: () => Exclude<Decision, 'continue'> | undefined } {
  const controller = new AbortController()
  let ending: Exclude<Decision, 'continue'> | undefined
  let waiting: ((decision: Decision) => void) | undefined
  task.port.on('message', (message: DecisionMessage) => {
    if (message.decision !== 'continue') {
      ending ??= message.decision
      controller.abort(new TrialStopSignal(ending))
    }
    const resolve = waiting
    waiting = undefined
    resolve?.(message.decision)
  })

  const ctx: TrialContext<D> = {
    trialId: task.trialId,
    seed: task.seed,
    random: createRandom(task.seed),
    data,
    signal: controller.signal,
    async report(metrics: Metrics): Promise<void> {
      if (ending) throw new TrialStopSignal(ending)
      if (!isObject(metrics)) {
        throw new ReportError(`ctx.report(metrics): must be a plain object of name -> value, got ${show(metrics)}`, { field: 'metrics' })
      }
      if (waiting) {
        throw new ReportError('ctx.report(metrics): called again before the previous report was awaited; await each report', {
          field: 'metrics',
        })
      }
      const message: ReportMessage = { type: 'report', metrics }
      try {
        task.port.postMessage(message)
      } catch (error) {
        const bad = unsendable(metrics)
        throw new ReportError(`ctx.report(metrics): ${bad.what} cannot be sent to the driver (${(error as Error).message})`, {
          field: bad.field,
          cause: error,
        })
      }
      const decision = await new Promise<Decision>((resolve) => {
        waiting = resolve
      })
      if (decision !== 'continue') throw new TrialStopSignal(decision)
    },
    checkpoint(state: unknown): void {
      task.port.postMessage({ type: 'checkpoint', state } satisfies CheckpointMessage)
    },
    restore<T>(): T | undefined {
      return task.restore as T | undefined
    },
  }
  return { ctx, ended: () => ending }
}

/** Names the metrics that cannot be structured-cloned (functions, symbols, class instances with such fields). */
function unsendable(metrics: Metrics): { what: string; field: string } {
  const bad = Object.entries(metrics)
    .filter(([, value]) => {
      try {
        structuredClone(value)
        return false
      } catch {
        return true
      }
    })
    .map(([key]) => key)
  if (bad.length === 0) return { what: 'a metric', field: 'metrics' }
  return { what: `metric ${bad.join(', ')}`, field: `metrics.${bad[0]}` }
}
