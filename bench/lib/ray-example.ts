/**
 * The learning-curve family of Ray Tune's own scheduler examples
 * (`async_hyperband_example.py`): at step s, a config (width, height) scores
 *
 *   (0.1 + width · s / 100)^(-1) + height · 0.1
 *
 * with width in [0, 20] and height in [-100, 100]. Here it gets Gaussian noise
 * (sd 0.1) from the trial's seeded `ctx.random()`, and 20 is added so the loss
 * stays positive and a gap in percent means something; rankings are unchanged.
 * Unlike lib/curves.ts, curves here do not cross much: it is the easy case.
 */
import { uniform } from '../../src/index.ts'
import { gaussian } from './curves.ts'

export const rayExampleSpace = { width: uniform(0, 20), height: uniform(-100, 100) }

export interface RayExampleConfig {
  readonly width: number
  readonly height: number
}

const OFFSET = 20
const NOISE_SD = 0.1

/** The score at `step`, without noise. */
export function rayExampleLoss({ width, height }: RayExampleConfig, step: number): number {
  return (0.1 + (width * step) / 100) ** -1 + height * 0.1 + OFFSET
}

/** The noisy score reported at `step`, one standard normal draw from `random` per step. */
export function noisyRayExampleLoss(config: RayExampleConfig, step: number, random: () => number): number {
  return rayExampleLoss(config, step) + NOISE_SD * gaussian(random)
}
