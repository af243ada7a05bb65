/**
 * A public, seeded family of synthetic learning curves for the scheduler
 * benchmark. A config (lr, width, dropout) sets how fast a curve falls
 * (`speed`) and where it levels off (`floor`):
 *
 *   loss(t) = floor + (1 - floor) · (1 + progress(t))^(-0.8) + noise,   progress(t) = Σ speed
 *
 * A high learning rate learns fast but levels off higher (its floor grows
 * with (u - 0.45)², u the lr's position in log space), a wide model levels
 * off lower but learns more slowly, dropout slows learning and has a sweet
 * spot near 0.2. So curves cross: fast starters that look best after a few
 * iterations are not the ones that end best, and early stopping is tested
 * honestly. The noise is Gaussian, sd 0.01, drawn from the trial's seeded
 * `ctx.random()`: the same seed gives the same curves.
 *
 * Progress is accumulated (rather than `speed · t`) so a curve can carry on
 * under a changed config, as PBT needs: the state is `{ t, progress }`.
 */
import { lograndint, loguniform, uniform } from '../../src/index.ts'

/** The search space of the synthetic workload. */
export const curveSpace = {
  lr: loguniform(1e-4, 1),
  width: lograndint(8, 512),
  dropout: uniform(0, 0.5),
}

export interface CurveConfig {
  lr: number
  width: number
  dropout: number
}

/** What the curve trainable checkpoints: iterations done, and progress made. */
export interface CurveState {
  t: number
  progress: number
}

const DECAY = 0.8
export const CURVE_NOISE_SD = 0.01

/** Where `lr` sits in its range, in log space: 0 at 1e-4, 1 at 1. */
function lrPosition(lr: number): number {
  return (Math.log10(lr) + 4) / 4
}

/** How much a config learns per iteration. */
export function curveSpeed({ lr, width, dropout }: CurveConfig): number {
  const capacity = Math.log2(width / 8) / 6
  return 10 ** (3 * lrPosition(lr) - 1.5) * (1 - 0.5 * capacity) * (1 - dropout)
}

/** The loss a config levels off at. */
export function curveFloor({ lr, width, dropout }: CurveConfig): number {
  const capacity = Math.log2(width / 8) / 6
  return 0.05 + 0.6 * (lrPosition(lr) - 0.45) ** 2 + 0.12 * (1 - capacity) ** 2 + 0.1 * (dropout - 0.2) ** 2
}

/** The noiseless loss after `progress` under `config`. */
export function curveLoss(config: CurveConfig, progress: number): number {
  const floor = curveFloor(config)
  return floor + (1 - floor) * (1 + progress) ** -DECAY
}

/** A standard normal draw (Box–Muller): always two uniforms, so streams can be skipped ahead exactly. */
export function gaussian(random: () => number): number {
  const u = 1 - random()
  const v = random()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}
