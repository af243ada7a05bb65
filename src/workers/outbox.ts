import type { LinkMessage, OneWayReport, ReportMessage } from './protocol.ts'

/**
 * A one-way report is held only when it comes this soon (ms) after the run's
 * start or its last message: a burst, or a trial that reports and returns.
 * A trainable that computes without yielding between reports would otherwise
 * deliver each report only at its next one: live progress an epoch late, and
 * the report lost if the thread dies meanwhile. Past this, it goes at once.
 */
export const HOLD_WINDOW_MS = 1

/**
 * Worker side: what a run sends on its thread's link, where a one-way report
 * (see `TrialTask.oneWay`) made within {@link HOLD_WINDOW_MS} of the run's
 * start or last message may wait a little. It goes out before the run's next
 * message, as soon as the thread's microtasks have run out (the trainable
 * yields to the event loop: `process.nextTick`, which costs a queue entry where
 * a `setImmediate` cost an Immediate and two calls into Node's C++, per trial),
 * or, when the run ends first (a trial that reports and returns), in the run's
 * result instead of a message of its own: one message fewer per trial, and
 * never after anything the run sent later. A later report goes at once.
 *
 * @example
 * ```ts
 * const outbox = new Outbox((message) => link.postMessage(message))
 * outbox.begin()
 * outbox.hold({ type: 'report', run: 3, metrics: { loss: 1 }, at: Date.now() })
 * const { flushed, reports } = outbox.end() // 0 messages on the link; the report travels with the result
 * ```
 */
export class Outbox {
  readonly #post: (message: LinkMessage) => void
  #held: ReportMessage | undefined
  /** A look at the held report is queued (see `#whenYielding`). */
  #scheduled = false
  /** Held reports this run sent on the link: they count among its messages. */
  #flushed = 0
  /** When the run began or last sent (or held) a message, by `#clock`. */
  #lastAt = 0
  /** The run returned (see `closing`), until its `end`: a yield no longer sends the held report. */
  #closing = false
  readonly #clock: () => number

  /** `clock`: ms, for tests. */
  constructor(post: (message: LinkMessage) => void, clock: () => number = performance.now.bind(performance)) {
    this.#post = post
    this.#clock = clock
  }

  /** A run begins on this thread. */
  begin(): void {
    this.#flushed = 0
    this.#lastAt = this.#clock()
  }

  /**
   * The run's trainable returned, and its thread lets the ticks it queued last run before the run ends: the
   * held report now waits for the result instead of leaving as the thread yields. Whatever the run still sends
   * in that time (a checkpoint or a report on a tick) sends it first, so it stays counted and in order, and
   * the thread's exit still sends it (see `flush`).
   */
  closing(): void {
    this.#closing = true
  }

  /** Sends `message` now, after the report held before it. */
  send(message: LinkMessage): void {
    this.flush()
    this.#post(message)
    this.#lastAt = this.#clock()
  }

  /**
   * Holds a one-way report until the next message, the trainable's yield to the event loop or the run's end,
   * whichever comes first, if it comes within {@link HOLD_WINDOW_MS} of the run's start or last message;
   * otherwise sends it.
   */
  hold(report: ReportMessage): void {
    this.flush()
    const now = this.#clock()
    const soon = now - this.#lastAt <= HOLD_WINDOW_MS
    this.#lastAt = now
    if (!soon) {
      this.#post(report)
      this.#flushed++
      return
    }
    this.#held = report
    if (this.#scheduled) return
    this.#scheduled = true
    // Runs once the microtask queue is empty: when the trainable awaits something that is not settled yet (the
    // report goes now), or after a run that reports and returns (then `closing` keeps the report for the result).
    process.nextTick(this.#whenYielding)
  }

  /** Sends the held report, if any. */
  flush(): void {
    const held = this.#held
    if (held === undefined) return
    this.#held = undefined
    this.#post(held)
    this.#flushed++
  }

  /** The run ended: how many held reports went out on the link, and the one still held, which travels in its result. */
  end(): { flushed: number; reports: OneWayReport[] | undefined } {
    const held = this.#held
    this.#held = undefined
    this.#closing = false
    if (held === undefined) return { flushed: this.#flushed, reports: undefined }
    const report: OneWayReport = { metrics: held.metrics, at: held.at as number }
    return { flushed: this.#flushed, reports: [held.began === undefined ? report : { ...report, began: held.began }] }
  }

  readonly #whenYielding = (): void => {
    this.#scheduled = false
    if (!this.#closing) this.flush()
  }
}
