import { MlflowRequestError } from './http.ts'

/** Settings of a {@link Retrier}. */
export interface RetrierOptions {
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  /** Random numbers in [0, 1) for the jitter. */
  readonly random: () => number
  /** Aborting it ends a running wait and makes `call` give up. */
  readonly signal: AbortSignal
  /** Told about every retryable failure. */
  readonly onFailure: (error: MlflowRequestError) => void
  /** Told when a request succeeds after failures. */
  readonly onRecovery: () => void
}

/**
 * Retries requests that may pass later ({@link MlflowRequestError} with
 * `retryable`) with exponential backoff and jitter: `baseDelayMs * 2^(n-1)`,
 * at most `maxDelayMs`, times a factor in [0.5, 1). It keeps trying until
 * the request succeeds, is refused, or `signal` aborts; `hurry()` caps the
 * delay at one second (`min(exponential delay, 1000)`) and ends the current
 * wait, for the final flush.
 *
 * @example
 * ```ts
 * const retrier = new Retrier({ baseDelayMs: 500, maxDelayMs: 30_000, random: Math.random, signal, onFailure, onRecovery })
 * const answer = await retrier.call((signal) => http.post('runs/log-batch', body, signal))
 * ```
 */
export class Retrier {
  readonly #o: RetrierOptions
  #failures = 0
  #answered = false
  #hurry = false
  #wake: (() => void) | undefined

  constructor(options: RetrierOptions) {
    this.#o = options
  }

  async call<T>(request: (signal: AbortSignal) => Promise<T>): Promise<T> {
    for (;;) {
      try {
        const result = await request(this.#o.signal)
        if (this.#failures > 0) this.#o.onRecovery()
        this.#failures = 0
        this.#answered = true
        return result
      } catch (error) {
        if (this.#o.signal.aborted || !(error instanceof MlflowRequestError) || !error.retryable) throw error
        this.#failures++
        this.#o.onFailure(error)
        await this.#sleep(this.#delay(this.#failures))
        if (this.#o.signal.aborted) throw error
      }
    }
  }

  /**
   * Whether the server is known to answer: a request succeeded and none has failed since. False before the
   * first answer, so a server that never answered (a closed port, a dropped connection) does not count.
   */
  get answering(): boolean {
    return this.#answered && this.#failures === 0
  }

  /** From now on waits at most a second between tries, starting with the wait in progress. */
  hurry(): void {
    this.#hurry = true
    this.#wake?.()
  }

  /**
   * Waits as long as a retry after `n` failures would (backoff, jitter, the
   * flush's one-second cap), or until `signal` aborts: for a caller that
   * repeats a request sequence itself, e.g. lookup and create of an experiment.
   */
  pause(n: number): Promise<void> {
    return this.#sleep(this.#delay(n))
  }

  /** The wait after `n` failures: `baseDelayMs * 2^(n-1)` up to `maxDelayMs`, at most 1 s while hurrying, times the jitter. */
  delay(n: number): number {
    return this.#delay(n)
  }

  #delay(n: number): number {
    const exp = Math.min(this.#o.maxDelayMs, this.#o.baseDelayMs * 2 ** Math.min(Math.max(n, 1) - 1, 30))
    const capped = this.#hurry ? Math.min(exp, 1000) : exp
    return capped * (0.5 + 0.5 * this.#o.random())
  }

  #sleep(ms: number): Promise<void> {
    const signal = this.#o.signal
    if (signal.aborted) return Promise.resolve()
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        if (this.#wake === done) this.#wake = undefined
        resolve()
      }
      // Unref'd: a pending retry alone does not keep the process alive; the final flush holds its own timer.
      const timer = setTimeout(done, ms)
      timer.unref()
      signal.addEventListener('abort', done)
      this.#wake = done
    })
  }
}
