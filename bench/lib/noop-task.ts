/** The bare piscina contender's task: a no-op that says when it ran, as the hyperpool no-op trial does (see trainable.ts). */
import { now, startupCpuMs } from './naive-task.ts'

export default function noop(_config: unknown): { loss: number; readyAt: number; startupCpuMs?: number } {
  const readyAt = now()
  const cpu = startupCpuMs()
  return { loss: 0, readyAt, ...(cpu === undefined ? {} : { startupCpuMs: cpu }) }
}
