/**
 * The bare piscina contender's task for the cold start with nothing to load: it imports nothing (not even the
 * benchmarks' shared helpers), so the start-up is the pool's own. Its hyperpool twin is empty-trainable.ts.
 */
export default function empty(): { readyAt: number } {
  return { readyAt: performance.timeOrigin + performance.now() }
}
