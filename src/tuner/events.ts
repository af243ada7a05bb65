import type { Tracker } from '../tracker/tracker.ts'
import type { ExperimentInfo, ExperimentSummary, Result, TrialInfo } from '../types.ts'

/** One event of an experiment, as `tuner.events()` yields it. Trials are snapshots taken when the event happened. */
export type TunerEvent =
  | { readonly type: 'experiment_start'; readonly experiment: ExperimentInfo }
  | { readonly type: 'trial_start'; readonly trial: TrialInfo }
  | { readonly type: 'result'; readonly trial: TrialInfo; readonly result: Result }
  | { readonly type: 'trial_end'; readonly trial: TrialInfo }
  | { readonly type: 'experiment_end'; readonly summary: ExperimentSummary }

const snapshot = (trial: TrialInfo): TrialInfo =>
  'snapshot' in trial && typeof trial.snapshot === 'function' ? (trial.snapshot() as TrialInfo) : trial

/**
 * One consumer's view of the events: an async iterable that ends after
 * `experiment_end` (or when the experiment ends without one). Events wait in
 * memory until read, and are let go once read.
 */
class EventStream implements AsyncIterable<TunerEvent> {
  #buffer: TunerEvent[] = []
  #head = 0
  #wake: (() => void) | undefined
  #ended = false

  push(event: TunerEvent): void {
    if (this.#ended) return
    this.#buffer.push(event)
    this.#notify()
  }

  end(): void {
    this.#ended = true
    this.#notify()
  }

  async *[Symbol.asyncIterator](): AsyncIterator<TunerEvent> {
    for (;;) {
      while (this.#head < this.#buffer.length) {
        const event = this.#buffer[this.#head++] as TunerEvent
        // Drop what was read now and then, so a long experiment does not keep every event.
        if (this.#head >= 1024 && this.#head * 2 >= this.#buffer.length) {
          this.#buffer = this.#buffer.slice(this.#head)
          this.#head = 0
        }
        yield event
      }
      if (this.#ended) return
      await new Promise<void>((resolve) => {
        this.#wake = resolve
      })
    }
  }

  #notify(): void {
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }
}

/**
 * The tracker behind `tuner.events()`: hands every event to the streams open
 * at that moment, so a stream opened mid-experiment sees the rest of it.
 */
export class EventFanout implements Tracker {
  readonly #streams: EventStream[] = []
  #closed = false

  /** A new stream; once the experiment is over, one that ends at once. */
  open(): AsyncIterable<TunerEvent> {
    const stream = new EventStream()
    if (this.#closed) stream.end()
    else this.#streams.push(stream)
    return stream
  }

  onExperimentStart(experiment: ExperimentInfo): void {
    this.#push({ type: 'experiment_start', experiment })
  }
  // No snapshot (and no event) while no stream is open: the usual case, and these run for every trial and report.
  onTrialStart(trial: TrialInfo): void {
    if (this.#streams.length > 0) this.#push({ type: 'trial_start', trial: snapshot(trial) })
  }
  onTrialResult(trial: TrialInfo, result: Result): void {
    if (this.#streams.length > 0) this.#push({ type: 'result', trial: snapshot(trial), result })
  }
  onTrialEnd(trial: TrialInfo): void {
    if (this.#streams.length > 0) this.#push({ type: 'trial_end', trial: snapshot(trial) })
  }
  onExperimentEnd(_experiment: ExperimentInfo, summary: ExperimentSummary): void {
    this.#push({ type: 'experiment_end', summary })
    this.close()
  }

  /** Whether a stream is open: someone hears of the experiment's events as they happen. */
  get listening(): boolean {
    return this.#streams.length > 0
  }

  /** Ends every stream, experiment_end or not (a failed fit() must not leave a consumer waiting). */
  close(): void {
    this.#closed = true
    for (const stream of this.#streams.splice(0)) stream.end()
  }

  #push(event: TunerEvent): void {
    for (const stream of this.#streams) stream.push(event)
  }
}
