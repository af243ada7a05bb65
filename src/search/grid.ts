import { ConfigError } from '../errors.ts'
import { defineOptions, type SchemaOf } from '../options/index.ts'
import type { Config } from '../types.ts'
import { type Domain, isDomain } from './domain.ts'
import { copyJson, type JsonValue } from './json.ts'
import { createRandom, deriveSeed } from './rng.ts'
import { sampleDomain } from './sample.ts'
import type { Searcher, SearcherSetup } from './searcher.ts'
import { checkSetup, readySetup } from './setup.ts'
import { type Constant, flattenSpace, unflatten } from './space.ts'

/**
 * Options of {@link GridSearch}: none yet, so any key is refused rather than ignored.
 *
 * @example
 * ```ts
 * const options: GridSearchOptions = {}
 * ```
 */
export type GridSearchOptions = Record<string, never>

export const GRID_OPTIONS = defineOptions('GridSearch', {} satisfies SchemaOf<GridSearchOptions>)

interface GridState {
  readonly seed: number
  readonly entries: ReadonlyArray<{ path: string[]; value: Domain | Constant }>
  /** The values of each grid entry, by entry index, in key order. */
  readonly grids: ReadonlyMap<number, readonly JsonValue[]>
  readonly gridSize: number
  readonly size: number
  suggested: number
}

/**
 * Runs the cartesian product of every `grid` dimension (at any depth),
 * `numSamples` times over, as Ray Tune does: `size = gridSize * numSamples`.
 * Trial `k` gets grid point `k % gridSize`, enumerated like nested loops in
 * key order (the last grid dimension varies fastest); other dimensions are
 * drawn from trial `k`'s own stream, so without grid dimensions this is
 * RandomSearch. Trial ids are expected to be 0, 1, 2, ...
 *
 * @example
 * ```ts
 * const search = new GridSearch()
 * search.setup({ space: { a: grid([1, 2]), b: grid(['x', 'y']) }, metric: 'loss', mode: 'min', seed: 0, numSamples: 1 })
 * search.suggest(1) // { a: 1, b: 'y' }
 * ```
 */
export class GridSearch implements Searcher {
  #state: GridState | undefined

  constructor(options?: GridSearchOptions) {
    GRID_OPTIONS.read(options)
  }

  /**
   * How many trials this search proposes: grid points times `numSamples`.
   *
   * @example
   * ```ts
   * search.size // 4 for grid([1, 2]) x grid(['x', 'y']) and numSamples 1
   * ```
   */
  get size(): number {
    if (this.#state === undefined) throw new ConfigError('GridSearch.size: call setup() first', { field: 'search' })
    return this.#state.size
  }

  setup(options: SearcherSetup): void {
    const { space, seed, numSamples } = checkSetup(options)
    const entries = flattenSpace(space)
    const grids = new Map<number, readonly JsonValue[]>()
    entries.forEach(({ value }, index) => {
      if (isDomain(value) && value.$domain === 'grid') grids.set(index, value.values)
    })
    const gridSize = [...grids.values()].reduce((product, values) => product * values.length, 1)
    const size = gridSize * numSamples
    if (!Number.isSafeInteger(size)) {
      throw new ConfigError(`numSamples: grid points (${gridSize}) times numSamples (${numSamples}) must be a safe integer`, {
        field: 'numSamples',
      })
    }
    this.#state = { seed, entries, grids, gridSize, size, suggested: 0 }
  }

  suggest(trialId: number): Config | null {
    const s = readySetup(this.#state, 'GridSearch', trialId)
    if (s.suggested >= s.size) return null
    s.suggested++
    const point = gridPoint(trialId % s.gridSize, s.grids)
    const random = createRandom(deriveSeed(s.seed, 'sample', trialId))
    return unflatten(
      s.entries.map(({ path, value }, index) => {
        if (point.has(index)) return { path, value: copyJson(point.get(index)) }
        return { path, value: isDomain(value) ? sampleDomain(value, random) : copyJson(value) }
      }),
    )
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
