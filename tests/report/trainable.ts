/**
 * The report tests' trainable: a learning curve whose floor depends on every
 * kind of parameter (log, integer, choice, uniform), so TPE has something to
 * find, ASHA something to stop, and every chart something to draw (with `latency`, a second objective for the
 * Pareto chart). Trials
 * 3, 13, 23, ... fail at their second epoch, so an experiment holds errored trials too.
 */
import type { TrialContext } from '../../src/index.ts'

export interface ReportConfig {
  lr: number
  layers: number
  act: string
  dropout: number
  epochs: number
  /** Milliseconds to wait before each report, so a watched run grows over time. */
  pauseMs?: number
  /** Also report `latency`, which grows with the layers that lower the loss: a second objective to trade against. */
  latency?: boolean
}

export default async function train(config: ReportConfig, ctx: TrialContext): Promise<void> {
  const floor = (Math.log10(config.lr) + 2) ** 2 + 0.1 * Math.abs(config.layers - 3) + (config.act === 'tanh' ? 0.3 : 0) + config.dropout
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    if (ctx.trialId % 10 === 3 && epoch === 2) throw new Error(`diverged at epoch ${epoch}`)
    if (config.pauseMs) await new Promise((resolve) => setTimeout(resolve, config.pauseMs))
    const loss = floor + 1 / epoch + 0.02 * ctx.random()
    await ctx.report(config.latency ? { loss, latency: config.layers * (1 + config.dropout) } : { loss })
  }
}
