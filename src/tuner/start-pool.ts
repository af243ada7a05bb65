import { countOf, idList } from '../format.ts'
import type { Logger } from '../logger.ts'
import type { TrialOutput } from '../types.ts'
import { LEFT_BEHIND_MS, LocalPool } from '../workers/pool.ts'

/** What the Tuner's own threads are started with. */
export interface LocalPoolRequest {
  readonly trainable: string
  readonly concurrency: number
  readonly data: unknown
  readonly maxHeapMb: number | undefined
  readonly logger: Logger
  readonly onOutput: (output: TrialOutput) => void
}

/**
 * The Tuner's pool of worker threads, started at once, saying in the experiment's log what trials left
 * behind on their threads: a stray error, or work still running when the pool closed.
 *
 * @example
 * ```ts
 * const pool = startLocalPool({ trainable, concurrency: 2, data, maxHeapMb: undefined, logger, onOutput })
 * ```
 */
export function startLocalPool(request: LocalPoolRequest): LocalPool {
  const { logger } = request
  return new LocalPool({
    trainable: request.trainable,
    concurrency: request.concurrency,
    data: request.data,
    maxHeapMb: request.maxHeapMb,
    onStrayError: (error) =>
      logger.warn(`a worker thread failed after its trial had ended (a timer or callback that outlived it?): ${error.message}`),
    onLeftBehind: (threads, kinds, trials) =>
      logger.info(
        `work left running after ${trialList(trials)} returned (${kinds.length > 0 ? `still holding: ${kinds.join(', ')}` : 'too busy to say what it held'}) ` +
          `was ended unfinished ${LEFT_BEHIND_MS / 1000} s after the last trial, with the ${countOf(threads, 'thread')} it ran on; ` +
          'clear timers and intervals (Node calls them Timeout) and await writes before the trainable returns (docs/data-and-workers.md in the package)',
      ),
    onOutput: request.onOutput,
  })
}

/**
 * Which trials, by id, short: `trial 3`, `trials 3, 7`, `trials 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 5 more`; `a trial` when none is known.
 *
 * @example
 * ```ts
 * trialList([3, 7]) // 'trials 3, 7'
 * ```
 */
export function trialList(ids: readonly number[]): string {
  if (ids.length === 0) return 'a trial'
  return `${ids.length === 1 ? 'trial' : 'trials'} ${idList(ids)}`
}
