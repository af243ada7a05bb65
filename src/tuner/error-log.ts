import type { SerializedError } from '../errors.ts'
import { countOf } from '../format.ts'
import type { Logger } from '../logger.ts'

/** What a warning shows of an error: its name and message, and its first cause's. */
type Logged = Pick<SerializedError, 'name' | 'message'> & { readonly cause?: Pick<SerializedError, 'name' | 'message'> | undefined }

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
 * log.close() // warn: 1 more trial errored the same way: RangeError: boom
 * ```
 */
export class TrialErrorLog {
  readonly #logger: Logger
  /** How many times each distinct error was seen, per kind: retried attempts and trials that errored for good apart. */
  readonly #seen = { retried: new Map<string, number>(), errored: new Map<string, number>() }

  constructor(logger: Logger) {
    this.#logger = logger
  }

  /** A failed attempt that will be retried. */
  retrying(trialId: number, attempt: number, attempts: number, error: Logged): void {
    this.#log(this.#seen.retried, `trial ${trialId} failed (attempt ${attempt} of ${attempts}), retrying`, error)
  }

  /** A trial that errored for good. */
  errored(trialId: number, error: Logged): void {
    this.#log(this.#seen.errored, `trial ${trialId} errored`, error)
  }

  /** One warning per error that repeated, with how many more times. */
  close(): void {
    for (const [what, count] of this.#seen.retried) {
      if (count > 1) this.#logger.warn(`${countOf(count - 1, 'more failed attempt')} the same way: ${what}`)
    }
    for (const [what, count] of this.#seen.errored) {
      if (count > 1) this.#logger.warn(`${countOf(count - 1, 'more trial')} errored the same way: ${what}`)
    }
  }

  #log(seen: Map<string, number>, event: string, error: Logged): void {
    const what = `${error.name}: ${error.message}`
    const count = (seen.get(what) ?? 0) + 1
    seen.set(what, count)
    // The first cause too: 'fit failed' says little without the 'bad shape' under it (all of it is in trial.error).
    const cause = error.cause === undefined ? '' : ` (cause: ${error.cause.name}: ${error.cause.message})`
    if (count === 1) this.#logger.warn(`${event}: ${what}${cause}`)
    else this.#logger.debug(`${event}: ${what} (seen ${count} times)`)
  }
}
