/**
 * hyperpool: parallel hyperparameter tuning for Node.js.
 *
 * @example
 * ```ts
 * import { Tuner, loguniform, randint } from 'hyperpool'
 * const results = await new Tuner({
 *   trainable: new URL('./trainable.ts', import.meta.url),
 *   space: { lr: loguniform(1e-4, 1e-1), layers: randint(1, 5) },
 *   metric: 'loss',
 * }).fit()
 * ```
 */

export { ConfigError, DataError, HyperpoolError, ResultError, SpaceError, TrialError } from './errors.ts'
export type { ASHAOptions } from './scheduler/asha.ts'
export { ASHAScheduler } from './scheduler/asha.ts'
export type { Mutations } from './scheduler/explore.ts'
export { FIFOScheduler } from './scheduler/fifo.ts'
export type { HyperBandOptions } from './scheduler/hyperband.ts'
export { HyperBandScheduler } from './scheduler/hyperband.ts'
export type { MedianStoppingOptions } from './scheduler/median.ts'
export { MedianStoppingRule } from './scheduler/median.ts'
export type { PBTOptions } from './scheduler/pbt.ts'
export { PopulationBasedTraining } from './scheduler/pbt.ts'
export type { ResumePlan, RunCandidates, RunChoice, Scheduler, SchedulerSetup } from './scheduler/scheduler.ts'
export type { AutoOptions } from './search/auto.ts'
export { AutoSearch } from './search/auto.ts'
export { GPSearch } from './search/gp/gp.ts'
export type { GPOptions } from './search/gp/options.ts'
export { GridSearch } from './search/grid.ts'
export { RandomSearch } from './search/random.ts'
export type { Searcher, SearcherSetup } from './search/searcher.ts'
export type { ConfigOf, Domain, Space } from './search/space.ts'
export {
  choice,
  flattenConfig,
  grid,
  lograndint,
  loguniform,
  qloguniform,
  qrandint,
  quniform,
  randint,
  randn,
  spaceFromJSON,
  spaceToJSON,
  uniform,
  validateSpace,
} from './search/space.ts'
export type { TPEOptions } from './search/tpe/options.ts'
export { TPESearch } from './search/tpe/tpe.ts'
export type { ConsoleReporterOptions } from './tracker/console.ts'
export { ConsoleReporter } from './tracker/console.ts'
export type { CsvTrackerOptions } from './tracker/csv.ts'
export { CsvTracker } from './tracker/csv.ts'
export { JsonlTracker } from './tracker/jsonl.ts'
export { loadExperiment } from './tracker/jsonl-load.ts'
export type { Logger, LogLevel } from './tracker/logger.ts'
export { createLogger } from './tracker/logger.ts'
export type { MLflowTrackerOptions } from './tracker/mlflow.ts'
export { MLflowTracker } from './tracker/mlflow.ts'
export type { TensorBoardTrackerOptions } from './tracker/tensorboard.ts'
export { TensorBoardTracker } from './tracker/tensorboard.ts'
export type { ExperimentInfo, ExperimentSummary, Tracker } from './tracker/tracker.ts'
export type { AskedTrial, StudyOptions, ToldState } from './tuner/ask-tell.ts'
export { Study } from './tuner/ask-tell.ts'
export type { TunerEvent } from './tuner/events.ts'
export type { TunerOptions } from './tuner/options.ts'
export type { ResultRow, Scope } from './tuner/results.ts'
export { ResultGrid } from './tuner/results.ts'
export type { StopCriteria } from './tuner/stop.ts'
export { Tuner } from './tuner/tuner.ts'
export type { Config, Decision, Metrics, Mode, Result, TrialInfo, TrialState } from './types.ts'
export type { TrialContext } from './workers/context.ts'
export { TrialStopSignal } from './workers/context.ts'
export type { SharedData, SharedMatrix, TypedArray } from './workers/shared-data.ts'
