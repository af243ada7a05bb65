// Kept in the published .d.ts: its types use Node's, which newer TypeScript loads only when asked.
/// <reference types="node" preserve="true" />
import { ConfigError, show } from '../../errors.ts'
import { rejectUnknownKeys } from '../../known-keys.ts'
import type { ExperimentInfo, ExperimentSummary, Result, TrialInfo, TrialState } from '../../types.ts'
import { BestOfLast } from '../best-of-last.ts'
import type { Tracker } from '../tracker.ts'

/**
 * Options of {@link ConsoleReporter}.
 *
 * @example
 * ```ts
 * const options: ConsoleReporterOptions = { stream: process.stderr, intervalMs: 5000 }
 * ```
 */
export interface ConsoleReporterOptions {
  /** Where progress goes. Default: `process.stdout`. */
  stream?: NodeJS.WritableStream
  /**
   * Least time between two progress updates. Default: 1000 ms, or 100 ms on a
   * TTY; a TTY is never updated faster than every 100 ms.
   */
  intervalMs?: number
}

/** A live TTY line is redrawn at most this often (10 times a second). */
const TTY_MIN_INTERVAL_MS = 100
const DEFAULT_INTERVAL_MS = 1000
/** Back to the line start, then erase the line: the live line is redrawn in place. */
const REDRAW = '\r\x1b[2K'

/**
 * Shows progress while tuning: trials done (completed + stopped) of the
 * target, running, errored, the best metric so far (over each trial's last
 * result) and the elapsed time; at the end, the totals and the best trial.
 * On a TTY it is one live line rewritten in place; elsewhere (logs, CI) a
 * plain line at most every `intervalMs`. Updates happen only when an event
 * arrives: no timer keeps the process alive, and an event costs a few
 * counter updates unless a line is due.
 *
 * @example
 * ```ts
 * new Tuner({ ...options, trackers: [new ConsoleReporter()] })
 * // [hyperpool] trials 12/64 done, 2 running, 1 errored | best loss=0.0312 (trial 7) | 41.2s
 * ```
 */
export class ConsoleReporter implements Tracker {
  private readonly stream: NodeJS.WritableStream
  private readonly tty: boolean
  private readonly intervalMs: number
  private best = new BestOfLast('', 'min')
  private target = 0
  private startMs = 0
  private lastDrawMs = Number.NEGATIVE_INFINITY
  private readonly running = new Set<number>()
  private done = 0
  private errored = 0

  constructor(options: ConsoleReporterOptions = {}) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new ConfigError(`ConsoleReporter(options): must be an object, got ${show(options)}`, { field: 'options' })
    }
    rejectUnknownKeys('ConsoleReporter', options, ['stream', 'intervalMs'])
    const { stream = process.stdout, intervalMs } = options
    if (typeof stream?.write !== 'function') {
      throw new ConfigError(`ConsoleReporter(options.stream): must be a writable stream, got ${show(stream)}`, { field: 'stream' })
    }
    if (intervalMs !== undefined && (typeof intervalMs !== 'number' || !Number.isFinite(intervalMs) || intervalMs < 0)) {
      throw new ConfigError(`ConsoleReporter(options.intervalMs): must be a finite number >= 0, got ${show(intervalMs)}`, {
        field: 'intervalMs',
      })
    }
    this.stream = stream
    this.tty = (stream as { isTTY?: unknown }).isTTY === true
    this.intervalMs = this.tty ? Math.max(intervalMs ?? TTY_MIN_INTERVAL_MS, TTY_MIN_INTERVAL_MS) : (intervalMs ?? DEFAULT_INTERVAL_MS)
  }

  onExperimentStart(experiment: ExperimentInfo): void {
    // State is reset here, not in the constructor, so one reporter can serve several experiments.
    this.best = new BestOfLast(experiment.metric, experiment.mode)
    this.target = experiment.plannedTrials
    this.startMs = Date.now()
    this.lastDrawMs = Number.NEGATIVE_INFINITY
    this.running.clear()
    this.done = 0
    this.errored = 0
    this.stream.write(
      `[hyperpool] experiment ${show(experiment.name)}: ${experiment.metric} (${experiment.mode}), ${experiment.plannedTrials} trials, ` +
        `concurrency ${experiment.concurrency}, ${experiment.searcher} + ${experiment.scheduler}\n`,
    )
  }

  onTrialStart(trial: TrialInfo): void {
    // A retry starts with an empty history: its failed attempt's last value no longer counts.
    if (trial.history.length === 0) this.best.forget(trial.id)
    this.running.add(trial.id)
    this.tick()
  }

  onTrialResult(trial: TrialInfo, result: Result): void {
    this.best.update(trial, result)
    this.tick()
  }

  onTrialEnd(trial: TrialInfo): void {
    this.running.delete(trial.id)
    if (trial.state === 'completed' || trial.state === 'stopped') this.done++
    else if (trial.state === 'errored') this.errored++
    this.tick()
  }

  onExperimentEnd(_experiment: ExperimentInfo, summary: ExperimentSummary): void {
    const states = (Object.entries(summary.states) as [TrialState, number][])
      .filter(([, count]) => count > 0)
      .map(([state, count]) => `${count} ${state}`)
    const leader = this.best.get()
    const best =
      leader === undefined
        ? `no trial reported ${show(this.best.metric)}`
        : `best trial ${leader.trial.id}: ${this.best.metric}=${formatNumber(leader.value)} config=${JSON.stringify(leader.trial.config)}`
    const line =
      `[hyperpool] ${summary.interrupted ? 'interrupted' : 'finished'}: ${summary.trials} trials` +
      `${states.length > 0 ? ` (${states.join(', ')})` : ''} in ${formatDuration(summary.elapsedS * 1000)}; ${best}`
    this.stream.write(`${this.tty ? REDRAW : ''}${line}\n`)
  }

  /** Draws a progress line if one is due; called on every event, so it is cheap when none is. */
  private tick(): void {
    const now = Date.now()
    if (now - this.lastDrawMs < this.intervalMs) return
    this.lastDrawMs = now
    const line = this.progressLine(now)
    this.stream.write(this.tty ? `${REDRAW}${line}` : `${line}\n`)
  }

  private progressLine(now: number): string {
    const target = Number.isFinite(this.target) ? String(this.target) : '?'
    const leader = this.best.get()
    const best =
      leader === undefined
        ? `no ${this.best.metric} yet`
        : `best ${this.best.metric}=${formatNumber(leader.value)} (trial ${leader.trial.id})`
    return (
      `[hyperpool] trials ${this.done}/${target} done, ${this.running.size} running, ${this.errored} errored` +
      ` | ${best} | ${formatDuration(now - this.startMs)}`
    )
  }
}

/** Six significant digits: enough to compare trials, short enough for one line. */
function formatNumber(value: number): string {
  return Number.isInteger(value) || !Number.isFinite(value) ? String(value) : String(Number(value.toPrecision(6)))
}

/** `41.2s`, `3m05s` or `1h02m09s`. */
function formatDuration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000
  if (seconds < 60) return `${seconds.toFixed(1)}s`
  const whole = Math.floor(seconds)
  const s = String(whole % 60).padStart(2, '0')
  const m = Math.floor(whole / 60) % 60
  const h = Math.floor(whole / 3600)
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m${s}s` : `${m}m${s}s`
}
