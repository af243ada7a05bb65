/**
 * The TensorBoardTracker's files, read by the real TensorBoard: its event
 * reader (test A) and a running `tensorboard` server's HParams API (test B),
 * after a real Tuner run. Needs a Python with TensorBoard (see
 * real-tensorboard.ts); without one it says so and skips.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ASHAScheduler, choice, GridSearch, grid, loguniform, randint, Tuner, uniform } from '../../../src/index.ts'
import { TensorBoardTracker } from '../../../src/tracker/tensorboard/tensorboard.ts'
import { trialName } from '../../../src/tracker/trial-metrics.ts'
import type { ResultGrid } from '../../../src/tuner/results.ts'
import type { ExperimentInfo, TrialState } from '../../../src/types.ts'
import { BEHAVIOURS, memoryLogger } from '../../helpers.ts'
import { findTensorBoardPython, poll, readWithTensorBoard, startTensorBoard } from './real-tensorboard.ts'

const found = findTensorBoardPython()
if ('skip' in found) console.log(`[real TensorBoard] ${found.skip}`)
else console.log(`[real TensorBoard] TensorBoard ${found.version} from ${found.python}`)

/** The fixture trainable: 'curve' trials report `loss` and `draw` for `epochs` epochs, 'throw' ones report once and throw. */
const space = {
  behaviour: grid(['curve', 'throw']),
  x: uniform(-1, 1),
  opt: { lr: loguniform(1e-4, 0.1) },
  layers: randint(1, 5),
  act: choice(['relu', 'tanh']),
  epochs: 6,
}

/** The hyperparameters as the experiment declares them, in space order, as protobuf JSON (a false `differs` left out). */
const HPARAM_INFOS = [
  { name: 'behaviour', type: 'DATA_TYPE_STRING', domainDiscrete: ['curve', 'throw'], differs: true },
  { name: 'x', type: 'DATA_TYPE_FLOAT64', domainInterval: { minValue: -1, maxValue: 1 }, differs: true },
  { name: 'opt/lr', type: 'DATA_TYPE_FLOAT64', domainInterval: { minValue: 1e-4, maxValue: 0.1 }, differs: true },
  { name: 'layers', type: 'DATA_TYPE_FLOAT64', domainInterval: { minValue: 1, maxValue: 4 }, differs: true }, // randint excludes 5
  { name: 'act', type: 'DATA_TYPE_STRING', domainDiscrete: ['relu', 'tanh'], differs: true },
  { name: 'epochs', type: 'DATA_TYPE_FLOAT64', domainDiscrete: [6] },
]
/** The experiment's metric first, then the other scalars in the order the first report held them. */
const METRICS = ['loss', 'draw', 'time_total_s']
const STATUS: Record<TrialState, string | undefined> = {
  completed: 'STATUS_SUCCESS',
  stopped: 'STATUS_SUCCESS',
  errored: 'STATUS_FAILURE',
  pending: undefined,
  running: undefined,
  paused: undefined,
}

type Trial = ResultGrid['trials'][number]
const hparamsOf = ({ config }: Trial) => ({
  behaviour: config.behaviour,
  x: config.x,
  'opt/lr': (config.opt as { lr: number }).lr,
  layers: config.layers,
  act: config.act,
  epochs: 6,
})
/** A trial's points of `tag` as TensorBoard stores scalars: [step, value as a 32-bit float]. */
const pointsOf = (trial: Trial, tag: string) =>
  trial.history.flatMap((r) => (typeof r[tag] === 'number' ? [[r.training_iteration, Math.fround(r[tag])] as const] : []))

describe.skipIf('skip' in found)('the real TensorBoard reads the tracker’s files', () => {
  const python = 'python' in found ? found.python : ''
  let dir: string
  let results: ResultGrid
  let experiment: ExperimentInfo | undefined

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hyperpool-real-tb-'))
    results = await new Tuner({
      trainable: BEHAVIOURS,
      space,
      metric: 'loss',
      mode: 'min',
      search: new GridSearch(),
      scheduler: new ASHAScheduler({ maxT: 6, gracePeriod: 1, reductionFactor: 2 }),
      numSamples: 3,
      concurrency: 1, // one trial at a time: ASHA's decisions do not depend on timing
      seed: 5,
      name: 'tb-hparams',
      // Its journal in the temporary folder too, not runs/ in the checkout, which a second run would find taken.
      storageDir: dir,
      logger: memoryLogger(),
      trackers: [
        new TensorBoardTracker(join(dir, 'tb')),
        {
          onExperimentStart(info) {
            experiment = info
          },
        },
      ],
    }).fit()
    // The run covers every status: trials completed, stopped early by ASHA, errored.
    expect(new Set(results.trials.map((t) => t.state))).toEqual(new Set(['completed', 'stopped', 'errored']))
  }, 120_000)
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('A: its event reader finds the experiment, every trial’s session and every scalar', async () => {
    const read = await readWithTensorBoard(python, join(dir, 'tb'))
    expect(read.experiments).toEqual({
      '.': {
        name: 'tb-hparams',
        description: 'hyperpool experiment "tb-hparams": loss (min), GridSearch + ASHAScheduler',
        timeCreatedSecs: Date.parse(experiment?.startedAt ?? '') / 1000,
        hparamInfos: HPARAM_INFOS,
        metricInfos: METRICS.map((tag) => ({ name: { tag } })),
      },
    })
    const runs = results.trials.map((t) => trialName(t.id))
    expect(Object.keys(read.sessionStarts).sort()).toEqual(runs)
    expect(Object.keys(read.sessionEnds).sort()).toEqual(runs)
    expect(Object.keys(read.scalars).sort()).toEqual(runs)
    for (const trial of results.trials) {
      const run = trialName(trial.id)
      expect(read.sessionStarts[run]).toEqual({ hparams: hparamsOf(trial), startTimeSecs: expect.any(Number) })
      expect(read.sessionEnds[run]).toEqual({ status: STATUS[trial.state], endTimeSecs: expect.any(Number) })
      const tags = METRICS.filter((tag) => pointsOf(trial, tag).length > 0)
      expect(read.scalars[run]).toEqual(Object.fromEntries(tags.map((tag) => [tag, pointsOf(trial, tag)])))
    }
  }, 120_000)

  it('B: a running server’s HParams API lists one session group per trial, with its config, metrics and status', async () => {
    const read = await readWithTensorBoard(python, join(dir, 'tb'))
    const server = await startTensorBoard(python, join(dir, 'tb'))
    try {
      // The request the HParams dashboard sends for its table: every status, every column, the first page.
      const hparamColumns = HPARAM_INFOS.map((info) => ({ hparam: info.name, includeInResult: true }))
      const metricColumns = METRICS.map((tag) => ({ metric: { tag }, includeInResult: true }))
      const request = {
        experimentName: '',
        allowedStatuses: ['STATUS_UNKNOWN', 'STATUS_SUCCESS', 'STATUS_FAILURE', 'STATUS_RUNNING'],
        colParams: [...hparamColumns, ...metricColumns],
        startIndex: 0,
        sliceSize: 100,
      }
      type Groups = { sessionGroups: Array<{ name: string }>; totalSize: number }
      // The server loads the logdir in the background: wait until it has every trial.
      const groups = await poll('every session group', async () => {
        const answer = (await server.post('/data/plugin/hparams/session_groups', request)) as Groups
        return answer.totalSize === results.trials.length ? answer : undefined
      })
      const listing = (await server.get('/data/plugins_listing')) as Record<string, { enabled: boolean }>
      expect(listing.hparams?.enabled).toBe(true)

      const declared = await server.post('/data/plugin/hparams/experiment', { experimentName: '', hparamsLimit: 1000 })
      // The server sorts the hyperparameters (those that differ first, then by name, as Python compares strings)
      // and fills in the fields left at their defaults.
      const key = (info: (typeof HPARAM_INFOS)[number]) => `${info.differs ? 0 : 1}${info.name}`
      const sorted = [...HPARAM_INFOS].sort((a, b) => (key(a) < key(b) ? -1 : 1))
      expect(declared).toEqual({
        name: 'tb-hparams',
        description: 'hyperpool experiment "tb-hparams": loss (min), GridSearch + ASHAScheduler',
        user: '',
        timeCreatedSecs: Date.parse(experiment?.startedAt ?? '') / 1000,
        hparamInfos: sorted.map((info) => ({ displayName: '', description: '', differs: false, ...info })),
        metricInfos: METRICS.map((tag) => ({ name: { tag, group: '' }, displayName: '', description: '', datasetType: 'DATASET_UNKNOWN' })),
      })

      const expected = results.trials.map((trial) => {
        const run = trialName(trial.id)
        const last = trial.lastResult
        const metricValues = METRICS.filter((tag) => typeof last?.[tag] === 'number').map((tag) => ({
          name: { tag, group: '' },
          value: Math.fround(last?.[tag] as number),
          trainingStep: last?.training_iteration,
          wallTimeSecs: expect.any(Number),
        }))
        const session = {
          name: run,
          startTimeSecs: read.sessionStarts[run]?.startTimeSecs,
          endTimeSecs: read.sessionEnds[run]?.endTimeSecs,
          status: STATUS[trial.state],
          metricValues,
          modelUri: '',
          monitorUrl: '',
        }
        return { name: run, hparams: hparamsOf(trial), metricValues, sessions: [session], monitorUrl: '' }
      })
      expect(groups).toEqual({ sessionGroups: expected, totalSize: results.trials.length })
    } finally {
      await server.stop()
    }
  }, 300_000)
})
