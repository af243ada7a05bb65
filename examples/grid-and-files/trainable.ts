/**
 * One trial: fits y = a·x + b to noisy points by gradient descent and
 * reports the mean squared error each epoch. What it prints goes to its own
 * log file, runs/grid-and-files/trial_0003/stdout.log (the Tuner option
 * `trialOutput: 'both'` would show it on the console too).
 */
import type { TrialContext } from 'hyperpool'

export interface LineConfig {
  readonly lr: number
  readonly batch: number
  readonly epochs: number
}

export default async function train(config: LineConfig, ctx: TrialContext<{ x: Float64Array; y: Float64Array }>): Promise<void> {
  const { x, y } = ctx.data
  let a = ctx.random()
  let b = ctx.random()
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    for (let start = 0; start < x.length; start += config.batch) {
      let gradA = 0
      let gradB = 0
      const end = Math.min(x.length, start + config.batch)
      for (let i = start; i < end; i++) {
        const error = a * (x[i] as number) + b - (y[i] as number)
        gradA += error * (x[i] as number)
        gradB += error
      }
      a -= (config.lr * gradA) / (end - start)
      b -= (config.lr * gradB) / (end - start)
    }
    let mse = 0
    for (let i = 0; i < x.length; i++) mse += (a * (x[i] as number) + b - (y[i] as number)) ** 2
    if (epoch === 1 || epoch === config.epochs) {
      console.log(
        `epoch ${epoch}: y = ${a.toFixed(3)}·x ${b < 0 ? '-' : '+'} ${Math.abs(b).toFixed(3)}, mse ${(mse / x.length).toFixed(5)}`,
      )
    }
    await ctx.report({ mse: mse / x.length, a, b })
  }
}
