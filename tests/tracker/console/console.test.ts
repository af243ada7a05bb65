import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../../src/errors.ts'
import { ConsoleReporter } from '../../../src/tracker/console/console.ts'
import type { Config, ExperimentInfo, ExperimentSummary, Result, TrialInfo, TrialState } from '../../../src/types.ts'

/** A Writable that keeps what is written; `isTTY` set makes it look like a terminal. */
function sink(isTTY = false): { stream: Writable & { isTTY?: boolean }; text: () => string } {
  const chunks: string[] = []
  const stream: Writable & { isTTY?: boolean } = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString())
      callback()
    },
  })
  if (isTTY) stream.isTTY = true
  return { stream, text: () => chunks.join('') }
}

const experiment: ExperimentInfo = {
  name: 'demo',
  metric: 'loss',
  mode: 'min',
  seed: 1,
  numSamples: 4,
  plannedTrials: 4,
  concurrency: 2,
  space: {},
  searcher: 'RandomSearch',
  scheduler: 'ASHAScheduler',
  startedAt: '2024-01-01T00:00:00.000Z',
}

const trial = (id: number, state: TrialState, config: Config = { lr: id / 10 }): TrialInfo => ({
  id,
  config,
  state,
  seed: id,
  lastResult: undefined,
  history: [],
  error: undefined,
})
const result = (id: number, loss: number, i = 1): Result => ({ loss, training_iteration: i, trial_id: id, time_total_s: i })

const summary: ExperimentSummary = {
  trials: 4,
  states: { pending: 0, running: 0, paused: 0, completed: 2, stopped: 1, errored: 1 },
  elapsedS: 75.3,
  interrupted: false,
}

/** Four trials: 0 completes at 0.4, 1 leads at 0.1 then ends worse at 0.5, 2 is stopped at 0.2, 3 errors. */
function play(reporter: ConsoleReporter): void {
  reporter.onExperimentStart(experiment)
  reporter.onTrialStart(trial(0, 'running'))
  reporter.onTrialStart(trial(1, 'running', { lr: 0.1, opt: { name: 'adam' } }))
  reporter.onTrialResult(trial(0, 'running'), result(0, 0.4))
  reporter.onTrialResult(trial(1, 'running'), result(1, 0.1))
  reporter.onTrialEnd(trial(0, 'completed'))
  reporter.onTrialStart(trial(2, 'running', { lr: 0.2, opt: { name: 'sgd' } }))
  reporter.onTrialResult(trial(2, 'running', { lr: 0.2, opt: { name: 'sgd' } }), result(2, 0.2))
  reporter.onTrialResult(trial(1, 'running'), result(1, 0.5, 2))
  reporter.onTrialEnd(trial(1, 'completed'))
  reporter.onTrialEnd(trial(2, 'stopped', { lr: 0.2, opt: { name: 'sgd' } }))
  reporter.onTrialStart(trial(3, 'running'))
  reporter.onTrialEnd(trial(3, 'errored'))
  reporter.onExperimentEnd(experiment, summary)
}

describe('ConsoleReporter', () => {
  it('prints plain progress lines with counts and the best so far when not on a TTY', () => {
    const out = sink()
    play(new ConsoleReporter({ stream: out.stream, intervalMs: 0 }))
    const lines = out.text().trimEnd().split('\n')
    expect(out.text()).not.toContain('\r')
    expect(lines[0]).toBe('[hyperpool] experiment "demo": loss (min), 4 trials, concurrency 2, RandomSearch + ASHAScheduler')
    expect(lines[1]).toMatch(/^\[hyperpool\] trials 0\/4 done, 1 running, 0 errored \| no loss yet \| \d+\.\ds$/)
    expect(lines[4]).toMatch(/trials 0\/4 done, 2 running, 0 errored \| best loss=0\.1 \(trial 1\)/)
    // Trial 1 fell back to 0.5 on its last result, so trial 2 (0.2) leads.
    expect(lines[8]).toMatch(/trials 1\/4 done, 2 running, 0 errored \| best loss=0\.2 \(trial 2\)/)
    expect(lines[12]).toMatch(/trials 3\/4 done, 0 running, 1 errored \| best loss=0\.2 \(trial 2\)/)
    expect(lines).toHaveLength(14)
  })

  it('ends with the totals and the best trial, its value and its config', () => {
    const out = sink()
    play(new ConsoleReporter({ stream: out.stream, intervalMs: 0 }))
    expect(out.text().trimEnd().split('\n').at(-1)).toBe(
      '[hyperpool] finished: 4 trials (2 completed, 1 stopped, 1 errored) in 1m15s; best trial 2: loss=0.2 config={"lr":0.2,"opt":{"name":"sgd"}}',
    )
  })

  it('rewrites one live line with \\r on a TTY, then ends it with the summary', () => {
    const out = sink(true)
    play(new ConsoleReporter({ stream: out.stream }))
    const text = out.text()
    expect(text).toContain('\r\x1b[2K[hyperpool] trials 0/4 done, 1 running')
    expect(text.split('\n')).toHaveLength(3) // header, live line + summary, trailing ''
    const summaryLine =
      '[hyperpool] finished: 4 trials (2 completed, 1 stopped, 1 errored) in 1m15s; best trial 2: loss=0.2 config={"lr":0.2,"opt":{"name":"sgd"}}'
    expect(text.endsWith(`\r\x1b[2K${summaryLine}\n`)).toBe(true)
  })

  it('throttles updates to the interval', () => {
    const out = sink()
    play(new ConsoleReporter({ stream: out.stream, intervalMs: 60_000 }))
    // Header, the first progress line (nothing drawn before it), the summary.
    expect(out.text().trimEnd().split('\n')).toHaveLength(3)
  })

  it('says so when the experiment was interrupted and no trial reported the metric', () => {
    const out = sink()
    const reporter = new ConsoleReporter({ stream: out.stream, intervalMs: 0 })
    reporter.onExperimentStart({ ...experiment, plannedTrials: Number.POSITIVE_INFINITY })
    reporter.onTrialStart(trial(0, 'running'))
    reporter.onExperimentEnd(experiment, {
      ...summary,
      trials: 1,
      states: { ...summary.states, completed: 0, stopped: 0 },
      interrupted: true,
    })
    const lines = out.text().trimEnd().split('\n')
    expect(lines[1]).toContain('trials 0/? done')
    expect(lines.at(-1)).toBe('[hyperpool] interrupted: 1 trials (1 errored) in 1m15s; no trial reported "loss"')
  })

  it('validates its options', () => {
    for (const intervalMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number]) {
      expect(() => new ConsoleReporter({ intervalMs })).toThrow(ConfigError)
    }
    expect(() => new ConsoleReporter({ intervalMs: -1 })).toThrow('ConsoleReporter({ intervalMs }): must be a finite number >= 0, got -1')
    expect(() => new ConsoleReporter({ stream: {} as NodeJS.WritableStream })).toThrow(ConfigError)
  })
})
