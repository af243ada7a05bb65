/**
 * bullmq and ioredis, loaded on first use. Every trainable that imports
 * `'hyperpool'` (for `TrialStopSignal` or `HyperpoolError`) loads the
 * package's index in its worker thread, and the index exports the Redis
 * executor: imported at the top, the two would cost each thread about a
 * second (bullmq 0.8 s, ioredis 0.5 s on the project's machine) for a
 * feature most runs never use. Both are CommonJS, so `require` hands back
 * the very module an `import` would.
 */
import { createRequire } from 'node:module'
import type * as BullMQ from 'bullmq'
import type * as IORedis from 'ioredis'

const load = createRequire(import.meta.url)

/**
 * The bullmq module.
 *
 * @example
 * ```ts
 * const queue = new (bullmq().Queue)(id, { connection })
 * ```
 */
export function bullmq(): typeof BullMQ {
  return load('bullmq') as typeof BullMQ
}

/**
 * The ioredis module.
 *
 * @example
 * ```ts
 * const redis = new (ioredis().Redis)(url)
 * ```
 */
export function ioredis(): typeof IORedis {
  return load('ioredis') as typeof IORedis
}
