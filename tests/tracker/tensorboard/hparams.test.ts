import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SpaceError } from '../../../src/errors.ts'
import {
  choice,
  grid,
  lograndint,
  loguniform,
  qloguniform,
  qrandint,
  quniform,
  randint,
  randn,
  uniform,
} from '../../../src/search/factories.ts'
import { hparamColumns, sessionHParams, sessionStatus } from '../../../src/tracker/tensorboard/hparam-columns.ts'
import { TensorBoardTracker } from '../../../src/tracker/tensorboard/tensorboard.ts'
import type { Tracker } from '../../../src/tracker/tracker.ts'
import type { TrialState } from '../../../src/types.ts'
import { experiment, play, result, trialInfo } from '../story.ts'
import { decodeHParams } from './hparams-reader.ts'
import { type ReadEvent, readEvents } from './tfrecord-reader.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hyperpool-tb-hparams-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const NOW = 1_700_000_000_123

/** The space the story's trials (SCRIPTS) were drawn from. */
const STORY_SPACE = { opt: { lr: loguniform(1e-4, 1), name: choice(['adam', 'sgd']) }, layers: choice([[64, 32], [8], []]) }

/** The tracker, told that the experiment searched `space` (the story's own experiment carries a placeholder). */
function withSpace(tracker: TensorBoardTracker, space: unknown): Tracker {
  return {
    onExperimentStart: (e) => tracker.onExperimentStart({ ...e, space }),
    onTrialStart: (t) => tracker.onTrialStart(t),
    onTrialResult: (t, r) => tracker.onTrialResult(t, r),
    onTrialEnd: (t) => tracker.onTrialEnd(t),
    onExperimentEnd: () => tracker.onExperimentEnd(),
  }
}

async function eventsIn(run: string): Promise<ReadEvent[]> {
  const folder = join(dir, run)
  const files = (await readdir(folder)).filter((name) => name.startsWith('events.out.tfevents.'))
  expect(files).toHaveLength(1)
  return readEvents(join(folder, files[0] as string))
}

/** Every HParams summary of a run, decoded, with its tag; each must hold TensorBoard's empty float tensor. */
async function hparamsIn(run: string): Promise<Array<{ tag: string; data: Record<string, unknown>; step: number }>> {
  return (await eventsIn(run)).flatMap((event) =>
    event.plugins.map((summary) => {
      expect(summary.plugin).toBe('hparams')
      expect(summary.tensor).toEqual({ dtype: 1, dims: [0] }) // DT_FLOAT, shape [0]
      return { tag: summary.tag, data: decodeHParams(summary.content), step: event.step }
    }),
  )
}

describe('the HParams experiment summary', () => {
  it('declares every domain kind, constant and nested key of the space', async () => {
    const space = {
      x: uniform(-1, 1),
      opt: { lr: loguniform(1e-4, 0.1), momentum: quniform(0, 0.95, 0.1) },
      width: qloguniform(8, 1000, 8),
      layers: randint(1, 5),
      units: qrandint(10, 105, 10),
      batch: lograndint(16, 257),
      noise: randn(0, 1),
      act: choice(['relu', 'tanh']),
      dropout: choice([0.1, 0.5, 0.1]),
      bias: choice([true, false]),
      mixed: choice([1, 'auto', null, [2, 3]]),
      size: grid([32, 64]),
      only: choice(['one']),
      epochs: 10,
      name: 'mlp',
      sizes: [64, 32],
    }
    await play(withSpace(new TensorBoardTracker(dir, { now: () => NOW }), space), [])
    const [summary, ...others] = await hparamsIn('')
    expect(others).toEqual([])
    expect(summary?.tag).toBe('_hparams_/experiment')
    expect(summary?.data).toEqual({
      experiment: {
        name: 'exp',
        description: 'hyperpool experiment "exp": loss (min), RandomSearch + FIFOScheduler',
        timeCreatedSecs: Date.parse(experiment().startedAt) / 1000,
        hparamInfos: [
          { name: 'x', type: 'DATA_TYPE_FLOAT64', domainInterval: { minValue: -1, maxValue: 1 }, differs: true },
          { name: 'opt/lr', type: 'DATA_TYPE_FLOAT64', domainInterval: { minValue: 1e-4, maxValue: 0.1 }, differs: true },
          // q domains: the first and last multiples of q in [low, high], on q's decimal grid.
          { name: 'opt/momentum', type: 'DATA_TYPE_FLOAT64', domainInterval: { minValue: 0, maxValue: 0.9 }, differs: true },
          { name: 'width', type: 'DATA_TYPE_FLOAT64', domainInterval: { minValue: 8, maxValue: 1000 }, differs: true },
          // Integer domains exclude high (randint, lograndint) or round to q (qrandint).
          { name: 'layers', type: 'DATA_TYPE_FLOAT64', domainInterval: { minValue: 1, maxValue: 4 }, differs: true },
          { name: 'units', type: 'DATA_TYPE_FLOAT64', domainInterval: { minValue: 10, maxValue: 100 }, differs: true },
          { name: 'batch', type: 'DATA_TYPE_FLOAT64', domainInterval: { minValue: 16, maxValue: 256 }, differs: true },
          { name: 'noise', type: 'DATA_TYPE_FLOAT64', differs: true }, // unbounded: no domain
          { name: 'act', type: 'DATA_TYPE_STRING', domainDiscrete: ['relu', 'tanh'], differs: true },
          { name: 'dropout', type: 'DATA_TYPE_FLOAT64', domainDiscrete: [0.1, 0.5], differs: true },
          { name: 'bias', type: 'DATA_TYPE_BOOL', domainDiscrete: [true, false], differs: true },
          { name: 'mixed', type: 'DATA_TYPE_STRING', domainDiscrete: ['1', 'auto', 'null', '[2,3]'], differs: true },
          { name: 'size', type: 'DATA_TYPE_FLOAT64', domainDiscrete: [32, 64], differs: true },
          { name: 'only', type: 'DATA_TYPE_STRING', domainDiscrete: ['one'] },
          { name: 'epochs', type: 'DATA_TYPE_FLOAT64', domainDiscrete: [10] },
          { name: 'name', type: 'DATA_TYPE_STRING', domainDiscrete: ['mlp'] },
          { name: 'sizes', type: 'DATA_TYPE_STRING', domainDiscrete: ['[64,32]'] },
        ],
        metricInfos: [{ name: { tag: 'loss' } }],
      },
    })
  })

  it('declares the metric first, then every scalar the trials reported, in the order first seen', async () => {
    await play(withSpace(new TensorBoardTracker(dir, { now: () => NOW }), STORY_SPACE))
    const [summary] = await hparamsIn('')
    const metricInfos = ['loss', 'time_total_s', 'acc', 'val/acc'].map((tag) => ({ name: { tag } }))
    expect(summary?.data.experiment).toEqual(expect.objectContaining({ metricInfos }))
  })

  it('rejects a space that is not one, and still writes the scalars', async () => {
    const tracker = new TensorBoardTracker(dir, { now: () => NOW })
    expect(() => tracker.onExperimentStart({ ...experiment(), space: { lr: { $domain: 'uniform', low: 1, high: 0 } } })).toThrow(SpaceError)
    tracker.onTrialStart(trialInfo(0, { lr: 0.5 }, 'running'))
    tracker.onTrialResult(trialInfo(0, { lr: 0.5 }, 'running'), result(0, 0, { loss: 1 }))
    tracker.onTrialEnd(trialInfo(0, { lr: 0.5 }, 'completed'))
    tracker.onExperimentEnd()
    expect((await eventsIn('trial_0000')).map((e) => [e.step, e.plugins.length])).toEqual([
      [0, 0],
      [1, 0],
    ])
    expect((await readdir(dir)).filter((name) => name.startsWith('events.'))).toEqual([])
  })
})

describe('the HParams sessions', () => {
  it("start with the trial's config and end with its status", async () => {
    await play(withSpace(new TensorBoardTracker(dir, { now: () => NOW }), STORY_SPACE))
    const sessions = await Promise.all(['trial_0000', 'trial_0001', 'trial_0002'].map(hparamsIn))
    // No group name: TensorBoard names each session's group after its run.
    const start = (hparams: Record<string, unknown>) => ({
      tag: '_hparams_/session_start_info',
      step: 0,
      data: { sessionStartInfo: { hparams, startTimeSecs: NOW / 1000 } },
    })
    const end = (status: string) => ({
      tag: '_hparams_/session_end_info',
      step: 0,
      data: { sessionEndInfo: { status, endTimeSecs: NOW / 1000 } },
    })
    expect(sessions).toEqual([
      [start({ 'opt/lr': 0.01, 'opt/name': 'adam', layers: '[64,32]' }), end('STATUS_SUCCESS')], // completed
      [start({ 'opt/lr': 0.5, 'opt/name': 'sgd', layers: '[8]' }), end('STATUS_SUCCESS')], // stopped early
      [start({ 'opt/lr': 0.001, 'opt/name': 'adam', layers: '[]' }), end('STATUS_FAILURE')], // errored
    ])
  })

  it('start once across a pause, and end only when the trial ends for good', async () => {
    const tracker = new TensorBoardTracker(dir, { now: () => NOW })
    tracker.onExperimentStart({ ...experiment(), space: { x: uniform(0, 1) } })
    for (const id of [0, 1]) {
      tracker.onTrialStart(trialInfo(id, { x: 0.5 }, 'running'))
      tracker.onTrialResult(trialInfo(id, { x: 0.5 }, 'running'), result(id, 0, { loss: 1 }))
      tracker.onTrialEnd(trialInfo(id, { x: 0.5 }, 'paused'))
    }
    tracker.onTrialStart(trialInfo(0, { x: 0.5 }, 'running'))
    tracker.onTrialResult(trialInfo(0, { x: 0.5 }, 'running'), result(0, 1, { loss: 0.5 }))
    tracker.onTrialEnd(trialInfo(0, { x: 0.5 }, 'completed'))
    // Trial 1 never resumes: the experiment's end stops it while its file is closed.
    tracker.onTrialEnd(trialInfo(1, { x: 0.5 }, 'stopped'))
    tracker.onExperimentEnd()
    for (const run of ['trial_0000', 'trial_0001']) {
      const tags = (await hparamsIn(run)).map((s) => [s.tag, s.data.sessionEndInfo])
      expect(tags).toEqual([
        ['_hparams_/session_start_info', undefined],
        ['_hparams_/session_end_info', { status: 'STATUS_SUCCESS', endTimeSecs: NOW / 1000 }],
      ])
    }
    expect((await eventsIn('trial_0000')).map((e) => e.step)).toEqual([0, 0, 1, 2, 0])
  })

  it('are written only inside an experiment, so hooks called alone write scalars only', async () => {
    const tracker = new TensorBoardTracker(dir, { now: () => NOW })
    tracker.onTrialStart(trialInfo(0, { x: 1 }, 'running'))
    tracker.onTrialEnd(trialInfo(0, { x: 1 }, 'completed'))
    expect(await hparamsIn('trial_0000')).toEqual([])
  })

  it('start afresh when one tracker serves a second experiment', async () => {
    const tracker = new TensorBoardTracker(dir, { now: () => NOW })
    await play(withSpace(tracker, STORY_SPACE))
    await play(withSpace(tracker, STORY_SPACE))
    const earlier = (await readdir(dir)).filter((name) => name.startsWith('earlier-'))
    expect(earlier).toHaveLength(1)
    for (const run of ['trial_0000', `${earlier[0]}/trial_0000`]) {
      expect((await hparamsIn(run)).map((s) => s.tag)).toEqual(['_hparams_/session_start_info', '_hparams_/session_end_info'])
    }
  })
})

describe('the HParams columns', () => {
  it('take values by key path, leaving out what the config lacks or the column cannot hold', () => {
    const columns = hparamColumns({ opt: { lr: uniform(0, 1) }, act: choice(['relu', 'tanh']), on: choice([true, false]) })
    expect(sessionHParams(columns, { opt: { lr: 0.5 }, act: 'relu', on: false })).toEqual([
      ['opt/lr', 0.5],
      ['act', 'relu'],
      ['on', false],
    ])
    expect(sessionHParams(columns, { opt: 3, on: 'yes' })).toEqual([])
  })

  it('map every trial state to an HParams status, or none while the trial goes on', () => {
    const states: TrialState[] = ['pending', 'running', 'paused', 'completed', 'stopped', 'errored']
    expect(states.map(sessionStatus)).toEqual([undefined, undefined, undefined, 'success', 'success', 'failure'])
  })

  it('refuse an invalid space with a SpaceError naming the field', () => {
    expect(() => hparamColumns({ lr: { $domain: 'loguniform', low: 0, high: 1 } })).toThrow(/space\.lr: loguniform needs 0 < low < high/)
  })
})
