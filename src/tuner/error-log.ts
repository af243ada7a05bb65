import type { Logger } from '../tracker/logger.ts'
import type { SerializedError } from '../workers/protocol.ts'

/**
 * Warns of each distinct trial error once. A trainable with a bug fails every
 * trial the same way; 64 identical warnings would bury the one line that
 * matters, so repeats go to debug and are counted in one closing warning.
 *
 * @example
 * ```ts
 * const log = new TrialErrorLog(logger)
 * log.errored(3, { name: 'RangeError', message: 'boom' }) // warn: trial 3 errored: RangeError: boom
 * log.errored(4, { name: 'RangeError', message: 'boom' }) // debug only
 * log.close() // warn: 1 more failure the same way: RangeError: boom
 * ```
 */
export class TrialErrorLog {
  readonly #logger: Logger
  /** How many times each distinct error was seen. */
  readonly #seen = new Map<string, number>()

  constructor(logger: Logger) {
    this.#logger = logger
  }

  /** A failed attempt that will be retried. */
  retrying(trialId: number, attempt: number, attempts: number, error: Pick<SerializedError, 'name' | 'message'>): void {
    this.#log(`trial ${trialId} failed (attempt ${attempt} of ${attempts}), retrying`, error)
  }

  /** A trial that errored for good. */
  errored(trialId: number, error: Pick<SerializedError, 'name' | 'message'>): void {
    this.#log(`trial ${trialId} errored`, error)
  }

  /** One warning per error that repeated, with how many more times. */
  close(): void {
    for (const [what, count] of this.#seen) {
      if (count > 1) this.#logger.warn(`${count - 1} more failure${count > 2 ? 's' : ''} the same way: ${what}`)
    }
  }

  #log(event: string, error: Pick<SerializedError, 'name' | 'message'>): void {
    const what = `${error.name}: ${error.message}`
    const count = (this.#seen.get(what) ?? 0) + 1
    this.#seen.set(what, count)
    if (count === 1) this.#logger.warn(`${event}: ${what}`)
    else this.#logger.debug(`${event}: ${what} (seen ${count} times)`)
  }
}
