import { totalmem } from 'node:os'

/** The default heap cap never goes below this, whatever the thread count: less would fail ordinary trainables. */
export const MIN_DEFAULT_HEAP_MB = 256
/** Nor above this: a JavaScript heap past 2 GB is rare in training code (data and typed arrays live off the heap), and a leak then fails in half the time V8's own 4 GB limit takes. */
export const MAX_DEFAULT_HEAP_MB = 2048

/**
 * The memory this process may use, in bytes: the machine's, or the cgroup
 * limit of its container when that is lower (`process.constrainedMemory`).
 *
 * @example
 * ```ts
 * machineMemory() // 25275961344 on a 24 GiB machine
 * ```
 */
export function machineMemory(): number {
  const total = totalmem()
  const constrained = process.constrainedMemory?.()
  return typeof constrained === 'number' && constrained > 0 && constrained < total ? constrained : total
}

/**
 * The heap cap per worker thread when `maxHeapMb` is not given: half of
 * {@link machineMemory} shared among the threads, between
 * {@link MIN_DEFAULT_HEAP_MB} and {@link MAX_DEFAULT_HEAP_MB}. Without a cap V8
 * gives every thread about 4 GB, so a leaking trial (or a few) could take
 * the whole machine, and takes long to fail; half leaves room for the driver,
 * the shared data and the rest of the system.
 *
 * @example
 * ```ts
 * defaultHeapMb(2, 24 * 2 ** 30) // 2048 (6144 capped)
 * defaultHeapMb(16, 16 * 2 ** 30) // 512
 * ```
 */
export function defaultHeapMb(concurrency: number, memory: number = machineMemory()): number {
  const share = Math.floor(memory / 2 ** 20 / 2 / concurrency)
  return Math.min(MAX_DEFAULT_HEAP_MB, Math.max(MIN_DEFAULT_HEAP_MB, share))
}
