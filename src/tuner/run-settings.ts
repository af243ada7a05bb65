import type { JournalWriter } from '../journal/writer.ts'
import type { Logger } from '../logger.ts'
import type { Scheduler } from '../scheduler/scheduler.ts'
import type { Searcher } from '../search/searcher.ts'
import type { TrackerHub } from '../tracker/dispatch.ts'
import type { Mode, Objective } from '../types.ts'
import type { Executor, TrialHandle } from '../workers/executor.ts'
import type { CheckpointStore } from './checkpoints.ts'
import type { MetricCheck } from './options.ts'
import type { StopCriteria } from './stop.ts'
import type { Trial } from './trial.ts'

/** What one run of the loop needs, already validated. */
export interface RunSettings {
  /** The (first) objective. */
  readonly metric: string
  readonly mode: Mode
  /** Every objective's metric when there are several: each is checked like `metric` (reported, never NaN). */
  readonly metrics?: readonly string[]
  /** Every objective, in order: what `stop.metricThreshold` reads (one threshold each). */
  readonly objectives: readonly Objective[]
  readonly seed: number
  /** No more trials than this are created, whatever the searcher would propose. */
  readonly plannedTrials: number
  readonly searcher: Searcher
  /** Propose trial k only once trials 0..k-lag-1 have ended (see SearchFeed); undefined: as results come. */
  readonly searchLag: number | undefined
  /** Judge reports in an order that does not depend on timing (see SchedulerFeed). */
  readonly orderReports: boolean
  readonly scheduler: Scheduler
  readonly executor: Executor
  readonly checkpoints: CheckpointStore
  readonly hub: TrackerHub
  readonly logger: Logger
  readonly stop: StopCriteria
  readonly maxFailures: number
  /** End the experiment when a trial errors for good. */
  readonly failFast: boolean
  readonly stopGraceMs: number
  readonly signal: AbortSignal | undefined
  /** Wall-clock limit of one run of a trial, s; undefined: none. */
  readonly trialTimeoutS: number | undefined
  readonly metricCheck: MetricCheck
  /** Where the loop records its inputs and decisions (the experiment's journal); none: an experiment without storage. */
  readonly journal?: JournalWriter | undefined
  /** Seconds the experiment ran in earlier sessions (a restore): the time budget counts them. */
  readonly elapsedBeforeS?: number
  /** A restore's option: trials that errored for good get a new round of attempts. */
  readonly retryErrored?: boolean
  /**
   * Whether anyone outside the loop hears of a trial's end as it happens (a tracker, an open
   * `events()` stream). Default: always. When nobody does, a quiet end (completed, stopped or
   * paused) goes to the journal with the rest of its batch instead of in a write of its own.
   */
  readonly endsHeard?: () => boolean
}

/** A running trial's thread; none for a trial a replay knows was running, until the restore starts it again. */
export interface Running {
  readonly trial: Trial
  readonly handle: TrialHandle | undefined
}
