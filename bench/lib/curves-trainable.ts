/**
 * The synthetic workload's trainable: one iteration of the curve family per
 * report. It checkpoints `{ t, progress }` before every report, so HyperBand
 * can pause and resume it and PBT can clone it; a resumed run skips its noise
 * stream ahead by `t` draws, so its curve is the same as if it had never paused.
 */
import type { TrialContext } from '../../src/index.ts'
import { CURVE_NOISE_SD, type CurveConfig, type CurveState, curveLoss, curveSpeed, gaussian } from './curves.ts'

export interface CurveData {
  readonly iterations: number
}

export default async function train(config: CurveConfig, ctx: TrialContext<CurveData>): Promise<void> {
  const state = ctx.restore<CurveState>() ?? { t: 0, progress: 0 }
  for (let i = 0; i < state.t; i++) gaussian(ctx.random)
  let { t, progress } = state
  while (t < ctx.data.iterations) {
    t++
    progress += curveSpeed(config)
    ctx.checkpoint({ t, progress } satisfies CurveState)
    // `epoch` travels with the checkpoint: PBT's clock, which a clone takes over from its donor.
    await ctx.report({ loss: curveLoss(config, progress) + CURVE_NOISE_SD * gaussian(ctx.random), epoch: t })
  }
}
