import { ConfigError } from '../errors.ts'
import { argumentAt, defineOptions, optionAt, type SchemaOf } from '../options/index.ts'
import type { Config } from '../types.ts'
import { type Domain, isDomain } from './domain.ts'
import { copyJson, type JsonValue } from './json.ts'
import { POINTS_TO_EVALUATE, PointQueue } from './points-to-evaluate.ts'
import { createRandom, deriveSeed } from './rng.ts'
import { sampleDomain } from './sample.ts'
import type { Searcher, SearcherSetup } from './searcher.ts'
import { checkSetup, readyQueue, readySetup } from './setup.ts'
import { type Constant, flattenSpace, unflatten } from './space.ts'

/**
 * Options of {@link GridSearch}.
 *
 * @example
 * ```ts
 * const options: GridSearchOptions = { pointsToEvaluate: [{ lr: 0.01, batch: 64 }] }
 * ```
 */
export interface GridSearchOptions {
  /**
   * Configs tried first, in order, before the whole grid (they add to its size); keys left out are drawn at random.
   * @default []
   */
  readonly pointsToEvaluate?: readonly Config[]
}

export const GRID_OPTIONS = defineOptions('GridSearch', {
  pointsToEvaluate: POINTS_TO_EVALUATE.withDefault([]),
} satisfies SchemaOf<GridSearchOptions>)

interface GridState {
  readonly seed: number
  readonly entries: ReadonlyArray<{ path: string[]; value: Domain | Constant }>
  /** The values of each grid entry, by entry index, in key order. */
  readonly grids: ReadonlyMap<number, readonly JsonValue[]>
  readonly gridSize: number
  /** Grid points times numSamples: the grid's own proposals. */
  readonly gridTrials: number
  /** How many grid proposals were made. */
  proposed: number
  /** How many queued configs were handed out. */
  fromQueue: number
  readonly queue: PointQueue
}

/**
 * Runs the cartesian product of every `grid` dimension (at any depth),
 * `numSamples` times over, as Ray Tune does: `size = gridSize * numSamples`,
 * plus the `pointsToEvaluate` and enqueued configs, which come first.
 * Trial `k` gets grid point `(k - q) % gridSize` (q: the queued configs handed out before), enumerated like
 * nested loops in key order (the last grid dimension varies fastest); other
 * dimensions are drawn from the trial's own stream, so without grid
 * dimensions this is RandomSearch.
 *
 * @example
 * ```ts
 * const search = new GridSearch()
 * search.setup({ space: { a: grid([1, 2]), b: grid(['x', 'y']) }, metric: 'loss', mode: 'min', seed: 0, numSamples: 1 })
 * search.suggest(1) // { a: 1, b: 'y' }
 * ```
 */
export class GridSearch implements Searcher {
  /** The options in force, defaults filled in. */
  readonly options: { readonly pointsToEvaluate: readonly Config[] }
  #state: GridState | undefined

  constructor(options?: GridSearchOptions) {
    this.options = GRID_OPTIONS.read(options)
  }

  /**
   * How many trials this search proposes: grid points times `numSamples`, plus the points given and enqueued.
   *
   * @example
   * ```ts
   * search.size // 4 for grid([1, 2]) x grid(['x', 'y']) and numSamples 1
   * ```
   */
  get size(): number {
    if (this.#state === undefined) throw new ConfigError('GridSearch.size: call setup() first', { field: 'search' })
    return this.#state.gridTrials + this.#state.fromQueue + this.#state.queue.length
  }

  setup(options: SearcherSetup): void {
    const { space, seed, numSamples } = checkSetup(options)
    const entries = flattenSpace(space)
    const grids = new Map<number, readonly JsonValue[]>()
    entries.forEach(({ value }, index) => {
      if (isDomain(value) && value.$domain === 'grid') grids.set(index, value.values)
    })
    const gridSize = [...grids.values()].reduce((product, values) => product * values.length, 1)
    const gridTrials = gridSize * numSamples
    if (!Number.isSafeInteger(gridTrials)) {
      throw new ConfigError(`numSamples: grid points (${gridSize}) times numSamples (${numSamples}) must be a safe integer`, {
        field: 'numSamples',
      })
    }
    const queue = new PointQueue(space, this.options.pointsToEvaluate, optionAt('GridSearch', 'pointsToEvaluate'))
    this.#state = { seed, entries, grids, gridSize, gridTrials, proposed: 0, fromQueue: 0, queue }
  }

  suggest(trialId: number): Config | null {
    const s = readySetup(this.#state, 'GridSearch', trialId)
    const random = createRandom(deriveSeed(s.seed, 'sample', trialId))
    const queued = s.queue.next(random)
    if (queued !== undefined) {
      s.fromQueue++
      return queued
    }
    if (s.proposed >= s.gridTrials) return null
    // By trial id, so trial k's config does not depend on the order of suggestions; queued configs took ids before.
    const point = gridPoint((((trialId - s.fromQueue) % s.gridSize) + s.gridSize) % s.gridSize, s.grids)
    s.proposed++
    return unflatten(
      s.entries.map(({ path, value }, index) => {
        if (point.has(index)) return { path, value: copyJson(point.get(index)) }
        return { path, value: isDomain(value) ? sampleDomain(value, random) : copyJson(value) }
      }),
    )
  }

  /**
   * Hands out `config` before the rest of the grid (see {@link Searcher.enqueue}); it adds to `size`.
   *
   * @example
   * ```ts
   * search.enqueue({ a: 2, b: 'x' })
   * ```
   */
  enqueue(config: Config): void {
    readyQueue(this.#state, 'GridSearch').add(config, argumentAt('GridSearch.enqueue', 'config'))
  }

  onTrialResult(): void {}

  onTrialComplete(): void {}
}

/** The grid values of point number `point`, read as mixed-radix digits with the last grid entry least significant. */
function gridPoint(point: number, grids: ReadonlyMap<number, readonly JsonValue[]>): Map<number, JsonValue | undefined> {
  const values = new Map<number, JsonValue | undefined>()
  let rest = point
  for (const [index, choices] of [...grids].reverse()) {
    values.set(index, choices[rest % choices.length])
    rest = Math.floor(rest / choices.length)
  }
  return values
}
