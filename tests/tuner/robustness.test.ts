import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import {
  ConfigError,
  type Decision,
  FIFOScheduler,
  loadExperiment,
  type Result,
  type RunCandidates,
  type RunChoice,
  type TrialInfo,
  Tuner,
  type TunerEvent,
  type TunerOptions,
} from '../../src/index.ts'
import { BEHAVIOURS, fixtureTuner, memoryLogger } from '../helpers.ts'

function tuner(options: Partial<TunerOptions> & { space: TunerOptions['space'] }) {
  return fixtureTuner({ seed: 5, ...options })
}

class StopAt extends FIFOScheduler {
  readonly completed: number[] = []
  constructor(readonly at: number) {
    super()
  }
  override onTrialResult(_trial: TrialInfo, result: Result): Decision {
    return result.training_iteration >= this.at ? 'stop' : 'continue'
  }
  override onTrialComplete(trial: TrialInfo): void {
    this.completed.push(trial.id)
  }
}

/** Pauses every trial at its first report and never resumes one while new trials can be made. */
class PauseAll extends StopAt {
  override onTrialResult(): Decision {
    return 'pause'
  }
  choose({ canCreate }: RunCandidates): RunChoice {
    return canCreate ? 'new' : undefined
  }
}

describe('the Tuner under stress', () => {
  it('does not retry a trial whose thread dies after the scheduler stopped it', async () => {
    const scheduler = new StopAt(2)
    const results = await tuner({ space: { behaviour: 'exit-on-stop', epochs: 5 }, numSamples: 1, scheduler, maxFailures: 2 }).fit()
    expect(results.trials[0]?.state).toBe('stopped')
    expect(results.trials[0]?.history).toHaveLength(2)
    expect(scheduler.completed).toEqual([0])
  })

  it('leaves paused and running trials resumable when the experiment is aborted, telling the scheduler nothing', async () => {
    const controller = new AbortController()
    const scheduler = new PauseAll(1)
    const t = tuner({
      space: { behaviour: 'curve', epochs: 3 },
      numSamples: 3,
      concurrency: 1,
      scheduler,
      signal: controller.signal,
      storageDir: mkdtempSync(join(tmpdir(), 'hyperpool-abort-')),
    })
    const done = t.fit()
    let paused = 0
    for await (const event of t.events()) {
      if (event.type === 'trial_end' && event.trial.state === 'paused' && ++paused === 2) controller.abort()
    }
    const results = await done
    expect(results.trials.map((trial) => trial.state)).toEqual(results.trials.map(() => 'paused'))
    expect(scheduler.completed).toEqual([])
  })

  it('rejects fit() with a ConfigError when a scheduler returns something that is not a decision', async () => {
    class Forgetful extends FIFOScheduler {
      override onTrialResult(): Decision {
        return undefined as unknown as Decision
      }
    }
    await expect(tuner({ space: { behaviour: 'curve' }, numSamples: 2, scheduler: new Forgetful() }).fit()).rejects.toThrow(
      /^scheduler\.onTrialResult: must return "continue", "stop" or "pause", got undefined$/,
    )
  })

  it('fails before any trial runs when storageDir cannot be written, saying what to do', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hyperpool-file-')), 'not-a-dir')
    writeFileSync(file, '')
    const started: number[] = []
    const t = tuner({
      space: { behaviour: 'final' },
      numSamples: 2,
      storageDir: file,
      trackers: [
        {
          onTrialStart(trial) {
            started.push(trial.id)
          },
        },
      ],
    })
    const failure = t.fit()
    await expect(failure).rejects.toThrow(ConfigError)
    await expect(failure).rejects.toThrow(
      /^Tuner\(\{ storageDir \}\): cannot write the experiment's folder .*not-a-dir\/hyperpool_[\w-]+ \(.*not-a-dir is a file, not a folder\); give a storageDir this process can write, or storageDir: false/,
    )
    expect(started).toEqual([])
  })

  it('names a metric that cannot be stored, and the next report still works', async () => {
    const results = await tuner({ space: { behaviour: 'bad-metric' }, numSamples: 1 }).fit()
    const trial = results.trials[0]
    expect(trial?.state).toBe('completed')
    expect(trial?.lastResult?.refused).toMatch(
      /^ctx\.report\(metrics\): metrics\.callback: must be a number, string, boolean, null, or an array or plain object of them, got function callback \(a function\)$/,
    )
    expect(trial?.history.map((r) => r.loss)).toEqual([2, 3])
  })

  it('reads a retried trial back from disk as the Tuner kept it: the failed attempt dropped', async () => {
    const storageDir = mkdtempSync(join(tmpdir(), 'hyperpool-retry-'))
    const t = new Tuner({
      trainable: BEHAVIOURS,
      space: { behaviour: 'flaky' },
      metric: 'loss',
      numSamples: 1,
      maxFailures: 1,
      data: { counter: new Int32Array(new SharedArrayBuffer(4)) },
      storageDir,
      logger: memoryLogger(),
      seed: 1,
    })
    const results = await t.fit()
    const stored = await loadExperiment(join(storageDir, t.name))
    expect(stored.results.trials.map((trial) => [trial.state, trial.history])).toEqual(
      results.trials.map((trial) => [trial.state, trial.history]),
    )
  })

  it('gives a stream opened after the experiment ended nothing, and ends it', async () => {
    const t = tuner({ space: { behaviour: 'final' }, numSamples: 1 })
    await t.fit()
    const late: TunerEvent[] = []
    for await (const event of t.events()) late.push(event)
    expect(late).toEqual([])
  })
})

describe('more option checks', () => {
  it.each([
    [{ storageDir: 42 }, /^Tuner\(\{ storageDir \}\): must be a non-empty path or false, got 42$/],
    [{ trackers: [null] }, /^Tuner\(\{ trackers\[0\] \}\): must be an object with tracker hooks, got null$/],
    [
      { stopGraceMs: 2 ** 31 },
      /^Tuner\(\{ stopGraceMs \}\): must be an integer from 0 to 2147483647 ms \(about 24\.8 days\), got 2147483648$/,
    ],
    [{ stop: { timeBudgetS: 3e6 } }, /^Tuner\(\{ stop\.timeBudgetS \}\): must be a number of seconds in \(0, 2147483\.647\]/],
    [{ logLevel: 'verbose' }, /^Tuner\(\{ logLevel \}\): must be one of "debug", "info", "warn", "error", "silent", got "verbose"$/],
  ])('rejects %o', (bad, message) => {
    expect(() => tuner({ space: { behaviour: 'final' }, ...(bad as object) })).toThrow(ConfigError)
    expect(() => tuner({ space: { behaviour: 'final' }, ...(bad as object) })).toThrow(message)
  })
})

describe("logLevel: 'silent'", () => {
  it('prints nothing: no log lines, and no default ConsoleReporter (trackers not given)', async () => {
    const written: string[] = []
    const spies = [process.stdout, process.stderr].map((stream) =>
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk))
        return true
      }),
    )
    try {
      const tuner = new Tuner({
        trainable: BEHAVIOURS,
        space: { behaviour: 'final', x: 2 },
        metric: 'loss',
        numSamples: 2,
        storageDir: false,
        logLevel: 'silent',
      })
      const results = await tuner.fit()
      expect(results.trials.map((t) => t.state)).toEqual(['completed', 'completed'])
    } finally {
      for (const spy of spies) spy.mockRestore()
    }
    expect(written.filter((text) => text.includes('[hyperpool]'))).toEqual([])
  })
})
