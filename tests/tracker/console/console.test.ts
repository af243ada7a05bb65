import { Writable } from 'node:stream'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ConfigError } from '../../../src/errors.ts'
import { screen } from '../../../src/terminal.ts'
import { ConsoleReporter } from '../../../src/tracker/console/console.ts'
import type { Config, ExperimentInfo, ExperimentSummary, Result, TrialInfo, TrialState } from '../../../src/types.ts'
import { VirtualTerminal } from '../../virtual-terminal.ts'

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

/** A clock the test moves: every event of `play` happens 500 ms after the one before. */
function stepClock(stepMs = 500): { read: () => number; step: () => void } {
  let now = 1_000_000
  return {
    read: () => now,
    step: () => {
      now += stepMs
    },
  }
}

/**
 * Four trials: 0 completes at 0.4, 1 leads at 0.1 then ends worse at 0.5, 2 is stopped at 0.2, 3 errors.
 * `step` runs before each event after the start (it moves the clock).
 */
function play(reporter: ConsoleReporter, step: () => void = () => {}, end = true): void {
  const events: Array<() => void> = [
    () => reporter.onTrialStart(trial(0, 'running')),
    () => reporter.onTrialStart(trial(1, 'running', { lr: 0.1, opt: { name: 'adam' } })),
    () => reporter.onTrialResult(trial(0, 'running'), result(0, 0.4)),
    () => reporter.onTrialResult(trial(1, 'running'), result(1, 0.1)),
    () => reporter.onTrialEnd(trial(0, 'completed')),
    () => reporter.onTrialStart(trial(2, 'running', { lr: 0.2, opt: { name: 'sgd' } })),
    () => reporter.onTrialResult(trial(2, 'running', { lr: 0.2, opt: { name: 'sgd' } }), result(2, 0.2)),
    () => reporter.onTrialResult(trial(1, 'running'), result(1, 0.5, 2)),
    () => reporter.onTrialEnd(trial(1, 'completed')),
    () => reporter.onTrialEnd(trial(2, 'stopped', { lr: 0.2, opt: { name: 'sgd' } })),
    () => reporter.onTrialStart(trial(3, 'running')),
    () => reporter.onTrialEnd(trial(3, 'errored')),
  ]
  reporter.onExperimentStart(experiment)
  for (const event of events) {
    step()
    event()
  }
  if (end) reporter.onExperimentEnd(experiment, summary)
}

const HEADER = '[hyperpool] experiment "demo": loss (min), 4 trials, concurrency 2, RandomSearch + ASHAScheduler'
const SUMMARY =
  '[hyperpool] finished: 4 trials (2 completed, 1 stopped, 1 errored) in 1m15s; best trial 2: loss=0.2 config={"lr":0.2,"opt":{"name":"sgd"}}'

/** What a redraw of the live line starts with: back to the line's start, erase it. */
const ERASE_LINE = '\r\x1b\\[2K'

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('ConsoleReporter', () => {
  it('prints plain progress lines with counts, the best so far and the time when not on a TTY', () => {
    const out = sink()
    const clock = stepClock()
    play(new ConsoleReporter({ stream: out.stream, intervalMs: 0, clock: clock.read }), clock.step)
    const lines = out.text().trimEnd().split('\n')
    expect(out.text()).not.toContain('\r')
    expect(out.text()).not.toContain('\x1b')
    expect(lines[0]).toBe(HEADER)
    expect(lines[1]).toBe('[hyperpool] 1/4 trials (1 running) | no loss yet | 0.5s')
    expect(lines[4]).toBe('[hyperpool] 2/4 trials (2 running) | best loss=0.1 (trial 1) | 2.0s')
    // Trial 1 fell back to 0.5 on its last result, so trial 2 (0.2) leads.
    expect(lines[8]).toBe('[hyperpool] 3/4 trials (2 running, 1 completed) | best loss=0.2 (trial 2) | 4.0s')
    expect(lines[12]).toBe('[hyperpool] 4/4 trials (2 completed, 1 stopped, 1 errored) | best loss=0.2 (trial 2) | 6.0s')
    expect(lines).toHaveLength(14)
  })

  it("names the experiment's folder in its first line when it has one", () => {
    const out = sink()
    const reporter = new ConsoleReporter({ stream: out.stream, intervalMs: 0 })
    reporter.onExperimentStart({ ...experiment, dir: 'runs/demo' })
    expect(out.text()).toBe(`${HEADER.replace('"demo":', '"demo" in runs/demo:')}\n`)
  })

  it('counts on the live line as the summary does: errored trials too, the same states in the same order and words', () => {
    const out = sink()
    play(new ConsoleReporter({ stream: out.stream, intervalMs: 0 }))
    const lines = out.text().trimEnd().split('\n')
    const live = /^\[hyperpool\] (\d+)\/4 trials \(([^)]*)\)/.exec(lines.at(-2) as string)
    const closing = /^\[hyperpool\] finished: (\d+) trials \(([^)]*)\)/.exec(lines.at(-1) as string)
    expect(live?.slice(1)).toEqual(['4', '2 completed, 1 stopped, 1 errored'])
    expect(live?.slice(1)).toEqual(closing?.slice(1))
  })

  it('moves a retried trial between counts instead of counting it twice', () => {
    const out = sink()
    const reporter = new ConsoleReporter({ stream: out.stream, intervalMs: 0 })
    reporter.onExperimentStart(experiment)
    reporter.onTrialStart(trial(0, 'running'))
    reporter.onTrialEnd(trial(0, 'errored'))
    reporter.onTrialStart(trial(0, 'running'))
    reporter.onTrialEnd(trial(0, 'completed'))
    expect(out.text().trimEnd().split('\n').slice(1)).toEqual([
      '[hyperpool] 1/4 trials (1 running) | no loss yet | 0.0s',
      '[hyperpool] 1/4 trials (1 errored) | no loss yet | 0.0s',
      '[hyperpool] 1/4 trials (1 running) | no loss yet | 0.0s',
      '[hyperpool] 1/4 trials (1 completed) | no loss yet | 0.0s',
    ])
  })

  it('ends with the totals and the best trial, its value and its config', () => {
    const out = sink()
    play(new ConsoleReporter({ stream: out.stream, intervalMs: 0 }))
    expect(out.text().trimEnd().split('\n').at(-1)).toBe(SUMMARY)
  })

  it('keeps one live line on a TTY, cut to the width so it never wraps, then leaves the summary', () => {
    const tty = new VirtualTerminal(60)
    const clock = stepClock()
    const reporter = new ConsoleReporter({ stream: tty as unknown as NodeJS.WritableStream, clock: clock.read })
    play(reporter, clock.step, false)
    const headerRows = Math.ceil(HEADER.length / 60)
    // The header wrapped (it is printed once and stays); the live line never did.
    expect(tty.wraps).toBe(headerRows - 1)
    // 59 columns (one is left free): the prefix, the best trial's id and the time had to go.
    expect(tty.screen()).toEqual([HEADER.slice(0, 60), HEADER.slice(60), '4/4 trials (1 errored) | best loss=0.2'])
    reporter.onExperimentEnd(experiment, summary)
    expect(tty.screen().slice(headerRows)).toEqual([SUMMARY.slice(0, 60), SUMMARY.slice(60, 120), SUMMARY.slice(120), ''])
  })

  it('prints warnings and trial output above the live line, which stays whole', () => {
    const tty = new VirtualTerminal(80)
    const clock = stepClock()
    const reporter = new ConsoleReporter({ stream: tty as unknown as NodeJS.WritableStream, clock: clock.read })
    reporter.onExperimentStart(experiment)
    reporter.onTrialStart(trial(0, 'running'))
    screen.print(tty, '(trial 0) epoch 1\n')
    clock.step()
    reporter.onTrialStart(trial(1, 'running'))
    screen.print(tty, '[hyperpool] warn: tracker X.onTrialResult failed\n')
    expect(tty.screen().slice(-3)).toEqual([
      '(trial 0) epoch 1',
      '[hyperpool] warn: tracker X.onTrialResult failed',
      '[hyperpool] 2/4 trials (2 running) | no loss yet | 0.5s',
    ])
    reporter.onExperimentEnd(experiment, summary)
  })

  it('throttles plain lines to the interval, by the clock it is given', () => {
    const out = sink()
    const clock = stepClock(500)
    play(new ConsoleReporter({ stream: out.stream, intervalMs: 1000, clock: clock.read }), clock.step)
    // Twelve events 500 ms apart from 0.5 s: a line at 0.5 s, 1.5 s, … 5.5 s; with the header and the summary.
    const lines = out.text().trimEnd().split('\n')
    expect(lines.slice(1, -1).map((line) => line.split(' | ').at(-1))).toEqual(['0.5s', '1.5s', '2.5s', '3.5s', '4.5s', '5.5s'])
    expect(lines).toHaveLength(8)
  })

  it('redraws a TTY at most every 100 ms, whatever intervalMs says', () => {
    const tty = new VirtualTerminal(200)
    const clock = stepClock(40)
    const reporter = new ConsoleReporter({ stream: tty as unknown as NodeJS.WritableStream, intervalMs: 0, clock: clock.read })
    play(reporter, clock.step, false)
    // Events 40 ms apart from 40 ms: drawn at 40, 160, 280 and 400 ms, each after the first erasing the one before.
    expect(tty.raw.split(/\[hyperpool\] \d\/4 trials/)).toHaveLength(5)
    expect(tty.raw.split(new RegExp(`${ERASE_LINE}\\[hyperpool\\] \\d/4 trials`))).toHaveLength(4)
    expect(tty.screen().at(-1)).toBe('[hyperpool] 3/4 trials (2 completed, 1 stopped) | best loss=0.2 (trial 2) | 0.4s')
    reporter.onExperimentEnd(experiment, summary)
  })

  it('writes plain lines to a TTY that says TERM=dumb', () => {
    vi.stubEnv('TERM', 'dumb')
    const tty = new VirtualTerminal(60)
    play(new ConsoleReporter({ stream: tty as unknown as NodeJS.WritableStream, intervalMs: 0 }))
    expect(tty.raw).not.toContain('\x1b')
    expect(tty.raw).not.toContain('\r')
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
    expect(lines[1]).toContain('1/? trials (1 running)')
    expect(lines.at(-1)).toBe('[hyperpool] interrupted: 1 trial (1 errored) in 1m15s; no trial reported "loss"')
  })

  it('validates its options', () => {
    for (const intervalMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number]) {
      expect(() => new ConsoleReporter({ intervalMs })).toThrow(ConfigError)
    }
    expect(() => new ConsoleReporter({ intervalMs: -1 })).toThrow('ConsoleReporter({ intervalMs }): must be a finite number >= 0, got -1')
    expect(() => new ConsoleReporter({ stream: {} as NodeJS.WritableStream })).toThrow(ConfigError)
    expect(() => new ConsoleReporter({ clock: 5 as unknown as () => number })).toThrow(
      'ConsoleReporter({ clock }): must be a function, got 5',
    )
  })
})

describe('ConsoleReporter with several objectives', () => {
  const several: ExperimentInfo = {
    ...experiment,
    objectives: [
      { metric: 'loss', mode: 'min' },
      { metric: 'ms', mode: 'min' },
    ],
  }

  it('names every objective, shows the size of the front as it grows, and ends with the front and each leader', () => {
    const out = sink()
    const reporter = new ConsoleReporter({ stream: out.stream, intervalMs: 0 })
    reporter.onExperimentStart(several)
    const at = (id: number, loss: number, ms: number): Result => ({ loss, ms, training_iteration: 1, trial_id: id, time_total_s: 1 })
    reporter.onTrialResult(trial(0, 'running'), at(0, 1, 5))
    reporter.onTrialResult(trial(1, 'running'), at(1, 2, 2))
    reporter.onTrialResult(trial(2, 'running'), at(2, 3, 3)) // dominated by trial 1
    reporter.onExperimentEnd(several, summary)
    const lines = out.text().trimEnd().split('\n')
    expect(lines[0]).toBe('[hyperpool] experiment "demo": loss (min), ms (min), 4 trials, concurrency 2, RandomSearch + ASHAScheduler')
    // A progress line per result: the front, not the first objective's best (no trial is best on both).
    expect(lines.slice(1, 4).map((line) => line.split(' | ')[1])).toEqual([
      'front 1 of loss, ms',
      'front 2 of loss, ms',
      'front 2 of loss, ms',
    ])
    expect(lines.at(-1)).toMatch(
      /; 2 trials on the Pareto front of loss, ms \(0, 1\); best by one objective: loss=1 \(trial 0\), ms=2 \(trial 1\)$/,
    )
  })

  it('lists at most ten front trials, then how many more, as other messages list trial ids', () => {
    const out = sink()
    const reporter = new ConsoleReporter({ stream: out.stream, intervalMs: 0 })
    reporter.onExperimentStart(several)
    // Twelve trials trading one objective for the other: none dominates another, all on the front.
    for (let id = 0; id < 12; id++) {
      reporter.onTrialResult(trial(id, 'running'), { loss: id, ms: 12 - id, training_iteration: 1, trial_id: id, time_total_s: 1 })
    }
    reporter.onExperimentEnd(several, summary)
    expect(out.text()).toContain('12 trials on the Pareto front of loss, ms (0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 2 more); ')
  })
})
