/**
 * The report tests' trainable: a learning curve whose floor depends on every
 * kind of parameter (log, integer, choice, uniform), so TPE has something to
 * find, ASHA something to stop, and every chart something to draw. A high
 * dropout diverges, so an experiment usually holds an errored trial too.
 */
import type { TrialContext } from '../../src/index.ts'

export interface ReportConfig {
  lr: number
  layers: number
  act: string
  dropout: number
  epochs: number
}

export default async function train(config: ReportConfig, ctx: TrialContext): Promise<void> {
  const floor = (Math.log10(config.lr) + 2) ** 2 + 0.1 * Math.abs(config.layers - 3) + (config.act === 'tanh' ? 0.3 : 0) + config.dropout
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    if (config.dropout > 0.45 && epoch === 2) throw new Error(`diverged at epoch ${epoch} with dropout ${config.dropout.toFixed(3)}`)
    await ctx.report({ loss: floor + 1 / epoch + 0.02 * ctx.random() })
  }
}
