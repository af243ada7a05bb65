/**
 * One trial: fit y = a·x² + b·x + c to noisy points by gradient descent with
 * momentum, reporting the mean squared error every 20 steps.
 */
import type { TrialContext } from 'hyperpool'

export interface CurveConfig {
  readonly lr: number
  readonly momentum: number
  readonly steps: number
}

export interface CurveData {
  readonly xs: Float64Array
  readonly ys: Float64Array
}

export default async function train(config: CurveConfig, ctx: TrialContext<CurveData>): Promise<void> {
  const { xs, ys } = ctx.data
  const theta = [ctx.random() - 0.5, ctx.random() - 0.5, ctx.random() - 0.5]
  const velocity = [0, 0, 0]
  for (let step = 1; step <= config.steps; step++) {
    const grad = [0, 0, 0]
    let mse = 0
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i] as number
      const features = [x * x, x, 1]
      const error = features.reduce((sum, f, k) => sum + f * (theta[k] as number), 0) - (ys[i] as number)
      mse += error * error
      features.forEach((f, k) => {
        grad[k] = (grad[k] as number) + (2 * error * f) / xs.length
      })
    }
    for (let k = 0; k < 3; k++) {
      velocity[k] = config.momentum * (velocity[k] as number) - config.lr * (grad[k] as number)
      theta[k] = (theta[k] as number) + (velocity[k] as number)
    }
    // A diverging config reports Infinity/NaN; trackers record it as such.
    if (step % 20 === 0) await ctx.report({ mse: mse / xs.length, a: theta[0], b: theta[1], c: theta[2] })
  }
}
