/**
 * A polynomial of `degree` fitted to (x, y) by gradient descent with an L2
 * penalty; it reports the held-out mean squared error and the model's size.
 */
import type { TrialContext } from 'hyperpool'

interface Data {
  x: Float64Array
  y: Float64Array
}

export default async function train(config: { degree: number; lr: number; l2: number }, ctx: TrialContext<Data>) {
  const { x, y } = ctx.data
  const size = config.degree + 1
  const w = new Float64Array(size)
  // Features (x / 3)^k stay in [-1, 1], so one learning rate suits every degree.
  const features = (v: number) => Float64Array.from({ length: size }, (_, k) => (v / 3) ** k)
  const rows = Array.from(x, (v, i) => ({ f: features(v), target: y[i] as number, heldOut: i % 3 === 0 }))
  const predict = (f: Float64Array) => f.reduce((sum, fk, k) => sum + fk * (w[k] as number), 0)
  for (let epoch = 0; epoch < 300; epoch++) {
    const grad = new Float64Array(size)
    let n = 0
    for (const row of rows) {
      if (row.heldOut) continue
      const error = predict(row.f) - row.target
      for (let k = 0; k < size; k++) grad[k] = (grad[k] as number) + error * (row.f[k] as number)
      n++
    }
    for (let k = 0; k < size; k++) w[k] = (w[k] as number) - config.lr * ((grad[k] as number) / n + config.l2 * (w[k] as number))
  }
  const held = rows.filter((row) => row.heldOut)
  const loss = held.reduce((sum, row) => sum + (predict(row.f) - row.target) ** 2, 0) / held.length
  return { loss: Number.isFinite(loss) ? loss : 1e9, size }
}
