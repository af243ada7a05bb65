/**
 * Softmax regression trained by mini-batch gradient descent, one epoch per
 * report of the held-out cross-entropy. ASHA needs nothing from it but
 * regular reports: a stopped trial ends inside `ctx.report`.
 */
import type { SharedMatrix, TrialContext } from 'hyperpool'

interface Data {
  X: SharedMatrix
  y: Int32Array
  heldOut: Uint8Array
  epochs: number
}

export default async function train(config: { lr: number; l2: number; batch: number }, ctx: TrialContext<Data>): Promise<void> {
  const { X, y, heldOut, epochs } = ctx.data
  const [rows = 0, features = 0] = X.shape
  const classes = Math.max(...y) + 1
  const width = features + 1 // a bias per class
  const W = new Float64Array(classes * width)
  const trainRows = Array.from({ length: rows }, (_, i) => i).filter((i) => heldOut[i] === 0)
  const testRows = Array.from({ length: rows }, (_, i) => i).filter((i) => heldOut[i] === 1)

  /** Class probabilities of row `i`. */
  const predict = (i: number): Float64Array => {
    const z = new Float64Array(classes)
    for (let c = 0; c < classes; c++) {
      let s = W[c * width + features] as number
      for (let f = 0; f < features; f++) s += (W[c * width + f] as number) * (X.data[i * features + f] as number)
      z[c] = s
    }
    const top = Math.max(...z)
    const e = z.map((v) => Math.exp(v - top))
    const sum = e.reduce((a, b) => a + b, 0)
    return e.map((v) => v / sum)
  }

  for (let epoch = 1; epoch <= epochs; epoch++) {
    shuffle(trainRows, ctx.random)
    for (let start = 0; start < trainRows.length; start += config.batch) {
      const batch = trainRows.slice(start, start + config.batch)
      const grad = new Float64Array(W.length)
      for (const i of batch) {
        const p = predict(i)
        for (let c = 0; c < classes; c++) {
          const error = (p[c] as number) - (y[i] === c ? 1 : 0)
          for (let f = 0; f < features; f++)
            grad[c * width + f] = (grad[c * width + f] as number) + error * (X.data[i * features + f] as number)
          grad[c * width + features] = (grad[c * width + features] as number) + error
        }
      }
      for (let k = 0; k < W.length; k++)
        W[k] = (W[k] as number) - config.lr * ((grad[k] as number) / batch.length + config.l2 * (W[k] as number))
    }
    const loss = testRows.reduce((sum, i) => sum - Math.log(Math.max(1e-12, predict(i)[y[i] as number] as number)), 0) / testRows.length
    await ctx.report({ loss, epoch })
  }
}

function shuffle(values: number[], random: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[values[i], values[j]] = [values[j] as number, values[i] as number]
  }
}
