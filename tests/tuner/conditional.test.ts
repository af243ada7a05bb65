/**
 * A conditional space through the whole Tuner: trials on the pool, the
 * journal, the CSV tracker's columns, and a restore from a cut journal that
 * ends with the uninterrupted table.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  CsvTracker,
  choice,
  loadExperiment,
  loguniform,
  type ResultGrid,
  randint,
  TPESearch,
  Tuner,
  type TunerOptions,
} from '../../src/index.ts'
import type { FamilyConfig } from '../fixtures/conditional.ts'
import { memoryLogger, temporaryDir } from '../helpers.ts'

const TRAINABLE = new URL('../fixtures/conditional.ts', import.meta.url)
const space = {
  model: choice([{ kind: 'svm', C: loguniform(1e-2, 100) }, { kind: 'forest', trees: randint(10, 100) }, { kind: 'linear' }]),
  epochs: 3,
}

function tuner(storageDir: string, extra: Partial<TunerOptions> = {}): Tuner {
  return new Tuner({
    trainable: TRAINABLE,
    space,
    metric: 'loss',
    search: new TPESearch({ nStartupTrials: 5 }),
    numSamples: 16,
    concurrency: 2,
    reproducible: true,
    seed: 11,
    storageDir,
    name: 'exp',
    trackers: [],
    logger: memoryLogger(),
    ...extra,
  })
}

const tableOf = (results: ResultGrid) =>
  results.trials.map((t) => ({ id: t.id, config: t.config, state: t.state, losses: t.history.map((r) => r.loss) }))

describe('a conditional space under the Tuner', () => {
  it('runs TPE on the pool, gives each trial one branch, and writes branch-named CSV columns', async () => {
    const storageDir = temporaryDir()
    const csvDir = temporaryDir()
    const results = await tuner(storageDir, { trackers: [new CsvTracker(csvDir)] }).fit()
    expect(results.trials).toHaveLength(16)
    for (const trial of results.trials) {
      const { model } = trial.config as FamilyConfig
      expect(trial.state).toBe('completed')
      if (model.kind === 'svm') expect(Object.keys(model).sort()).toEqual(['C', 'kind'])
      else if (model.kind === 'forest') expect(Object.keys(model).sort()).toEqual(['kind', 'trees'])
      else expect(model).toEqual({ kind: 'linear' })
    }
    expect(new Set(results.trials.map((t) => (t.config as FamilyConfig).model.kind)).size).toBeGreaterThan(1)
    const [header, ...rows] = readFileSync(join(csvDir, 'results.csv'), 'utf8').trimEnd().split('\r\n')
    const columns = (header as string).split(',')
    expect(columns.filter((c) => c.startsWith('config/')).sort()).toEqual([
      'config/epochs',
      'config/model',
      'config/model[forest]/trees',
      'config/model[svm]/C',
    ])
    // A forest trial's row leaves the svm column empty, and the other way round: inactive parameters are absent, not made up.
    for (const trial of results.trials) {
      const cells = (rows[trial.id] as string).split(',')
      const { model } = trial.config as FamilyConfig
      expect(cells[columns.indexOf('config/model')]).toBe(model.kind)
      expect(cells[columns.indexOf('config/model[svm]/C')] === '').toBe(model.kind !== 'svm')
      expect(cells[columns.indexOf('config/model[forest]/trees')] === '').toBe(model.kind !== 'forest')
    }
    // results.toCSV(), and the same read back from the journal, name the columns as the tracker does.
    const sameColumns = (csv: string) =>
      (csv.split('\r\n')[0] as string)
        .split(',')
        .filter((c) => c.startsWith('config/'))
        .sort()
    expect(sameColumns(results.toCSV())).toEqual(columns.filter((c) => c.startsWith('config/')).sort())
    expect(sameColumns((await loadExperiment(join(storageDir, 'exp'))).results.toCSV())).toEqual(sameColumns(results.toCSV()))
  }, 120_000)

  it('restores from a journal cut mid-run to the uninterrupted table', async () => {
    const storageDir = temporaryDir()
    const reference = tableOf(await tuner(storageDir).fit())
    const finished = join(storageDir, 'exp')
    const lines = readFileSync(join(finished, 'experiment.jsonl'), 'utf8').trimEnd().split('\n')
    for (const at of [4, Math.floor(lines.length / 2)]) {
      const copy = join(temporaryDir('hyperpool-crash-'), 'exp')
      cpSync(finished, copy, { recursive: true })
      writeFileSync(join(copy, 'experiment.jsonl'), `${lines.slice(0, at).join('\n')}\n`)
      const results = await (await Tuner.restore(copy, { logger: memoryLogger() })).fit()
      expect(tableOf(results), `cut at line ${at}`).toEqual(reference)
    }
  }, 180_000)
})
