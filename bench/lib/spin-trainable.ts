/**
 * The distributed benchmark's trainable: `config.spins` rounds of arithmetic
 * (the CPU-bound case; 0 for a no-op), then `config.epochs` reports, each
 * after a checkpoint; resumes from its checkpoint.
 */
import type { TrialContext } from '../../src/index.ts'

/** Arithmetic that the JIT cannot drop: the sum is reported. */
export function spin(rounds: number): number {
  let sum = 0
  for (let i = 0; i < rounds; i++) sum += Math.sqrt(i) * Math.sin(i)
  return sum
}

export default async function train(config: { spins: number; epochs: number; pauseMs: number }, ctx: TrialContext) {
  const from = ctx.restore<number>() ?? 0
  for (let epoch = from + 1; epoch <= config.epochs; epoch++) {
    const sum = spin(config.spins)
    if (config.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, config.pauseMs))
    ctx.checkpoint(epoch)
    await ctx.report({ loss: 1 / epoch, sum })
  }
}
