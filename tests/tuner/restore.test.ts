/**
 * Tuner.restore in one process: journals cut at many points (what a crash
 * leaves), damaged checkpoints, interrupts, and every way a restore must say
 * no. The kill tests with real processes and signals are in resume.test.ts.
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  ASHAScheduler,
  ConfigError,
  choice,
  DataError,
  FIFOScheduler,
  HyperBandScheduler,
  JournalError,
  JsonlTracker,
  loadExperiment,
  PopulationBasedTraining,
  RandomSearch,
  ResultGrid,
  randint,
  TPESearch,
  Tuner,
  type TunerOptions,
  uniform,
} from '../../src/index.ts'
import type { ExperimentInfo } from '../../src/types.ts'
import { BEHAVIOURS, memoryLogger, temporaryDir } from '../helpers.ts'

const RESUMABLE = new URL('../fixtures/resumable.ts', import.meta.url)
const SCHEDULERS = new URL('../fixtures/schedulers.ts', import.meta.url)
const NAME = 'exp'

/** A seeded, reproducible TPE + ASHA experiment of the resumable trainable: the same table every time. */
function reproducible(storageDir: string, extra: Partial<TunerOptions> = {}): Tuner {
  return new Tuner({
    trainable: RESUMABLE,
    space: { x: uniform(-2, 2), lr: uniform(0.01, 0.3), epochs: 6, ballast: 0 },
    metric: 'loss',
    search: new TPESearch({ nStartupTrials: 4 }),
    scheduler: new ASHAScheduler({ maxT: 6, gracePeriod: 1, reductionFactor: 2 }),
    numSamples: 14,
    concurrency: 2,
    reproducible: true,
    seed: 77,
    storageDir,
    name: NAME,
    trackers: [],
    logger: memoryLogger(),
    ...extra,
  })
}

const tableOf = (results: ResultGrid) =>
  results.trials.map((t) => ({ id: t.id, config: t.config, state: t.state, losses: t.history.map((r) => r.loss) }))

const journalLines = (dir: string) => readFileSync(join(dir, 'experiment.jsonl'), 'utf8').trimEnd().split('\n')

/** A copy of a finished experiment's folder as a crash after its first `lines` journal lines would have left the journal. */
function crashedCopy(finished: string, lines: number, tornBytes = 0): string {
  const copy = join(temporaryDir('hyperpool-crash-'), NAME)
  cpSync(finished, copy, { recursive: true })
  const kept = `${journalLines(finished).slice(0, lines).join('\n')}\n`
  writeFileSync(join(copy, 'experiment.jsonl'), kept + journalLines(finished)[lines]?.slice(0, tornBytes))
  return copy
}

interface JournalEvent {
  event: string
  trial_id?: number
  trial?: { id: number }
  iteration?: number
  result?: { training_iteration: number }
}

/** The trial a journal line is about, if any. */
const idOf = (e: JournalEvent) => e.trial_id ?? e.trial?.id

describe('Tuner.restore from a journal cut anywhere', () => {
  it('ends a reproducible run with the uninterrupted table, from every cut (torn last lines included)', async () => {
    const storageDir = temporaryDir()
    const reference = tableOf(await reproducible(storageDir).fit())
    const finished = join(storageDir, NAME)
    const total = journalLines(finished).length
    for (const at of [2, 3, 5, 11, 23, 40, 61, 80, 99, 120, 141].filter((n) => n < total - 1)) {
      const dir = crashedCopy(finished, at, at % 2 === 0 ? 17 : 0)
      const logger = memoryLogger()
      const results = await (await Tuner.restore(dir, { logger })).fit()
      expect(tableOf(results), `cut at line ${at}`).toEqual(reference)
      if (at % 2 === 0) expect(logger.lines).toContainEqual(expect.stringMatching(`line ${at + 1} was cut short by a crash`))
      expect(tableOf((await loadExperiment(dir)).results)).toEqual(reference)
    }
  }, 300_000)

  it('ends a run with pointsToEvaluate and warmStart with the uninterrupted table, from every cut', async () => {
    const search = () =>
      new TPESearch({
        nStartupTrials: 4,
        pointsToEvaluate: [{ x: 1.5, lr: 0.2 }, { x: -0.5 }],
        warmStart: [
          { config: { x: 0.1, lr: 0.1, epochs: 6, ballast: 0 }, state: 'completed', lastResult: { loss: 0.01 } },
          { config: { x: 1.9, lr: 0.05, epochs: 6, ballast: 0 }, state: 'stopped', lastResult: { loss: 3, training_iteration: 2 } },
          // A diverged trial: its NaN must come back from the journal as NaN, or the restore would learn otherwise.
          { config: { x: -1.9, lr: 0.3, epochs: 6, ballast: 0 }, state: 'errored', lastResult: { loss: Number.NaN } },
        ],
      })
    const storageDir = temporaryDir()
    const reference = tableOf(await reproducible(storageDir, { search: search() }).fit())
    expect(reference.slice(0, 2).map((t) => t.config)).toMatchObject([{ x: 1.5, lr: 0.2 }, { x: -0.5 }])
    // reproducible: true, the same seed: the same trials.
    expect(tableOf(await reproducible(temporaryDir(), { search: search() }).fit())).toEqual(reference)
    const finished = join(storageDir, NAME)
    for (const at of [3, 12, 40, 90].filter((n) => n < journalLines(finished).length - 1)) {
      const results = await (await Tuner.restore(crashedCopy(finished, at), { logger: memoryLogger() })).fit()
      expect(tableOf(results), `cut at line ${at}`).toEqual(reference)
    }
  }, 300_000)

  it('ends a trial at the report whose judgement waited for an earlier trial, when the crash came before that judgement', async () => {
    // Cuts right after a report whose decision (stop) comes only after another trial's line: the report waited for its
    // turn (reproducible), and a crash before its judgement leaves a trial whose newest checkpoint stands for that report.
    // Whether a run's journal has one depends on how the threads' reports interleave (a loaded machine can run the
    // trials in step): the same seeded run, up to 12 times, until one has it (at load 2-4, about one run in three has
    // none). The table is the same every time.
    const waitedCuts = (events: JournalEvent[]) =>
      events.flatMap((e, i) => {
        if (e.event !== 'result') return []
        const own = events.slice(i + 1).find((later) => idOf(later) === e.trial_id)
        const decided = own?.event === 'decision' && own.iteration === e.result?.training_iteration
        return decided && idOf(events[i + 1] as JournalEvent) !== e.trial_id ? [i + 1] : []
      })
    let reference: ReturnType<typeof tableOf> = []
    let finished = ''
    let events: JournalEvent[] = []
    let cuts: number[] = []
    for (let attempt = 0; attempt < 12 && cuts.length === 0; attempt++) {
      const storageDir = temporaryDir()
      reference = tableOf(await reproducible(storageDir).fit())
      finished = join(storageDir, NAME)
      events = journalLines(finished).map((line) => JSON.parse(line) as JournalEvent)
      cuts = waitedCuts(events)
    }
    expect(cuts.length).toBeGreaterThan(0)
    // And right after a stop decision whose trial's end came a line or more later.
    events.forEach((e, i) => {
      if (e.event === 'decision' && events[i + 1]?.event !== 'trial_end') cuts.push(i + 1)
    })
    for (const at of cuts.slice(0, 6)) {
      const results = await (await Tuner.restore(crashedCopy(finished, at), { logger: memoryLogger() })).fit()
      expect(tableOf(results), `cut at line ${at}`).toEqual(reference)
    }
  }, 300_000)

  it('survives a torn checkpoint: one warning, an earlier start, the same table', async () => {
    const storageDir = temporaryDir()
    const reference = tableOf(await reproducible(storageDir).fit())
    const finished = join(storageDir, NAME)
    // A crash right after report 5 of a trial that went on to 6, whose checkpoint for report 5 is torn and the
    // earlier ones gone: the restore must say so and start the trial over.
    const trial = reference.find((t) => t.losses.length === 6)?.id as number
    const at =
      journalLines(finished).findIndex(
        (line) => line.startsWith(`{"event":"result","trial_id":${trial},`) && line.includes('"training_iteration":5,'),
      ) + 1
    const dir = crashedCopy(finished, at)
    const folder = join(dir, 'checkpoints', `trial_${String(trial).padStart(4, '0')}`)
    const torn = join(folder, '000005.ckpt')
    const whole = readFileSync(join(folder, '000006.ckpt'))
    for (const file of readdirSync(folder)) rmSync(join(folder, file))
    writeFileSync(torn, whole.subarray(0, whole.length - 8))
    const logger = memoryLogger()
    const results = await (await Tuner.restore(dir, { logger })).fit()
    // (Other trials the cut caught running may miss checkpoint files the finished run had pruned: not this test's point.)
    expect(logger.lines.filter((line) => line.startsWith(`warn: trial ${trial}:`))).toEqual([
      `warn: trial ${trial}: checkpoint ${torn} cannot be used (truncated: ${whole.length - 56} of ${whole.length - 48} bytes); it starts over`,
    ])
    expect(tableOf(results)).toEqual(reference)
  }, 120_000)

  it('continues HyperBand, which pauses trials and resumes them from checkpoints: every report once, in order', async () => {
    const storageDir = temporaryDir()
    const options = {
      trainable: SCHEDULERS,
      space: { x: uniform(-2, 2), lr: uniform(0.02, 0.3), epochs: 9 },
      metric: 'loss',
      scheduler: new HyperBandScheduler({ maxT: 9, reductionFactor: 3 }),
      numSamples: 12,
      concurrency: 2,
      seed: 5,
      storageDir,
      name: NAME,
      trackers: [],
      logger: memoryLogger(),
    }
    await new Tuner(options).fit()
    const finished = join(storageDir, NAME)
    const total = journalLines(finished).length
    for (const at of [Math.round(total / 4), Math.round(total / 2), Math.round((total * 3) / 4)]) {
      const dir = crashedCopy(finished, at)
      const results = await (await Tuner.restore(dir, { logger: memoryLogger() })).fit()
      for (const trial of results.trials) {
        const n = trial.history.length
        expect(trial.history.map((r) => r.training_iteration)).toEqual(Array.from({ length: n }, (_, i) => i + 1))
        expect(trial.history.map((r) => r.epoch)).toEqual(Array.from({ length: n }, (_, i) => i + 1))
        expect(['completed', 'stopped']).toContain(trial.state)
      }
      expect(results.trials).toHaveLength(12)
    }
  }, 300_000)

  it('continues PBT, whose trials resume from other trials checkpoints', async () => {
    const storageDir = temporaryDir()
    const options = {
      trainable: SCHEDULERS,
      space: { x: uniform(-2, 2), lr: uniform(0.02, 0.3), epochs: 10 },
      metric: 'loss',
      scheduler: new PopulationBasedTraining({
        timeAttr: 'epoch',
        perturbationInterval: 2,
        hyperparamMutations: { lr: uniform(0.02, 0.3) },
      }),
      numSamples: 6,
      concurrency: 2,
      seed: 9,
      storageDir,
      name: NAME,
      trackers: [],
      logger: memoryLogger(),
    }
    await new Tuner(options).fit()
    const finished = join(storageDir, NAME)
    const lines = journalLines(finished)
    expect(lines.some((line) => line.includes('"donor":'))).toBe(true)
    for (const at of [Math.round(lines.length / 3), Math.round((lines.length * 2) / 3)]) {
      const dir = crashedCopy(finished, at)
      const results = await (await Tuner.restore(dir, { logger: memoryLogger() })).fit()
      expect(results.errors).toEqual([])
      for (const trial of results.trials) {
        expect(['completed', 'stopped']).toContain(trial.state)
        // A clone carries on from its donor's epoch: the epochs only grow.
        const epochs = trial.history.map((r) => r.epoch as number)
        for (let i = 1; i < epochs.length; i++) expect(epochs[i]).toBeGreaterThan(epochs[i - 1] as number)
      }
    }
  }, 300_000)
})

describe('Tuner.restore after an interrupt', () => {
  it('continues an aborted run to the uninterrupted table, the paused trials from their checkpoints', async () => {
    const reference = tableOf(await reproducible(temporaryDir()).fit())
    const storageDir = temporaryDir()
    const controller = new AbortController()
    const tuner = reproducible(storageDir, { signal: controller.signal })
    const done = tuner.fit()
    let results = 0
    for await (const event of tuner.events()) if (event.type === 'result' && ++results === 20) controller.abort()
    const interrupted = await done
    expect(interrupted.trials.some((t) => t.state === 'paused')).toBe(true)
    // A script can tell the partial table from a finished one, live and read back.
    expect(interrupted.interrupted).toBe(true)
    expect((await loadExperiment(join(storageDir, NAME))).results.interrupted).toBe(true)
    const restored = await (await Tuner.restore(join(storageDir, NAME))).fit()
    expect(tableOf(restored)).toEqual(reference)
    expect(restored.interrupted).toBe(false)
    expect((await loadExperiment(join(storageDir, NAME))).results.interrupted).toBe(false)
  }, 120_000)

  it('gives trials that errored for good a new round of attempts with retryErrored, with the fixed trainable', async () => {
    const storageDir = temporaryDir()
    const first = await new Tuner({
      trainable: BEHAVIOURS,
      space: { behaviour: 'throw', x: uniform(0, 1) },
      metric: 'loss',
      numSamples: 3,
      concurrency: 1,
      seed: 1,
      storageDir,
      name: NAME,
      trackers: [],
      logger: memoryLogger(),
    }).fit()
    expect(first.errors).toHaveLength(3)
    const dir = join(storageDir, NAME)
    // Without retryErrored there is nothing to do: the experiment finished.
    const again = await (await Tuner.restore(dir, { logger: memoryLogger() })).fit()
    expect(again.errors).toHaveLength(3)
    const fixed = new URL('../fixtures/fixed.ts', import.meta.url)
    const retried = await (await Tuner.restore(dir, { trainable: fixed, retryErrored: true, logger: memoryLogger() })).fit()
    expect(retried.trials.map((t) => [t.state, t.attempt, t.history.length])).toEqual([
      ['completed', 2, 1],
      ['completed', 2, 1],
      ['completed', 2, 1],
    ])
    expect((await loadExperiment(dir)).results.trials.map((t) => t.state)).toEqual(['completed', 'completed', 'completed'])
  }, 120_000)
})

describe('Tuner.restore and the checks that end trials', () => {
  it('ends diverged trials (NaN) the same way from every cut: errored, a DivergedError, not retried', async () => {
    const storageDir = temporaryDir()
    const options: TunerOptions = {
      trainable: BEHAVIOURS,
      space: { behaviour: choice(['nan-at', 'curve', 'nan-final']), x: randint(2, 5), epochs: 4 },
      metric: 'loss',
      numSamples: 10,
      concurrency: 2,
      reproducible: true,
      maxFailures: 1,
      seed: 5,
      storageDir,
      name: NAME,
      trackers: [],
      logger: memoryLogger(),
    }
    const withErrors = (results: ResultGrid) =>
      results.trials.map((t) => [t.id, t.state, t.attempt ?? 1, t.history.length, t.error?.constructor.name ?? null])
    const reference = withErrors(await new Tuner(options).fit())
    // A run worth restoring: some trials diverged in a report, some in their returned result, some completed.
    expect(new Set(reference.map((row) => `${row[1]} ${row[4]}`))).toEqual(new Set(['errored DivergedError', 'completed null']))
    const finished = join(storageDir, NAME)
    const total = journalLines(finished).length
    for (const at of [3, 8, 14, 21, 29, 37].filter((n) => n < total - 1)) {
      const dir = crashedCopy(finished, at)
      const restored = await (await Tuner.restore(dir, { logger: memoryLogger() })).fit()
      expect(withErrors(restored), `cut at line ${at}`).toEqual(reference)
    }
  }, 120_000)

  it('says that a run its metric check ended cannot be continued, and what to do instead', async () => {
    const storageDir = temporaryDir()
    const tuner = new Tuner({
      trainable: BEHAVIOURS,
      space: { behaviour: 'val-loss' },
      metric: 'loss',
      numSamples: 3,
      concurrency: 1,
      seed: 1,
      storageDir,
      name: NAME,
      trackers: [],
      logger: memoryLogger(),
    })
    await expect(tuner.fit()).rejects.toThrow(/^Tuner\(\{ metric \}\): trial 0 completed without reporting a number for "loss"/)
    const restore = (await Tuner.restore(join(storageDir, NAME), { logger: memoryLogger() })).fit()
    await expect(restore).rejects.toThrow(JournalError)
    await expect(restore).rejects.toThrow(
      /experiment\.jsonl line \d+: the experiment ended here \(Tuner\(\{ metric \}\): .*\), and a restore replays that end; start a new experiment with the fix/,
    )
  }, 60_000)

  it('records trialTimeoutS and metricCheck, and a restore keeps them', async () => {
    const storageDir = temporaryDir()
    const aborted = new AbortController()
    aborted.abort()
    const tuner = new Tuner({
      trainable: BEHAVIOURS,
      space: { behaviour: 'final' },
      metric: 'loss',
      numSamples: 2,
      concurrency: 1,
      trialTimeoutS: 30,
      metricCheck: 'warn',
      seed: 1,
      storageDir,
      name: NAME,
      trackers: [],
      logger: memoryLogger(),
      signal: aborted.signal,
    })
    await tuner.fit()
    const dir = join(storageDir, NAME)
    const { experiment } = await loadExperiment(dir)
    expect([experiment.options?.trialTimeoutS, experiment.options?.metricCheck]).toEqual([30, 'warn'])
    const kept: ExperimentInfo[] = []
    const spy = (into: ExperimentInfo[]) => [{ onExperimentStart: (info: ExperimentInfo) => void into.push(info) }]
    await (await Tuner.restore(dir, { trackers: spy(kept), logger: memoryLogger() })).fit()
    expect([kept[0]?.options?.trialTimeoutS, kept[0]?.options?.metricCheck, kept[0]?.session, kept[0]?.dir]).toEqual([30, 'warn', 2, dir])
    // A restore's own time limit is checked as the Tuner's.
    await expect(Tuner.restore(dir, { trialTimeoutS: 0 })).rejects.toThrow(
      /^Tuner\.restore\(\{ trialTimeoutS \}\): must be a number of seconds/,
    )
  }, 60_000)
})

describe('what a restore refuses, and what it says', () => {
  it('refuses different data, and missing data, naming the first difference', async () => {
    const storageDir = temporaryDir()
    const X = new Float64Array(4096).map((_, i) => i)
    await new Tuner({
      trainable: BEHAVIOURS,
      space: { behaviour: 'final', x: uniform(0, 1) },
      metric: 'loss',
      numSamples: 2,
      data: { X, name: 'iris' },
      storageDir,
      name: NAME,
      trackers: [],
      logger: memoryLogger(),
      signal: AbortSignal.abort(),
    }).fit()
    const dir = join(storageDir, NAME)
    const changed = X.slice()
    changed[2000] = -1
    await expect(Tuner.restore(dir, { data: { X: changed, name: 'iris' } })).rejects.toThrow(DataError)
    await expect(Tuner.restore(dir, { data: { X: changed, name: 'iris' } })).rejects.toThrow(
      /^data\.X: the experiment ran with Float64Array\[4096\] 32768 bytes #\w+, got Float64Array\[4096\] 32768 bytes #\w+; a restore needs the data the experiment ran with \(it is not stored\): pass it as Tuner\.restore\(dir, \{ data \}\)$/,
    )
    await expect(Tuner.restore(dir, { data: { X, name: 'wine' } })).rejects.toThrow(
      /^data\.name: the experiment ran with string\[4\] #[0-9a-f]{16}, got string\[4\] #[0-9a-f]{16}/,
    )
    await expect(Tuner.restore(dir)).rejects.toThrow(
      /^data: the experiment ran with data \(data\.X: Float64Array\[4096\] 32768 bytes, data\.name: string\[4\]\), got none/,
    )
    await expect(Tuner.restore(dir, { data: { X, name: 'iris' } })).resolves.toBeInstanceOf(Tuner)
  })

  it('needs a custom searcher or scheduler passed again, of the recorded class', async () => {
    class Patient extends FIFOScheduler {}
    const storageDir = temporaryDir()
    await new Tuner({
      trainable: BEHAVIOURS,
      space: { behaviour: 'final', x: uniform(0, 1) },
      metric: 'loss',
      scheduler: new Patient(),
      numSamples: 2,
      storageDir,
      name: NAME,
      trackers: [],
      logger: memoryLogger(),
      signal: AbortSignal.abort(),
    }).fit()
    const dir = join(storageDir, NAME)
    await expect(Tuner.restore(dir)).rejects.toThrow(
      /^Tuner\.restore\(\{ scheduler \}\): the experiment ran with a Patient that cannot be rebuilt from the journal \(a custom class, or options that are functions\); pass it again: Tuner\.restore\(dir, \{ scheduler: new Patient\(\.\.\.\) \}\)/,
    )
    await expect(Tuner.restore(dir, { scheduler: new FIFOScheduler() })).rejects.toThrow(
      /^Tuner\.restore\(\{ scheduler \}\): the experiment ran with a Patient, got a FIFOScheduler instance; pass the same class/,
    )
    await expect(Tuner.restore(dir, { scheduler: new Patient(), search: new RandomSearch() })).resolves.toBeInstanceOf(Tuner)
    await expect(Tuner.restore(dir, { schedular: new Patient() } as never)).rejects.toThrow(/unknown option \(did you mean scheduler\?\)/)
    await expect(Tuner.restore(dir, { dat: {} } as never)).rejects.toThrow(
      /^Tuner\.restore\(\{ dat \}\): unknown option \(did you mean data\?\)/,
    )
    // Settings the journal holds are refused as such, not as unknown options.
    await expect(Tuner.restore(dir, { seed: 7 } as never)).rejects.toThrow(
      'Tuner.restore({ seed }): seed comes from the journal and cannot change on restore, got 7; to run with another seed, start a new experiment (a new Tuner with another name)',
    )
    await expect(Tuner.restore(dir, { numSamples: 99 } as never)).rejects.toThrow(
      /^Tuner\.restore\(\{ numSamples \}\): numSamples comes from the journal/,
    )
  })

  it('refuses to continue when the searcher or the scheduler decides otherwise than the journal, naming the line', async () => {
    const storageDir = temporaryDir()
    await reproducible(storageDir).fit()
    const dir = crashedCopy(join(storageDir, NAME), 60)
    // A searcher that models after 2 trials instead of 4 proposes another config for trial 2, where the journal has its own.
    const eager = (await Tuner.restore(dir, { search: new TPESearch({ nStartupTrials: 2 }), logger: memoryLogger() })).fit()
    await expect(eager).rejects.toThrow(
      /experiment\.jsonl line \d+: the journal records trial \d+ \(attempt 1\) starting with config \{.*\} where the restored run makes trial \d+ \(attempt 1\) starting with config \{.*\}; the searcher/,
    )
    const stricter = new ASHAScheduler({ maxT: 6, gracePeriod: 1, reductionFactor: 4 })
    const failure = (await Tuner.restore(dir, { scheduler: stricter, logger: memoryLogger() })).fit()
    await expect(failure).rejects.toThrow(JournalError)
    await expect(failure).rejects.toThrow(
      /experiment\.jsonl line \d+: the journal records .* where the restored run makes .*; the searcher, the scheduler, their options or hyperpool changed since the run/,
    )
    // Nothing was appended: the journal can still be restored with the right scheduler.
    expect(journalLines(dir)).toHaveLength(60)
    await expect((await Tuner.restore(dir, { logger: memoryLogger() })).fit()).resolves.toBeInstanceOf(ResultGrid)
  }, 120_000)

  it('returns a finished experiment as it is, writing nothing', async () => {
    const storageDir = temporaryDir()
    const reference = tableOf(await reproducible(storageDir).fit())
    const dir = join(storageDir, NAME)
    const before = readFileSync(join(dir, 'experiment.jsonl'), 'utf8')
    const logger = memoryLogger()
    expect(tableOf(await (await Tuner.restore(dir, { logger })).fit())).toEqual(reference)
    expect(readFileSync(join(dir, 'experiment.jsonl'), 'utf8')).toBe(before)
    expect(logger.lines).toContainEqual(expect.stringMatching(/the experiment has finished, nothing to resume; returning its results$/))
  }, 120_000)

  it('reads only journals: a JsonlTracker file or a missing folder is a clear ConfigError', async () => {
    const dir = temporaryDir()
    await expect(Tuner.restore(join(dir, 'nope'))).rejects.toThrow(/^Tuner\.restore\(dir\): no experiment log at/)
    await new Tuner({
      trainable: BEHAVIOURS,
      space: { behaviour: 'final' },
      metric: 'loss',
      numSamples: 1,
      storageDir: false,
      trackers: [new JsonlTracker(dir)],
      logger: memoryLogger(),
    }).fit()
    await expect(Tuner.restore(dir)).rejects.toThrow(/is not an experiment's journal \(it has no "journal" header: a JsonlTracker's file/)
    await expect(Tuner.restore('')).rejects.toThrow(ConfigError)
  })
})

describe("the experiment's folder", () => {
  it('keeps a second live Tuner out, naming the holder, and takes over the lock of a dead process', async () => {
    const storageDir = temporaryDir()
    const hold = new AbortController()
    const first = new Tuner({
      trainable: BEHAVIOURS,
      space: { behaviour: 'signal' },
      metric: 'loss',
      numSamples: 1,
      storageDir,
      name: NAME,
      trackers: [],
      logger: memoryLogger(),
      signal: hold.signal,
    })
    const running = first.fit()
    for await (const event of first.events()) if (event.type === 'trial_start') break
    const second = new Tuner({
      trainable: BEHAVIOURS,
      space: { behaviour: 'final' },
      metric: 'loss',
      storageDir,
      name: NAME,
      trackers: [],
      logger: memoryLogger(),
    })
    const refused = second.fit()
    await expect(refused).rejects.toThrow(ConfigError)
    await expect(refused).rejects.toThrow(
      new RegExp(
        `^Tuner\\(\\{ storageDir \\}\\): ${join(storageDir, NAME)} is in use by another Tuner of this process \\(pid ${process.pid}\\) since .*; wait for it to end`,
      ),
    )
    await expect(Tuner.restore(join(storageDir, NAME))).rejects.toThrow(/is in use by another Tuner of this process/)
    hold.abort()
    await running
    // A lock left by a process that is gone (pid 2^22 + 1 is above Linux's pid_max default of 2^22).
    writeFileSync(
      join(storageDir, NAME, '.lock'),
      JSON.stringify({ pid: 2 ** 22 + 1, host: (await import('node:os')).hostname(), since: 'then', token: 'x' }),
    )
    const logger = memoryLogger()
    // Already aborted: the restored trial (which waits for its signal) stops at once.
    await (await Tuner.restore(join(storageDir, NAME), { logger, signal: AbortSignal.abort() })).fit()
    expect(logger.lines).toContainEqual(`info: ${join(storageDir, NAME)}: took over the lock of process ${2 ** 22 + 1}, which is gone`)
    expect(existsSync(join(storageDir, NAME, '.lock'))).toBe(false)
  }, 60_000)

  it('refuses to start a new experiment where one is, pointing at restore', async () => {
    const storageDir = temporaryDir()
    const options = {
      trainable: BEHAVIOURS,
      space: { behaviour: 'final' },
      metric: 'loss',
      numSamples: 1,
      storageDir,
      name: NAME,
      trackers: [],
      logger: memoryLogger(),
    }
    await new Tuner(options).fit()
    await expect(new Tuner(options).fit()).rejects.toThrow(
      `Tuner({ storageDir }): ${join(storageDir, NAME)} already holds an experiment (experiment.jsonl); continue it with await (await Tuner.restore(${JSON.stringify(resolve(storageDir, NAME))})).fit(), or give this Tuner another name`,
    )
  })

  it('gives experiments with default names started in the same second folders of their own', async () => {
    const storageDir = temporaryDir()
    const make = () =>
      new Tuner({
        trainable: BEHAVIOURS,
        space: { behaviour: 'final' },
        metric: 'loss',
        numSamples: 1,
        storageDir,
        trackers: [],
        logger: memoryLogger(),
      })
    const tuners = [make(), make(), make()]
    expect(tuners.map((t) => t.dir)).toEqual([undefined, undefined, undefined])
    await Promise.all(tuners.map((t) => t.fit()))
    const names = tuners.map((t) => t.name)
    expect(new Set(names).size).toBe(3)
    expect(readdirSync(storageDir).sort()).toEqual([...names].sort())
    // `dir` is the folder each claimed, suffix included.
    expect(tuners.map((t) => t.dir)).toEqual(names.map((name) => join(storageDir, name)))
    for (const name of names) expect((await loadExperiment(join(storageDir, name))).results.trials).toHaveLength(1)
  })

  it('refuses a JsonlTracker that would write over the journal', async () => {
    const storageDir = temporaryDir()
    const tuner = new Tuner({
      trainable: BEHAVIOURS,
      space: { behaviour: 'final' },
      metric: 'loss',
      storageDir,
      name: NAME,
      trackers: [new JsonlTracker(join(storageDir, NAME))],
      logger: memoryLogger(),
    })
    await expect(tuner.fit()).rejects.toThrow(
      /^Tuner\(\{ trackers\[0\] \}\): a JsonlTracker in .* would write over the experiment's own journal there/,
    )
  })

  it('keeps nothing on disk with storageDir: false', async () => {
    const cwd = process.cwd()
    const before = existsSync(join(cwd, 'runs')) ? readdirSync(join(cwd, 'runs')).length : 0
    const results = await new Tuner({
      trainable: BEHAVIOURS,
      space: { behaviour: 'checkpointed', epochs: 2 },
      metric: 'loss',
      numSamples: 2,
      storageDir: false,
      trackers: [],
      logger: memoryLogger(),
    }).fit()
    expect(results.trials.map((t) => t.state)).toEqual(['completed', 'completed'])
    expect(existsSync(join(cwd, 'runs')) ? readdirSync(join(cwd, 'runs')).length : 0).toBe(before)
  })
})

describe('signals', () => {
  it('ends the run cleanly on a first SIGTERM: the warning, paused trials, the exact code that resumes, and the resume', async () => {
    const storageDir = temporaryDir()
    const logger = memoryLogger()
    const tuner = new Tuner({
      trainable: BEHAVIOURS,
      space: { behaviour: 'forever', x: uniform(0, 1) },
      metric: 'loss',
      numSamples: 3,
      concurrency: 2,
      seed: 3,
      storageDir,
      name: NAME,
      trackers: [],
      logger,
    })
    const done = tuner.fit()
    let results = 0
    // Sent to this process while fit() listens: its handler ends the run (the test process itself is not ended).
    for await (const event of tuner.events()) if (event.type === 'result' && ++results === 5) process.emit('SIGTERM', 'SIGTERM')
    const interrupted = await done
    expect(interrupted.trials.map((t) => t.state)).toEqual(['paused', 'paused'])
    expect(logger.lines).toContainEqual(
      'warn: SIGTERM: ending the experiment: running trials stop at their next report (within 5000 ms); send it again to exit at once',
    )
    const dir = join(storageDir, NAME)
    expect(logger.lines).toContainEqual(
      `warn: the experiment ended early (SIGTERM); none of the 2 trials started has finished, the rest can be resumed. Continue it with: await (await Tuner.restore(${JSON.stringify(resolve(dir))})).fit()`,
    )
    const interrupt = journalLines(dir)
      .map((line) => JSON.parse(line) as { event: string; cause?: string; resumable?: boolean })
      .find((e) => e.event === 'interrupt')
    expect([interrupt?.cause, interrupt?.resumable]).toEqual(['signal', true])
    // The restore starts the paused trials again (ended here by an abort: 'forever' never ends alone).
    const restoreLog = memoryLogger()
    const banner: ExperimentInfo[] = []
    const again = await (
      await Tuner.restore(dir, {
        logger: restoreLog,
        signal: AbortSignal.timeout(300),
        concurrency: 1,
        trackers: [{ onExperimentStart: (e: ExperimentInfo) => void banner.push(e) }],
      })
    ).fit()
    expect(again.trials.map((t) => t.state)).toEqual(['paused', 'paused'])
    // What the restore found, in trials; and the banner shows the concurrency asked for, not the recorded 2.
    expect(restoreLog.lines).toContainEqual(`info: ${dir}: restored 2 trials (0 finished, 2 to restart) (session 2)`)
    expect(banner.map((e) => e.concurrency)).toEqual([1])
    const relaunched = journalLines(dir)
      .map((line) => JSON.parse(line) as { event: string; relaunch?: boolean; trial?: { id: number } })
      .filter((e) => e.event === 'trial_start' && e.relaunch)
      .map((e) => e.trial?.id)
    expect(relaunched[0]).toBe(0)
  }, 60_000)

  it('listens for SIGINT and SIGTERM only while fit() runs, and not at all with handleSignals: false', async () => {
    const counts = () => [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]
    const before = counts()
    const seen: number[][] = []
    const probe = {
      onTrialStart() {
        seen.push(counts())
      },
    }
    const base = {
      trainable: BEHAVIOURS,
      space: { behaviour: 'final' },
      metric: 'loss',
      numSamples: 1,
      storageDir: false as const,
      logger: memoryLogger(),
    }
    await new Tuner({ ...base, trackers: [probe] }).fit()
    await new Tuner({ ...base, trackers: [probe], handleSignals: false }).fit()
    expect(seen).toEqual([before.map((n) => n + 1), before])
    expect(counts()).toEqual(before)
    expect(() => new Tuner({ ...base, handleSignals: 'yes' as never })).toThrow(
      /^Tuner\(\{ handleSignals \}\): must be a boolean, got "yes"$/,
    )
  })
})
