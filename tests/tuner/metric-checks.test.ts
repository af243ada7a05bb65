import { describe, expect, it } from 'vitest'
import { ASHAScheduler, ConfigError, DivergedError, GridSearch, grid, TPESearch, TrialError, type TrialInfo } from '../../src/index.ts'
import { MetricChecks } from '../../src/tuner/metric-checks.ts'
import type { Result } from '../../src/types.ts'
import type { ScriptedContext } from '../fixtures/fake-executor.ts'
import { runLoop } from '../fixtures/loop.ts'
import { fixtureTuner, memoryLogger } from '../helpers.ts'

const result = (metrics: Record<string, unknown>, iteration = 1): Result => ({
  ...metrics,
  training_iteration: iteration,
  trial_id: 0,
  time_total_s: 0,
})
const trial = (history: Result[]): TrialInfo => ({
  id: 0,
  config: {},
  seed: 1,
  state: 'completed',
  lastResult: history.at(-1),
  history,
  error: undefined,
})

describe("a scheduler's metric", () => {
  it("is checked when the Tuner is built, with a guess at the experiment's metric it misspells", () => {
    expect(() => fixtureTuner({ space: { behaviour: 'curve' }, scheduler: new ASHAScheduler({ metric: 'los' }) })).toThrow(
      `ASHAScheduler({ metric }): must be one of the experiment's objectives (loss), got "los" (did you mean loss?)`,
    )
  })
})

describe('a trial that completes without the metric', () => {
  it('ends the experiment at the first such trial with a ConfigError naming the metric, the keys reported and a guess', async () => {
    const run = fixtureTuner({ space: { behaviour: 'val-loss', epochs: 3 }, numSamples: 20, concurrency: 1 })
    const failure = await run.fit().then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(failure).toBeInstanceOf(ConfigError)
    expect((failure as ConfigError).field).toBe('metric')
    expect((failure as Error).message).toMatch(
      /^Tuner\(\{ metric \}\): trial 0 completed without reporting a number for "loss"; it reported val_loss; "val_loss" contains "loss"\. /,
    )
  })

  it('stops the experiment early: later trials are not started', async () => {
    const events: string[] = []
    const run = fixtureTuner({ space: { behaviour: 'val-loss', epochs: 2 }, numSamples: 20, concurrency: 1 })
    const done = run.fit().catch(() => undefined)
    for await (const event of run.events()) if (event.type === 'trial_start') events.push(String(event.trial.id))
    await done
    expect(events.length).toBeLessThanOrEqual(2)
  })

  it("with metricCheck: 'warn', lets every trial run and warns at the end", async () => {
    const logger = memoryLogger()
    const results = await fixtureTuner({
      space: { behaviour: 'val-loss', epochs: 2 },
      numSamples: 3,
      concurrency: 1,
      metricCheck: 'warn',
      logger,
    }).fit()
    expect(results.trials.map((t) => t.state)).toEqual(['completed', 'completed', 'completed'])
    expect(logger.lines).toContain('warn: metric: no trial reported a number for "loss"; reported keys: val_loss')
  })

  it('lets a trainable that reports the metric only every few reports run (validation every 5 epochs)', async () => {
    const logger = memoryLogger()
    const results = await fixtureTuner({ space: { behaviour: 'periodic', epochs: 10 }, numSamples: 2, concurrency: 1, logger }).fit()
    expect(results.trials.map((t) => t.state)).toEqual(['completed', 'completed'])
    expect(results.best().lastResult?.loss).toBe(0.2)
    // The first result lacked it: said once, as information, not as a failure.
    expect(logger.lines.filter((line) => line.includes('first result has no number'))).toHaveLength(1)
  })

  it('names a metric reported as a string, and guesses nothing when no key is close', () => {
    const checks = new MetricChecks('accuracy', 'error', memoryLogger())
    expect(checks.completed(trial([result({ accuracy: '0.9', f1: 0.5 })]))?.message).toMatch(
      /it reported accuracy, f1, and "accuracy" was "0\.9", not a number\. /,
    )
    expect(checks.completed(trial([result({ f1: 0.5 })]))?.message).toMatch(/it reported f1\. Fix metric/)
    expect(checks.completed(trial([]))?.message).toMatch(/it reported no metrics at all/)
  })

  it('points at a near spelling without saying which side is the typo, and at a name inside the other', () => {
    const checks = new MetricChecks('loss', 'error', memoryLogger())
    expect(checks.completed(trial([result({ los: 0.5 })]))?.message).toMatch(
      /it reported los; "los" is a near spelling of "loss"\. Fix metric/,
    )
    expect(new MetricChecks('val_loss', 'error', memoryLogger()).completed(trial([result({ loss: 0.5 })]))?.message).toMatch(
      /it reported loss; "val_loss" contains "loss"\. Fix metric/,
    )
  })

  it('stops checking once a trial has reported the metric: the name is right', () => {
    const checks = new MetricChecks('loss', 'error', memoryLogger())
    checks.result(trial([]), result({ loss: 1 }))
    expect(checks.completed(trial([result({ other: 1 })]))).toBeUndefined()
  })

  it.each([['fail'], [true], [0]])('refuses metricCheck: %s', (bad) => {
    expect(() => fixtureTuner({ space: { behaviour: 'final' }, metricCheck: bad as 'warn' })).toThrow(
      /^Tuner\(\{ metricCheck \}\): must be "error" or "warn", got /,
    )
  })
})

describe('a NaN metric', () => {
  it('ends the trial at that report as errored with a DivergedError, not retried; the next trial runs', async () => {
    const results = await fixtureTuner({
      space: { behaviour: grid(['nan-at', 'curve']), x: 3, epochs: 10 },
      search: new GridSearch(),
      numSamples: 1,
      concurrency: 1,
      maxFailures: 2,
    }).fit()
    const [diverged, next] = results.trials
    expect(diverged?.state).toBe('errored')
    expect(diverged?.error).toBeInstanceOf(DivergedError)
    expect(diverged?.error).toBeInstanceOf(TrialError)
    expect(diverged?.error?.message).toBe('trial 0: diverged: loss is NaN at iteration 3')
    expect(diverged?.history).toHaveLength(3)
    expect(diverged?.attempt).toBe(1)
    expect(next?.state).toBe('completed')
    expect(next?.history).toHaveLength(10)
  })

  it('ends a trial whose final (returned) result is NaN as diverged', async () => {
    const results = await fixtureTuner({ space: { behaviour: 'nan-final' }, numSamples: 1 }).fit()
    expect(results.trials[0]?.state).toBe('errored')
    expect(results.trials[0]?.error?.message).toBe('trial 0: diverged: loss is NaN at iteration 1')
  })

  it('under ASHA, does not run to the full budget', async () => {
    const results = await fixtureTuner({
      space: { behaviour: 'nan-at', x: 2, epochs: 50 },
      numSamples: 2,
      concurrency: 1,
      scheduler: new ASHAScheduler({ maxT: 50 }),
    }).fit()
    for (const t of results.trials) {
      expect(t.state).toBe('errored')
      expect(t.history).toHaveLength(2)
    }
  })

  it('under TPE, lets the run go on past diverged trials', async () => {
    const results = await fixtureTuner({
      space: { behaviour: 'nan-at', x: 2, epochs: 3 },
      numSamples: 4,
      concurrency: 1,
      search: new TPESearch({ nStartupTrials: 2 }),
    }).fit()
    expect(results.trials).toHaveLength(4)
    expect(results.errors).toHaveLength(4)
  })

  it('with failFast, ends the experiment', async () => {
    const results = await fixtureTuner({ space: { behaviour: 'nan-final' }, numSamples: 5, concurrency: 1, failFast: true }).fit()
    expect(results.trials).toHaveLength(1)
  })
})

describe('the metric checks under the real loop (fake executor)', () => {
  /** Reports `loss: 1 / epoch` for 4 epochs; trial `nanAt.id` reports NaN at epoch `nanAt.epoch`. */
  const diverging = (nanAt: { id: number; epoch: number }) => async (_config: unknown, ctx: ScriptedContext) => {
    for (let epoch = 1; epoch <= 4; epoch++) {
      await ctx.report({ loss: ctx.trialId === nanAt.id && epoch === nanAt.epoch ? Number.NaN : 1 / epoch })
    }
  }

  it('ends a trial at its NaN report, unjudged and not retried, as errored with a DivergedError; the others run on', async () => {
    const run = await runLoop({ trainable: diverging({ id: 1, epoch: 2 }), numSamples: 3, slots: 2, maxFailures: 2 })
    expect(run.trials.map((t) => [t.state, t.history.length, t.attempt])).toEqual([
      ['completed', 4, 1],
      ['errored', 2, 1],
      ['completed', 4, 1],
    ])
    const diverged = run.trials[1]
    expect(diverged?.error).toBeInstanceOf(DivergedError)
    expect(diverged?.error?.message).toBe('trial 1: diverged: loss is NaN at iteration 2')
    // The scheduler judged its first report, never the NaN one, and was told it ended errored.
    expect(run.tape.filter((line) => line.startsWith('1@') || line.startsWith('complete 1'))).toEqual([
      '1@1 continue',
      'complete 1 errored',
    ])
  })

  it('with failFast, ends the experiment at the divergence', async () => {
    const run = await runLoop({ trainable: diverging({ id: 0, epoch: 1 }), numSamples: 4, slots: 1, failFast: true })
    expect(run.summary.interrupted).toBe(true)
    expect(run.trials.map((t) => t.state)).toEqual(['errored'])
  })

  const valLoss = async (_config: unknown, ctx: ScriptedContext) => {
    for (let epoch = 1; epoch <= 2; epoch++) await ctx.report({ val_loss: 1 / epoch })
  }

  it('fails the run at the first trial that completes without the metric, starting no more trials', async () => {
    const run = await runLoop({ trainable: valLoss, numSamples: 5, slots: 1 })
    expect(run.fatal).toBeInstanceOf(ConfigError)
    expect((run.fatal as ConfigError).field).toBe('metric')
    expect((run.fatal as Error).message).toMatch(
      /^Tuner\(\{ metric \}\): trial 0 completed without reporting a number for "loss"; it reported val_loss/,
    )
    expect(run.executor.events.filter((e) => / start /.test(e))).toEqual(['0 start 0'])
  })

  it("with metricCheck: 'warn', runs every trial", async () => {
    const run = await runLoop({ trainable: valLoss, numSamples: 5, slots: 1, metricCheck: 'warn' })
    expect(run.fatal).toBeUndefined()
    expect(run.trials.map((t) => t.state)).toEqual(Array(5).fill('completed'))
  })
})

describe("the scheduler's timeAttr", () => {
  const epochs = (epoch: number) => result({ loss: 1 / epoch, epochs: epoch }, epoch)

  it('warns once, with what was reported, when the first result has no number for it: the scheduler would stop nothing', () => {
    const logger = memoryLogger()
    const checks = new MetricChecks('loss', 'error', logger, new ASHAScheduler({ timeAttr: 'epoch', maxT: 4 }))
    for (let epoch = 1; epoch <= 3; epoch++) checks.result(trial([]), epochs(epoch))
    expect(logger.lines).toEqual([
      `warn: trial 0's first result has no number for "epoch", ASHAScheduler's timeAttr (it reported loss, epochs; "epochs" is a near spelling of "epoch"): ` +
        'ASHAScheduler ignores results without it, so it stops no trial until they carry it. Report "epoch" with every result, ' +
        'or leave timeAttr out to count reports (training_iteration)',
    ])
  })

  it('calls a scheduler written as a plain object "the scheduler"', () => {
    const logger = memoryLogger()
    const scheduler = { ...new ASHAScheduler({ timeAttr: 'epoch', maxT: 4 }) }
    new MetricChecks('loss', 'error', logger, scheduler).result(trial([]), epochs(1))
    expect(logger.lines[0]).toMatch(
      /^warn: trial 0's first result has no number for "epoch", the scheduler's timeAttr \(.*\): the scheduler ignores/,
    )
  })

  it('says nothing when results carry it, or when it is a field every result has', () => {
    for (const scheduler of [new ASHAScheduler({ timeAttr: 'epochs', maxT: 4 }), new ASHAScheduler({ maxT: 4 })]) {
      const logger = memoryLogger()
      const checks = new MetricChecks('loss', 'error', logger, scheduler)
      for (let epoch = 1; epoch <= 3; epoch++) checks.result(trial([]), epochs(epoch))
      expect(logger.lines).toEqual([])
    }
  })

  it("is checked in a Tuner's run", async () => {
    const logger = memoryLogger()
    const scheduler = new ASHAScheduler({ timeAttr: 'epoch', maxT: 3 })
    await fixtureTuner({ space: { behaviour: 'curve', epochs: 3 }, numSamples: 2, concurrency: 1, scheduler, logger }).fit()
    expect(logger.lines.filter((line) => line.includes(`no number for "epoch", ASHAScheduler's timeAttr`))).toHaveLength(1)
  })
})
