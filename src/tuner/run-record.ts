import type { JsonlEvent } from '../journal/codec.ts'
import type { JournalWriter } from '../journal/writer.ts'
import type { TrackerHub } from '../tracker/dispatch.ts'
import type { Tracker } from '../tracker/tracker.ts'

/**
 * How a replay checks the loop's own events against the journal
 * (tuner/replay.ts): the loop hands each event it would write, and gets back
 * the journal's (whose inputs, such as which checkpoint a launch used, it
 * then follows), or an error naming the line where they differ.
 *
 * @example
 * ```ts
 * const check: ReplayCheck = { output: (event) => expectedLine(event) }
 * ```
 */
export interface ReplayCheck {
  output(event: JsonlEvent): JsonlEvent
}

/**
 * Where the loop's events go: its inputs and decisions to the journal (or,
 * while a restore replays, its decisions to the check against the journal),
 * and what happens to the trackers, who hear of the live run only. Also the
 * experiment's clock, which counts earlier sessions.
 *
 * @example
 * ```ts
 * const record = new RunRecord(writer, hub, 0)
 * record.input({ event: 'retry', trial_id: 3 })
 * record.emit('onTrialStart', trial)
 * ```
 */
export class RunRecord {
  readonly #journal: JournalWriter | undefined
  readonly #hub: TrackerHub
  readonly #started = performance.now()
  readonly #before: number
  #check: ReplayCheck | undefined

  constructor(journal: JournalWriter | undefined, hub: TrackerHub, elapsedBeforeS: number) {
    this.#journal = journal
    this.#hub = hub
    this.#before = elapsedBeforeS
  }

  /** Whether a restore is replaying the journal (nothing is written, nothing runs). */
  get replaying(): boolean {
    return this.#check !== undefined
  }

  /** Begins (given a check) or ends (undefined) a replay. */
  replayThrough(check: ReplayCheck | undefined): void {
    this.#check = check
  }

  /** Whether {@link input} writes anything: a journal, and no replay. Per-trial events are built only then. */
  get writes(): boolean {
    return this.#check === undefined && this.#journal !== undefined
  }

  /** An input of the loop: written to the journal as it arrives (a replay has it already). */
  input(event: JsonlEvent): void {
    if (this.writes) this.#journal?.append(event)
  }

  /** A decision of the loop: written to the journal, or, replaying, checked against it; returns the journal's. */
  output(event: JsonlEvent): JsonlEvent {
    if (this.#check !== undefined) return this.#check.output(event)
    this.#journal?.append(event)
    return event
  }

  /** Writes the queued events now: before anyone outside hears of an end. */
  flush(): void {
    this.#journal?.flush()
  }

  /** Trackers hear of what happens live; a replay has nothing new to tell them. */
  emit<H extends keyof Tracker>(hook: H, ...args: Parameters<NonNullable<Tracker[H]>>): void {
    if (this.#check === undefined) this.#hub.emit(hook, ...args)
  }

  /** The experiment's time in seconds, earlier sessions included, to the millisecond. */
  elapsedS(): number {
    return Math.round((this.#before + (performance.now() - this.#started) / 1000) * 1000) / 1000
  }
}
