import type { Decision, Metrics } from '../../types.ts'
import type { TrialHandle, TrialListener } from '../executor.ts'
import type { TrialOutcome } from '../protocol.ts'
import type { RunJob, StoredCheckpoint, WorkerMessage } from './wire.ts'

/** How a run reaches the worker that holds it: set by the driver. */
export type Tell = (worker: string, message: WorkerMessage) => void

/** Takes a run's job off the queue if no worker has picked it up; resolves whether it did. */
export type Withdraw = (run: number) => Promise<boolean>

/**
 * One run of a trial on the Redis executor, as the driver sees it. Its job
 * may be picked up more than once (a worker lost mid-trial): each pickup is
 * an attempt, and only the latest one's messages count. A new attempt starts
 * from the run's last checkpoint and re-does the reports after it; those the
 * listener already had are answered here and not passed on, so nothing is
 * recorded twice.
 */
export class RemoteRun implements TrialHandle {
  readonly done: Promise<TrialOutcome>
  readonly run: number
  readonly trialId: number
  /** What the run's job carries: queued again as it was if Redis loses it. */
  readonly job: RunJob
  /** The latest checkpoint the run saved (or the one it started from): where it restarts if Redis loses it. */
  latest: StoredCheckpoint | undefined
  readonly #listener: TrialListener
  readonly #tell: Tell
  readonly #withdraw: Withdraw
  #resolve!: (outcome: TrialOutcome) => void
  attempt: string | undefined
  worker: string | undefined
  /** Reports passed to the listener, over all attempts. */
  #delivered = 0
  /** A checkpoint whose report has not arrived yet: it becomes `latest` when that report does. */
  #pending: StoredCheckpoint | undefined
  /** Reports the current attempt has made, counted from the start of the run. */
  #position = 0
  #started = false
  #ending: Exclude<Decision, 'continue'> | undefined
  #killed = false
  ended = false

  constructor(job: RunJob, restore: StoredCheckpoint | undefined, listener: TrialListener, tell: Tell, withdraw: Withdraw) {
    this.run = job.run
    this.trialId = job.trialId
    this.job = job
    this.latest = restore
    this.#listener = listener
    this.#tell = tell
    this.#withdraw = withdraw
    this.done = new Promise((resolve) => {
      this.#resolve = resolve
    })
  }

  /** A worker picked the job up; `from` reports were made before the checkpoint it restarts from. Returns the worker it replaces, if any. */
  begin(attempt: string, worker: string, from: number): string | undefined {
    // The same message twice (resent after a reconnect): nothing new.
    if (attempt === this.attempt) return undefined
    const previous = this.attempt === undefined ? undefined : this.worker
    // Each pickup ends a wait in the queue: the first, or one after a lost worker's job went back to it.
    this.#listener.taken?.()
    this.#started = false
    this.attempt = attempt
    this.worker = worker
    this.#position = from
    if (this.#killed) this.#tell(worker, { type: 'kill', run: this.run })
    else if (this.#ending) this.#tell(worker, { type: 'decision', run: this.run, attempt, decision: this.#ending })
    return previous
  }

  started(attempt: string): void {
    if (attempt !== this.attempt || this.#started) return
    this.#started = true
    this.#listener.started?.()
  }

  /** Report `index` of the run (1 for its first) from `attempt`. */
  report(attempt: string, worker: string, index: number, metrics: Metrics): void {
    // A stale attempt (its lock was taken over while it still ran) is told to end; what it reports is not kept.
    if (attempt !== this.attempt) {
      this.#tell(worker, { type: 'decision', run: this.run, attempt, index, decision: 'stop' })
      return
    }
    // A report this attempt already made (its message sent again after a reconnect): answered the first time.
    if (index <= this.#position) return
    this.#position = index
    if (index <= this.#delivered) {
      this.#answer(attempt, worker, index, this.#ending ?? 'continue')
      return
    }
    this.#delivered++
    // The checkpoint before this report stands for it: only now can a restart begin after it.
    if (this.#pending?.reports === this.#delivered) {
      this.latest = this.#pending
      this.#pending = undefined
    }
    const answer = this.#listener.report(metrics)
    if (answer instanceof Promise) void answer.then((decision) => this.#answer(attempt, worker, index, decision))
    else this.#answer(attempt, worker, index, answer)
  }

  /** A checkpoint saved after `after` reports: passed on unless the report that follows it was already delivered; a restart may begin after it once that report arrives. */
  checkpoint(attempt: string, after: number, state: unknown): void {
    if (attempt !== this.attempt || after < this.#delivered) return
    this.#pending = { reports: after + 1, state }
    this.#listener.checkpoint(state)
  }

  end(attempt: string, outcome: TrialOutcome): boolean {
    if (attempt !== this.attempt || this.ended) return false
    return this.finish(outcome)
  }

  /** The run is over, whatever its attempt: resolves `done` once. */
  finish(outcome: TrialOutcome): boolean {
    if (this.ended) return false
    this.ended = true
    this.#resolve(outcome)
    return true
  }

  stop(decision: Exclude<Decision, 'continue'> = 'stop'): void {
    if (this.#ending) return
    this.#ending = decision
    if (this.worker !== undefined) this.#tell(this.worker, { type: 'decision', run: this.run, attempt: undefined, decision })
    // Still queued: it ends without running, as a trial stopped before its first report (else `begin` tells its worker).
    else this.#unqueue({ kind: decision === 'pause' ? 'paused' : 'stopped' })
  }

  kill(): void {
    this.#killed = true
    if (this.worker !== undefined) this.#tell(this.worker, { type: 'kill', run: this.run })
    else
      this.#unqueue({
        kind: 'errored',
        error: { name: 'WorkerError', message: 'the trial was killed before a worker took it', stack: undefined },
      })
  }

  #unqueue(outcome: TrialOutcome): void {
    void this.#withdraw(this.run).then((removed) => {
      if (removed && this.worker === undefined) this.finish(outcome)
    })
  }

  #answer(attempt: string, worker: string, index: number, decision: Decision): void {
    if (decision !== 'continue') this.#ending ??= decision
    this.#tell(worker, { type: 'decision', run: this.run, attempt, index, decision: this.#ending ?? decision })
  }
}
