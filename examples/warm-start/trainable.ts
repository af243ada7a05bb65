/**
 * A stand-in for training: the Branin function of the two hyperparameters
 * (lowest, 0.398, at three places), one report per trial.
 */
import type { TrialContext } from 'hyperpool'

export default async function train(config: { x: number; y: number }, ctx: TrialContext): Promise<void> {
  const { x, y } = config
  const loss = (y - (5.1 / (4 * Math.PI ** 2)) * x ** 2 + (5 / Math.PI) * x - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) + 10
  await ctx.report({ loss })
}
