import { type SerializedError, serializeError, WorkerError } from '../errors.ts'

/**
 * What a run gets before its trainable starts (a fresh thread's start and the module's import, which on a
 * loaded machine can take seconds), when that is more than the limit: enough for a slow import, still a
 * bound on a module that never finishes loading.
 */
export const LOAD_ALLOWANCE_S = 60

interface Clock {
  /** When the run's limit is up (performance.now() ms); while held, the time it had left instead. */
  deadline: number
  timer: NodeJS.Timeout | undefined
  readonly kill: () => void
  /** Reports of this run waiting for their turn: the clock stands still while any does. */
  held: number
  expired: boolean
}

/**
 * The per-run time limit of `trialTimeoutS`: each run of a trial (first,
 * resumed or retried) gets the full limit once its trainable starts (before
 * that, a fresh thread's start and the module's import get the limit or
 * {@link LOAD_ALLOWANCE_S}, whichever is longer), and the time its
 * reports wait for their turn under `reproducible` (another trial's doing)
 * is not counted. When the limit is up, `kill` ends the run's thread; the
 * run's errored outcome then reads as a timeout ({@link TrialTimeouts.end}).
 *
 * @example
 * ```ts
 * const timeouts = new TrialTimeouts(60)
 * timeouts.start(trial.id, () => handle.kill())
 * timeouts.started(trial.id) // the trainable is loaded and runs: the full limit from now
 * // ... when the run ends:
 * const error = timeouts.end(trial.id) // a SerializedError if the limit ended it
 * ```
 */
export class TrialTimeouts {
  readonly #limitS: number | undefined
  readonly #clocks = new Map<number, Clock>()

  /** `limitS` undefined: no limit, every call is a no-op. */
  constructor(limitS: number | undefined) {
    this.#limitS = limitS
  }

  /**
   * A run of trial `id` is launched; `kill` ends its thread when its time is up. `queued`: the run waits in an
   * executor's queue, and its clock starts only when a worker takes it ({@link TrialTimeouts.taken}): waiting for
   * a free worker is not the trial's doing.
   */
  start(id: number, kill: () => void, queued = false): void {
    if (this.#limitS === undefined) return
    const clock: Clock = { deadline: Number.NaN, timer: undefined, kill, held: 0, expired: false }
    this.#clocks.set(id, clock)
    if (!queued) this.taken(id)
  }

  /**
   * A worker took trial `id`'s queued run (again, after the worker that had it was lost): its start there (the
   * thread's, the module's import) gets the limit or the load allowance from now, as a launch on a local pool does.
   */
  taken(id: number): void {
    const clock = this.#clocks.get(id)
    if (clock === undefined || clock.expired || clock.held > 0 || this.#limitS === undefined) return
    clearTimeout(clock.timer)
    clock.deadline = performance.now() + Math.max(this.#limitS, LOAD_ALLOWANCE_S) * 1000
    this.#arm(clock)
  }

  /** Trial `id`'s trainable is loaded and starts: its run gets the full limit from now. */
  started(id: number): void {
    const clock = this.#clocks.get(id)
    if (clock === undefined || clock.expired || clock.held > 0 || this.#limitS === undefined) return
    clearTimeout(clock.timer)
    clock.deadline = performance.now() + this.#limitS * 1000
    this.#arm(clock)
  }

  /** Stops trial `id`'s clock until `answer` settles: its report waits for other trials, not for itself. */
  hold(id: number, answer: Promise<unknown>): void {
    const clock = this.#clocks.get(id)
    // A run still queued (no worker took it) has no clock running to stop.
    if (clock === undefined || clock.expired || clock.timer === undefined) return
    if (clock.held++ === 0) {
      clearTimeout(clock.timer)
      clock.deadline -= performance.now()
    }
    void answer.finally(() => {
      if (--clock.held > 0 || this.#clocks.get(id) !== clock) return
      clock.deadline += performance.now()
      this.#arm(clock)
    })
  }

  /** The run of trial `id` ended: the timeout error to record if its limit ended it, else undefined. */
  end(id: number): SerializedError | undefined {
    const clock = this.#clocks.get(id)
    if (clock === undefined) return undefined
    clearTimeout(clock.timer)
    this.#clocks.delete(id)
    if (!clock.expired) return undefined
    return serializeError(
      new WorkerError(`exceeded ${this.#limitS} s (trialTimeoutS) in one run: its thread was ended and replaced`, {
        field: 'trialTimeoutS',
      }),
    )
  }

  /** Clears every timer: the experiment is over. */
  close(): void {
    for (const clock of this.#clocks.values()) clearTimeout(clock.timer)
    this.#clocks.clear()
  }

  #arm(clock: Clock): void {
    clock.timer = setTimeout(
      () => {
        clock.expired = true
        clock.kill()
      },
      Math.max(0, clock.deadline - performance.now()),
    )
  }
}
