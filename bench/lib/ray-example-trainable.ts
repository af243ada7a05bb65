/**
 * The trainable of Ray Tune's example curve family: one step per report, a
 * checkpoint of the step before each report so HyperBand can pause it and PBT
 * clone it; a resumed run skips its noise stream ahead, so its curve is unchanged.
 */
import type { TrialContext } from '../../src/index.ts'
import { gaussian } from './curves.ts'
import { noisyRayExampleLoss, type RayExampleConfig } from './ray-example.ts'

export default async function train(config: RayExampleConfig, ctx: TrialContext<{ iterations: number }>): Promise<void> {
  const start = ctx.restore<number>() ?? 0
  for (let i = 0; i < start; i++) gaussian(ctx.random)
  for (let step = start; step < ctx.data.iterations; step++) {
    ctx.checkpoint(step + 1)
    await ctx.report({ loss: noisyRayExampleLoss(config, step, ctx.random) })
  }
}
