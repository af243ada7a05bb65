import { defineOptions, type SchemaOf } from '../options/index.ts'
import type { Config } from '../types.ts'
import { createRandom, deriveSeed } from './rng.ts'
import { sampleConfig } from './sample.ts'
import type { Searcher, SearcherSetup } from './searcher.ts'
import { checkSetup, readySetup } from './setup.ts'
import type { Space } from './space.ts'

/**
 * Options of {@link RandomSearch}: none yet, so any key is refused rather than ignored.
 *
 * @example
 * ```ts
 * const options: RandomSearchOptions = {}
 * ```
 */
export type RandomSearchOptions = Record<string, never>

export const RANDOM_OPTIONS = defineOptions('RandomSearch', {} satisfies SchemaOf<RandomSearchOptions>)

/**
 * Draws every config independently from the space, `numSamples` in all.
 * Trial `k`'s config depends only on the seed and `k`, so the order and
 * concurrency of trials never change it. Grid dimensions are drawn like
 * choices; use {@link GridSearch} to enumerate them.
 *
 * @example
 * ```ts
 * const tuner = new Tuner({ ...options, search: new RandomSearch(), numSamples: 50, seed: 1 })
 * ```
 */
export class RandomSearch implements Searcher {
  #setup: { space: Space; seed: number; numSamples: number; suggested: number } | undefined

  constructor(options?: RandomSearchOptions) {
    RANDOM_OPTIONS.read(options)
  }

  setup(options: SearcherSetup): void {
    const { space, seed, numSamples } = checkSetup(options)
    this.#setup = { space, seed, numSamples, suggested: 0 }
  }

  suggest(trialId: number): Config | null {
    const s = readySetup(this.#setup, 'RandomSearch', trialId)
    if (s.suggested >= s.numSamples) return null
    s.suggested++
    return sampleConfig(s.space, createRandom(deriveSeed(s.seed, 'sample', trialId)))
  }

  onTrialResult(): void {}

  onTrialComplete(): void {}
}
