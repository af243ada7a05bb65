import { appendFile, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError, TrackerError, TrialError } from '../../../src/errors.ts'
import { JsonlTracker } from '../../../src/tracker/jsonl/jsonl.ts'
import { loadExperiment } from '../../../src/tuner/load.ts'
import type { Config, ExperimentInfo, Result, TrialInfo, TrialState } from '../../../src/types.ts'
import * as story from '../story.ts'

const { experiment, result } = story

/** The story of one fake trial: what it starts with, what it reports, how it ends. */
interface FakeTrial {
  id: number
  config: Config
  seed: number
  metrics: Record<string, unknown>[]
  state: TrialState
  error?: Error
}

function trialInfo(t: FakeTrial, state: TrialState, history: Result[], error?: Error): TrialInfo {
  return { id: t.id, config: t.config, seed: t.seed, state, history, lastResult: history.at(-1), error }
}

const failure = new TrialError(2, 'trainable threw: out of patience')
const TRIALS: FakeTrial[] = [
  {
    id: 0,
    config: { opt: { lr: 0.01, name: 'adam' }, layers: [64, 32], tag: 'NaN' },
    seed: 11,
    metrics: [{ loss: 0.5 }, { loss: 0.3 }],
    state: 'completed',
  },
  {
    id: 1,
    config: { opt: { lr: 0.5, name: 'sgd' }, layers: [8], tag: 'x' },
    seed: 12,
    metrics: [
      { loss: 0.9, acc: Number.POSITIVE_INFINITY },
      { loss: Number.NaN, acc: Number.NEGATIVE_INFINITY, note: 'diverged' },
    ],
    state: 'stopped',
  },
  {
    id: 2,
    config: { opt: { lr: 0.001, name: 'adam' }, layers: [], tag: null },
    seed: 13,
    metrics: [{ loss: 0.8 }],
    state: 'errored',
    error: failure,
  },
]

const summary = story.summary()

/** Drives a tracker through a whole experiment, interleaving the trials as a pool would. */
async function runExperiment(dir: string, trials: FakeTrial[] = TRIALS, name = 'exp'): Promise<void> {
  const tracker = new JsonlTracker(dir)
  await tracker.onExperimentStart(experiment(name))
  const histories = new Map<number, Result[]>(trials.map((t) => [t.id, []]))
  for (const t of trials) tracker.onTrialStart(trialInfo(t, 'running', []))
  const rounds = Math.max(...trials.map((t) => t.metrics.length))
  for (let i = 0; i < rounds; i++) {
    for (const t of trials) {
      const metrics = t.metrics[i]
      if (metrics === undefined) continue
      const history = histories.get(t.id) ?? []
      history.push(result(t.id, i, metrics))
      tracker.onTrialResult(trialInfo(t, 'running', [...history]), history.at(-1) as Result)
    }
  }
  for (const t of trials) tracker.onTrialEnd(trialInfo(t, t.state, histories.get(t.id) ?? [], t.error))
  await tracker.onExperimentEnd(experiment(name), summary)
}

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hyperpool-jsonl-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('JsonlTracker + loadExperiment', () => {
  it('round-trips configs, states, seeds, histories (NaN and Infinity included) and errors', async () => {
    await runExperiment(dir)
    const loaded = await loadExperiment(dir)
    expect(loaded.experiment).toEqual(experiment())
    expect(loaded.summary).toEqual(summary)
    expect(loaded.results.metric).toBe('loss')
    expect(loaded.results.mode).toBe('min')
    expect(loaded.results.trials).toHaveLength(3)
    for (const t of TRIALS) {
      const trial = loaded.results.trials[t.id]
      const history = t.metrics.map((m, i) => result(t.id, i, m))
      expect(trial).toMatchObject({ id: t.id, config: t.config, seed: t.seed, state: t.state })
      expect(trial?.history).toEqual(history)
      expect(trial?.lastResult).toEqual(history.at(-1))
    }
    const [, diverged, errored] = loaded.results.trials
    expect(diverged?.lastResult?.loss).toBeNaN()
    expect(diverged?.history[0]?.acc).toBe(Number.POSITIVE_INFINITY)
    expect(diverged?.lastResult?.acc).toBe(Number.NEGATIVE_INFINITY)
    expect(loaded.results.trials[0]?.config.tag).toBe('NaN') // a string "NaN" stays a string
    expect(loaded.results.trials[0]?.error).toBeUndefined()
    expect(errored?.error).toBeInstanceOf(Error)
    expect(errored?.error).toMatchObject({ name: 'TrialError', message: failure.message, stack: failure.stack })
  })

  it('gives a loaded grid whose best() works', async () => {
    await runExperiment(dir)
    const { results } = await loadExperiment(dir)
    expect(results.best().id).toBe(0) // trial 1 ended on NaN, trial 2 on 0.8
    expect(results.best('loss', 'min', 'all').id).toBe(0)
    expect(results.best('loss', 'max').id).toBe(2)
    expect(results.errors.map((t) => t.id)).toEqual([2])
  })

  it('writes one JSON line per event, in order, with non-finite numbers tagged', async () => {
    await runExperiment(dir)
    const lines = (await readFile(join(dir, 'experiment.jsonl'), 'utf8')).trimEnd().split('\n')
    const events = lines.map((line) => (JSON.parse(line) as { event: string }).event)
    expect(events).toEqual([
      'experiment_start',
      ...['trial_start', 'trial_start', 'trial_start'],
      ...['result', 'result', 'result', 'result', 'result'],
      ...['trial_end', 'trial_end', 'trial_end'],
      'experiment_end',
    ])
    expect(lines[1]).toBe(
      '{"event":"trial_start","trial":{"id":0,"config":{"opt":{"lr":0.01,"name":"adam"},"layers":[64,32],"tag":"NaN"},"seed":11,"attempt":1}}',
    )
    expect(lines).toContain(
      '{"event":"result","trial_id":1,"result":{"loss":{"$num":"NaN"},"acc":{"$num":"-Infinity"},"note":"diverged","training_iteration":2,"trial_id":1,"time_total_s":1}}',
    )
    expect(lines[9]).toBe('{"event":"trial_end","trial":{"id":0,"state":"completed","error":null}}')
  })

  it('keeps a previous experiment.jsonl under a timestamped name instead of overwriting it', async () => {
    await runExperiment(dir, TRIALS, 'first')
    await runExperiment(dir, TRIALS, 'second')
    await runExperiment(dir, TRIALS, 'third')
    const files = (await readdir(dir)).sort()
    expect(files).toHaveLength(3)
    expect(files).toContain('experiment.jsonl')
    for (const file of files) expect(file).toMatch(/^experiment(\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z(-\d+)?)?\.jsonl$/)
    const names = await Promise.all(
      files.map(async (file) => {
        const first = (await readFile(join(dir, file), 'utf8')).split('\n')[0] ?? ''
        return (JSON.parse(first) as { experiment: ExperimentInfo }).experiment.name
      }),
    )
    expect(names.sort()).toEqual(['first', 'second', 'third'])
    expect((await loadExperiment(dir)).experiment.name).toBe('third')
  })

  it('tolerates a truncated last line', async () => {
    await runExperiment(dir)
    await appendFile(join(dir, 'experiment.jsonl'), '{"event":"result","trial_id":0,"result":{"loss":0.1,"trai')
    const { results, summary: loadedSummary } = await loadExperiment(dir)
    expect(results.trials[0]?.history).toHaveLength(2)
    expect(loadedSummary).toEqual(summary)
  })

  it('rejects a bad line that is not the last one', async () => {
    await runExperiment(dir)
    const path = join(dir, 'experiment.jsonl')
    const lines = (await readFile(path, 'utf8')).split('\n')
    lines.splice(3, 0, '{"event":"res')
    await writeFile(path, lines.join('\n'))
    await expect(loadExperiment(dir)).rejects.toThrow(/experiment\.jsonl" line 4: not a valid event/)
  })

  it('reads a trial without trial_end as paused when the process died mid-experiment: a restore continues it', async () => {
    await runExperiment(dir)
    // What a crash leaves: everything up to the last results, no ends.
    const path = join(dir, 'experiment.jsonl')
    const lines = (await readFile(path, 'utf8')).split('\n')
    await writeFile(path, lines.filter((line) => !/"event":"(trial|experiment)_end"/.test(line)).join('\n'))
    const { results, summary: loadedSummary } = await loadExperiment(dir)
    expect(loadedSummary).toBeUndefined()
    for (const trial of results.trials) {
      expect(trial.state).toBe('paused')
      expect(trial.error).toBeUndefined()
    }
    expect(results.trials[0]?.history).toHaveLength(2)
  })

  it('throws a ConfigError naming the path when the log is missing', async () => {
    const missing = join(dir, 'nope')
    await expect(loadExperiment(missing)).rejects.toThrow(ConfigError)
    await expect(loadExperiment(missing)).rejects.toThrow(join(missing, 'experiment.jsonl'))
  })

  it('throws a ConfigError naming the path when there is no experiment_start', async () => {
    const path = join(dir, 'experiment.jsonl')
    await writeFile(path, '')
    await expect(loadExperiment(dir)).rejects.toThrow(new RegExp(`${path.replaceAll('\\', '\\\\')}" has no "experiment_start"`))
    await writeFile(path, '{"event":"trial_start","trial":{"id":0,"config":{},"seed":1}}\n')
    await expect(loadExperiment(dir)).rejects.toThrow(ConfigError)
    await expect(loadExperiment(dir)).rejects.toThrow(path)
  })

  it('skips events of unknown types', async () => {
    await runExperiment(dir)
    await appendFile(join(dir, 'experiment.jsonl'), '{"event":"annotation","trial_id":0}\n')
    expect((await loadExperiment(dir)).results.trials).toHaveLength(3)
  })

  it('writes even when the per-event hooks do not wait for onExperimentStart', async () => {
    const tracker = new JsonlTracker(join(dir, 'nested', 'run'))
    const opened = tracker.onExperimentStart(experiment())
    const t = TRIALS[0] as FakeTrial
    tracker.onTrialStart(trialInfo(t, 'running', []))
    tracker.onTrialEnd(trialInfo(t, 'completed', []))
    await opened
    await tracker.onExperimentEnd(experiment(), summary)
    const { results } = await loadExperiment(join(dir, 'nested', 'run'))
    expect(results.trials.map((trial) => trial.state)).toEqual(['completed'])
  })

  it('rejects an empty directory name and hooks called before the experiment starts', () => {
    expect(() => new JsonlTracker('')).toThrow(ConfigError)
    const tracker = new JsonlTracker(dir)
    expect(() => tracker.onTrialStart(trialInfo(TRIALS[0] as FakeTrial, 'running', []))).toThrow(/no experiment is open/)
  })

  it('says when its log cannot be written, naming the folder: at once, when the file will not open, and at every hook after', async () => {
    // A file where the folder goes: creating the folder fails before anything is written.
    await writeFile(join(dir, 'taken'), 'x')
    const blocked = new JsonlTracker(join(dir, 'taken', 'run'))
    expect(() => blocked.onExperimentStart(experiment())).toThrow(TrackerError)
    expect(() => blocked.onExperimentStart(experiment())).toThrow(/^JsonlTracker\(".*taken\/run"\): writing the log failed: ENOTDIR/)
    // The folder is there but the log opens nowhere (a link into a folder that is not): the open fails later, on the stream.
    await symlink(join(dir, 'gone', 'experiment.jsonl'), join(dir, 'experiment.jsonl'))
    const tracker = new JsonlTracker(dir)
    const error = await tracker.onExperimentStart(experiment()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TrackerError)
    expect((error as TrackerError).message).toMatch(/^JsonlTracker\(".*"\): writing the log failed: ENOENT/)
    expect((error as TrackerError).cause).toMatchObject({ code: 'ENOENT' })
    // Kept for the next hook, which would otherwise write into a stream that failed.
    expect(() => tracker.onTrialStart(trialInfo(TRIALS[0] as FakeTrial, 'running', []))).toThrow(/writing the log failed: ENOENT/)
    await expect(tracker.onExperimentEnd(experiment(), summary)).rejects.toThrow(/writing the log failed: ENOENT/)
  })
})

describe('the JSONL codec', () => {
  it('reads back an object of the user that looks like a tagged number as the object it was', async () => {
    const { decodeLine, encodeEvent } = await import('../../../src/journal/codec.ts')
    const result = {
      loss: Number.NaN,
      note: { $num: 'NaN' },
      inf: Number.POSITIVE_INFINITY,
      training_iteration: 1,
      trial_id: 0,
      time_total_s: 1,
    }
    const back = decodeLine(encodeEvent({ event: 'result', trial_id: 0, result })) as { result: typeof result }
    expect(back.result).toEqual(result)
  })

  it("tags a non-finite number wherever it sits beside the log's own nulls and the user's", async () => {
    const { decodeLine, encodeEvent } = await import('../../../src/journal/codec.ts')
    // A metric named like the trial_end's null field, nested, beside a null the user reported.
    const result = {
      error: Number.NaN,
      deep: [{ x: null, y: [Number.NEGATIVE_INFINITY] }],
      training_iteration: 1,
      trial_id: 0,
      time_total_s: 1,
    }
    const line = encodeEvent({ event: 'result', trial_id: 0, result })
    expect(line).toContain('"error":{"$num":"NaN"}')
    expect((decodeLine(line) as { result: typeof result }).result).toEqual(result)
  })
})
