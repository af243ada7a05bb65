/** A small scripted experiment that tracker tests replay: trials, reports, ends. */
import type { Tracker } from '../../src/tracker/tracker.ts'
import type { Config, ExperimentInfo, ExperimentSummary, Result, TrialInfo, TrialState } from '../../src/types.ts'

export const experiment = (name = 'exp'): ExperimentInfo => ({
  name,
  metric: 'loss',
  mode: 'min',
  seed: 7,
  numSamples: 3,
  plannedTrials: 3,
  concurrency: 2,
  space: { opt: { lr: { type: 'loguniform', low: 1e-4, high: 1 } } },
  searcher: 'RandomSearch',
  scheduler: 'FIFOScheduler',
  startedAt: '2024-01-02T03:04:05.000Z',
})

export const summary = (trials = 3, interrupted = false): ExperimentSummary => ({
  trials,
  states: { pending: 0, running: 0, paused: 0, completed: 1, stopped: 1, errored: 1 },
  elapsedS: 1.5,
  interrupted,
})

export const result = (trialId: number, i: number, metrics: Record<string, unknown>): Result => ({
  ...metrics,
  training_iteration: i + 1,
  trial_id: trialId,
  time_total_s: (i + 1) * 0.5,
})

export function trialInfo(id: number, config: Config, state: TrialState, history: Result[] = [], error?: Error): TrialInfo {
  return { id, config, seed: 100 + id, state, history, lastResult: history.at(-1), error }
}

/** One scripted trial: its config, what it reports, how it ends. */
export interface Script {
  readonly id: number
  readonly config: Config
  readonly metrics: Record<string, unknown>[]
  readonly state: TrialState
  readonly error?: Error
}

export const SCRIPTS: readonly Script[] = [
  {
    id: 0,
    config: { opt: { lr: 0.01, name: 'adam' }, layers: [64, 32] },
    metrics: [{ loss: 0.5 }, { loss: 0.3, acc: 0.9 }],
    state: 'completed',
  },
  {
    id: 1,
    config: { opt: { lr: 0.5, name: 'sgd' }, layers: [8] },
    metrics: [
      { loss: 0.9, note: 'warming up' },
      { loss: Number.NaN, val: { acc: Number.POSITIVE_INFINITY } },
    ],
    state: 'stopped',
  },
  {
    id: 2,
    config: { opt: { lr: 0.001, name: 'adam' }, layers: [] },
    metrics: [{ loss: 0.8 }],
    state: 'errored',
    error: Object.assign(new Error('trainable threw: out of patience'), { name: 'TrialError' }),
  },
]

/**
 * Drives a tracker through an experiment as the Tuner would (sync hooks not
 * awaited, as the hub calls them), interleaving the trials' reports. Returns
 * what `onExperimentEnd` returned, awaited.
 */
export async function play(
  tracker: Tracker,
  scripts: readonly Script[] = SCRIPTS,
  name = 'exp',
  info: ExperimentInfo = experiment(name),
): Promise<void> {
  await tracker.onExperimentStart?.(info)
  const histories = new Map<number, Result[]>(scripts.map((s) => [s.id, []]))
  for (const s of scripts) void tracker.onTrialStart?.(trialInfo(s.id, s.config, 'running'))
  const rounds = Math.max(...scripts.map((s) => s.metrics.length))
  for (let i = 0; i < rounds; i++) {
    for (const s of scripts) {
      const metrics = s.metrics[i]
      if (metrics === undefined) continue
      const history = histories.get(s.id) as Result[]
      history.push(result(s.id, i, metrics))
      void tracker.onTrialResult?.(trialInfo(s.id, s.config, 'running', [...history]), history.at(-1) as Result)
    }
  }
  for (const s of scripts) void tracker.onTrialEnd?.(trialInfo(s.id, s.config, s.state, histories.get(s.id), s.error))
  await tracker.onExperimentEnd?.(info, summary(scripts.length))
}

/** Two objectives, loss (min) and acc (max): trials 0 and 1 are the front, 2 is dominated by 0, 3 lacks acc. */
export const TWO_OBJECTIVES: readonly Script[] = [
  { id: 0, config: { x: 0 }, metrics: [{ loss: 0.3, acc: 0.9 }], state: 'completed' },
  { id: 1, config: { x: 1 }, metrics: [{ loss: 0.2, acc: 0.7 }], state: 'completed' },
  { id: 2, config: { x: 2 }, metrics: [{ loss: 0.5, acc: 0.8 }], state: 'completed' },
  { id: 3, config: { x: 3 }, metrics: [{ loss: 0.1 }], state: 'completed' },
]

/** The experiment of TWO_OBJECTIVES. */
export const twoObjectives = (name = 'mo'): ExperimentInfo => ({
  ...experiment(name),
  objectives: [
    { metric: 'loss', mode: 'min' },
    { metric: 'acc', mode: 'max' },
  ],
})
