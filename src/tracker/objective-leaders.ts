import { type Objective, type Point, paretoFrontIndices, pointOf } from '../objectives/index.ts'
import type { Result, TrialInfo } from '../types.ts'
import { BestOfLast } from './best-of-last.ts'

/**
 * What a tracker can say about the leading trials as results arrive, over each trial's last result: the best trial
 * by each objective (scored like `results.best(metric)`), and with several objectives the Pareto front (like
 * `results.paretoFront()`). One objective gives one leader and no front.
 *
 * @example
 * ```ts
 * const leaders = new ObjectiveLeaders(experimentObjectives(experiment))
 * leaders.update(trial, result)
 * leaders.best(0) // { value, trial } for the first objective
 * leaders.front() // [3, 7]: the ids of the trials on the front
 * ```
 */
export class ObjectiveLeaders {
  readonly objectives: readonly Objective[]
  readonly #best: readonly BestOfLast[]
  /** With several objectives, each trial's last point (every objective finite); none for one objective. */
  readonly #points = new Map<number, Point>()
  /** The front as last computed; dropped when a point changes. A status line asks for it at every redraw. */
  #front: number[] | undefined

  constructor(objectives: readonly Objective[]) {
    this.objectives = objectives
    this.#best = objectives.map(({ metric, mode }) => new BestOfLast(metric, mode))
  }

  /** Whether there are several objectives, so a front and no single best. */
  get several(): boolean {
    return this.objectives.length > 1
  }

  /** Records `result` as the last result of `trial`. */
  update(trial: TrialInfo, result: Result): void {
    for (const best of this.#best) best.update(trial, result)
    if (!this.several) return
    const point = pointOf(result, this.objectives)
    this.#front = undefined
    if (point === undefined) this.#points.delete(trial.id)
    else this.#points.set(trial.id, point)
  }

  /** Forgets a trial's values: a retried trial starts over. */
  forget(id: number): void {
    for (const best of this.#best) best.forget(id)
    if (this.#points.delete(id)) this.#front = undefined
  }

  /** The best trial by objective `index` and its value, or undefined when no trial has one. */
  best(index = 0): { readonly value: number; readonly trial: TrialInfo } | undefined {
    return this.#best[index]?.get()
  }

  /** The ids of the trials on the Pareto front, ascending; empty with one objective. */
  front(): number[] {
    if (this.#front === undefined) {
      const ids = [...this.#points.keys()]
      this.#front = paretoFrontIndices([...this.#points.values()])
        .map((i) => ids[i] as number)
        .sort((a, b) => a - b)
    }
    return [...this.#front]
  }
}
