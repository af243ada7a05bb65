import type { LockHolder } from '../journal/lock.ts'
import type { Interruption } from '../journal/read.ts'
import { readLiveExperiment } from '../journal/read-live.ts'
import { experimentObjectives, objectiveOptions } from '../objectives/index.ts'
import type { ExperimentInfo, ExperimentSummary } from '../types.ts'
import { ResultGrid } from './results.ts'

/**
 * An experiment read back from its `experiment.jsonl`.
 *
 * @example
 * ```ts
 * const { experiment, results, summary }: LoadedExperiment = await loadExperiment('runs/exp1')
 * ```
 */
export interface LoadedExperiment {
  readonly experiment: ExperimentInfo
  /** Every trial, scored by the experiment's metric and mode. */
  readonly results: ResultGrid
  /** Undefined when the experiment did not reach its end (the process died). */
  readonly summary: ExperimentSummary | undefined
  /**
   * What ended it early, when something did, and whether `Tuner.restore` continues it (`resumable`): not
   * after the time budget, nor after the run's own check (`cause: 'check'`: a restore ends it the same way).
   */
  readonly interruption?: Interruption | undefined
  /**
   * The process that runs the experiment now, when one does (its `.lock` names a live process, or one on another
   * host, which cannot be checked from here): its trials without an end are `'running'`, and no restore can
   * continue it until that process ends. Undefined for an experiment nobody runs, a stale lock's (its process died) too.
   */
  readonly runningIn?: LockHolder | undefined
}

/**
 * Reads `dir/experiment.jsonl` (an experiment's journal, or a `JsonlTracker`'s
 * file) back into a {@link ResultGrid}. A trial that never ended (the process
 * died, or the experiment was interrupted) comes back `'paused'`:
 * `Tuner.restore` continues it; while a live process holds the experiment's
 * lock (`runningIn`), such a trial is `'running'`. A final line cut short by a crash
 * is skipped; a bad line anywhere else, a missing file or a file without
 * `experiment_start` throws a `ConfigError` naming the path. Events of unknown
 * types are skipped, so newer logs stay readable.
 *
 * @example
 * ```ts
 * const { results } = await loadExperiment('runs/exp1')
 * console.log(results.best().config)
 * ```
 */
export async function loadExperiment(dir: string): Promise<LoadedExperiment> {
  const { stored, runningIn } = await readLiveExperiment(dir)
  const { experiment, trials, summary, interruption } = stored
  // No end written: the process died (or still runs), so the table is not the experiment's last word.
  const interrupted = summary?.interrupted ?? true
  return {
    experiment,
    results: new ResultGrid(trials, { ...objectiveOptions(experimentObjectives(experiment)), interrupted, space: experiment.space }),
    summary,
    interruption,
    ...(runningIn === undefined ? {} : { runningIn }),
  }
}
