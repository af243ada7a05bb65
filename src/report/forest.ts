/**
 * A small regression forest and the permutation importance of its inputs,
 * measured on each tree's out-of-bag rows. Pure and seeded: the same rows
 * and seed give the same importances.
 */
import { createRandom } from '../search/rng.ts'

/** A fitted regression tree: a leaf's mean, or a split on one feature. */
type Tree = { readonly leaf: number } | { readonly feature: number; readonly threshold: number; readonly low: Tree; readonly high: Tree }

/**
 * How the forest is grown.
 *
 * @example
 * ```ts
 * const options: ForestOptions = { trees: 64, maxDepth: 8, minLeaf: 2, seed: 1 }
 * ```
 */
export interface ForestOptions {
  readonly trees: number
  readonly maxDepth: number
  /** The fewest rows a leaf may hold. */
  readonly minLeaf: number
  readonly seed: number
}

/** The forest the report grows: enough trees that 30 trials give a stable ranking, small enough to stay fast. */
export const REPORT_FOREST: Omit<ForestOptions, 'seed'> = { trees: 64, maxDepth: 8, minLeaf: 2 }

/**
 * Each feature's share of the forest's out-of-bag error increase when that
 * feature's values are shuffled among the out-of-bag rows (negative
 * increases count as 0; the shares sum to 1, or are all 0 when no feature
 * matters). Every tree is fitted on a bootstrap sample, considering every
 * feature at each split.
 *
 * @example
 * ```ts
 * const rows = [[0.1, 5], [0.9, 3], [0.5, 4], [0.3, 1]]
 * permutationImportance(rows, [1, 9, 5, 3], { ...REPORT_FOREST, seed: 7 }) // e.g. [0.97, 0.03]
 * ```
 */
export function permutationImportance(rows: readonly (readonly number[])[], y: readonly number[], options: ForestOptions): number[] {
  const d = rows[0]?.length ?? 0
  const n = rows.length
  const increase = new Array<number>(d).fill(0)
  if (n < 2 || d === 0) return increase
  const random = createRandom(options.seed)
  for (let t = 0; t < options.trees; t++) {
    const inBag = new Uint8Array(n)
    const sample: number[] = []
    for (let i = 0; i < n; i++) {
      const pick = Math.floor(random() * n)
      sample.push(pick)
      inBag[pick] = 1
    }
    const outOfBag = [...Array(n).keys()].filter((i) => inBag[i] === 0)
    if (outOfBag.length < 2) continue
    const tree = grow(rows, y, sample, 0, options)
    const base = meanSquaredError(
      tree,
      outOfBag.map((i) => rows[i] as readonly number[]),
      outOfBag,
      y,
    )
    for (let j = 0; j < d; j++) {
      const values = outOfBag.map((i) => (rows[i] as readonly number[])[j] as number)
      shuffle(values, random)
      const permuted = outOfBag.map((i, k) => {
        const row = [...(rows[i] as readonly number[])]
        row[j] = values[k] as number
        return row
      })
      increase[j] = (increase[j] as number) + meanSquaredError(tree, permuted, outOfBag, y) - base
    }
  }
  const clipped = increase.map((v) => Math.max(0, v))
  const total = clipped.reduce((a, b) => a + b, 0)
  return total > 0 ? clipped.map((v) => v / total) : clipped
}

function meanSquaredError(tree: Tree, rows: readonly (readonly number[])[], ids: readonly number[], y: readonly number[]): number {
  let sum = 0
  rows.forEach((row, k) => {
    const error = predict(tree, row) - (y[ids[k] as number] as number)
    sum += error * error
  })
  return sum / rows.length
}

function predict(tree: Tree, row: readonly number[]): number {
  let node = tree
  while (!('leaf' in node)) node = (row[node.feature] as number) <= node.threshold ? node.low : node.high
  return node.leaf
}

function shuffle(values: number[], random: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[values[i], values[j]] = [values[j] as number, values[i] as number]
  }
}

/** A tree over the rows `ids` (with repeats, from the bootstrap), split where the squared error drops most. */
function grow(
  rows: readonly (readonly number[])[],
  y: readonly number[],
  ids: readonly number[],
  depth: number,
  options: ForestOptions,
): Tree {
  let sum = 0
  for (const i of ids) sum += y[i] as number
  const mean = sum / ids.length
  if (depth >= options.maxDepth || ids.length < 2 * options.minLeaf) return { leaf: mean }
  const split = bestSplit(rows, y, ids, options.minLeaf)
  if (split === undefined) return { leaf: mean }
  const low = ids.filter((i) => ((rows[i] as readonly number[])[split.feature] as number) <= split.threshold)
  const high = ids.filter((i) => ((rows[i] as readonly number[])[split.feature] as number) > split.threshold)
  return {
    feature: split.feature,
    threshold: split.threshold,
    low: grow(rows, y, low, depth + 1, options),
    high: grow(rows, y, high, depth + 1, options),
  }
}

/** The split with the least squared error over all features and thresholds, if any lowers it. */
function bestSplit(
  rows: readonly (readonly number[])[],
  y: readonly number[],
  ids: readonly number[],
  minLeaf: number,
): { feature: number; threshold: number } | undefined {
  const n = ids.length
  let total = 0
  let totalSq = 0
  for (const i of ids) {
    total += y[i] as number
    totalSq += (y[i] as number) ** 2
  }
  let best = totalSq - (total * total) / n - 1e-12
  let found: { feature: number; threshold: number } | undefined
  const d = (rows[0] as readonly number[]).length
  for (let f = 0; f < d; f++) {
    const order = [...ids].sort((a, b) => ((rows[a] as readonly number[])[f] as number) - ((rows[b] as readonly number[])[f] as number))
    let left = 0
    let leftSq = 0
    for (let k = 0; k < n - 1; k++) {
      const yi = y[order[k] as number] as number
      left += yi
      leftSq += yi * yi
      const here = (rows[order[k] as number] as readonly number[])[f] as number
      const next = (rows[order[k + 1] as number] as readonly number[])[f] as number
      if (here === next || k + 1 < minLeaf || n - k - 1 < minLeaf) continue
      const right = total - left
      const error = leftSq - (left * left) / (k + 1) + (totalSq - leftSq) - (right * right) / (n - k - 1)
      if (error < best) {
        best = error
        found = { feature: f, threshold: (here + next) / 2 }
      }
    }
  }
  return found
}
