/** The bare piscina contender's task: a no-op that says when it ran, as the hyperpool no-op trial does (see trainable.ts). */
import { now } from './naive-task.ts'

export default function noop(_config: unknown): { loss: number; readyAt: number } {
  return { loss: 0, readyAt: now() }
}
