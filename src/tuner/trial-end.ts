import type { SerializedError } from '../errors.ts'
import { journaledError, storedError, type TrialEndEvent } from '../journal/codec.ts'
import type { Scheduler } from '../scheduler/scheduler.ts'
import type { Result, TrialState } from '../types.ts'
import type { TrialOutcome } from '../workers/protocol.ts'
import type { StopCriteria } from './stop.ts'
import type { Trial } from './trial.ts'

/**
 * What a trial becomes when its run ends: its state, and whether it goes
 * back to the queue as a new attempt. A pure function of the trial, the
 * outcome and the settings, so a restore that replays an end gets the same.
 *
 * @example
 * ```ts
 * const { state, retry } = endState(trial, outcome, { interrupted: false, maxFailures: 2, stop, scheduler })
 * ```
 */
export function endState(
  trial: Trial,
  outcome: TrialOutcome,
  settings: { interrupted: boolean; maxFailures: number; stop: StopCriteria; scheduler: Scheduler },
): { state: TrialState; retry: boolean } {
  if (outcome.kind === 'unloadable') return { state: 'errored', retry: false }
  // Once told to stop or pause, a thread that dies on the way out (or is ended after the grace period) does not make the trial errored.
  const kind = outcome.kind === 'errored' && trial.ending ? (trial.ending === 'pause' ? 'paused' : 'stopped') : outcome.kind
  if (kind === 'errored') {
    const retry = trial.failures + 1 - trial.forgivenFailures <= settings.maxFailures && !settings.interrupted
    return { state: retry ? 'pending' : 'errored', retry }
  }
  if (kind === 'completed') return { state: 'completed', retry: false }
  // Paused only when the driver decided it (a scheduler that will resume it; an interrupt's pauses end below);
  // a pause the trainable threw of its own accord would wait for a resume that never comes, so it ends the trial.
  if (kind === 'paused' && trial.ending === 'pause' && !settings.interrupted) return { state: 'paused', retry: false }
  return { state: ranFullBudget(trial, settings.stop, settings.scheduler) ? 'completed' : 'stopped', retry: false }
}

/** Whether a trial told to end had reached its budget: `stop.maxIterations`, or the scheduler's `maxT`. */
function ranFullBudget(trial: Trial, stop: StopCriteria, scheduler: Scheduler): boolean {
  const last = trial.lastResult
  if (last === undefined) return false
  if (stop.maxIterations !== undefined && last.training_iteration >= stop.maxIterations) return true
  const { maxT, timeAttr } = scheduler
  if (typeof maxT !== 'number' || typeof timeAttr !== 'string') return false
  const reached = last[timeAttr]
  return typeof reached === 'number' && reached >= maxT
}

/**
 * The journal's line for a trial's end: the state it became, the executor's
 * outcome (and the error it failed with), the result it returned.
 *
 * @example
 * ```ts
 * endEvent(trial, 'completed', { kind: 'completed', final: undefined }, undefined, 12.5)
 * ```
 */
export function endEvent(trial: Trial, state: TrialState, outcome: TrialOutcome, final: Result | undefined, t: number): TrialEndEvent {
  const thrown = 'error' in outcome ? journaledError(outcome.error) : undefined
  return {
    event: 'trial_end',
    trial: { id: trial.id, state, error: state === 'errored' ? storedError(trial.error) : null },
    outcome: outcome.kind,
    ...(thrown ? { thrown } : {}),
    ...(final === undefined ? {} : { final }),
    t,
  }
}

/**
 * The executor's outcome a journaled end records, for a restore to hand it to the loop again.
 *
 * @example
 * ```ts
 * outcomeOf({ event: 'trial_end', trial: { id: 0, state: 'completed', error: null }, outcome: 'completed' }) // { kind: 'completed', final: undefined }
 * ```
 */
export function outcomeOf(event: TrialEndEvent): TrialOutcome {
  const thrown = event.thrown
  const error: SerializedError = {
    name: thrown?.name ?? 'Error',
    message: thrown?.message ?? '',
    stack: thrown?.stack ?? undefined,
    ...(thrown?.cause === undefined ? {} : { cause: thrown.cause }),
  }
  switch (event.outcome) {
    case 'completed':
      return { kind: 'completed', final: event.final }
    case 'errored':
    case 'unloadable':
      return { kind: event.outcome, error }
    case 'paused':
      return { kind: 'paused' }
    default:
      return { kind: 'stopped' }
  }
}
