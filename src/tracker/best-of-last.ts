import { countsAsScore, isBetter } from '../objectives/index.ts'
import type { Mode, Result, TrialInfo } from '../types.ts'

/**
 * The best value of a metric over each trial's *last* result, as results
 * arrive, scored (and ties broken) like `ResultGrid.best()` with scope `'last'`. A trial's last
 * value can get worse, so the best can move back to another trial; the
 * running best is kept in O(1) per result and a full scan happens only when
 * the leading trial itself gets worse, and then only when asked.
 *
 * @example
 * ```ts
 * const best = new BestOfLast('loss', 'min')
 * best.update(trial, { loss: 0.3, training_iteration: 1, trial_id: 0, time_total_s: 1 })
 * best.get() // { value: 0.3, trial }
 * ```
 */
export class BestOfLast {
  private readonly last = new Map<number, { readonly value: number; readonly trial: TrialInfo }>()
  private bestId: number | undefined
  /** The leading trial got worse or lost its value: `bestId` must be found again by a scan. */
  private stale = false

  constructor(
    readonly metric: string,
    readonly mode: Mode,
  ) {}

  /**
   * Records `result` as the last result of `trial`.
   *
   * @example
   * ```ts
   * best.update(trial, result)
   * ```
   */
  update(trial: TrialInfo, result: Result): void {
    const value = result[this.metric]
    // Like ResultGrid.best(): a last result without a finite metric leaves the trial unscored.
    if (!countsAsScore(value)) {
      if (this.last.delete(trial.id) && trial.id === this.bestId) this.stale = true
      return
    }
    const current = this.bestId === undefined ? undefined : this.last.get(this.bestId)?.value
    this.last.set(trial.id, { value, trial })
    if (this.stale) return
    if (current === undefined || this.ahead(trial.id, value, this.bestId as number, current)) this.bestId = trial.id
    else if (trial.id === this.bestId && value !== current) this.stale = true
  }

  /**
   * Forgets a trial's value: a retried trial starts over, its failed attempt's results dropped.
   *
   * @example
   * ```ts
   * if (trial.history.length === 0) best.forget(trial.id)
   * ```
   */
  forget(id: number): void {
    if (this.last.delete(id) && id === this.bestId) this.stale = true
  }

  /**
   * The best trial so far with its value, or undefined when no trial has a numeric last value.
   *
   * @example
   * ```ts
   * const leader = best.get()
   * if (leader) console.log(leader.trial.id, leader.value)
   * ```
   */
  get(): { readonly value: number; readonly trial: TrialInfo } | undefined {
    if (this.stale) this.rescan()
    return this.bestId === undefined ? undefined : this.last.get(this.bestId)
  }

  private rescan(): void {
    this.stale = false
    this.bestId = undefined
    let bestValue = 0
    for (const [id, { value }] of this.last) {
      if (this.bestId === undefined || this.ahead(id, value, this.bestId, bestValue)) {
        this.bestId = id
        bestValue = value
      }
    }
  }

  /** Better value wins; a tie goes to the lower trial id, as in `ResultGrid.best()`. */
  private ahead(id: number, value: number, otherId: number, other: number): boolean {
    if (value === other) return id < otherId
    return isBetter(value, other, this.mode)
  }
}
