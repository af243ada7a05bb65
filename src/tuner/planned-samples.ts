import { GridSearch } from '../search/grid.ts'
import type { Searcher } from '../search/searcher.ts'

/**
 * The `numSamples` a Tuner or Study runs: the one checked, except that GridSearch runs its grid once
 * when none was given, as Ray Tune's `num_samples` defaults to 1. Give `numSamples` to repeat the grid
 * (each repeat draws the other dimensions and `ctx.seed` anew).
 *
 * @example
 * ```ts
 * plannedSamples(new GridSearch(), 10, false) // 1: the grid once
 * plannedSamples(new GridSearch(), 3, true) // 3
 * plannedSamples(new RandomSearch(), 10, false) // 10
 * ```
 */
export function plannedSamples(search: Searcher, numSamples: number, given: boolean): number {
  return !given && search instanceof GridSearch ? 1 : numSamples
}
