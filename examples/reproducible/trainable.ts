/**
 * Linear regression by mini-batch gradient descent on shared data, reporting
 * the validation loss after every epoch. `epochs` is a hyperparameter, so
 * trials take different times and finish out of order: what makes a parallel
 * run's results arrive in a different order each time.
 */
import type { SharedMatrix, TrialContext } from 'hyperpool'

interface Data {
  X: SharedMatrix
  y: Float64Array
}

export default async function train(config: { lr: number; batch: number; epochs: number }, ctx: TrialContext<Data>): Promise<void> {
  const { X, y } = ctx.data
  const [rows = 0, features = 0] = X.shape
  const split = Math.floor(rows * 0.8)
  const w = new Float64Array(features)
  const predict = (i: number) => {
    let s = 0
    for (let f = 0; f < features; f++) s += (w[f] as number) * (X.data[i * features + f] as number)
    return s
  }
  const validationLoss = () => {
    let loss = 0
    for (let i = split; i < rows; i++) loss += (predict(i) - (y[i] as number)) ** 2
    loss /= rows - split
    return Number.isFinite(loss) ? loss : Number.MAX_VALUE
  }
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    for (let start = 0; start < split; start += config.batch) {
      const end = Math.min(split, start + config.batch)
      const grad = new Float64Array(features)
      for (let i = start; i < end; i++) {
        const error = predict(i) - (y[i] as number)
        for (let f = 0; f < features; f++) grad[f] = (grad[f] as number) + error * (X.data[i * features + f] as number)
      }
      for (let f = 0; f < features; f++) w[f] = (w[f] as number) - (config.lr * (grad[f] as number)) / (end - start)
    }
    await ctx.report({ loss: validationLoss() }) // ASHA judges here; a stopped trial ends here
  }
}
