import { ConfigError } from '../errors.ts'
import { argumentAt, defineOptions, optionAt, type SchemaOf } from '../options/index.ts'
import type { Config } from '../types.ts'
import { asConditional } from './branches.ts'
import { isDomain } from './domain.ts'
import { copyJson, isPlainObject } from './json.ts'
import { POINTS_TO_EVALUATE, PointQueue } from './points-to-evaluate.ts'
import { createRandom, deriveSeed } from './rng.ts'
import { sampleDomain } from './sample.ts'
import type { Searcher, SearcherSetup } from './searcher.ts'
import { checkSetup, readyQueue, readySetup } from './setup.ts'
import type { Space } from './space.ts'

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
  readonly space: Space
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
 * dimensions this is RandomSearch. A `grid` over sub-spaces counts the grid
 * points of each branch (its own product, 1 for a branch without grids) and
 * runs them all; a `choice` over sub-spaces is drawn, and the grids inside
 * the branch drawn are drawn too, like choices.
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
    const gridSize = gridCount(space)
    const gridTrials = gridSize * numSamples
    if (!Number.isSafeInteger(gridTrials)) {
      throw new ConfigError(`numSamples: grid points (${gridSize}) times numSamples (${numSamples}) must be a safe integer`, {
        field: 'numSamples',
      })
    }
    const queue = new PointQueue(space, this.options.pointsToEvaluate, optionAt('GridSearch', 'pointsToEvaluate'))
    this.#state = { seed, space, gridSize, gridTrials, proposed: 0, fromQueue: 0, queue }
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
    const point = (((trialId - s.fromQueue) % s.gridSize) + s.gridSize) % s.gridSize
    s.proposed++
    return gridConfig(s.space, point, random)
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

/** How many grid points an entry of a space spans: a grid's values (a sub-space value its own count), a nested space its product, else 1. */
function entryCount(entry: unknown): number {
  if (isDomain(entry)) {
    if (entry.$domain !== 'grid') return 1
    const values: readonly unknown[] = entry.values
    if (asConditional(entry) !== undefined)
      return values.reduce<number>((sum, branch) => sum + (isPlainObject(branch) ? gridCount(branch as Space) : 1), 0)
    return values.length
  }
  return isPlainObject(entry) ? gridCount(entry as Space) : 1
}

/** The grid points of a space: the product over its entries. */
function gridCount(space: Space): number {
  return Object.values(space).reduce<number>((product, entry) => product * entryCount(entry), 1)
}

/**
 * The config of grid point number `point`, read as mixed-radix digits with
 * the last grid entry least significant (nested loops in key order); a
 * conditional grid's digit counts through its branches' points in turn.
 * Other domains are drawn with `random`, in key order.
 */
function gridConfig(space: Space, point: number, random: () => number): Config {
  const entries = Object.entries(space)
  const digits = new Array<number>(entries.length)
  let rest = point
  for (let i = entries.length - 1; i >= 0; i--) {
    const size = entryCount((entries[i] as [string, unknown])[1])
    digits[i] = rest % size
    rest = Math.floor(rest / size)
  }
  const config: Config = {}
  entries.forEach(([key, entry], i) => {
    const digit = digits[i] as number
    if (isDomain(entry) && entry.$domain === 'grid') config[key] = gridValue(entry.values, digit, random)
    else if (isDomain(entry)) config[key] = sampleDomain(entry, random)
    else if (isPlainObject(entry)) config[key] = gridConfig(entry as Space, digit, random)
    else config[key] = copyJson(entry)
  })
  return config
}

/** Grid value number `digit`: a constant, or a point of a sub-space branch, counted through the branches in order. */
function gridValue(values: readonly unknown[], digit: number, random: () => number): unknown {
  let rest = digit
  let index = 0
  for (; index < values.length - 1; index++) {
    const size = isPlainObject(values[index]) ? gridCount(values[index] as Space) : 1
    if (rest < size) break
    rest -= size
  }
  const value = values[index]
  return isPlainObject(value) ? gridConfig(value as Space, rest, random) : copyJson(value)
}
