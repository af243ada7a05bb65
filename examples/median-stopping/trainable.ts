/**
 * Gradient boosting with regression stumps (one split on one feature): each
 * round fits a stump to the residuals of a random subsample of the training
 * rows and adds it, scaled by `shrinkage`. Each round reports the held-out
 * mean squared error; the rule needs nothing else.
 */
import type { SharedMatrix, TrialContext } from 'hyperpool'

interface Data {
  X: SharedMatrix
  y: Float64Array
  rounds: number
}

interface Config {
  shrinkage: number
  subsample: number
  minLeaf: number
}

export default async function train(config: Config, ctx: TrialContext<Data>): Promise<void> {
  const { X, y, rounds } = ctx.data
  const [n = 0, features = 0] = X.shape
  const at = (i: number, f: number) => X.data[i * features + f] as number
  const held = (i: number) => i % 3 === 0 // every third flower; rows are ordered by species
  const trainRows = [...Array(n).keys()].filter((i) => !held(i))
  const prediction = new Float64Array(n).fill(trainRows.reduce((s, i) => s + (y[i] as number), 0) / trainRows.length)

  for (let round = 1; round <= rounds; round++) {
    const sample = trainRows.filter(() => ctx.random() < config.subsample)
    const residual = (i: number) => (y[i] as number) - (prediction[i] as number)
    // The split (feature, threshold) that most reduces the squared residuals, with at least minLeaf rows a side.
    let best = { gain: 0, feature: 0, threshold: 0, left: 0, right: 0 }
    const total = sample.reduce((s, i) => s + residual(i), 0)
    for (let f = 0; f < features; f++) {
      const sorted = [...sample].sort((a, b) => at(a, f) - at(b, f))
      let leftSum = 0
      sorted.forEach((i, k) => {
        leftSum += residual(i)
        const next = sorted[k + 1]
        const nl = k + 1
        const nr = sorted.length - nl
        if (next === undefined || at(next, f) === at(i, f) || nl < config.minLeaf || nr < config.minLeaf) return
        const gain = leftSum ** 2 / nl + (total - leftSum) ** 2 / nr
        if (gain > best.gain)
          best = { gain, feature: f, threshold: (at(i, f) + at(next, f)) / 2, left: leftSum / nl, right: (total - leftSum) / nr }
      })
    }
    for (let i = 0; i < n; i++) {
      const step = at(i, best.feature) <= best.threshold ? best.left : best.right
      prediction[i] = (prediction[i] as number) + config.shrinkage * step
    }
    const test = [...Array(n).keys()].filter(held)
    await ctx.report({ mse: test.reduce((s, i) => s + residual(i) ** 2, 0) / test.length, round })
  }
}
