/**
 * hyperpool's searchers in the Optuna side-by-side benchmark. Adding one is
 * one line: a name for the table and a factory for a fresh searcher (one per
 * study), e.g.
 *
 *   { name: 'hyperpool GP', make: () => new GPSearch() },
 *
 * Each runs every function and seed of the table; a searcher whose first 100
 * trials change with its budget (numSamples) is detected and run once per
 * budget (see bench/lib/search-runs.ts).
 */
import { GPSearch } from '../../src/search/gp/gp.ts'
import { RandomSearch } from '../../src/search/random.ts'
import type { Searcher } from '../../src/search/searcher.ts'
import { TPESearch } from '../../src/search/tpe/tpe.ts'

export interface SearchContender {
  /** The table's column name. */
  readonly name: string
  /** A fresh searcher with the options measured. */
  readonly make: () => Searcher
}

export const CONTENDERS: readonly SearchContender[] = [
  { name: 'hyperpool GP', make: () => new GPSearch() },
  { name: 'hyperpool TPE', make: () => new TPESearch() },
  { name: 'hyperpool random', make: () => new RandomSearch() },
]
