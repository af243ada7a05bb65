/**
 * A trainable whose trials take different times: it blocks its thread for
 * `ms` milliseconds scaled by a seeded draw in [0.5, 2) (`spread: true`; the
 * same trial always takes as long) or exactly `ms`, then reports Branin.
 */
import type { TrialContext } from '../../src/index.ts'
import { branin } from '../optuna/functions.ts'

export default function train(config: { x1: number; x2: number; ms: number; spread: boolean }, ctx: TrialContext) {
  const ms = config.spread ? config.ms * (0.5 + 1.5 * ctx.random()) : config.ms
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
  return { loss: branin.f(config) }
}
