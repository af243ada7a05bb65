/**
 * A polynomial of `degree` fitted by full-batch gradient descent with
 * momentum. HyperBand pauses it at milestones: before every report it
 * checkpoints what it needs to carry on (the epoch, the weights and the
 * momentum, as typed arrays), and on resume `ctx.restore()` gives that back.
 */
import type { TrialContext } from 'hyperpool'

interface Data {
  x: Float64Array
  y: Float64Array
  epochs: number
}

interface State {
  epoch: number
  w: Float64Array
  velocity: Float64Array
  /** How many runs worked on this state: more than 1 once the trial was resumed. */
  runs: number
}

export default async function train(config: { degree: number; lr: number; momentum: number }, ctx: TrialContext<Data>): Promise<void> {
  const { x, y, epochs } = ctx.data
  const terms = config.degree + 1
  const saved = ctx.restore<State>()
  const state: State = saved
    ? { ...saved, runs: saved.runs + 1 }
    : { epoch: 0, w: new Float64Array(terms), velocity: new Float64Array(terms), runs: 1 }
  const { w, velocity } = state
  const held = (i: number) => i % 4 === 0
  const predict = (v: number) => w.reduce((sum, wk, k) => sum + wk * v ** k, 0)

  while (state.epoch < epochs) {
    const grad = new Float64Array(terms)
    let n = 0
    x.forEach((v, i) => {
      if (held(i)) return
      const error = predict(v) - (y[i] as number)
      for (let k = 0; k < terms; k++) grad[k] = (grad[k] as number) + error * v ** k
      n++
    })
    for (let k = 0; k < terms; k++) {
      velocity[k] = config.momentum * (velocity[k] as number) - (config.lr * (grad[k] as number)) / n
      w[k] = (w[k] as number) + (velocity[k] as number)
    }
    state.epoch++
    let mse = 0
    let m = 0
    x.forEach((v, i) => {
      if (!held(i)) return
      mse += (predict(v) - (y[i] as number)) ** 2
      m++
    })
    ctx.checkpoint(state) // the state as of this report: a pause right after it resumes from here
    await ctx.report({ mse: mse / m, epoch: state.epoch, runs: state.runs })
  }
}
