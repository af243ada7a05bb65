/**
 * Which trials have ended, as trials end out of order: a frontier below
 * which every trial has ended, and the ended ones above it. The ordered
 * feeds (search-feed.ts, scheduler-feed.ts) wait on this frontier.
 *
 * @example
 * ```ts
 * const ended = new EndedTrials()
 * ended.add(1) // frontier 0: trial 0 still runs
 * ended.add(0) // frontier 2
 * ```
 */
export class EndedTrials {
  readonly #above = new Set<number>()
  #frontier = 0

  /** Every trial below this id has ended. */
  get frontier(): number {
    return this.#frontier
  }

  has(id: number): boolean {
    return id < this.#frontier || this.#above.has(id)
  }

  /** Trial `id` ended; `passed` hears of every id the frontier moves past, for state kept per running trial. */
  add(id: number, passed?: (id: number) => void): void {
    if (id < this.#frontier) return
    this.#above.add(id)
    while (this.#above.delete(this.#frontier)) {
      const gone = this.#frontier++
      passed?.(gone)
    }
  }
}
