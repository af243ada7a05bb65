/** The hyperpool twin of empty-task.ts: a trainable that imports nothing and reports when it ran. */
import type { TrialContext } from 'hyperpool'

export default async function train(_config: unknown, ctx: TrialContext): Promise<void> {
  await ctx.report({ loss: 0, readyAt: performance.timeOrigin + performance.now() })
}
