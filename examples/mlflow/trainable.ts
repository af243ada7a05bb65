/**
 * One trial: logistic regression trained by mini-batch SGD on the shared
 * data set, reporting the training loss and the held-out accuracy every epoch.
 */
import type { TrialContext } from 'hyperpool'

/** The example's shared data: `rows` points of `features` values, their 0/1 labels, and which rows are held out. */
export interface LogRegData {
  readonly X: Float64Array
  readonly y: Int32Array
  readonly holdout: Int32Array
  readonly features: number
}

export interface LogRegConfig {
  readonly lr: number
  readonly l2: number
  readonly batch: number
  readonly epochs: number
}

export default async function train(config: LogRegConfig, ctx: TrialContext<LogRegData>): Promise<void> {
  const { X, y, holdout, features } = ctx.data
  const trainRows: number[] = []
  const testRows: number[] = []
  holdout.forEach((h, i) => {
    ;(h === 1 ? testRows : trainRows).push(i)
  })
  const w = new Float64Array(features)
  let bias = 0
  const predict = (row: number): number => {
    let z = bias
    for (let j = 0; j < features; j++) z += (w[j] as number) * (X[row * features + j] as number)
    return 1 / (1 + Math.exp(-z))
  }
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    shuffle(trainRows, ctx.random)
    let loss = 0
    for (let start = 0; start < trainRows.length; start += config.batch) {
      const rows = trainRows.slice(start, start + config.batch)
      const grad = new Float64Array(features)
      let gradBias = 0
      for (const row of rows) {
        const p = predict(row)
        const label = y[row] as number
        loss -= label * Math.log(p + 1e-12) + (1 - label) * Math.log(1 - p + 1e-12)
        const error = p - label
        for (let j = 0; j < features; j++) grad[j] = (grad[j] as number) + error * (X[row * features + j] as number)
        gradBias += error
      }
      for (let j = 0; j < features; j++)
        w[j] = (w[j] as number) - config.lr * ((grad[j] as number) / rows.length + config.l2 * (w[j] as number))
      bias -= (config.lr * gradBias) / rows.length
    }
    const correct = testRows.filter((row) => (predict(row) >= 0.5 ? 1 : 0) === y[row]).length
    await ctx.report({ loss: loss / trainRows.length, accuracy: correct / testRows.length })
  }
}

function shuffle(items: number[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[items[i], items[j]] = [items[j] as number, items[i] as number]
  }
}
