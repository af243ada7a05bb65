import { argumentAt, defineOptions, optionAt, type SchemaOf } from '../options/index.ts'
import type { Config } from '../types.ts'
import { POINTS_TO_EVALUATE, PointQueue } from './points-to-evaluate.ts'
import { createRandom, deriveSeed } from './rng.ts'
import { sampleConfig } from './sample.ts'
import type { Searcher, SearcherSetup } from './searcher.ts'
import { checkSetup, readyQueue, readySetup } from './setup.ts'
import type { Space } from './space.ts'

/**
 * Options of {@link RandomSearch}.
 *
 * @example
 * ```ts
 * const options: RandomSearchOptions = { pointsToEvaluate: [{ lr: 0.01 }] }
 * ```
 */
export interface RandomSearchOptions {
  /**
   * Configs tried first, in order, counted in `numSamples`; keys left out are drawn at random.
   * @default []
   */
  readonly pointsToEvaluate?: readonly Config[]
}

export const RANDOM_OPTIONS = defineOptions('RandomSearch', {
  pointsToEvaluate: POINTS_TO_EVALUATE.withDefault([]),
} satisfies SchemaOf<RandomSearchOptions>)

/**
 * Draws every config independently from the space, `numSamples` in all,
 * after its `pointsToEvaluate` and any enqueued configs (which count in `numSamples`).
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
  /** The options in force, defaults filled in. */
  readonly options: { readonly pointsToEvaluate: readonly Config[] }
  #setup: { space: Space; seed: number; numSamples: number; suggested: number; queue: PointQueue } | undefined

  constructor(options?: RandomSearchOptions) {
    this.options = RANDOM_OPTIONS.read(options)
  }

  setup(options: SearcherSetup): void {
    const { space, seed, numSamples } = checkSetup(options)
    const queue = new PointQueue(space, this.options.pointsToEvaluate, optionAt('RandomSearch', 'pointsToEvaluate'), numSamples)
    this.#setup = { space, seed, numSamples, suggested: 0, queue }
  }

  suggest(trialId: number): Config | null {
    const s = readySetup(this.#setup, 'RandomSearch', trialId)
    if (s.suggested >= s.numSamples) return null
    s.suggested++
    const random = createRandom(deriveSeed(s.seed, 'sample', trialId))
    return s.queue.next(random) ?? sampleConfig(s.space, random)
  }

  /**
   * Hands out `config` before the next random draws (see {@link Searcher.enqueue}).
   *
   * @example
   * ```ts
   * search.enqueue({ lr: 0.01 })
   * ```
   */
  enqueue(config: Config): void {
    readyQueue(this.#setup, 'RandomSearch').add(config, argumentAt('RandomSearch.enqueue', 'config'))
  }

  onTrialResult(): void {}

  onTrialComplete(): void {}
}
