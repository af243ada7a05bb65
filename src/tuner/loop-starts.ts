import { ConfigError, show } from '../errors.ts'
import type { TrialStartEvent } from '../journal/codec.ts'
import type { RunChoice } from '../scheduler/scheduler.ts'
import { deriveSeed } from '../search/rng.ts'
import type { TrialInfo } from '../types.ts'
import { LoopEnds } from './loop-ends.ts'
import { type StartPoint, startPoint } from './start-point.ts'
import { Trial } from './trial.ts'

/** Which trial runs next (retried, new, resumed, or the scheduler's choice), and the start of its run. */
export abstract class LoopStarts extends LoopEnds {
  protected done(): boolean {
    return !this.#canCreate() && this.retry.length === 0 && this.paused.length === 0
  }

  /**
   * False once the searcher ran dry or the plan is used up: known early, so a scheduler (PBT) does not wait for trials that will never come.
   * Also false while a `reproducible` run waits for earlier trials to end.
   */
  #canCreate(): boolean {
    return !this.exhausted && this.trials.length < this.settings.plannedTrials && this.feed.canPropose(this.trials.length)
  }

  /** The trial to run next: the scheduler's choice if it makes one, else retries, then new trials, then paused ones. */
  protected next(): Trial | undefined {
    const { scheduler } = this.settings
    if (!scheduler.choose) return this.retry.shift() ?? this.#newTrial() ?? this.paused.shift()
    for (;;) {
      const canCreate = this.#canCreate()
      const choice: RunChoice = scheduler.choose({ pending: this.retry, paused: this.paused, canCreate })
      if (choice === 'new') {
        if (!canCreate) return undefined
        const trial = this.#newTrial()
        if (trial) return trial
        continue // the searcher just ran out: ask again, now with canCreate false
      }
      if (choice === undefined) return undefined
      const isTrial = typeof choice === 'object' && choice !== null
      const trial = isTrial ? (take(this.retry, choice) ?? take(this.paused, choice)) : undefined
      if (!trial) {
        const got = isTrial ? `trial ${show(choice.id)}, which is neither pending nor paused` : show(choice)
        throw new ConfigError(`scheduler.choose: must return a pending or paused trial, "new" or undefined, got ${got}`, {
          field: 'scheduler',
        })
      }
      return trial
    }
  }

  /**
   * Ends the paused and pending trials as stopped: when the experiment is over
   * (time budget), or when nothing runs and the scheduler picks none of them
   * (rather than wait forever).
   */
  protected stopWaiting(why: string): void {
    const waiting = [...this.retry.splice(0), ...this.paused.splice(0)]
    this.exhausted = true
    if (waiting.length === 0) return
    if (!this.record.replaying) this.settings.logger.info(`${why} of the ${waiting.length} waiting trials: stopping them`)
    for (const trial of waiting) {
      trial.state = 'stopped'
      this.record.output({ event: 'trial_end', trial: { id: trial.id, state: 'stopped', error: null } })
      this.complete(trial)
    }
  }

  #newTrial(): Trial | undefined {
    const id = this.trials.length
    if (this.exhausted || !this.feed.canPropose(id)) return undefined
    const config = id < this.settings.plannedTrials ? this.feed.propose(id) : null
    if (config === null) {
      this.exhausted = true
      return undefined
    }
    const trial = new Trial(id, config, deriveSeed(this.settings.seed, 'trial', id))
    this.trials.push(trial)
    this.settings.scheduler.onTrialAdd(trial)
    return trial
  }

  /**
   * Starts a run of `trial`: new, retried, resumed after a pause (from its
   * checkpoint or a donor's), or, given `relaunch`, restarted by a restore
   * that found it running. Replaying, it starts no thread and takes from the
   * journal (`journaled`, or the line it checks the launch against) which
   * checkpoint the run used.
   */
  protected launch(trial: Trial, relaunch = false, journaled?: TrialStartEvent): void {
    const resuming = trial.state === 'paused' || relaunch
    const plan = trial.state === 'paused' ? this.settings.scheduler.beforeResume?.(trial) : undefined
    if (plan?.config) trial.config = plan.config
    const donor = plan?.restoreFrom === undefined ? undefined : this.trials[plan.restoreFrom]
    let start: StartPoint | undefined
    if (this.record.replaying) {
      const event = journaled ?? (this.record.output(startEvent(trial, donor, relaunch, undefined)) as TrialStartEvent)
      const from = event.from
      if (from !== undefined)
        start = { ref: { trial: from.trial, seq: from.seq, attempt: 0, iteration: event.iteration ?? 0 }, state: undefined }
    } else {
      start = resuming ? startPoint(this.settings.checkpoints, trial, donor, this.settings.logger) : undefined
      // Built only when a journal keeps it (as every per-trial event): this runs for every trial.
      if (this.record.writes) this.record.input(startEvent(trial, donor, relaunch, start))
    }
    const { checkpoints } = this.settings
    if (start !== undefined && start.ref.trial !== trial.id) {
      // A clone carries on from its donor's checkpoint, count and clock, as in Ray Tune; the checkpoint becomes its own.
      if (this.record.replaying) checkpoints.record(trial.id, trial.attempt, start.ref.iteration)
      else checkpoints.adopt(trial.id, trial.attempt, start.ref, start.state)
      trial.elapsedMs = (donor?.lastResult?.time_total_s ?? 0) * 1000
      trial.rerunUntil = 0
    } else if (resuming) {
      // Its own checkpoint (or none: the start) may be older than its last report: those reports are re-done, not recorded again.
      trial.rerunUntil = trial.reported
      if (relaunch) trial.elapsedMs = (trial.lastResult?.time_total_s ?? 0) * 1000
      // Resumed after its pause: the pause answered its last report, and re-doing that report must not pause it again.
      else trial.lastAnswer = undefined
    }
    if (resuming) trial.iteration = start?.ref.iteration ?? 0
    trial.begin(performance.now())
    this.record.emit('onTrialStart', trial)
    if (this.record.replaying) {
      this.running.set(trial.id, { trial, handle: undefined })
      return
    }
    const handle = this.settings.executor.start(
      { trialId: trial.id, config: trial.config, seed: trial.seed, restore: start?.state, oneWay: this.oneWay },
      {
        report: (metrics, madeAt) => this.onReport(trial, metrics, undefined, madeAt),
        checkpoint: (state) => this.onCheckpoint(trial, state),
        began: (at) => trial.began(at),
        // Only a time limit needs to hear when the trainable starts; unasked, the executor can skip telling it.
        started: this.settings.trialTimeoutS === undefined ? undefined : () => this.timeouts.started(trial.id),
        taken: this.settings.trialTimeoutS === undefined ? undefined : () => this.timeouts.taken(trial.id),
      },
    )
    this.running.set(trial.id, { trial, handle })
    this.timeouts.start(trial.id, () => handle.kill(), this.settings.executor.queues === true)
    void handle.done.then((outcome) => this.onEnd(trial, outcome))
  }
}

/** The journal's line for a run's start: `start` is where a resumed run starts from (its or a donor's checkpoint). */
function startEvent(trial: Trial, donor: Trial | undefined, relaunch: boolean, start: StartPoint | undefined): TrialStartEvent {
  const planned: TrialStartEvent = {
    event: 'trial_start',
    trial: { id: trial.id, config: trial.config, seed: trial.seed, attempt: trial.attempt },
    ...(donor === undefined ? {} : { donor: donor.id }),
    ...(relaunch ? { relaunch: true as const } : {}),
  }
  return start === undefined
    ? planned
    : { ...planned, from: { trial: start.ref.trial, seq: start.ref.seq }, iteration: start.ref.iteration }
}

function take(queue: Trial[], wanted: TrialInfo): Trial | undefined {
  const index = queue.findIndex((trial) => trial.id === wanted.id)
  return index === -1 ? undefined : queue.splice(index, 1)[0]
}
