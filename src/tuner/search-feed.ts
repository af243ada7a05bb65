import type { Searcher } from '../search/searcher.ts'
import type { Config, Result, TrialState } from '../types.ts'
import { EndedTrials } from './ended-trials.ts'

/**
 * What the searcher is told, and when. Without a lag, every result and end
 * reaches it as it happens, so at concurrency above 1 what it has seen when
 * it proposes a trial depends on which thread finished first. With a lag L
 * (the Tuner's `reproducible` option uses concurrency - 1), trial k is
 * proposed only once trials 0..k-L-1 have ended, and the searcher has then
 * been told exactly those, in id order, while trials k-L..k-1 are still
 * running as far as it knows: its history, and so its proposals, no longer
 * depend on timing.
 *
 * @example
 * ```ts
 * const feed = new SearchFeed(searcher, 1)
 * if (feed.canPropose(5)) feed.propose(5) // trials 0..3 have ended; trial 4 counts as running
 * ```
 */
export class SearchFeed {
  readonly #searcher: Searcher
  readonly #lag: number | undefined
  /** Per trial not yet told in full: its results and its end, in the order they happened. */
  readonly #held = new Map<number, Array<() => void>>()
  readonly #ended = new EndedTrials()
  /** Every trial below this id has been told to the searcher in full. */
  #told = 0

  constructor(searcher: Searcher, lag: number | undefined) {
    this.#searcher = searcher
    this.#lag = lag
  }

  /** Whether trial `id` may be proposed now: always without a lag, else once trials 0..id-lag-1 have ended. */
  canPropose(id: number): boolean {
    return this.#lag === undefined || this.#ended.frontier >= id - this.#lag
  }

  /** Tells the searcher the trials before the window, then asks it for trial `id`. */
  propose(id: number): Config | null {
    if (this.#lag !== undefined) this.#tellUpTo(id - this.#lag)
    return this.#searcher.suggest(id)
  }

  result(id: number, result: Result): void {
    // Told at once (no closure: this runs for every report of every trial), or held for its turn.
    if (this.#tellsNow(id)) this.#searcher.onTrialResult(id, result)
    else this.#hold(id, () => this.#searcher.onTrialResult(id, result))
  }

  /** Trial `id` ended for good (completed, stopped or errored). */
  complete(id: number, result: Result | undefined, state: TrialState): void {
    if (this.#tellsNow(id)) this.#searcher.onTrialComplete(id, result, state)
    else this.#hold(id, () => this.#searcher.onTrialComplete(id, result, state))
    if (this.#lag === undefined) return
    this.#ended.add(id)
  }

  /**
   * Tells the searcher everything still held, in id order: the experiment is over. An event that
   * throws does not keep the later ones from being told; the first error is rethrown at the end.
   */
  flush(): void {
    if (this.#held.size === 0) return
    const end = Math.max(...this.#held.keys()) + 1
    let first: { error: unknown } | undefined
    while (this.#told < end) {
      try {
        this.#tellUpTo(end)
      } catch (error) {
        first ??= { error }
      }
    }
    if (first) throw first.error
  }

  /** Whether trial `id`'s events go straight to the searcher: always without a lag, else once its turn has passed. */
  #tellsNow(id: number): boolean {
    return this.#lag === undefined || id < this.#told
  }

  #hold(id: number, event: () => void): void {
    const held = this.#held.get(id)
    if (held) held.push(event)
    else this.#held.set(id, [event])
  }

  /** One event at a time, taken off its queue before it runs: if it throws, the rest stay held for the next call. */
  #tellUpTo(end: number): void {
    while (this.#told < end) {
      const event = this.#held.get(this.#told)?.shift()
      if (event) event()
      else this.#held.delete(this.#told++)
    }
  }
}
