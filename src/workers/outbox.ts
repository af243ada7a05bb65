import type { LinkMessage, OneWayReport, ReportMessage } from './protocol.ts'

/**
 * Worker side: what a run sends on its thread's link, where a one-way report
 * (see `TrialTask.oneWay`) may wait a little. It goes out before the run's
 * next message, at the end of the event-loop turn it was made in, or, when the
 * run ends first (a trial that reports and returns), in the run's result
 * instead of a message of its own: one message fewer per trial, and never
 * after anything the run sent later.
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
  #scheduled: NodeJS.Immediate | undefined
  /** Held reports this run sent on the link: they count among its messages. */
  #flushed = 0

  constructor(post: (message: LinkMessage) => void) {
    this.#post = post
  }

  /** A run begins on this thread. */
  begin(): void {
    this.#flushed = 0
  }

  /** Sends `message` now, after the report held before it. */
  send(message: LinkMessage): void {
    this.flush()
    this.#post(message)
  }

  /** Holds a one-way report until the next message, the end of this turn or the run's end, whichever comes first. */
  hold(report: ReportMessage): void {
    this.flush()
    this.#held = report
    this.#scheduled ??= setImmediate(this.#atTurnEnd)
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
    if (this.#scheduled !== undefined) {
      clearImmediate(this.#scheduled)
      this.#scheduled = undefined
    }
    return { flushed: this.#flushed, reports: held === undefined ? undefined : [{ metrics: held.metrics, at: held.at as number }] }
  }

  readonly #atTurnEnd = (): void => {
    this.#scheduled = undefined
    this.flush()
  }
}
