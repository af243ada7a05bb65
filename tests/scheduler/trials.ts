/**
 * Trials and results for unit tests that call a scheduler's hooks directly,
 * one by one. Runs of whole experiments go through the real loop instead
 * (tests/fixtures/loop.ts).
 */
import type { Scheduler } from '../../src/scheduler/scheduler.ts'
import type { Config, Mode, Result, TrialInfo, TrialState } from '../../src/types.ts'

/** A TrialInfo whose fields a test may change. */
export type FakeTrial = { -readonly [K in keyof TrialInfo]: TrialInfo[K] } & { history: Result[] }

export function fakeTrial(id: number, config: Config = {}, state: TrialState = 'running'): FakeTrial {
  return { id, config, state, seed: id, lastResult: undefined, history: [], error: undefined }
}

/** A result of `trial` at `iteration` with the given metrics; records it on the trial like the Tuner does. */
export function report(trial: FakeTrial, iteration: number, metrics: Record<string, unknown>): Result {
  const result: Result = { training_iteration: iteration, trial_id: trial.id, time_total_s: iteration, ...metrics }
  trial.history.push(result)
  trial.lastResult = result
  return result
}

export function ready(scheduler: Scheduler, mode: Mode = 'min', seed = 7, metric = 'loss'): Scheduler {
  scheduler.setup({ metric, mode, seed })
  return scheduler
}

/** Adds trials 0..n-1 (with optional configs) and returns them. */
export function addTrials(scheduler: Scheduler, n: number, config: (id: number) => Config = () => ({})): FakeTrial[] {
  return Array.from({ length: n }, (_, id) => {
    const trial = fakeTrial(id, config(id))
    scheduler.onTrialAdd(trial)
    return trial
  })
}
