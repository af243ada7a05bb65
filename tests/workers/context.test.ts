import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { GridSearch, grid, HyperpoolError, JsonlTracker, loadExperiment, ReportError, TrialStopSignal, Tuner } from '../../src/index.ts'
import { createRandom } from '../../src/search/rng.ts'
import { MAX_DEPTH } from '../../src/storable.ts'
import { createContext } from '../../src/workers/context.ts'
import type { OutputMessage, RunMessage } from '../../src/workers/protocol.ts'
import { answeredContext, BEHAVIOURS, fixtureTuner, memoryLogger } from '../helpers.ts'

/** A trial context whose driver answers every report 'continue', and the metrics it received. */
function context() {
  const scope = answeredContext()
  const metrics = () => scope.received.flatMap((message) => (message.type === 'report' ? [message.metrics] : []))
  return Object.assign(scope, { metrics })
}

function nested(depth: number): unknown {
  let value: unknown = 1
  for (let i = 0; i < depth; i++) value = { d: value }
  return value
}

describe('ctx.report refuses what the log cannot store', () => {
  const circular: Record<string, unknown> = { a: 1 }
  circular.self = circular
  it.each([
    [{ loss: 1n }, 'metrics.loss', /got 1n \(a BigInt; report Number\(value\)\)$/],
    [{ loss: 1, cb: () => 1 }, 'metrics.cb', /got function cb \(a function\)$/],
    [{ tag: Symbol('s') }, 'metrics.tag', /got Symbol\(s\) \(a symbol\)$/],
    [{ when: new Date(0) }, 'metrics.when', /got a Date instance \(only plain objects and arrays are stored\)$/],
    [{ w: new Float64Array(2) }, 'metrics.w', /\(report Array\.from\(value\)\)$/],
    [{ m: new Map() }, 'metrics.m', /got a Map instance/],
    [{ per: { class: [1, 2n] } }, 'metrics.per.class[1]', /got 2n \(a BigInt/],
    [{ list: [1, undefined] }, 'metrics.list[1]', /got undefined \(JSON stores it as null; report null\)$/],
    [circular, 'metrics.self', /got a circular reference$/],
    [{ deep: nested(MAX_DEPTH) }, `metrics.deep${'.d'.repeat(MAX_DEPTH - 1)}`, /got a value nested deeper than 100 levels$/],
  ])('refuses case %# with a ReportError naming the metric', async (metrics, field, message) => {
    const scope = context()
    const { ctx, close } = scope
    const refusal = await ctx.report(metrics as Record<string, unknown>).catch((error: unknown) => error)
    close()
    expect(refusal).toBeInstanceOf(ReportError)
    expect((refusal as ReportError).field).toBe(field)
    expect((refusal as Error).message).toMatch(
      new RegExp(
        `^ctx\\.report\\(metrics\\): ${field.replace(/[.[\]]/g, '\\$&')}: must be a number, string, boolean, null, or an array or plain object of them, `,
      ),
    )
    expect((refusal as Error).message).toMatch(message)
    expect(scope.sent()).toBe(0)
  })

  it.each([[null], [[1, 2]], [5], ['loss'], [new Map()]])('refuses metrics that are not a plain object: %o', async (metrics) => {
    const { ctx, close } = context()
    const refusal = await ctx.report(metrics as unknown as Record<string, unknown>).catch((error: unknown) => error)
    close()
    expect(refusal).toBeInstanceOf(ReportError)
    expect((refusal as ReportError).field).toBe('metrics')
  })

  it('shows the metrics that are not a plain object, in the house message shape', async () => {
    const { ctx, close } = context()
    const refusal = await ctx.report([0.3] as never).catch((error: unknown) => error)
    close()
    expect((refusal as Error).message).toBe('ctx.report(metrics): must be a plain object of name -> value, got [0.3]')
  })

  it('stores numbers (NaN and infinities too), strings, booleans, null, nested plain values; an undefined field is simply absent', async () => {
    const { ctx, metrics: received, close } = context()
    const metrics = { loss: Number.NaN, top: Number.POSITIVE_INFINITY, s: 'a', b: true, n: null, per: { a: [1, [2, 3]] }, gone: undefined }
    await ctx.report(metrics)
    await ctx.report({ deep: nested(MAX_DEPTH - 1) })
    close()
    expect(received()).toHaveLength(2)
    expect(received()[0]).toEqual(metrics)
  })
})

describe('a report made before the previous one was awaited', () => {
  it('rejects, fails that trial when it ends, and never rejects unhandled', async () => {
    const scope = context()
    const { ctx, close } = scope
    const first = ctx.report({ loss: 1 })
    const second = ctx.report({ loss: 2 })
    await expect(second).rejects.toThrow(ReportError)
    await first
    await scope.answered()
    close()
    expect(scope.misuse()?.message).toMatch(
      /^ctx\.report\(metrics\): called again before the previous report was awaited, so this report was dropped/,
    )
  })

  it('on one thread, names the trial that forgot, and the next trial runs cleanly', async () => {
    const results = await fixtureTuner({
      space: { behaviour: grid(['no-await', 'curve']), epochs: 3 },
      search: new GridSearch(),
      numSamples: 2,
      concurrency: 1,
    }).fit()
    expect(results.trials.map((t) => t.state)).toEqual(['errored', 'completed', 'errored', 'completed'])
    for (const id of [0, 2]) {
      expect(results.trials[id]?.error?.message).toMatch(
        new RegExp(`^trial ${id}: ReportError: ctx\\.report\\(metrics\\): called again before the previous report was awaited`),
      )
      // The report it did send is kept.
      expect(results.trials[id]?.history.map((r) => r.loss)).toEqual([1])
    }
    for (const id of [1, 3]) expect(results.trials[id]?.history).toHaveLength(3)
  })

  it('leaves the thread alive: the rejection nobody awaited is not an unhandled one', async () => {
    const results = await fixtureTuner({
      space: { behaviour: grid(['thread', 'no-await']) },
      search: new GridSearch(),
      numSamples: 2,
      concurrency: 1,
    }).fit()
    expect(results.trials.map((t) => t.state)).toEqual(['completed', 'errored', 'completed', 'errored'])
    expect(results.trials[2]?.lastResult?.thread).toBe(results.trials[0]?.lastResult?.thread)
  })
})

describe('a report of a BigInt, end to end', () => {
  it('errors the trial, naming the metric, and the log reads back what the Tuner kept', async () => {
    const storageDir = mkdtempSync(join(tmpdir(), 'hyperpool-bigint-'))
    const t = new Tuner({
      trainable: BEHAVIOURS,
      space: { behaviour: 'bigint' },
      metric: 'loss',
      numSamples: 1,
      storageDir,
      trackers: [new JsonlTracker(join(storageDir, 'exp'))],
      logger: memoryLogger(),
      seed: 1,
    })
    const results = await t.fit()
    expect(results.trials[0]?.state).toBe('errored')
    expect(results.trials[0]?.error?.message).toMatch(/^trial 0: ReportError: ctx\.report\(metrics\): metrics\.loss: .* got 1n \(a BigInt/)
    const stored = await loadExperiment(join(storageDir, 'exp'))
    expect(stored.results.trials.map((trial) => [trial.state, trial.history])).toEqual(
      results.trials.map((trial) => [trial.state, trial.history]),
    )
  })

  it('refuses a returned final result that cannot be stored, too', async () => {
    const results = await fixtureTuner({ space: { behaviour: 'bigint-final' }, numSamples: 1 }).fit()
    expect(results.trials[0]?.state).toBe('errored')
    expect(results.trials[0]?.error?.message).toMatch(
      /^trial 0: ReportError: the trainable's return value \(nothing, or its final metrics\): metrics\.loss: /,
    )
  })
})

describe('TrialStopSignal', () => {
  it('is a HyperpoolError, so catching the family sees a stop too', () => {
    const signal = new TrialStopSignal('stop')
    expect(signal).toBeInstanceOf(HyperpoolError)
    expect(signal.name).toBe('TrialStopSignal')
    expect(signal.decision).toBe('stop')
    expect(signal.message).toBe('trial stopped by the driver')
  })
})

describe('a trial context on its own (in this thread, no pool)', () => {
  /** A context of run 9 whose messages land in `posted`; nothing answers its reports unless the test does. */
  function bare(restore?: unknown) {
    const posted: Array<RunMessage | OutputMessage> = []
    const scope = createContext({ trialId: 2, seed: 7, restore, run: 9 }, undefined, (message) => posted.push(message))
    return Object.assign(scope, { posted })
  }

  it('aborts ctx.signal for a stop told before the trainable runs only once it runs, so a listener added as it starts hears it', () => {
    const scope = bare()
    scope.decide('pause')
    const heard: unknown[] = []
    scope.ctx.signal.addEventListener('abort', () => heard.push(scope.ctx.signal.reason))
    expect(scope.ctx.signal.aborted).toBe(false)
    scope.running()
    expect(scope.ctx.signal.aborted).toBe(true)
    expect(heard).toHaveLength(1)
    expect(heard[0]).toBeInstanceOf(TrialStopSignal)
    expect((heard[0] as TrialStopSignal).decision).toBe('pause')
    expect(scope.ended()).toBe('pause')
  })

  it('keeps every member when ctx is spread, proxied or inherited from, as a plain object would', () => {
    const { ctx } = bare()
    const spread = { ...ctx, data: 'mine' }
    expect(Object.keys(ctx)).toEqual(
      expect.arrayContaining(['trialId', 'seed', 'data', 'report', 'checkpoint', 'restore', 'random', 'signal']),
    )
    expect(typeof spread.random()).toBe('number')
    expect(spread.signal).toBeInstanceOf(AbortSignal)
    expect(new Proxy(ctx, {}).signal).toBe(ctx.signal)
    expect(typeof Object.create(ctx).random()).toBe('number')
  })

  it("tells when the trainable was called with the run's first report only, or in the result when it made none", async () => {
    const scope = bare()
    expect(scope.untoldBegan()).toBeUndefined()
    scope.calling()
    const began = scope.untoldBegan() as number
    expect(began).toBeGreaterThan(performance.timeOrigin)
    const first = scope.ctx.report({ loss: 1 })
    scope.decide('continue')
    await first
    const second = scope.ctx.report({ loss: 2 })
    scope.decide('continue')
    await second
    expect(scope.posted).toEqual([
      { type: 'report', run: 9, metrics: { loss: 1 }, began },
      { type: 'report', run: 9, metrics: { loss: 2 } },
    ])
    expect(scope.untoldBegan()).toBeUndefined()
  })

  it('gives a signal read late, after an early stop and the start, already aborted', () => {
    const scope = bare()
    scope.decide('stop')
    scope.running()
    expect(scope.ctx.signal.aborted).toBe(true)
  })

  it('ends a waiting report with the stop, aborts the signal at once, refuses later reports unsent, and keeps the first ending', async () => {
    const scope = bare()
    scope.running()
    const signal = scope.ctx.signal
    const waiting = scope.ctx.report({ loss: 1 })
    expect(scope.posted).toEqual([{ type: 'report', run: 9, metrics: { loss: 1 } }])
    scope.decide('stop')
    expect(signal.aborted).toBe(true)
    await expect(waiting).rejects.toBeInstanceOf(TrialStopSignal)
    await expect(scope.ctx.report({ loss: 2 })).rejects.toMatchObject({ decision: 'stop' })
    scope.decide('pause')
    expect(scope.ended()).toBe('stop')
    expect(scope.sent()).toBe(1)
  })

  it('answers a report with continue and lets the trial go on', async () => {
    const scope = bare()
    const report = scope.ctx.report({ loss: 1 })
    scope.decide('continue')
    await expect(report).resolves.toBeUndefined()
    expect(scope.ended()).toBeUndefined()
    expect(scope.ctx.signal.aborted).toBe(false)
  })

  it("draws ctx.random from the trial's seed, one stream however often it is read; hands back the checkpoint; tags checkpoints and the start with the run", () => {
    const scope = bare({ epoch: 3 })
    const expected = createRandom(7)
    const draws = [scope.ctx.random(), scope.ctx.random(), scope.ctx.random()]
    expect(draws).toEqual([expected(), expected(), expected()])
    expect(scope.ctx.restore()).toEqual({ epoch: 3 })
    scope.started()
    scope.ctx.checkpoint({ epoch: 4 })
    expect(scope.posted).toEqual([
      { type: 'started', run: 9 },
      { type: 'checkpoint', run: 9, state: { epoch: 4 } },
    ])
    expect(scope.sent()).toBe(2)
  })

  it('keeps report, checkpoint and restore working when the trainable takes them off ctx', async () => {
    const scope = bare({ epoch: 3 })
    const { report, checkpoint, restore, trialId, seed } = scope.ctx
    expect([trialId, seed, restore()]).toEqual([2, 7, { epoch: 3 }])
    checkpoint({ epoch: 4 })
    const answered = report({ loss: 1 })
    scope.decide('continue')
    await expect(answered).resolves.toBeUndefined()
    expect(scope.posted).toEqual([
      { type: 'checkpoint', run: 9, state: { epoch: 4 } },
      { type: 'report', run: 9, metrics: { loss: 1 } },
    ])
  })

  it("drops what a timer reports or checkpoints after the run ended, says so once on the trial's stderr, never throws, and parks a loop", async () => {
    const scope = bare()
    scope.close()
    // A leftover loop that awaits its reports: a rejection would end the thread (and fail the next trial on it), a
    // resolved report would let the loop run on through later trials. It parks at its first report.
    let reports = 0
    const loop = (async () => {
      for (;;) {
        await scope.ctx.report({ loss: 1 })
        reports++
      }
    })()
    scope.ctx.checkpoint({ epoch: 1 })
    const settled = await Promise.race([loop.then(() => 'settled'), new Promise((resolve) => setTimeout(() => resolve('parked'), 20))])
    expect([settled, reports]).toEqual(['parked', 0])
    const said =
      "hyperpool: ctx.report(metrics): called after trial 2's run had ended, so it was dropped (and any later report or checkpoint of this run); " +
      'await every ctx.report before the trainable returns, and clear the timers that call it\n'
    expect(scope.posted).toEqual([{ type: 'output', run: 9, trialId: 2, late: true, chunks: [['stderr', said]] }])
    expect(scope.sent()).toBe(0)
  })
})
