import type { Decision } from '../types.ts'
import { EndedTrials } from './ended-trials.ts'

/** A report or an end waiting for its turn: trial `id` at report count `iteration`. */
interface Waiting {
  readonly id: number
  readonly iteration: number
  readonly kind: 'report' | 'end'
  readonly run: () => Decision
  readonly answer: (decision: Decision) => void
}

/**
 * When the scheduler hears of each report and end. Unordered (the default),
 * as they happen: at concurrency above 1, what a scheduler has seen when it
 * judges a trial depends on which thread got there first. Ordered (the
 * Tuner's `reproducible`), trial t's report number i (or its end after i
 * reports) waits until every trial before t has either ended or had its
 * report i judged. A rung judged at report i then holds exactly the earlier
 * trials' values at report i, whatever the timing; the waiting trial holds
 * its thread meanwhile. The lowest trial still running never waits, so
 * nothing deadlocks.
 *
 * @example
 * ```ts
 * const feed = new SchedulerFeed(true)
 * const decision = await feed.report(3, 4, () => scheduler.onTrialResult(trial, result))
 * ```
 */
export class SchedulerFeed {
  readonly #ordered: boolean
  readonly #waiting: Waiting[] = []
  /** Per trial, the report count it has been judged at (its reports are judged in order). */
  readonly #judged = new Map<number, number>()
  readonly #ended = new EndedTrials()
  /** Once cancelled (the experiment is ending), nothing waits. */
  #cancelled = false

  constructor(ordered: boolean) {
    this.#ordered = ordered
  }

  /** Judges trial `id`'s report number `iteration` with `run`, now or once its turn comes. */
  report(id: number, iteration: number, run: () => Decision): Decision | Promise<Decision> {
    if (!this.#ordered) return run()
    if (this.#cancelled) return this.#judge(id, iteration, run)
    let answer: (decision: Decision) => void = () => {}
    const decision = new Promise<Decision>((resolve) => {
      answer = resolve
    })
    this.#waiting.push({ id, iteration, kind: 'report', run, answer })
    // Outside the promise's executor, so an error while judging reaches the caller instead of rejecting the answer.
    this.#drain()
    return decision
  }

  /** Trial `id` ended after `iteration` reports; `run` tells the scheduler, now or once its turn comes. */
  end(id: number, iteration: number, run: () => void): void {
    if (!this.#ordered) {
      run()
      return
    }
    const told = () => {
      run()
      return 'stop' as const
    }
    if (this.#cancelled) {
      this.#close(id, iteration, told)
      return
    }
    this.#waiting.push({ id, iteration, kind: 'end', run: told, answer: () => {} })
    this.#drain()
  }

  /** Trial `id`'s thread ended: a report of it still waiting (it died there) is answered 'stop', unjudged. */
  dropWaiting(id: number): void {
    if (!this.#ordered) return
    for (let i = this.#waiting.length - 1; i >= 0; i--) {
      const item = this.#waiting[i] as Waiting
      if (item.id !== id || item.kind !== 'report') continue
      this.#waiting.splice(i, 1)
      item.answer('stop')
    }
  }

  /** Trial `id` is retried from its first report: later trials wait for its reports anew. */
  restart(id: number): void {
    if (this.#ordered && !this.#ended.has(id)) this.#judged.set(id, 0)
  }

  /** The experiment is ending: waiting reports are answered 'stop', waiting ends told, in trial order. */
  cancel(): void {
    this.#cancelled = true
    const waiting = this.#waiting.splice(0).sort((a, b) => a.id - b.id || a.iteration - b.iteration)
    for (const item of waiting) {
      if (item.kind === 'report') item.answer('stop')
      else this.#close(item.id, item.iteration, item.run)
    }
  }

  #judge(id: number, iteration: number, run: () => Decision): Decision {
    this.#judged.set(id, iteration)
    return run()
  }

  #close(id: number, iteration: number, run: () => Decision): void {
    this.#judged.set(id, iteration)
    this.#ended.add(id, (passed) => this.#judged.delete(passed))
    run()
  }

  /** Whether every trial before `id` has ended or been judged at report `iteration`. */
  #turn(id: number, iteration: number): boolean {
    for (let other = this.#ended.frontier; other < id; other++) {
      if (!this.#ended.has(other) && (this.#judged.get(other) ?? 0) < iteration) return false
    }
    return true
  }

  /** Handles whatever has its turn, lowest (iteration, trial) first, until nothing has. */
  #drain(): void {
    for (;;) {
      let next = -1
      for (let i = 0; i < this.#waiting.length; i++) {
        const item = this.#waiting[i] as Waiting
        const best = this.#waiting[next]
        if (!this.#turn(item.id, item.iteration)) continue
        if (best === undefined || item.iteration < best.iteration || (item.iteration === best.iteration && item.id < best.id)) next = i
      }
      if (next < 0) return
      const [item] = this.#waiting.splice(next, 1) as [Waiting]
      if (item.kind === 'end') this.#close(item.id, item.iteration, item.run)
      else item.answer(this.#judge(item.id, item.iteration, item.run))
    }
  }
}
