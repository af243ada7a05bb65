import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  ASHAScheduler,
  ConfigError,
  choice,
  type Decision,
  type ExperimentInfo,
  type ExperimentSummary,
  FIFOScheduler,
  GridSearch,
  grid,
  HyperBandScheduler,
  loadExperiment,
  MedianStoppingRule,
  type Result,
  type Scheduler,
  type Searcher,
  SpaceError,
  type TrialInfo,
  type TunerEvent,
  type TunerOptions,
  uniform,
} from '../../src/index.ts'
import type { ExecutorSetup, TrialListener, TrialRun } from '../../src/workers/executor.ts'
import { LocalPool } from '../../src/workers/pool.ts'
import { fixtureTuner, memoryLogger, temporaryDir } from '../helpers.ts'

function tuner(options: Partial<TunerOptions> & { space: TunerOptions['space'] }) {
  return fixtureTuner({ seed: 7, ...options })
}

/** Stops every trial whose x is positive once it reaches `at` results. */
class StopPositive extends FIFOScheduler implements Scheduler {
  constructor(readonly at: number) {
    super()
  }
  override onTrialResult(trial: TrialInfo, result: Result): Decision {
    return (trial.config.x as number) > 0 && result.training_iteration >= this.at ? 'stop' : 'continue'
  }
}

describe('Tuner on the worker pool', () => {
  it('ends a trial that throws its own pause as stopped, since no scheduler decided it and none would resume it', async () => {
    const results = await tuner({ space: { behaviour: 'throw-pause', x: 2 }, numSamples: 2, concurrency: 2 }).fit()
    expect(results.trials.map((trial) => [trial.state, trial.lastResult?.training_iteration])).toEqual([
      ['stopped', 1],
      ['stopped', 1],
    ])
  })

  it('streams every report, numbers them and finds the best trial', async () => {
    const results = await tuner({ space: { behaviour: 'curve', x: uniform(-1, 1), epochs: 4 }, numSamples: 6, concurrency: 2 }).fit()
    expect(results.trials).toHaveLength(6)
    for (const trial of results.trials) {
      expect(trial.state).toBe('completed')
      expect(trial.history.map((r) => r.training_iteration)).toEqual([1, 2, 3, 4])
      expect(trial.history.every((r) => r.trial_id === trial.id)).toBe(true)
    }
    const xs = results.trials.map((t) => Math.abs(t.config.x as number))
    expect(Math.abs(results.best().config.x as number)).toBe(Math.min(...xs))
  })

  it('sends reports one way only when nothing decides on them: FIFO and no per-report stop criterion', async () => {
    /** The `oneWay` each trial's run was started with, through a pool the test wraps. */
    const oneWayOf = async (options: Partial<TunerOptions>) => {
      const seen: unknown[] = []
      const executor = {
        open: async (setup: ExecutorSetup) => {
          const pool = new LocalPool({ trainable: setup.trainable, concurrency: setup.slots, data: setup.data, onOutput: setup.onOutput })
          return {
            slots: pool.slots,
            start: (run: TrialRun, listener: TrialListener) => {
              seen.push(run.oneWay)
              return pool.start(run, listener)
            },
            close: () => pool.close(),
          }
        },
      }
      const results = await tuner({
        space: { behaviour: 'curve', x: uniform(-1, 1), epochs: 3 },
        numSamples: 2,
        executor,
        ...options,
      }).fit()
      // Whichever way they travelled, every report is there, numbered, with a clock that runs.
      for (const trial of results.trials) {
        expect(trial.history.map((r) => r.training_iteration)).toEqual([1, 2, 3].slice(0, trial.history.length))
        const times = trial.history.map((r) => r.time_total_s)
        expect(times).toEqual([...times].sort((a, b) => a - b))
      }
      return [...new Set(seen.map((x) => JSON.stringify(x) ?? 'undefined'))]
    }
    expect(await oneWayOf({})).toEqual(['["loss"]'])
    expect(await oneWayOf({ reproducible: true, concurrency: 2 })).toEqual(['["loss"]'])
    expect(await oneWayOf({ stop: { maxIterations: 2 } })).toEqual(['undefined'])
    expect(await oneWayOf({ stop: { metricThreshold: 0.1 } })).toEqual(['undefined'])
    expect(await oneWayOf({ scheduler: new ASHAScheduler({ maxT: 3 }) })).toEqual(['undefined'])
    // A FIFO subclass with its own onTrialResult may decide: its reports wait for their answers.
    expect(await oneWayOf({ scheduler: new StopPositive(2) })).toEqual(['undefined'])
  }, 120_000)

  it('records a returned object as the final result', async () => {
    const results = await tuner({ space: { behaviour: 'final', x: 3 }, numSamples: 2, concurrency: 2 }).fit()
    expect(results.trials.map((t) => t.lastResult?.loss)).toEqual([9, 9])
    expect(results.trials[0]?.history).toHaveLength(1)
  })

  it('gives the same configs and random draws for the same seed at any concurrency', async () => {
    const space = { behaviour: 'curve', x: uniform(-1, 1), epochs: 2 }
    const run = async (concurrency: number, seed: number) => {
      const results = await tuner({ space, numSamples: 8, concurrency, seed }).fit()
      return results.trials.map((t) => ({ id: t.id, x: t.config.x, seed: t.seed, draws: t.history.map((r) => r.draw) }))
    }
    const one = await run(1, 42)
    expect(await run(4, 42)).toEqual(one)
    expect(await run(2, 43)).not.toEqual(one)
  })

  it('stops a trial at its next report when the scheduler says so', async () => {
    const results = await tuner({
      space: { behaviour: 'curve', x: choice([-1, 1]), epochs: 6 },
      numSamples: 6,
      concurrency: 2,
      scheduler: new StopPositive(2),
    }).fit()
    for (const trial of results.trials) {
      if ((trial.config.x as number) > 0) {
        expect(trial.state).toBe('stopped')
        expect(trial.history).toHaveLength(2)
      } else {
        expect(trial.state).toBe('completed')
        expect(trial.history).toHaveLength(6)
      }
    }
  })

  it('applies stop criteria: a maximum of iterations (a full budget: completed) and a metric threshold (stopped)', async () => {
    const capped = await tuner({ space: { behaviour: 'curve', x: 0, epochs: 10 }, numSamples: 2, stop: { maxIterations: 3 } }).fit()
    expect(capped.trials.map((t) => [t.state, t.history.length])).toEqual([
      ['completed', 3],
      ['completed', 3],
    ])
    // loss = 1 / epoch reaches 0.25 at epoch 4
    const reached = await tuner({ space: { behaviour: 'curve', x: 0, epochs: 10 }, numSamples: 1, stop: { metricThreshold: 0.25 } }).fit()
    expect(reached.trials[0]?.history).toHaveLength(4)
    expect(reached.trials[0]?.state).toBe('stopped')
  })

  it('records a throwing trial as errored with its cause, and goes on', async () => {
    const logger = memoryLogger()
    const results = await tuner({ space: { behaviour: choice(['throw', 'final']), x: 2 }, numSamples: 8, concurrency: 2, logger }).fit()
    const errored = results.errors
    expect(errored.length).toBeGreaterThan(0)
    expect(errored.length).toBeLessThan(8)
    for (const trial of errored) {
      expect(trial.error?.message).toMatch(/RangeError: boom at x=2/)
      expect(trial.history).toHaveLength(1)
    }
    expect(results.trials.filter((t) => t.state === 'completed')).toHaveLength(8 - errored.length)
    expect(logger.lines.some((l) => l.startsWith('warn: trial') && l.includes('boom'))).toBe(true)
  })

  it('warns of an error once, however many trials it fails, and counts the repeats', async () => {
    const logger = memoryLogger()
    const results = await tuner({ space: { behaviour: 'throw', x: 2 }, numSamples: 6, concurrency: 2, logger }).fit()
    expect(results.errors).toHaveLength(6)
    const warnings = logger.lines.filter((l) => l.startsWith('warn:'))
    expect(warnings).toEqual([
      expect.stringMatching(/^warn: trial \d errored: RangeError: boom at x=2$/),
      'warn: 5 more trials errored the same way: RangeError: boom at x=2',
    ])
  })

  it('warns of the first retried attempt and of the first trial that errored for good, apart', async () => {
    const logger = memoryLogger()
    await tuner({ space: { behaviour: 'throw', x: 2 }, numSamples: 3, concurrency: 1, maxFailures: 1, logger }).fit()
    expect(logger.lines.filter((l) => l.startsWith('warn:'))).toEqual([
      'warn: trial 0 failed (attempt 1 of 2), retrying: RangeError: boom at x=2',
      'warn: trial 0 errored: RangeError: boom at x=2',
      'warn: 2 more failed attempts the same way: RangeError: boom at x=2',
      'warn: 2 more trials errored the same way: RangeError: boom at x=2',
    ])
  })

  it('ends the experiment at the first errored trial with failFast, keeping every result', async () => {
    const logger = memoryLogger()
    const results = await tuner({ space: { behaviour: 'throw', x: 2 }, numSamples: 10, concurrency: 2, failFast: true, logger }).fit()
    // The first two trials start together; once one errors, no trial starts and the other stops, resumable.
    expect(results.trials).toHaveLength(2)
    expect(results.errors).toHaveLength(1)
    expect(results.trials.map((t) => t.state).sort()).toEqual(['errored', 'paused'])
    expect(logger.lines).toContainEqual(
      expect.stringMatching(/^info: stopping 1 running trial at its next report: failFast: trial \d errored$/),
    )
    // A restore leaves the errored trial as it ended: the notice says how to run it again too.
    expect(logger.lines).toContainEqual(
      expect.stringMatching(
        /^warn: the experiment ended early \(failFast: trial \d errored\); 1 of 2 trials started has finished, the rest can be resumed\. Continue it with: .*Tuner\.restore\(.*\.fit\(\) \(with retryErrored: true in its options, the 1 errored trial runs again too\)$/,
      ),
    )
  })

  it('with failFast at the last planned trial, says nothing is left to resume rather than "the rest can be resumed"', async () => {
    const logger = memoryLogger()
    await tuner({ space: { behaviour: 'throw', x: 2 }, numSamples: 1, concurrency: 1, failFast: true, logger }).fit()
    const warnings = logger.lines.filter((line) => line.startsWith('warn: the experiment ended early'))
    expect(warnings).toEqual([
      'warn: the experiment ended early (failFast: trial 0 errored), but its one planned trial has finished: nothing is left to resume (Tuner.restore with retryErrored: true runs the errored ones again)',
    ])
  })

  it('survives a timer that throws after its trial ended: a warning by the end, when no later trial on its thread yields before it fires', async () => {
    const logger = memoryLogger()
    const results = await tuner({
      space: { behaviour: grid(['stray-throw', 'final', 'final']), x: 2 },
      // No numSamples: GridSearch runs its grid once.
      search: new GridSearch(),
      concurrency: 1,
      logger,
    }).fit()
    // The thread's event loop stands still between tasks, and these trials never leave the microtask queue: the timer fires in the close's last turn.
    expect(results.trials.map((t) => t.state)).toEqual(['completed', 'completed', 'completed'])
    expect(logger.lines).toContainEqual(expect.stringMatching(/^warn: a worker thread failed after its trial had ended .*: stray timer$/))
  })

  it('says once that reports from a timer after its trial returned were dropped, and the next trial on the thread runs cleanly', async () => {
    // The interval fires while the next trial runs on the same thread: the report it awaits must neither fail that
    // trial nor hang the run (before the context knew its run had ended, fit() never resolved).
    const logger = memoryLogger()
    const storageDir = temporaryDir()
    const results = await tuner({
      space: { behaviour: grid(['report-on-timer', 'slow-checkpointed']), x: 20, epochs: 3 },
      search: new GridSearch(),
      concurrency: 1,
      storageDir,
      name: 'late',
      logger,
    }).fit()
    expect(results.trials.map((t) => [t.state, t.history.map((r) => r.loss)])).toEqual([
      ['completed', [1]],
      ['completed', [1, 1 / 2, 1 / 3]],
    ])
    const stderrLog = join(storageDir, 'late', 'trial_0000', 'stderr.log')
    // One warning says it, and where; not also the first-output note that the trial printed, which the trainable never did.
    expect(logger.lines.filter((line) => line.startsWith('warn:') || line.includes('printed to'))).toEqual([
      `warn: trial 0's stderr got output after its run had ended (a timer or callback that outlived it; a ctx.report or ctx.checkpoint made then is dropped, and said there): see ${stderrLog}`,
    ])
    expect(readFileSync(stderrLog, 'utf8')).toBe(
      "--- written after trial 0's run ended (a timer or callback outlived it) ---\n" +
        "hyperpool: ctx.report(metrics): called after trial 0's run had ended, so it was dropped (and any later report or checkpoint of this run); await every ctx.report before the trainable returns, and clear the timers that call it\n",
    )
  })

  it('says once, by the end, that work trials left running was ended unfinished, which trials left it, what it held, and on how many threads', async () => {
    const logger = memoryLogger()
    const results = await tuner({ space: { behaviour: 'stray-interval', x: 1 }, numSamples: 2, concurrency: 1, logger }).fit()
    expect(results.trials.map((t) => t.state)).toEqual(['completed', 'completed'])
    expect(logger.lines.filter((line) => line.includes('left running after'))).toEqual([
      'info: work left running after trials 0, 1 returned (still holding: Timeout) was ended unfinished 1 s after the last trial, with the 1 thread it ran on; clear timers and intervals (Node calls them Timeout) and await writes before the trainable returns (docs/data-and-workers.md in the package)',
    ])
  })

  it('survives a trainable that calls process.exit: the trial errors, the pool replaces the thread', async () => {
    const results = await tuner({ space: { behaviour: choice(['exit', 'final']), x: 1 }, numSamples: 8, concurrency: 2 }).fit()
    const exited = results.errors
    expect(exited.length).toBeGreaterThan(0)
    for (const trial of exited) expect(trial.error?.message).toMatch(/^trial \d+: WorkerError: the trial's worker exited/)
    expect(results.trials.filter((t) => t.state === 'completed').length).toBe(8 - exited.length)
  })

  it('ends the experiment at its first trial, as a throw at import does, when the trainable exits as it is imported, saying with which code and what it printed', async () => {
    // Every replacement thread dies as it loads the module: without telling that apart from a trial's own exit, the pool
    // would start a thread per trial, each errored the same way, and fit() would resolve after all of them.
    const trainable = new URL('../fixtures/exit-on-import.ts', import.meta.url).href
    const storageDir = temporaryDir()
    const t = tuner({ trainable, space: { x: 1 }, numSamples: 4, concurrency: 1, storageDir, name: 'exit-on-import' })
    await expect(t.fit()).rejects.toThrow(
      /^Tuner\(\{ trainable \}\): could not be loaded: trainable .*exit-on-import\.ts: the module ended its thread with code 3 while loading, as it would every thread the pool starts \(.*\); what it printed:\nloading the data\.\.\.\nno GPU found, giving up$/,
    )
    const { results, interruption } = await loadExperiment(join(storageDir, 'exit-on-import'))
    expect(results.trials.map((trial) => trial.state)).toEqual(['errored'])
    expect(interruption).toMatchObject({ cause: 'check', resumable: false })
  })

  it('ends the experiment at its first trial when an error the module set off as it loads ends the thread, naming the error, not an exit', async () => {
    // The thread dies with code 1 after the error: taken for an exit, the message blamed process.exit and lost the error.
    const trainable = new URL('../fixtures/throw-while-loading.ts', import.meta.url).href
    const t = tuner({ trainable, space: { x: 1 }, numSamples: 4, concurrency: 1 })
    const error = await t.fit().then(
      () => undefined,
      (thrown: unknown) => thrown,
    )
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toMatch(
      /^Tuner\(\{ trainable \}\): could not be loaded: trainable .*throw-while-loading\.ts: the module threw Error: connection refused from a callback or event it set off \(.*\) while loading; what it printed:\nconnecting\.\.\.$/,
    )
    expect((error as Error).message).not.toMatch(/process\.exit|code 1/)
  })

  it('retries a failed trial up to maxFailures times', async () => {
    const counter = () => new Int32Array(new SharedArrayBuffer(4))
    const retried = await tuner({ space: { behaviour: 'flaky' }, numSamples: 1, maxFailures: 1, data: { counter: counter() } }).fit()
    expect(retried.trials[0]?.state).toBe('completed')
    expect(retried.trials[0]?.lastResult?.loss).toBe(1)
    expect(retried.trials[0]?.attempt).toBe(2)
    const once = await tuner({ space: { behaviour: 'flaky' }, numSamples: 1, maxFailures: 0, data: { counter: counter() } }).fit()
    expect(once.trials[0]?.state).toBe('errored')
    // The failure that ends a trial starts no new attempt: it errored in its first.
    expect(once.trials[0]?.attempt).toBe(1)
  })

  it('ends cleanly on abort, keeping every result so far, aborting ctx.signal and leaving the trials resumable', async () => {
    const controller = new AbortController()
    const t = tuner({ space: { behaviour: choice(['forever', 'signal']) }, numSamples: 4, concurrency: 2, signal: controller.signal })
    const done = t.fit()
    let results = 0
    for await (const event of t.events()) {
      if (event.type === 'result' && ++results === 3) controller.abort()
    }
    const grid = await done
    expect(grid.trials.length).toBeGreaterThanOrEqual(2)
    for (const trial of grid.trials) expect(trial.state).toBe('paused')
    expect(grid.trials.reduce((n, trial) => n + trial.history.length, 0)).toBeGreaterThanOrEqual(3)
  })

  it('streams events in order, one experiment_start and one experiment_end', async () => {
    const t = tuner({ space: { behaviour: 'curve', x: 1, epochs: 2 }, numSamples: 2, concurrency: 1 })
    const events: TunerEvent[] = []
    const done = t.fit()
    for await (const event of t.events()) events.push(event)
    await done
    expect(events.map((e) => (e.type === 'result' ? `result ${e.trial.id}` : e.type))).toEqual([
      'experiment_start',
      'trial_start',
      'result 0',
      'result 0',
      'trial_end',
      'trial_start',
      'result 1',
      'result 1',
      'trial_end',
      'experiment_end',
    ])
  })

  it('warns about a tracker that throws and keeps going', async () => {
    const logger = memoryLogger()
    const broken = {
      onTrialResult() {
        throw new Error('disk full')
      },
    }
    const results = await tuner({ space: { behaviour: 'curve', x: 1 }, numSamples: 3, trackers: [broken], logger }).fit()
    expect(results.trials.every((t) => t.state === 'completed')).toBe(true)
    expect(logger.lines.filter((l) => l.includes('disk full'))).toHaveLength(1)
  })

  it('creates no more trials than planned, whatever the searcher would propose', async () => {
    const endless: Searcher = {
      setup() {},
      suggest: () => ({ behaviour: 'final', x: 1 }),
      onTrialResult() {},
      onTrialComplete() {},
    }
    const results = await tuner({ space: { behaviour: 'final' }, search: endless, numSamples: 3, concurrency: 2 }).fit()
    expect(results.trials).toHaveLength(3)
  })

  it("tells the trackers the experiment's folder, and none without one", async () => {
    const storageDir = temporaryDir()
    const heard: Array<[string | undefined, string | undefined]> = []
    const trackers = [
      {
        onExperimentStart: (experiment: ExperimentInfo) => void heard.push([experiment.dir, undefined]),
        onExperimentEnd: (experiment: ExperimentInfo) => void heard.push([undefined, experiment.dir]),
      },
    ]
    await tuner({ space: { behaviour: 'final' }, numSamples: 1, storageDir, name: 'told', trackers }).fit()
    await tuner({ space: { behaviour: 'final' }, numSamples: 1, storageDir: false, trackers }).fit()
    const dir = join(storageDir, 'told')
    expect(heard).toEqual([
      [dir, undefined],
      [undefined, dir],
      [undefined, undefined],
      [undefined, undefined],
    ])
  })

  it('ends the experiment with a ConfigError when the trainable module cannot be loaded', async () => {
    const t = tuner({ trainable: new URL('../fixtures/no-default.ts', import.meta.url), space: { behaviour: 'final' }, numSamples: 20 })
    await expect(t.fit()).rejects.toThrow(
      /^Tuner\(\{ trainable \}\): could not be loaded: trainable .*no-default\.ts: the module must default-export a function \(config, ctx\) => Promise<void \| metrics>, got undefined; it exports train: use export default train$/,
    )
  })

  it('says where a JavaScript trainable fails to parse, as node prints it for the file', async () => {
    // import() rejects with the SyntaxError alone ('Unexpected end of input'): no file, no line.
    const path = join(temporaryDir(), 'syntax.mjs')
    writeFileSync(path, 'export default function train() {\n  return { loss: 0 }\n')
    const trainable = pathToFileURL(path).href
    await expect(tuner({ trainable, space: { x: 1 }, numSamples: 4, concurrency: 1 }).fit()).rejects.toThrow(
      `Tuner({ trainable }): could not be loaded: trainable ${trainable}: SyntaxError: Unexpected end of input at ${trainable}:3`,
    )
  })

  it('ends every trial that failed to load as errored, none paused, when the module throws as it is imported, as the journal says', async () => {
    // Both trials start together; once the first fails to load, the run is over for good (a restore replays that end),
    // so the second, which failed to load too, is not left paused for a resume that never comes.
    const trainable = new URL('../fixtures/throw-on-import.ts', import.meta.url).href
    const storageDir = temporaryDir()
    const summaries: ExperimentSummary[] = []
    const heard: string[] = []
    const trackers = [
      {
        onTrialStart: (trial: TrialInfo) => void heard.push(`start ${trial.id}`),
        onTrialEnd: (trial: TrialInfo) => void heard.push(`end ${trial.id} ${trial.state}`),
        onExperimentEnd: (_: unknown, summary: ExperimentSummary) => void summaries.push(summary),
      },
    ]
    const logger = memoryLogger()
    const t = tuner({ trainable, space: { x: 1 }, numSamples: 4, concurrency: 2, storageDir, name: 'throw-on-import', trackers, logger })
    await expect(t.fit()).rejects.toThrow(
      /^Tuner\(\{ trainable \}\): could not be loaded: trainable .*throw-on-import\.ts: Error: boom at import$/,
    )
    // The other trial fails loading too: the notice says so, rather than that it stops at its next report, and does
    // not repeat the error fit() rejects with.
    expect(logger.lines.filter((line) => line.includes('stopping'))).toEqual([
      'info: stopping 1 running trial: at its next report, or as it fails to load the trainable too',
    ])
    expect(summaries.map(({ trials, states }) => [trials, states.paused, states.errored])).toEqual([[2, 0, 2]])
    // The trackers hear both ends: nothing hands the second on to a later session.
    expect(heard.sort()).toEqual(['end 0 errored', 'end 1 errored', 'start 0', 'start 1'])
    const { results, interruption } = await loadExperiment(join(storageDir, 'throw-on-import'))
    expect(results.trials.map((trial) => [trial.state, trial.error?.message])).toEqual(
      [0, 1].map((id) => ['errored', `trial ${id}: ConfigError: trainable ${trainable}: Error: boom at import`]),
    )
    expect(interruption).toMatchObject({ cause: 'check', resumable: false })
  })

  it("with metricCheck: 'warn', warns when no trial reports the metric, naming the keys that were reported", async () => {
    const logger = memoryLogger()
    await tuner({ space: { behaviour: 'curve', x: 1, epochs: 1 }, metric: 'accuracy', numSamples: 1, metricCheck: 'warn', logger }).fit()
    expect(logger.lines).toContain('warn: metric: no trial reported a number for "accuracy"; reported keys: loss, draw')
  })

  it('runs only once', async () => {
    const t = tuner({ space: { behaviour: 'final' }, numSamples: 1 })
    await t.fit()
    await expect(t.fit()).rejects.toThrow(/already run/)
  })
})

describe('Tuner option checks', () => {
  const space = { behaviour: 'final' }
  it.each([
    [{ numSamples: 0 }, /^Tuner\(\{ numSamples \}\): must be an integer >= 1, got 0$/],
    [{ concurrency: 1.5 }, /^Tuner\(\{ concurrency \}\): must be an integer >= 1, got 1\.5$/],
    [{ metric: '' }, /^Tuner\(\{ metric \}\): must be a metric name, or a non-empty array of distinct metric names, got ""$/],
    [{ mode: 'up' }, /^Tuner\(\{ mode \}\): must be "min" or "max", got "up"$/],
    [{ seed: -1 }, /^Tuner\(\{ seed \}\): must be an integer in \[0, 2\^32\), got -1$/],
    [{ maxFailures: -1 }, /^Tuner\(\{ maxFailures \}\): must be an integer >= 0, got -1$/],
    [{ stop: { maxIterations: 0 } }, /^Tuner\(\{ stop\.maxIterations \}\): must be an integer >= 1, got 0$/],
    [{ stop: { epochs: 3 } }, /^Tuner\(\{ stop\.epochs \}\): unknown option, got 3; known: maxIterations, metricThreshold, timeBudgetS$/],
    [
      { stop: { timeBudgetS: Number.NaN } },
      /^Tuner\(\{ stop\.timeBudgetS \}\): must be a number of seconds in \(0, 2147483\.647\] .*, got NaN$/,
    ],
    [{ stop: [] }, /^Tuner\(\{ stop \}\): must be an object \{ maxIterations\?, metricThreshold\?, timeBudgetS\? \}, got \[\]$/],
    [{ trainable: '/no/such/trainable.ts' }, /^Tuner\(\{ trainable \}\): no such file \/no\/such\/trainable\.ts$/],
    [
      { trainable: new URL('https://example.com/t.js') },
      /^Tuner\(\{ trainable \}\): must be a file: URL, got "https:\/\/example\.com\/t\.js"$/,
    ],
    [{ name: '../escape' }, /^Tuner\(\{ name \}\): must be a name of letters, digits, '_', '-' or '\.', got "\.\.\/escape"$/],
    [
      { search: {} },
      /^Tuner\(\{ search \}\): must be a Searcher with setup, suggest, onTrialResult and onTrialComplete methods, got \{\} \(missing setup, suggest, onTrialResult, onTrialComplete\)$/,
    ],
    [{ logger: { warn() {} } }, /^Tuner\(\{ logger \}\): must be a Logger with .*\(missing debug, info, error\)$/],
    [{ trackers: [null] }, /^Tuner\(\{ trackers\[0\] \}\): must be an object with tracker hooks, got null$/],
    [{ reproducible: 'yes' }, /^Tuner\(\{ reproducible \}\): must be a boolean, got "yes"$/],
    [{ failFast: 1 }, /^Tuner\(\{ failFast \}\): must be a boolean, got 1$/],
    [{ numSample: 3 }, /^Tuner\(\{ numSample \}\): unknown option \(did you mean numSamples\?\), got 3; known: name, trainable, /],
    [{ Concurrency: 2 }, /^Tuner\(\{ Concurrency \}\): unknown option \(did you mean concurrency\?\), got 2; /],
    [{ workers: 2 }, /^Tuner\(\{ workers \}\): unknown option, got 2; /],
    [
      { reproducible: true, scheduler: new HyperBandScheduler({ maxT: 10 }) },
      /^Tuner\(\{ reproducible \}\): needs FIFOScheduler, ASHAScheduler or MedianStoppingRule: .*, got HyperBandScheduler$/,
    ],
    [
      { reproducible: true, scheduler: new ASHAScheduler({ maxT: 10, timeAttr: 'epoch' }) },
      /^Tuner\(\{ reproducible \}\): ASHAScheduler must count in timeAttr 'training_iteration' \(reports\), got "epoch"$/,
    ],
    [
      { reproducible: true, scheduler: new MedianStoppingRule({ hardStop: false }) },
      /^Tuner\(\{ reproducible \}\): MedianStoppingRule with hardStop: false pauses/,
    ],
  ])('rejects %o', (bad, message) => {
    expect(() => tuner({ space, ...(bad as object) })).toThrow(ConfigError)
    expect(() => tuner({ space, ...(bad as object) })).toThrow(message)
  })

  it('warns when reproducible leaves the concurrency, which it depends on, to the machine', () => {
    const unset = memoryLogger()
    tuner({ space, reproducible: true, logger: unset })
    expect(unset.lines).toEqual([expect.stringMatching(/^warn: reproducible: concurrency is not set, so it is this machine's \d+ cores/)])
    const set = memoryLogger()
    tuner({ space, reproducible: true, concurrency: 2, logger: set })
    expect(set.lines).toEqual([])
  })

  it('rejects a bad space with the path of the field', () => {
    expect(() => tuner({ space: { opt: { lr: { $domain: 'loguniform', low: 0, high: 1 } } } as never })).toThrow(SpaceError)
    expect(() => tuner({ space: { opt: { lr: { $domain: 'loguniform', low: 0, high: 1 } } } as never })).toThrow(/^space\.opt\.lr: /)
  })
})
