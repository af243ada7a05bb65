import type { ExperimentInfo, ExperimentSummary, Tracker } from '../tracker/tracker.ts'
import type { Result, TrialInfo } from '../types.ts'

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
 * Turns the tracker events of one experiment into an async iterable; it ends
 * after `experiment_end`. Events wait in memory until read.
 */
export class EventStream implements Tracker, AsyncIterable<TunerEvent> {
  readonly #buffer: TunerEvent[] = []
  #wake: (() => void) | undefined
  #ended = false

  onExperimentStart(experiment: ExperimentInfo): void {
    this.#push({ type: 'experiment_start', experiment })
  }
  onTrialStart(trial: TrialInfo): void {
    this.#push({ type: 'trial_start', trial: snapshot(trial) })
  }
  onTrialResult(trial: TrialInfo, result: Result): void {
    this.#push({ type: 'result', trial: snapshot(trial), result })
  }
  onTrialEnd(trial: TrialInfo): void {
    this.#push({ type: 'trial_end', trial: snapshot(trial) })
  }
  onExperimentEnd(_experiment: ExperimentInfo, summary: ExperimentSummary): void {
    this.#push({ type: 'experiment_end', summary })
    this.#ended = true
  }

  async *[Symbol.asyncIterator](): AsyncIterator<TunerEvent> {
    let read = 0
    for (;;) {
      while (read < this.#buffer.length) yield this.#buffer[read++] as TunerEvent
      if (this.#ended) return
      await new Promise<void>((resolve) => {
        this.#wake = resolve
      })
    }
  }

  #push(event: TunerEvent): void {
    this.#buffer.push(event)
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }
}
