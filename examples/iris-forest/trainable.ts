/**
 * One trial of the demo: 5-fold cross-validation of a random forest on iris.
 * Runs inside a worker thread; the dataset is read from shared memory.
 */

import type { SharedMatrix, TrialContext } from 'hyperpool'
import { RandomForestClassifier } from 'ml-random-forest'
import type { ForestConfig } from './space.ts'

/** The demo's shared data: features, integer labels and each row's fold. */
export interface IrisData {
  readonly X: SharedMatrix
  readonly y: Int32Array
  readonly fold: Int32Array
  readonly folds: number
}

export default async function train(config: ForestConfig, ctx: TrialContext<IrisData>): Promise<void> {
  const { X, y, fold, folds } = ctx.data
  const rows = toRows(X)
  let correct = 0
  let seen = 0
  for (let k = 0; k < folds; k++) {
    const train = indices(fold, (f) => f !== k)
    const test = indices(fold, (f) => f === k)
    const forest = new RandomForestClassifier({
      nEstimators: config.nEstimators,
      maxFeatures: config.maxFeatures,
      replacement: config.replacement,
      seed: ctx.seed,
      treeOptions: config.tree,
      noOOB: true,
    })
    forest.train(
      train.map((i) => rows[i] as number[]),
      train.map((i) => y[i] as number),
    )
    const predicted = forest.predict(test.map((i) => rows[i] as number[]))
    test.forEach((row, j) => {
      if (predicted[j] === y[row]) correct++
    })
    seen += test.length
    // Reporting after every fold lets a scheduler stop a poor config early.
    await ctx.report({ accuracy: correct / seen, folds_done: k + 1 })
  }
}

function toRows(matrix: SharedMatrix): number[][] {
  const [rows, cols] = matrix.shape
  return Array.from({ length: rows }, (_, i) => Array.from(matrix.data.subarray(i * cols, (i + 1) * cols)))
}

function indices(fold: Int32Array, keep: (fold: number) => boolean): number[] {
  const out: number[] = []
  fold.forEach((f, i) => {
    if (keep(f)) out.push(i)
  })
  return out
}
