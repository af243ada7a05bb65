/**
 * A conditional space's flat names where trackers and the report show them:
 * TensorBoard's HParams columns and values, and the report's parameters.
 * Each branch's parameters are their own columns; a trial has values only in
 * the columns of the branch it took.
 */
import { describe, expect, it } from 'vitest'
import { choice, type ExperimentInfo, loguniform, randint, type TrialInfo } from '../../src/index.ts'
import { reportModel } from '../../src/report/model.ts'
import { hparamColumns, sessionHParams } from '../../src/tracker/tensorboard/hparam-columns.ts'

const space = {
  model: choice([{ kind: 'svm', C: loguniform(1e-2, 10) }, { kind: 'forest', trees: randint(10, 100) }, 'baseline']),
  epochs: 5,
}
const svm = { model: { kind: 'svm', C: 2 }, epochs: 5 }
const forest = { model: { kind: 'forest', trees: 40 }, epochs: 5 }
const baseline = { model: 'baseline', epochs: 5 }
// The tracker sees the space in its JSON form, as the experiment carries it.
const json = JSON.parse(JSON.stringify(space))

describe('TensorBoard HParams of a conditional space', () => {
  it('has a column of branch labels and one per branch parameter; a session fills only its branch', () => {
    const columns = hparamColumns(json)
    expect(columns.map((c) => c.info.name)).toEqual(['model', 'model[svm]/C', 'model[forest]/trees', 'epochs'])
    expect(columns[0]?.info).toMatchObject({ type: 'string', discrete: ['svm', 'forest', 'baseline'] })
    expect(sessionHParams(columns, svm, json)).toEqual([
      ['model', 'svm'],
      ['model[svm]/C', 2],
      ['epochs', 5],
    ])
    expect(sessionHParams(columns, forest, json)).toEqual([
      ['model', 'forest'],
      ['model[forest]/trees', 40],
      ['epochs', 5],
    ])
    expect(sessionHParams(columns, baseline, json)).toEqual([
      ['model', 'baseline'],
      ['epochs', 5],
    ])
  })
})

describe('the report of a conditional space', () => {
  it("gives the branch a category axis and each branch's parameters their own, empty where not taken", () => {
    const experiment: ExperimentInfo = {
      name: 'unit',
      metric: 'loss',
      mode: 'min',
      seed: 1,
      numSamples: 3,
      plannedTrials: 3,
      concurrency: 1,
      space: json,
      searcher: 'TPESearch',
      scheduler: 'FIFOScheduler',
      startedAt: '2026-01-01T00:00:00.000Z',
    }
    const trial = (id: number, config: Record<string, unknown>): TrialInfo => {
      const result = { loss: id, training_iteration: 1, trial_id: id, time_total_s: 0 }
      return { id, config, state: 'completed', seed: id, lastResult: result, history: [result], error: undefined }
    }
    const model = reportModel({
      experiment,
      trials: [trial(0, svm), trial(1, forest), trial(2, baseline)],
      summary: undefined,
      journal: true,
    })
    expect(model.params.map((p) => [p.name, p.kind])).toEqual([
      ['model', 'category'],
      ['model[svm]/C', 'log'],
      ['model[forest]/trees', 'linear'],
    ])
    expect(model.params[0]?.categories).toEqual(['svm', 'forest', 'baseline'])
    expect(model.trials.map((t) => t.params)).toEqual([
      { model: 'svm', 'model[svm]/C': 2, 'model[forest]/trees': undefined },
      { model: 'forest', 'model[svm]/C': undefined, 'model[forest]/trees': 40 },
      { model: 'baseline', 'model[svm]/C': undefined, 'model[forest]/trees': undefined },
    ])
  })
})
