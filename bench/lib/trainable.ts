/** The hyperpool trainable of the benchmarks: the ridge workload, or a no-op that touches the data. */
import type { TrialContext } from '../../src/index.ts'
import { now, startupCpuMs } from './naive-task.ts'
import { type Dataset, fitRidge, type RidgeConfig } from './ridge.ts'

export default async function train(config: RidgeConfig & { work: 'ridge' | 'noop' }, ctx: TrialContext<Dataset>) {
  // The data is ready when the trainable starts: ctx.data holds views over shared memory.
  const readyAt = now()
  const cpu = startupCpuMs()
  const loss = config.work === 'noop' ? (ctx.data.X[0] ?? 0) : fitRidge(ctx.data, config)
  await ctx.report({ loss, readyAt, ...(cpu === undefined ? {} : { startupCpuMs: cpu }) })
  return undefined
}
