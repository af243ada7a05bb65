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

export type { SerializedError } from './errors.ts'
export {
  ConfigError,
  DataError,
  DivergedError,
  HyperpoolError,
  JournalError,
  ReportError,
  ResultError,
  SpaceError,
  TrackerError,
  TrialError,
  WorkerError,
} from './errors.ts'
export { EXPERIMENT_FILE, type InterruptCause } from './journal/codec.ts'
export type { LockHolder } from './journal/lock.ts'
export type { Interruption } from './journal/read.ts'
export type { Logger, LoggerOptions, LogLevel, LogSink } from './logger.ts'
export { createLogger } from './logger.ts'
export { hypervolume } from './objectives/index.ts'
export type { ReportOptions, ReportWritten, WatchReportOptions } from './report/options.ts'
export { watchReport } from './report/watch.ts'
export { writeReport } from './report/write.ts'
export type { ASHAOptions } from './scheduler/asha.ts'
export { ASHAScheduler } from './scheduler/asha.ts'
export type { Mutations } from './scheduler/explore.ts'
export type { FIFOOptions } from './scheduler/fifo.ts'
export { FIFOScheduler } from './scheduler/fifo.ts'
export type { BracketPlan, HyperBandOptions } from './scheduler/hyperband.ts'
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
export type { GridSearchOptions } from './search/grid.ts'
export { GridSearch } from './search/grid.ts'
export type { RandomSearchOptions } from './search/random.ts'
export { RandomSearch } from './search/random.ts'
export type { Searcher, SearcherSetup } from './search/searcher.ts'
// Every domain type is exported so that a user's `export const space = { lr: loguniform(...) }`
// can be named in their declaration files (TS2742 otherwise) and annotated by hand.
export type {
  Choice,
  ChoiceValue,
  ConfigOf,
  Constant,
  Domain,
  Grid,
  JsonValue,
  LogRandInt,
  LogUniform,
  QLogUniform,
  QRandInt,
  QUniform,
  RandInt,
  Randn,
  Space,
  Uniform,
} from './search/space.ts'
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
export type { WarmStartTrial } from './search/warm-start.ts'
export type { ConsoleReporterOptions } from './tracker/console/console.ts'
export { ConsoleReporter } from './tracker/console/console.ts'
export type { CsvTrackerOptions } from './tracker/csv/csv.ts'
export { CsvTracker } from './tracker/csv/csv.ts'
export { JsonlTracker } from './tracker/jsonl/jsonl.ts'
export type { MLflowTrackerOptions } from './tracker/mlflow/mlflow.ts'
export { MLflowTracker } from './tracker/mlflow/mlflow.ts'
export type { MLflowRetryOptions } from './tracker/mlflow/options.ts'
export type { TensorBoardTrackerOptions } from './tracker/tensorboard/tensorboard.ts'
export { TensorBoardTracker } from './tracker/tensorboard/tensorboard.ts'
export type { Tracker } from './tracker/tracker.ts'
export { TRIAL_OUTPUT_MODES, type TrialOutputMode } from './tracker/trial-output/trial-output.ts'
export type { AskedTrial, StudyOptions, ToldState } from './tuner/ask-tell.ts'
export { Study } from './tuner/ask-tell.ts'
export type { TunerEvent } from './tuner/events.ts'
export type { LoadedExperiment } from './tuner/load.ts'
export { loadExperiment } from './tuner/load.ts'
export type { MetricCheck, TunerOptions } from './tuner/options.ts'
export type { RestoreOptions } from './tuner/restore.ts'
export type { BestOptions, ResultGridOptions, ResultRow, Scope } from './tuner/results.ts'
export { ResultGrid } from './tuner/results.ts'
export type { StopCriteria } from './tuner/stop.ts'
export { Tuner } from './tuner/tuner.ts'
export type {
  Config,
  Decision,
  ExperimentInfo,
  ExperimentSummary,
  Metrics,
  Mode,
  Objective,
  Result,
  TrialInfo,
  TrialOutput,
  TrialState,
} from './types.ts'
export type { Executor, ExecutorFactory, ExecutorSetup, TrialHandle, TrialListener, TrialRun } from './workers/executor.ts'
export type { TrialOutcome } from './workers/protocol.ts'
export { RedisExecutor, type RedisExecutorOptions } from './workers/redis/executor.ts'
export { RedisWorker, type RedisWorkerOptions } from './workers/redis/worker.ts'
export type { SharedData, SharedMatrix, TypedArray } from './workers/shared-data.ts'
export type { TrialContext } from './workers/trial-context.ts'
export { TrialStopSignal } from './workers/trial-context.ts'
