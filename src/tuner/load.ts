import { type Interruption, readExperiment } from '../journal/read.ts'
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
}

/**
 * Reads `dir/experiment.jsonl` (an experiment's journal, or a `JsonlTracker`'s
 * file) back into a {@link ResultGrid}. A trial that never ended (the process
 * died, or the experiment was interrupted) comes back `'paused'`:
 * `Tuner.restore` continues it. A final line cut short by a crash
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
  const { experiment, trials, summary, interruption } = await readExperiment(dir)
  // No end written: the process died (or still runs), so the table is not the experiment's last word.
  const interrupted = summary?.interrupted ?? true
  return {
    experiment,
    results: new ResultGrid(trials, { ...objectiveOptions(experimentObjectives(experiment)), interrupted, space: experiment.space }),
    summary,
    interruption,
  }
}
