import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/errors.ts'
import { ASHAScheduler } from '../../src/scheduler/asha.ts'
import { FIFOScheduler } from '../../src/scheduler/fifo.ts'
import { HyperBandScheduler } from '../../src/scheduler/hyperband.ts'
import { MedianStoppingRule } from '../../src/scheduler/median.ts'
import { PopulationBasedTraining } from '../../src/scheduler/pbt.ts'
import type { Scheduler } from '../../src/scheduler/scheduler.ts'
import { choice, loguniform } from '../../src/search/space.ts'
import type { Config, Decision, Mode, Result, TrialInfo } from '../../src/types.ts'
import type { ScriptedContext } from '../fixtures/fake-executor.ts'
import { type LoopRun, runLoop, SchedulerTape } from '../fixtures/loop.ts'
import { addTrials, fakeTrial, ready, report } from './trials.ts'

const schedulers: Array<[string, () => Scheduler]> = [
  ['FIFOScheduler', () => new FIFOScheduler()],
  ['ASHAScheduler', () => new ASHAScheduler({ maxT: 16, gracePeriod: 1, reductionFactor: 2 })],
  ['ASHAScheduler (3 brackets)', () => new ASHAScheduler({ maxT: 27, reductionFactor: 3, brackets: 3 })],
  ['HyperBandScheduler', () => new HyperBandScheduler({ maxT: 9, reductionFactor: 3 })],
  ['MedianStoppingRule', () => new MedianStoppingRule({ gracePeriod: 2, minSamplesRequired: 2 })],
  ['MedianStoppingRule (pausing)', () => new MedianStoppingRule({ gracePeriod: 2, minSamplesRequired: 2, hardStop: false })],
  [
    'PopulationBasedTraining',
    () =>
      new PopulationBasedTraining({
        perturbationInterval: 3,
        hyperparamMutations: { lr: loguniform(1e-4, 1), act: choice(['relu', 'tanh', 'gelu']) },
      }),
  ],
]

/** Longer than every scheduler's maxT above, so the budget is the scheduler's to keep. */
const EPOCHS = 30
const NUM_SAMPLES = 12
const SLOTS = 3
const acts = ['relu', 'tanh', 'gelu']
const configs = (id: number): Config => ({ lr: 10 ** -((id * 7) % 5) / 2, act: acts[id % 3] as string })
/** Some configs are better than others, and it shows early and stays so: what schedulers are built for. */
const lossOf = (config: Config, iteration: number, id: number) =>
  Math.abs(Math.log10(config.lr as number) + 2) + (config.act === 'tanh' ? 0.3 : 0) + 1 / iteration + ((id * 13) % 7) / 100

/** Resumes at the epoch its checkpoint holds (its own, or a PBT donor's); leaves the metric out of every `dropEvery`-th report. */
function trainable(dropEvery = 0) {
  return async (config: Config, ctx: ScriptedContext) => {
    for (let epoch = (ctx.restore<number>() ?? 0) + 1; epoch <= EPOCHS; epoch++) {
      ctx.checkpoint(epoch)
      const dropped = dropEvery > 0 && (epoch + ctx.trialId) % dropEvery === 0
      await ctx.report(dropped ? { epoch } : { loss: lossOf(config, epoch, ctx.trialId), epoch })
    }
  }
}

function run(make: () => Scheduler | SchedulerTape, mode: Mode = 'min', seed = 7, dropEvery = 0): Promise<LoopRun> {
  return runLoop({ trainable: trainable(dropEvery), scheduler: make(), configs, numSamples: NUM_SAMPLES, slots: SLOTS, mode, seed })
}

/**
 * What the loop told the scheduler, read back as a trial's life: added once, then results only
 * while running, resumed only from a pause (picked by `choose` when the scheduler has one), ended
 * once, and nothing after the end. Returns each breach.
 */
function lifeBreaches(tape: readonly string[], picks: boolean): string[] {
  const state = new Map<number, 'running' | 'paused' | 'picked' | 'ended'>()
  const breaches: string[] = []
  for (const [i, line] of tape.entries()) {
    const [head = '', ...rest] = line.split(' ')
    const fail = (why: string) => breaches.push(`${i}: ${line}: ${why}`)
    if (head === 'add') {
      const id = Number(rest[0])
      if (state.has(id)) fail('added twice')
      state.set(id, 'running')
    } else if (head === 'choose') {
      const id = Number(rest[0])
      if (rest[0] === 'new' || rest[0] === 'none') continue
      if (state.get(id) !== 'paused') fail(`picks a trial that is ${state.get(id) ?? 'unknown'}`)
      else state.set(id, 'picked')
    } else if (head === 'resume') {
      const id = Number(rest[0])
      if (state.get(id) !== (picks ? 'picked' : 'paused')) fail(`resumes a trial that is ${state.get(id) ?? 'unknown'}`)
    } else if (head === 'complete') {
      const id = Number(rest[0])
      if (state.get(id) === undefined || state.get(id) === 'ended') fail(`ends a trial that is ${state.get(id) ?? 'unknown'}`)
      state.set(id, 'ended')
    } else {
      const id = Number(head.split('@')[0])
      const current = state.get(id)
      const resumed = current === 'picked' || (!picks && current === 'paused')
      if (current !== 'running' && !resumed) fail(`a result of a trial that is ${current ?? 'unknown'}`)
      state.set(id, rest[0] === 'pause' ? 'paused' : 'running')
    }
  }
  for (const [id, s] of state) if (s !== 'ended') breaches.push(`trial ${id} never ended (${s})`)
  return breaches
}

/** What a run did, without its wall-clock times: each trial's config, end and results. */
const outcome = (result: LoopRun) =>
  result.trials.map((t) => ({ config: t.config, state: t.state, history: t.history.map(({ time_total_s: _, ...r }) => r) }))

describe.each(schedulers)('%s (shared scheduler suite, through the experiment loop)', (_name, make) => {
  it.each<Mode>(['min', 'max'])('ends every trial it is given, each told once, nothing after its end (%s)', async (mode) => {
    const result = await run(make, mode)
    expect(result.fatal).toBeUndefined()
    expect(result.summary.interrupted).toBe(false)
    expect(result.trials).toHaveLength(NUM_SAMPLES)
    expect(lifeBreaches(result.tape, make().choose !== undefined)).toEqual([])
    for (const trial of result.trials) {
      expect(['completed', 'stopped']).toContain(trial.state)
      expect(trial.history.length).toBeGreaterThan(0)
    }
  })

  it('keeps to the budget: the slots, and maxT when it has one (a trial that reaches it completed)', async () => {
    const result = await run(make)
    expect(result.executor.maxRunning).toBeLessThanOrEqual(SLOTS)
    const budget = make().maxT ?? EPOCHS
    for (const trial of result.trials) {
      const last = trial.lastResult?.training_iteration ?? 0
      expect(last).toBeLessThanOrEqual(budget)
      // Completed when it ran its budget or its trainable ran out of epochs; else stopped early.
      expect(trial.state).toBe(last === budget || trial.lastResult?.epoch === EPOCHS ? 'completed' : 'stopped')
    }
  })

  it('is deterministic: the same stream and seed give the same calls and answers; set up again, it forgets', async () => {
    const first = await run(make)
    const second = await run(make)
    expect(second.tape).toEqual(first.tape)
    expect(outcome(second)).toEqual(outcome(first))
    // One instance set up again forgets the previous run.
    const reused = make()
    await run(() => reused, 'max', 3)
    const again = await run(() => reused)
    expect(again.tape).toEqual(first.tape)
    expect(outcome(again)).toEqual(outcome(first))
  })

  it('gives no decision for unknown trials: continue, and nothing recorded', async () => {
    const scheduler = ready(make())
    const stranger = fakeTrial(42, { lr: 0.1, act: 'relu' })
    for (let i = 1; i <= 20; i++) expect(scheduler.onTrialResult(stranger, report(stranger, i, { loss: i }))).toBe('continue')
    expect(() => scheduler.onTrialComplete(stranger, stranger.lastResult)).not.toThrow()
    expect(scheduler.beforeResume?.(stranger)).toBeUndefined()
    // A stranger's reports and ends, interleaved with the known trials', change nothing for them.
    class WithStrangers extends SchedulerTape {
      readonly strange: Decision[] = []
      override onTrialResult(trial: TrialInfo, result: Result): Decision {
        const decision = super.onTrialResult(trial, result)
        const other = fakeTrial(1000 + result.training_iteration, { lr: 0.5, act: 'relu' })
        this.strange.push(this.inner.onTrialResult(other, report(other, result.training_iteration, { loss: -1e9 })))
        this.inner.onTrialComplete(other, other.lastResult)
        return decision
      }
    }
    const interleaved = new WithStrangers(make())
    const mixed = await run(() => interleaved)
    expect(interleaved.strange.length).toBeGreaterThan(0)
    expect(new Set(interleaved.strange)).toEqual(new Set(['continue']))
    expect(mixed.tape).toEqual((await run(make)).tape)
  })

  it('ignores results without the metric (continue) and still ends every trial', async () => {
    const scheduler = ready(make())
    const [trial] = addTrials(scheduler, 1) as [ReturnType<typeof fakeTrial>]
    expect(scheduler.onTrialResult(trial, report(trial, 1, { accuracy: 0.5 }))).toBe('continue')
    expect(scheduler.onTrialResult(trial, report(trial, 2, { loss: 'n/a' }))).toBe('continue')
    const result = await run(make, 'min', 7, 4)
    expect(result.fatal).toBeUndefined()
    expect(lifeBreaches(result.tape, make().choose !== undefined)).toEqual([])
    // A report without the metric is never the one that ends a trial early.
    for (const t of result.trials.filter((t) => t.state === 'stopped')) expect(typeof t.lastResult?.loss).toBe('number')
  })
})

describe.each(schedulers.filter(([name]) => name !== 'FIFOScheduler'))('%s options', (_name, make) => {
  it('throws a ConfigError naming an unknown option', () => {
    const Scheduler = make().constructor as new (options: unknown) => Scheduler
    const base = Scheduler === PopulationBasedTraining ? { hyperparamMutations: { lr: [1, 2] } } : {}
    expect(() => new Scheduler({ ...base, maxt: 5 })).toThrow(ConfigError)
    const guess = Scheduler === ASHAScheduler || Scheduler === HyperBandScheduler ? ' \\(did you mean maxT\\?\\)' : ''
    expect(() => new Scheduler({ ...base, maxt: 5 })).toThrow(new RegExp(`\\{ maxt \\}\\): unknown option${guess}, got 5; known: `))
  })

  it('rejects a bad setup with a ConfigError', () => {
    expect(() => make().setup({ metric: 'loss', mode: 'up' as Mode, seed: 1 })).toThrow(ConfigError)
    expect(() => make().setup({ metric: '', mode: 'min', seed: 1 })).toThrow(ConfigError)
    expect(() => make().setup({ metric: 'loss', mode: 'min', seed: -1 })).toThrow(ConfigError)
  })

  it('acts on the scripted stream: some trials are stopped or paused, and the best one runs as long as any', async () => {
    const result = await run(make)
    const decisions = result.tape.filter((line) => /^\d+@/.test(line)).map((line) => line.split(' ')[1])
    expect(decisions.some((d) => d !== 'continue')).toBe(true)
    const longest = Math.max(...result.trials.map((t) => t.history.length))
    const best = result.trials.reduce((a, b) => (lossOf(configs(b.id), 1, b.id) < lossOf(configs(a.id), 1, a.id) ? b : a))
    expect(best.history).toHaveLength(longest)
  })

  it('throws a ConfigError when a trial is added before setup', () => {
    expect(() => make().onTrialAdd(fakeTrial(0))).toThrow(ConfigError)
  })
})
