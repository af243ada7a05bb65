import { boolean, defineOptions, integer, METRIC, number, type SchemaOf } from '../options/index.ts'
import type { Decision, Objective as ExperimentObjective, Result, TrialInfo } from '../types.ts'
import { median, numberIn, type Objective, rankedObjective, readSetup, ready, scoreIn, TIME_ATTR } from './common.ts'
import type { Scheduler, SchedulerSetup } from './scheduler.ts'

/**
 * Options of {@link MedianStoppingRule}.
 *
 * @example
 * ```ts
 * const options: MedianStoppingOptions = { gracePeriod: 5, minSamplesRequired: 3 }
 * ```
 */
export interface MedianStoppingOptions {
  /**
   * The result field that measures progress; must grow with every report.
   * @default 'training_iteration'
   */
  timeAttr?: string
  /**
   * No trial is stopped before `timeAttr` reaches this, and running averages start here.
   * @default 1
   */
  gracePeriod?: number
  /**
   * How many other trials must have reached the same point before one is judged.
   * @default 3
   */
  minSamplesRequired?: number
  /**
   * `false` pauses a losing trial instead of stopping it; it resumes later and runs to its end.
   * @default true
   */
  hardStop?: boolean
  /**
   * With several objectives, the one this scheduler ranks trials by (one of the experiment's `metric`s, in its own
   * mode): needed then, as it compares trials by one number; the experiment's other objectives still reach the searcher
   * and the results. With one objective, leave it out (or give that metric).
   */
  metric?: string
}

/** Every option of {@link MedianStoppingRule}: kinds, ranges and defaults (Ray Tune's). */
export const MEDIAN_OPTIONS = defineOptions('MedianStoppingRule', {
  timeAttr: TIME_ATTR,
  gracePeriod: number({ min: 0 }).withDefault(1),
  minSamplesRequired: integer({ min: 1 }).withDefault(3),
  hardStop: boolean().withDefault(true),
  metric: METRIC,
} satisfies SchemaOf<MedianStoppingOptions>)

interface Point {
  readonly time: number
  /** The metric times the mode's sign: higher is better. */
  readonly score: number
}

/**
 * A trial's points in time order, with running sums over the points past the
 * grace period (so a running average up to any time is one binary search)
 * and the best score so far: judging a report costs O(trials · log points),
 * not a pass over every point of every trial.
 */
interface Track {
  readonly points: Point[]
  /** sums[i], counts[i]: score sum and count of points[0..i] at or past the grace period. */
  readonly sums: number[]
  readonly counts: number[]
  best: number
}

/**
 * The median stopping rule (Golovin et al. 2017, Google Vizier), as Ray
 * Tune's `MedianStoppingRule`. When a trial reports at time `t` (at least
 * `gracePeriod`), take every other trial that has reported at `t` or later,
 * running or ended; if there are at least `minSamplesRequired`, compute each
 * one's running average of the metric over `[gracePeriod, t]` and their
 * median. The trial is stopped if its best result so far is strictly worse
 * than that median.
 *
 * Results without a numeric `timeAttr` or metric are ignored; a NaN metric
 * scores below every number (see `scoreIn`), so a diverged trial pulls the
 * median down rather than vanishing from it.
 *
 * @example
 * ```ts
 * const tuner = new Tuner({ ...options, metric: 'loss', mode: 'min',
 *   scheduler: new MedianStoppingRule({ gracePeriod: 5, minSamplesRequired: 4 }) })
 * ```
 */
export class MedianStoppingRule implements Scheduler {
  readonly timeAttr: string
  readonly gracePeriod: number
  readonly minSamplesRequired: number
  readonly hardStop: boolean
  #objective: Objective | undefined
  /** Every known trial's results, in order; trials that ended stay, as the median counts them. */
  readonly #history = new Map<number, Track>()
  /** Trials paused by the rule (hardStop false): they run to their end once resumed. */
  readonly #judged = new Set<number>()

  /** The objective it ranks trials by, when the experiment has several (its `metric` option); undefined: the one metric. */
  readonly metric: string | undefined

  constructor(options?: MedianStoppingOptions) {
    const o = MEDIAN_OPTIONS.read(options)
    this.metric = o.metric
    this.timeAttr = o.timeAttr
    this.gracePeriod = o.gracePeriod
    this.minSamplesRequired = o.minSamplesRequired
    this.hardStop = o.hardStop
  }

  /** Refuses several objectives unless the `metric` option picks one (see `Scheduler.checkObjectives`). */
  checkObjectives(objectives: readonly ExperimentObjective[]): void {
    rankedObjective('MedianStoppingRule', objectives, this.metric)
  }

  setup(options: SchedulerSetup): void {
    this.#objective = readSetup('MedianStoppingRule', options, this.metric)
    this.#history.clear()
    this.#judged.clear()
  }

  onTrialAdd(trial: TrialInfo): void {
    ready(this.#objective, 'MedianStoppingRule')
    if (!this.#history.has(trial.id)) this.#history.set(trial.id, { points: [], sums: [], counts: [], best: Number.NEGATIVE_INFINITY })
  }

  onTrialResult(trial: TrialInfo, result: Result): Decision {
    const track = this.#history.get(trial.id)
    const point = this.#read(result)
    if (track === undefined || point === undefined) return 'continue'
    // Judged once and paused: it now runs to its end, first come, first served (Ray's fallback to FIFO).
    if (this.#judged.has(trial.id)) return 'continue'
    this.#add(track, point)
    const t = point.time
    if (t < this.gracePeriod) return 'continue'
    const averages: number[] = []
    for (const [id, other] of this.#history) {
      const last = other.points.at(-1)
      if (id === trial.id || last === undefined || last.time < t) continue
      const average = runningAverage(other, t)
      if (average !== undefined) averages.push(average)
    }
    if (averages.length < this.minSamplesRequired) return 'continue'
    const middle = median(averages) as number
    if (track.best >= middle) return 'continue'
    this.#judged.add(trial.id)
    return this.hardStop ? 'stop' : 'pause'
  }

  onTrialComplete(trial: TrialInfo, result: Result | undefined): void {
    const track = this.#history.get(trial.id)
    const point = this.#read(result)
    // The last result usually went through onTrialResult already; keep only a newer one.
    if (track === undefined || point === undefined || point.time <= (track.points.at(-1)?.time ?? Number.NEGATIVE_INFINITY)) return
    this.#add(track, point)
  }

  #read(result: Result | undefined): Point | undefined {
    const objective = this.#objective
    const time = numberIn(result, this.timeAttr)
    const score = objective && scoreIn(result, objective.metric, objective.sign)
    if (time === undefined || score === undefined) return undefined
    return { time, score }
  }

  #add(track: Track, point: Point): void {
    // A retried trial starts its clock again: the failed attempt's points from here on are dropped (as ResultGrid drops them),
    // which also keeps the points in time order for runningAverage's binary search.
    const before = track.points.length
    while ((track.points.at(-1)?.time ?? Number.NEGATIVE_INFINITY) >= point.time) {
      track.points.pop()
      track.sums.pop()
      track.counts.pop()
    }
    if (track.points.length < before) track.best = track.points.reduce((best, p) => Math.max(best, p.score), Number.NEGATIVE_INFINITY)
    const counted = point.time >= this.gracePeriod
    track.points.push(point)
    track.sums.push((track.sums.at(-1) ?? 0) + (counted ? point.score : 0))
    track.counts.push((track.counts.at(-1) ?? 0) + (counted ? 1 : 0))
    if (point.score > track.best) track.best = point.score
  }
}

/** The mean score over `[gracePeriod, t]`; undefined when the trial reported nothing in it. */
function runningAverage(track: Track, t: number): number | undefined {
  // The last point at or before t (points are in time order).
  let lo = 0
  let hi = track.points.length - 1
  let at = -1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if ((track.points[mid] as Point).time <= t) {
      at = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  const count = at < 0 ? 0 : (track.counts[at] as number)
  return count === 0 ? undefined : (track.sums[at] as number) / count
}
