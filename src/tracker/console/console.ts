// Kept in the published .d.ts: its types use Node's, which newer TypeScript loads only when asked.
/// <reference types="node" preserve="true" />
import { show } from '../../errors.ts'
import { countOf, countStates, formatNumber, idList, stateCounts } from '../../format.ts'
import { experimentObjectives, type Objective } from '../../objectives/index.ts'
import { computed, defineOptions, func, number, type SchemaOf, withMethods } from '../../options/index.ts'
import { canRedraw, columnsOf, screen, type TextStream } from '../../terminal.ts'
import type { ExperimentInfo, ExperimentSummary, Result, TrialInfo, TrialState } from '../../types.ts'
import { ObjectiveLeaders } from '../objective-leaders.ts'
import type { Tracker } from '../tracker.ts'
import { formatDuration, type Progress, statusLine } from './status-line.ts'

/**
 * Options of {@link ConsoleReporter}.
 *
 * @example
 * ```ts
 * const options: ConsoleReporterOptions = { stream: process.stderr, intervalMs: 5000 }
 * ```
 */
export interface ConsoleReporterOptions {
  /**
   * Where progress goes.
   * @default `process.stdout`
   */
  stream?: NodeJS.WritableStream
  /**
   * Least time between two progress updates, ms; a TTY is never updated faster than every 100 ms.
   * @default 1000, or 100 on a TTY
   */
  intervalMs?: number
  /**
   * The clock the interval and the elapsed time are read from, in ms. For tests.
   * @default `Date.now`
   */
  clock?: () => number
}

/** Every option of {@link ConsoleReporter}: kinds, ranges and defaults. */
export const CONSOLE_OPTIONS = defineOptions('ConsoleReporter', {
  stream: withMethods<NodeJS.WritableStream>('a writable stream', ['write']).withDefault(
    computed('`process.stdout`', () => process.stdout),
  ),
  intervalMs: number({ min: 0 }).withDeferredDefault('1000, or 100 on a TTY'),
  clock: func<() => number>().withDefault(computed('`Date.now`', () => Date.now)),
} satisfies SchemaOf<ConsoleReporterOptions>)

/** A live TTY line is redrawn at most this often (10 times a second). */
const TTY_MIN_INTERVAL_MS = 100
const DEFAULT_INTERVAL_MS = 1000

/**
 * Shows progress while tuning: the trials started of the target and how many
 * are in each state (running, paused, completed, stopped, errored, counted and
 * worded as the closing summary counts them), the best metric so far (over
 * each trial's last result) and the elapsed time; at the end, the totals and
 * the best trial.
 *
 * On a terminal it is one live line, redrawn in place and cut to the
 * terminal's width (less telling parts go first, see `statusLine`), so it
 * never wraps; warnings and trial output shown on the console are printed
 * above it (see `screen`). Elsewhere (a file, a pipe, CI, `TERM=dumb`) it is
 * one plain line at most every `intervalMs`, with no escape codes. Updates
 * happen only when an event arrives: no timer keeps the process alive, and an
 * event costs a few counter updates unless a line is due.
 *
 * @example
 * ```ts
 * new Tuner({ ...options, trackers: [new ConsoleReporter()] })
 * // [hyperpool] 15/64 trials (2 running, 10 completed, 2 stopped, 1 errored) | best loss=0.0312 (trial 7) | 41.2s
 * ```
 */
export class ConsoleReporter implements Tracker {
  private readonly stream: NodeJS.WritableStream & TextStream
  private readonly live: boolean
  private readonly intervalMs: number
  private readonly clock: () => number
  /** The best trial by each objective and, with several, the Pareto front so far. */
  private leaders = new ObjectiveLeaders([{ metric: '', mode: 'min' }])
  private target = 0
  private startMs = 0
  private lastDrawMs = Number.NEGATIVE_INFINITY
  /** Each trial's state as last heard: a retried or resumed trial moves between counts, never counts twice. */
  private readonly trialStates = new Map<number, TrialState>()

  constructor(options?: ConsoleReporterOptions) {
    const { stream, intervalMs, clock } = CONSOLE_OPTIONS.read(options)
    this.stream = stream as NodeJS.WritableStream & TextStream
    this.live = canRedraw(this.stream)
    this.intervalMs = this.live ? Math.max(intervalMs ?? TTY_MIN_INTERVAL_MS, TTY_MIN_INTERVAL_MS) : (intervalMs ?? DEFAULT_INTERVAL_MS)
    this.clock = clock
  }

  onExperimentStart(experiment: ExperimentInfo): void {
    // State is reset here, not in the constructor, so one reporter can serve several experiments.
    const objectives = experimentObjectives(experiment)
    this.leaders = new ObjectiveLeaders(objectives)
    this.target = experiment.plannedTrials
    this.startMs = this.clock()
    this.lastDrawMs = Number.NEGATIVE_INFINITY
    this.trialStates.clear()
    screen.print(
      this.stream,
      `[hyperpool] experiment ${show(experiment.name)}${experiment.dir === undefined ? '' : ` in ${experiment.dir}`}: ${objectives.map((o) => `${o.metric} (${o.mode})`).join(', ')}, ${countOf(experiment.plannedTrials, 'trial')}, ` +
        `concurrency ${experiment.concurrency}, ${experiment.searcher} + ${experiment.scheduler}\n`,
    )
  }

  onTrialStart(trial: TrialInfo): void {
    // A retry starts with an empty history: its failed attempt's last value no longer counts.
    if (trial.history.length === 0) this.leaders.forget(trial.id)
    this.trialStates.set(trial.id, 'running')
    this.tick()
  }

  onTrialResult(trial: TrialInfo, result: Result): void {
    this.leaders.update(trial, result)
    this.tick()
  }

  onTrialEnd(trial: TrialInfo): void {
    this.trialStates.set(trial.id, trial.state)
    this.tick()
  }

  onExperimentEnd(_experiment: ExperimentInfo, summary: ExperimentSummary): void {
    const states = stateCounts(summary.states)
    const best = this.leaders.several ? this.frontSummary() : this.bestSummary()
    const line =
      `[hyperpool] ${summary.interrupted ? 'interrupted' : 'finished'}: ${countOf(summary.trials, 'trial')}` +
      `${states.length > 0 ? ` (${states.join(', ')})` : ''} in ${formatDuration(summary.elapsedS * 1000)}; ${best}`
    // The summary takes the live line's row and stays: it is the last thing the run prints.
    screen.endLive(this.stream)
    screen.print(this.stream, `${line}\n`)
  }

  /** One objective: the best trial, its value and config. */
  private bestSummary(): string {
    const leader = this.leaders.best()
    const { metric } = this.leaders.objectives[0] as Objective
    return leader === undefined
      ? `no trial reported ${show(metric)}`
      : `best trial ${leader.trial.id}: ${metric}=${formatNumber(leader.value)} config=${JSON.stringify(leader.trial.config)}`
  }

  /**
   * Several objectives have no best trial: the front's size and first trial ids (results.paretoFront() lists them
   * all), then the leader by each objective alone.
   */
  private frontSummary(): string {
    const { objectives } = this.leaders
    const front = this.leaders.front()
    const ids = idList(front)
    const leaders = objectives.map(({ metric }, i) => {
      const leader = this.leaders.best(i)
      return leader === undefined ? `no ${metric}` : `${metric}=${formatNumber(leader.value)} (trial ${leader.trial.id})`
    })
    return (
      `${countOf(front.length, 'trial')} on the Pareto front of ${objectives.map((o) => o.metric).join(', ')}${front.length > 0 ? ` (${ids})` : ''}; ` +
      `best by one objective: ${leaders.join(', ')}`
    )
  }

  /** Draws a progress line if one is due; called on every event, so it is cheap when none is. */
  private tick(): void {
    const now = this.clock()
    if (now - this.lastDrawMs < this.intervalMs) return
    this.lastDrawMs = now
    const leader = this.leaders.best()
    const progress: Progress = {
      states: countStates(this.trialStates.values()),
      target: this.target,
      metric: this.leaders.objectives.map((o) => o.metric).join(', '),
      best: leader === undefined ? undefined : { value: leader.value, trialId: leader.trial.id },
      ...(this.leaders.several ? { front: this.leaders.front().length } : {}),
      elapsedMs: now - this.startMs,
    }
    // One column is left free: a line that fills the last column makes some terminals wrap at the next write.
    if (this.live) screen.showLive(this.stream, statusLine(progress, columnsOf(this.stream) - 1))
    else screen.print(this.stream, `${statusLine(progress)}\n`)
  }
}
