/**
 * A trainable whose trials take different times: `epochs` reports of
 * Branin + 1/epoch, each after blocking its thread for `ms / epochs`
 * milliseconds, scaled by a seeded draw in [0.5, 2) with `spread: true` (the
 * same trial always takes as long).
 */
import type { TrialContext } from '../../src/index.ts'
import { branin } from '../optuna/functions.ts'

export default async function train(config: { x1: number; x2: number; ms: number; epochs: number; spread: boolean }, ctx: TrialContext) {
  const ms = (config.spread ? config.ms * (0.5 + 1.5 * ctx.random()) : config.ms) / config.epochs
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
    await ctx.report({ loss: branin.f(config) + 1 / epoch })
  }
}
