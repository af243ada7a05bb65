import type { Scheduler } from '../../src/scheduler/scheduler.ts'
import type { Config, Decision, Mode, Result, TrialInfo, TrialState } from '../../src/types.ts'

/** A TrialInfo whose fields a test (or the simulator) may change. */
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

export interface SimulationOptions {
  numSamples: number
  concurrency: number
  /** A trial completes on its own after this many iterations. */
  maxIter: number
  config: (id: number) => Config
  loss: (config: Config, iteration: number, id: number) => number
  /** Reports of a trial the scheduler never saw, interleaved with the others. */
  strangers?: boolean
  /** Drop the metric from every `k`-th report. */
  dropMetricEvery?: number
}

export interface Simulation {
  /** Every event, as text: what the scheduler decided and chose. */
  log: string[]
  decisions: Decision[]
  trials: FakeTrial[]
  steps: number
}

/**
 * A tiny deterministic Tuner: fills `concurrency` slots through `choose` (or
 * pending, new, paused without it), runs every running trial one iteration
 * per step, applies decisions, resumes through `beforeResume`, restoring a
 * donor's iteration count as a checkpoint restore would. Ends when nothing
 * runs; paused leftovers are then stopped, as the Tuner does.
 */
export function simulate(scheduler: Scheduler, options: SimulationOptions, mode: Mode = 'min', seed = 7): Simulation {
  ready(scheduler, mode, seed)
  const log: string[] = []
  const decisions: Decision[] = []
  const trials: FakeTrial[] = []
  const iteration = new Map<number, number>()
  const running: FakeTrial[] = []
  let exhausted = false
  let steps = 0
  const stranger = fakeTrial(999, { lr: 0.5 })
  const end = (trial: FakeTrial, state: TrialState) => {
    trial.state = state
    scheduler.onTrialComplete(trial, trial.lastResult)
    log.push(`end ${trial.id} ${state}`)
  }
  const launch = (trial: FakeTrial) => {
    if (trial.state === 'paused') {
      const plan = scheduler.beforeResume?.(trial)
      if (plan?.config !== undefined) trial.config = plan.config
      if (plan?.restoreFrom !== undefined) iteration.set(trial.id, iteration.get(plan.restoreFrom) ?? 0)
      log.push(`resume ${trial.id} ${JSON.stringify(plan ?? null)}`)
    } else log.push(`start ${trial.id}`)
    trial.state = 'running'
    running.push(trial)
  }
  for (; steps < 10_000; steps++) {
    while (running.length < options.concurrency) {
      const pending = trials.filter((t) => t.state === 'pending')
      const paused = trials.filter((t) => t.state === 'paused')
      const canCreate = !exhausted
      const pick = scheduler.choose
        ? scheduler.choose({ pending, paused, canCreate })
        : (pending[0] ?? (canCreate ? 'new' : undefined) ?? paused[0])
      if (pick === 'new') {
        if (trials.length >= options.numSamples) {
          exhausted = true
          continue
        }
        const trial = fakeTrial(trials.length, options.config(trials.length), 'pending')
        trials.push(trial)
        scheduler.onTrialAdd(trial)
        launch(trial)
      } else if (pick === undefined) break
      else launch(trials[pick.id] as FakeTrial)
    }
    if (running.length === 0) {
      for (const trial of trials) if (trial.state === 'paused') end(trial, 'stopped')
      break
    }
    for (const trial of [...running].sort((a, b) => a.id - b.id)) {
      const iter = (iteration.get(trial.id) ?? 0) + 1
      iteration.set(trial.id, iter)
      const dropped = options.dropMetricEvery !== undefined && (steps + trial.id) % options.dropMetricEvery === 0
      const metrics = dropped ? {} : { loss: options.loss(trial.config, iter, trial.id) }
      const decision = scheduler.onTrialResult(trial, report(trial, iter, metrics))
      if (options.strangers) {
        const strange = scheduler.onTrialResult(stranger, report(stranger, iter, { loss: -1e9 }))
        if (strange !== 'continue') throw new Error(`decision ${strange} for a trial never added`)
        scheduler.onTrialComplete(fakeTrial(1000 + steps), stranger.lastResult)
      }
      decisions.push(decision)
      log.push(`${trial.id}@${iter} ${decision}`)
      if (decision === 'stop') end(trial, 'stopped')
      else if (decision === 'pause') trial.state = 'paused'
      else if (iter >= options.maxIter) end(trial, 'completed')
      if (trial.state !== 'running') running.splice(running.indexOf(trial), 1)
    }
  }
  return { log, decisions, trials, steps }
}
