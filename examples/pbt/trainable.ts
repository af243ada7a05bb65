/**
 * Noisy SGD on the quadratic ½‖w‖²: each step follows the gradient w plus
 * unit Gaussian noise; an epoch is 20 steps and reports the loss ‖w‖²/d.
 * PBT needs checkpoints: the weights and the epoch are saved before every
 * report; a trial resuming after an exploit gets the donor's state from
 * `ctx.restore()` and goes on with its own (explored) `config.lr`.
 */
import type { TrialContext } from 'hyperpool'

const DIMENSIONS = 20
const STEPS_PER_EPOCH = 20

interface State {
  epoch: number
  w: Float64Array
}

export default async function train(config: { lr: number }, ctx: TrialContext<{ epochs: number }>): Promise<void> {
  const state = ctx.restore<State>() ?? { epoch: 0, w: new Float64Array(DIMENSIONS).fill(10) }
  const { w } = state
  while (state.epoch < ctx.data.epochs) {
    for (let step = 0; step < STEPS_PER_EPOCH; step++) {
      for (let k = 0; k < w.length; k++) w[k] = (w[k] as number) - config.lr * ((w[k] as number) + gaussian(ctx.random))
    }
    state.epoch++
    ctx.checkpoint(state)
    await ctx.report({ loss: w.reduce((s, v) => s + v * v, 0) / w.length, epoch: state.epoch, lr: config.lr })
  }
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
}
