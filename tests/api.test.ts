import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as api from '../src/index.ts'
import {
  ASHAScheduler,
  AutoSearch,
  ConsoleReporter,
  CsvTracker,
  choice,
  createLogger,
  FIFOScheduler,
  flattenConfig,
  GPSearch,
  GridSearch,
  grid,
  HyperBandScheduler,
  HyperpoolError,
  hypervolume,
  JsonlTracker,
  loadExperiment,
  lograndint,
  loguniform,
  MedianStoppingRule,
  MLflowTracker,
  PopulationBasedTraining,
  qloguniform,
  qrandint,
  quniform,
  RandomSearch,
  RedisExecutor,
  RedisWorker,
  ResultGrid,
  randint,
  randn,
  type Scheduler,
  type Searcher,
  Study,
  spaceFromJSON,
  spaceToJSON,
  TensorBoardTracker,
  TPESearch,
  TrialStopSignal,
  Tuner,
  uniform,
  validateSpace,
  watchReport,
  writeReport,
} from '../src/index.ts'
import { BEHAVIOURS, memoryLogger } from './helpers.ts'

/**
 * The public API walked with bad input: every runtime export of src/index.ts
 * (and every method and static of its classes) has rows here, or an
 * exemption that says why not. Each row must throw (or reject with) a
 * HyperpoolError whose `field` names the input and whose message shows the
 * bad value, so a new export without a row fails the walk.
 */

/** What a row calls, the field its error must name, and how its message must show the bad value. */
type Row = readonly [what: string, call: () => unknown, field: string, shows: string]

// `never` lets a row pass what the types forbid: that is the point of the walk.
const bad = (value: unknown) => value as never
const dir = mkdtempSync(join(tmpdir(), 'hyperpool-api-'))
const tuner = { trainable: BEHAVIOURS, space: { x: uniform(0, 1) }, metric: 'loss', trackers: [], logger: memoryLogger() }
const study = { space: { x: uniform(0, 1) }, metric: 'loss', seed: 1 }
const searcherSetup = { space: { x: uniform(0, 1) }, metric: 'loss', mode: 'min' as const, seed: 1, numSamples: 4 }
const schedulerSetup = { metric: 'loss', mode: 'min' as const, seed: 1 }
const mutations = { hyperparamMutations: { lr: [1, 2] } }
const server = 'http://127.0.0.1:9'

/** A Study with one trial asked for, and its id. */
function asked(): [Study, number] {
  const s = new Study(study)
  return [s, (s.ask() as { trialId: number }).trialId]
}

/** A searcher after `setup`, ready to suggest. */
function ready<S extends Searcher>(searcher: S): S {
  searcher.setup(searcherSetup)
  return searcher
}

/** The rows every options object gets: not an object, an array, a misspelt key. */
function optionsObject(owner: string, make: (options: unknown) => unknown, misspelt: Record<string, unknown>): Row[] {
  const [[key, value]] = Object.entries(misspelt) as [[string, unknown]]
  return [
    [`${owner}(null)`, () => make(null), 'options', 'null'],
    [`${owner}([])`, () => make([]), 'options', '[]'],
    [`${owner}({ ${key} })`, () => make(misspelt), key, String(value)],
  ]
}

/** Rows for a scheduler's setup, which a hand-driven scheduler is given. */
function setupRows(make: () => Scheduler): Row[] {
  return [
    ['setup(null)', () => make().setup(bad(null)), 'options', 'null'],
    ["setup({ mode: 'up' })", () => make().setup({ ...schedulerSetup, mode: bad('up') }), 'mode', '"up"'],
    ["setup({ metric: '' })", () => make().setup({ ...schedulerSetup, metric: '' }), 'metric', '""'],
    ['setup({ seed: -1 })', () => make().setup({ ...schedulerSetup, seed: -1 }), 'seed', '-1'],
  ]
}

/** Rows for a searcher's setup and suggest. */
function searcherRows(make: () => Searcher): Record<string, Row[]> {
  return {
    setup: [
      ['setup(null)', () => make().setup(bad(null)), 'options', 'null'],
      ['setup({ numSamples: 0 })', () => make().setup({ ...searcherSetup, numSamples: 0 }), 'numSamples', '0'],
      ['setup({ space: [] })', () => make().setup({ ...searcherSetup, space: bad([]) }), 'space', '[]'],
      ["setup({ mode: 'up' })", () => make().setup({ ...searcherSetup, mode: bad('up') }), 'mode', '"up"'],
      ['setup({ seed: 1.5 })', () => make().setup({ ...searcherSetup, seed: 1.5 }), 'seed', '1.5'],
    ],
    suggest: [
      ['suggest(-1)', () => ready(make()).suggest(-1), 'trialId', '-1'],
      ["suggest('0')", () => ready(make()).suggest(bad('0')), 'trialId', '"0"'],
    ],
    enqueue: [
      ['enqueue({ x: 5 })', () => ready(make()).enqueue?.({ x: 5 }), 'config.x', '5'],
      ['enqueue({ y: 0.5 })', () => ready(make()).enqueue?.({ y: 0.5 }), 'config.y', '0.5'],
      ['enqueue([0.5])', () => ready(make()).enqueue?.(bad([0.5])), 'config', '[0.5]'],
    ],
  }
}

/** Rows for the pointsToEvaluate option every built-in searcher takes, checked against the space at setup. */
function pointsRows(make: (options: { pointsToEvaluate: unknown }) => Searcher): Row[] {
  const points = (pointsToEvaluate: unknown) => () => ready(make({ pointsToEvaluate }))
  return [
    ['pointsToEvaluate: {}', points({}), 'pointsToEvaluate', '{}'],
    ['pointsToEvaluate: [5]', points([5]), 'pointsToEvaluate[0]', '5'],
    ['pointsToEvaluate: [{}, { x: 2 }]', points([{}, { x: 2 }]), 'pointsToEvaluate[1].x', '2'],
    ['pointsToEvaluate: [{ z: 0.5 }]', points([{ z: 0.5 }]), 'pointsToEvaluate[0].z', '0.5'],
  ]
}

const ROWS: Record<string, readonly Row[]> = {
  Tuner: [
    ...optionsObject('Tuner', (o) => new Tuner(bad(o)), { numSample: 3 }),
    ['numSamples: 0', () => new Tuner({ ...tuner, numSamples: 0 }), 'numSamples', '0'],
    ["numSamples: '10'", () => new Tuner({ ...tuner, numSamples: bad('10') }), 'numSamples', '"10"'],
    ['concurrency: Infinity', () => new Tuner({ ...tuner, concurrency: Number.POSITIVE_INFINITY }), 'concurrency', 'Infinity'],
    ["mode: 'up'", () => new Tuner({ ...tuner, mode: bad('up') }), 'mode', '"up"'],
    ['trainable: undefined', () => new Tuner({ ...tuner, trainable: bad(undefined) }), 'trainable', 'undefined'],
    ['space: undefined', () => new Tuner({ ...tuner, space: bad(undefined) }), 'space', 'undefined'],
    ['metric: null', () => new Tuner({ ...tuner, metric: bad(null) }), 'metric', 'null'],
    ['search: {}', () => new Tuner({ ...tuner, search: bad({}) }), 'search', '{}'],
    ['scheduler: 5', () => new Tuner({ ...tuner, scheduler: bad(5) }), 'scheduler', '5'],
    ['trackers: {}', () => new Tuner({ ...tuner, trackers: bad({}) }), 'trackers', '{}'],
    ['stop: []', () => new Tuner({ ...tuner, stop: bad([]) }), 'stop', '[]'],
    ['stop.maxIterations: -1', () => new Tuner({ ...tuner, stop: { maxIterations: -1 } }), 'stop.maxIterations', '-1'],
    ["signal: 'abort'", () => new Tuner({ ...tuner, signal: bad('abort') }), 'signal', '"abort"'],
    ['stopGraceMs: -1', () => new Tuner({ ...tuner, stopGraceMs: -1 }), 'stopGraceMs', '-1'],
    ['data: { when: Date }', () => new Tuner({ ...tuner, data: { when: new Date() } }), 'data.when', 'a Date instance'],
    ['trialTimeoutS: 0', () => new Tuner({ ...tuner, trialTimeoutS: 0 }), 'trialTimeoutS', '0'],
    ['handleSignals: 0', () => new Tuner({ ...tuner, handleSignals: bad(0) }), 'handleSignals', '0'],
    ['storageDir: true', () => new Tuner({ ...tuner, storageDir: bad(true) }), 'storageDir', 'true'],
    ['trialTimeoutS: 3e6 (past the longest timer)', () => new Tuner({ ...tuner, trialTimeoutS: 3e6 }), 'trialTimeoutS', '3000000'],
    ["metricCheck: 'fail'", () => new Tuner({ ...tuner, metricCheck: bad('fail') }), 'metricCheck', '"fail"'],
    ['maxHeapMb: 8', () => new Tuner({ ...tuner, maxHeapMb: 8 }), 'maxHeapMb', '8'],
    ["trainable: '.' (a folder)", () => new Tuner({ ...tuner, trainable: '.' }), 'trainable', 'not a file'],
  ],
  Study: [
    ...optionsObject('Study', (o) => new Study(bad(o)), { seeed: 1 }),
    ['numSamples: 0', () => new Study({ ...study, numSamples: 0 }), 'numSamples', '0'],
    ['search: []', () => new Study({ ...study, search: bad([]) }), 'search', '[]'],
    ['metric: undefined', () => new Study({ ...study, metric: bad(undefined) }), 'metric', 'undefined'],
  ],
  'Study.enqueue': [
    ['enqueue({ x: 2 })', () => new Study(study).enqueue({ x: 2 }), 'config.x', '2'],
    ["enqueue({ x: '0.5' })", () => new Study(study).enqueue({ x: bad('0.5') }), 'config.x', '"0.5"'],
    ['enqueue({ y: 1 })', () => new Study(study).enqueue(bad({ y: 1 })), 'config.y', '1'],
    ['enqueue(null)', () => new Study(study).enqueue(bad(null)), 'config', 'null'],
  ],
  'Study.report': [
    ['report(99, 1)', () => asked()[0].report(99, 1), 'trialId', '99'],
    ['report(id, [1])', () => (([s, id]) => s.report(id, bad([1])))(asked()), 'metrics', '[1]'],
    ['report(id, { loss: 1n })', () => (([s, id]) => s.report(id, { loss: bad(1n) }))(asked()), 'metrics.loss', '1n'],
  ],
  'Study.tell': [
    ["tell(id, 1, 'paused')", () => (([s, id]) => s.tell(id, 1, bad('paused')))(asked()), 'state', '"paused"'],
    ["tell(id, 'x')", () => (([s, id]) => s.tell(id, bad('x')))(asked()), 'metrics', '"x"'],
    ['tell(id, { acc: 1 })', () => (([s, id]) => s.tell(id, { acc: 1 }))(asked()), 'metrics', 'acc'],
    ["tell('0', 1)", () => asked()[0].tell(bad('0'), 1), 'trialId', '"0"'],
    [
      'tell(id, { at: Date })',
      () => (([s, id]) => s.tell(id, { loss: 1, at: bad(new Date(0)) }))(asked()),
      'metrics.at',
      'a Date instance',
    ],
  ],
  ResultGrid: [
    ['ResultGrid(null, ...)', () => new ResultGrid(bad(null), { metric: 'loss', mode: 'min' }), 'trials', 'null'],
    ['ResultGrid([{}], ...)', () => new ResultGrid(bad([{}]), { metric: 'loss', mode: 'min' }), 'trials[0]', '{}'],
    ['ResultGrid([], undefined)', () => new ResultGrid([], bad(undefined)), 'metric', 'undefined'],
    ['ResultGrid([], { metric: 5 })', () => new ResultGrid([], { metric: bad(5), mode: 'min' }), 'metric', '5'],
    ["ResultGrid([], { mode: 'up' })", () => new ResultGrid([], { metric: 'loss', mode: bad('up') }), 'mode', '"up"'],
    ["ResultGrid([], { metric: ['a', 'a'] })", () => new ResultGrid([], { metric: ['a', 'a'], mode: 'min' }), 'metric', '["a", "a"]'],
    [
      "ResultGrid([], { mode: ['min'] }) for two metrics",
      () => new ResultGrid([], { metric: ['a', 'b'], mode: ['min'] }),
      'mode',
      '["min"]',
    ],
  ],
  'ResultGrid.paretoFront': [
    ['paretoFront({ allowInfinite: 1 })', () => new Study(study).results.paretoFront({ allowInfinite: bad(1) }), 'allowInfinite', '1'],
  ],
  hypervolume: [
    ['hypervolume([[1]], [2, 2])', () => hypervolume([[1]], [2, 2]), 'points', '[1]'],
    ['hypervolume([], [])', () => hypervolume([], []), 'reference', '[]'],
  ],
  'ResultGrid.best': [
    ['best(5)', () => new Study(study).results.best(bad(5)), 'metric', '5'],
    ["best('loss', 'up')", () => new Study(study).results.best('loss', bad('up')), 'mode', '"up"'],
    ["best('loss', 'min', 'best')", () => new Study(study).results.best('loss', 'min', bad('best')), 'scope', '"best"'],
    ["best('accuracy'): nobody reported it", () => new Study(study).results.best('accuracy'), 'metric', '"accuracy"'],
    ...optionsObject('ResultGrid.best', (o) => new Study(study).results.best('loss', 'min', 'last', bad(o)), { allowInfinity: true }),
    [
      'best(..., { allowInfinite: 1 })',
      () => new Study(study).results.best('loss', 'min', 'last', { allowInfinite: bad(1) }),
      'allowInfinite',
      '1',
    ],
  ],
  loadExperiment: [
    ['loadExperiment(5)', () => loadExperiment(bad(5)), 'dir', '5'],
    ["loadExperiment('')", () => loadExperiment(''), 'dir', '""'],
    ['loadExperiment(a folder without a log)', () => loadExperiment(dir), 'dir', dir],
  ],
  writeReport: [
    ...optionsObject('writeReport', (o) => writeReport(dir, bad(o)), { output: 'x.html' }),
    ['writeReport(5)', () => writeReport(bad(5)), 'dir', '5'],
    ["out: ''", () => writeReport(dir, { out: '' }), 'out', '""'],
    ["signal: 'stop'", () => writeReport(dir, { signal: bad('stop') }), 'signal', '"stop"'],
    ['writeReport(a folder without a log)', () => writeReport(dir), 'dir', dir],
  ],
  watchReport: [
    ...optionsObject('watchReport', (o) => watchReport(dir, bad(o)), { debounce: 10 }),
    ["watchReport('')", () => watchReport(''), 'dir', '""'],
    ['debounceMs: -1', () => watchReport(dir, { debounceMs: -1 }), 'debounceMs', '-1'],
    ['pollMs: 0', () => watchReport(dir, { pollMs: 0 }), 'pollMs', '0'],
    ['refreshS: -1', () => watchReport(dir, { refreshS: -1 }), 'refreshS', '-1'],
    ['onWrite: 5', () => watchReport(dir, { onWrite: bad(5) }), 'onWrite', '5'],
  ],
  GridSearch: [...optionsObject('GridSearch', (o) => new GridSearch(bad(o)), { seed: 1 }), ...pointsRows((o) => new GridSearch(bad(o)))],
  ...prefixed(
    'GridSearch',
    searcherRows(() => new GridSearch()),
  ),
  RandomSearch: [
    ...optionsObject('RandomSearch', (o) => new RandomSearch(bad(o)), { seed: 1 }),
    ...pointsRows((o) => new RandomSearch(bad(o))),
    [
      'pointsToEvaluate: 5 points, numSamples 4',
      () => ready(new RandomSearch({ pointsToEvaluate: [{}, {}, {}, {}, {}] })),
      'pointsToEvaluate',
      '5 points',
    ],
  ],
  ...prefixed(
    'RandomSearch',
    searcherRows(() => new RandomSearch()),
  ),
  TPESearch: [
    ...optionsObject('TPESearch', (o) => new TPESearch(bad(o)), { nStartup: 3 }),
    ['nStartupTrials: -1', () => new TPESearch({ nStartupTrials: -1 }), 'nStartupTrials', '-1'],
    ['gamma: 3', () => new TPESearch({ gamma: bad(3) }), 'gamma', '3'],
    [
      "multivariateBandwidth: 'silverman'",
      () => new TPESearch({ multivariateBandwidth: bad('silverman') }),
      'multivariateBandwidth',
      '"silverman"',
    ],
    ...pointsRows((o) => new TPESearch(bad(o))),
    [
      'warmStart: [{ state: "completed" }]',
      () => new TPESearch({ warmStart: bad([{ state: 'completed' }]) }),
      'warmStart[0].config',
      'undefined',
    ],
    [
      "warmStart: [{ state: 'done' }]",
      () => new TPESearch({ warmStart: [{ config: { x: 0.5 }, state: bad('done') }] }),
      'warmStart[0].state',
      '"done"',
    ],
    [
      'warmStart: a config outside the space',
      () =>
        ready(
          new TPESearch({
            warmStart: [
              { config: { x: 0.5 }, state: 'completed' },
              { config: { x: 3 }, state: 'completed' },
            ],
          }),
        ),
      'warmStart[1].config.x',
      '3',
    ],
    [
      'warmStart: a config missing a key',
      () => ready(new TPESearch({ warmStart: [{ config: {}, state: 'completed' }] })),
      'warmStart[0].config.x',
      'undefined',
    ],
  ],
  ...prefixed(
    'TPESearch',
    searcherRows(() => new TPESearch()),
  ),
  GPSearch: [
    ...optionsObject('GPSearch', (o) => new GPSearch(bad(o)), { nStartup: 3 }),
    ['nCandidates: 0', () => new GPSearch({ nCandidates: 0 }), 'nCandidates', '0'],
    ['maxFitTrials: 1.5', () => new GPSearch({ maxFitTrials: 1.5 }), 'maxFitTrials', '1.5'],
  ],
  ...prefixed(
    'GPSearch',
    searcherRows(() => new GPSearch()),
  ),
  AutoSearch: [
    ...optionsObject('AutoSearch', (o) => new AutoSearch(bad(o)), { maxGPTrial: 3 }),
    ['maxGPTrials: -1', () => new AutoSearch({ maxGPTrials: -1 }), 'maxGPTrials', '-1'],
    ['maxCategoricalShare: 2', () => new AutoSearch({ maxCategoricalShare: 2 }), 'maxCategoricalShare', '2'],
    ['gp: { nCandidates: 0 }', () => new AutoSearch({ gp: { nCandidates: 0 } }), 'gp.nCandidates', '0'],
    ['tpe: { nStartup: 3 }', () => new AutoSearch({ tpe: bad({ nStartup: 3 }) }), 'tpe.nStartup', '3'],
  ],
  ...prefixed(
    'AutoSearch',
    searcherRows(() => new AutoSearch()),
  ),
  FIFOScheduler: optionsObject('FIFOScheduler', (o) => new FIFOScheduler(bad(o)), { maxT: 5 }),
  'FIFOScheduler.setup': setupRows(() => new FIFOScheduler()),
  ASHAScheduler: [
    ...optionsObject('ASHAScheduler', (o) => new ASHAScheduler(bad(o)), { maxt: 5 }),
    ['maxT: 0', () => new ASHAScheduler({ maxT: 0 }), 'maxT', '0'],
    ['gracePeriod: 20 > maxT', () => new ASHAScheduler({ maxT: 10, gracePeriod: 20 }), 'gracePeriod', '20'],
    ['brackets: 1.5', () => new ASHAScheduler({ brackets: 1.5 }), 'brackets', '1.5'],
    ["timeAttr: ''", () => new ASHAScheduler({ timeAttr: '' }), 'timeAttr', '""'],
  ],
  'ASHAScheduler.setup': setupRows(() => new ASHAScheduler()),
  HyperBandScheduler: [
    ...optionsObject('HyperBandScheduler', (o) => new HyperBandScheduler(bad(o)), { reductionfactor: 2 }),
    ['maxT: 0.5', () => new HyperBandScheduler({ maxT: 0.5 }), 'maxT', '0.5'],
    ['reductionFactor: NaN', () => new HyperBandScheduler({ reductionFactor: Number.NaN }), 'reductionFactor', 'NaN'],
  ],
  'HyperBandScheduler.setup': setupRows(() => new HyperBandScheduler()),
  MedianStoppingRule: [
    ...optionsObject('MedianStoppingRule', (o) => new MedianStoppingRule(bad(o)), { gracePeriods: 2 }),
    ['minSamplesRequired: 0', () => new MedianStoppingRule({ minSamplesRequired: 0 }), 'minSamplesRequired', '0'],
    ["hardStop: 'no'", () => new MedianStoppingRule({ hardStop: bad('no') }), 'hardStop', '"no"'],
  ],
  'MedianStoppingRule.setup': setupRows(() => new MedianStoppingRule()),
  PopulationBasedTraining: [
    ...optionsObject('PopulationBasedTraining', (o) => new PopulationBasedTraining(bad(o)), { hyperParamMutations: 1 }),
    ['PopulationBasedTraining(undefined)', () => new PopulationBasedTraining(bad(undefined)), 'hyperparamMutations', 'undefined'],
    [
      'hyperparamMutations.lr: 3',
      () => new PopulationBasedTraining({ hyperparamMutations: bad({ lr: 3 }) }),
      'hyperparamMutations.lr',
      '3',
    ],
    ['misspelt key', () => new PopulationBasedTraining(bad({ ...mutations, burnIn: 2 })), 'burnIn', '2'],
    ['perturbationFactors: []', () => new PopulationBasedTraining({ ...mutations, perturbationFactors: [] }), 'perturbationFactors', '[]'],
    ['quantileFraction: 0.6', () => new PopulationBasedTraining({ ...mutations, quantileFraction: 0.6 }), 'quantileFraction', '0.6'],
  ],
  'PopulationBasedTraining.setup': setupRows(() => new PopulationBasedTraining(mutations)),
  JsonlTracker: [
    ["JsonlTracker('')", () => new JsonlTracker(''), 'dir', '""'],
    ['JsonlTracker(5)', () => new JsonlTracker(bad(5)), 'dir', '5'],
    ['JsonlTracker(undefined)', () => new JsonlTracker(bad(undefined)), 'dir', 'undefined'],
  ],
  CsvTracker: [
    ...optionsObject('CsvTracker', (o) => new CsvTracker(dir, bad(o)), { resultIntervalMs: 0 }),
    ["CsvTracker('')", () => new CsvTracker(''), 'dir', '""'],
    ['resultsIntervalMs: -1', () => new CsvTracker(dir, { resultsIntervalMs: -1 }), 'resultsIntervalMs', '-1'],
  ],
  TensorBoardTracker: [
    ...optionsObject('TensorBoardTracker', (o) => new TensorBoardTracker(dir, bad(o)), { clock: 5 }),
    ['TensorBoardTracker(null)', () => new TensorBoardTracker(bad(null)), 'dir', 'null'],
    ['now: 5', () => new TensorBoardTracker(dir, { now: bad(5) }), 'now', '5'],
  ],
  ConsoleReporter: [
    ...optionsObject('ConsoleReporter', (o) => new ConsoleReporter(bad(o)), { interval: 5 }),
    ['stream: {}', () => new ConsoleReporter({ stream: bad({}) }), 'stream', '{}'],
    ["intervalMs: 'x'", () => new ConsoleReporter({ intervalMs: bad('x') }), 'intervalMs', '"x"'],
  ],
  RedisExecutor: [
    ...optionsObject('RedisExecutor', (o) => new RedisExecutor(bad(o)), { conection: 7 }),
    ['connection: http://h', () => new RedisExecutor({ connection: bad('http://h') }), 'connection', '"http://h"'],
    ['maxDataMb: 0', () => new RedisExecutor({ connection: 'redis://h', maxDataMb: 0 }), 'maxDataMb', '0'],
  ],
  RedisWorker: [
    ...optionsObject('RedisWorker', (o) => new RedisWorker(bad(o)), { conection: 7 }),
    ['connection: 5', () => new RedisWorker({ connection: bad(5) }), 'connection', '5'],
    ['concurrency: 0', () => new RedisWorker({ connection: 'redis://h', concurrency: 0 }), 'concurrency', '0'],
  ],
  MLflowTracker: [
    ...optionsObject('MLflowTracker', (o) => new MLflowTracker(bad(o)), { trackinUri: 7 }),
    ['trackingUri: 5', () => new MLflowTracker({ trackingUri: bad(5) }), 'trackingUri', '5'],
    ['maxBufferedItems: 0', () => new MLflowTracker({ trackingUri: server, maxBufferedItems: 0 }), 'maxBufferedItems', '0'],
    ['retry: []', () => new MLflowTracker({ trackingUri: server, retry: bad([]) }), 'retry', '[]'],
    ['tags: { team: 3 }', () => new MLflowTracker({ trackingUri: server, tags: bad({ team: 3 }) }), 'tags.team', '3'],
  ],
  createLogger: [
    ...optionsObject('createLogger', (o) => createLogger(bad(o)), { levle: 4 }),
    ["level: 'loud'", () => createLogger({ level: bad('loud') }), 'level', '"loud"'],
    ['sink: 5', () => createLogger({ sink: bad(5) }), 'sink', '5'],
  ],
  TrialStopSignal: [["TrialStopSignal('halt')", () => new TrialStopSignal(bad('halt')), 'decision', '"halt"']],
  uniform: [
    ['uniform(3, 1)', () => uniform(3, 1), 'uniform', 'low=3'],
    ["uniform('a', 1)", () => uniform(bad('a'), 1), 'uniform', '"a"'],
  ],
  loguniform: [['loguniform(0, 1)', () => loguniform(0, 1), 'loguniform', 'low=0']],
  quniform: [['quniform(0, 1, 0)', () => quniform(0, 1, 0), 'quniform', 'q=0']],
  qloguniform: [['qloguniform(0, 1, 1)', () => qloguniform(0, 1, 1), 'qloguniform', 'low=0']],
  randint: [['randint(1.5, 3)', () => randint(1.5, 3), 'randint', 'low=1.5']],
  qrandint: [['qrandint(0, 10, 0)', () => qrandint(0, 10, 0), 'qrandint', 'q=0']],
  lograndint: [['lograndint(0, 10)', () => lograndint(0, 10), 'lograndint', 'low=0']],
  randn: [['randn(0, -1)', () => randn(0, -1), 'randn', 'sd=-1']],
  choice: [
    ['choice(null)', () => choice(bad(null)), 'choice', 'values=null'],
    ['choice({})', () => choice(bad({})), 'choice', 'values={}'],
  ],
  grid: [["grid('x')", () => grid(bad('x')), 'grid', 'values="x"']],
  validateSpace: [
    ['validateSpace(null)', () => validateSpace(null), 'space', 'null'],
    ['validateSpace([1])', () => validateSpace([1]), 'space', '[1]'],
    ['a bad domain inside', () => validateSpace({ lr: { $domain: 'uniform', low: 2, high: 1 } }), 'space.lr', 'low=2'],
  ],
  'Tuner.restore': [
    ...optionsObject('Tuner.restore', (o) => Tuner.restore(dir, bad(o)), { retryErored: true }),
    ['dir: 5', () => Tuner.restore(bad(5)), 'dir', '5'],
    ['dir without a journal', () => Tuner.restore(dir), 'dir', join(dir, 'experiment.jsonl')],
    ["retryErrored: 'yes'", () => Tuner.restore(dir, { retryErrored: bad('yes') }), 'retryErrored', '"yes"'],
    ['concurrency: 0', () => Tuner.restore(dir, { concurrency: 0 }), 'concurrency', '0'],
    ['stopGraceMs: -1', () => Tuner.restore(dir, { stopGraceMs: -1 }), 'stopGraceMs', '-1'],
    ['handleSignals: 1', () => Tuner.restore(dir, { handleSignals: bad(1) }), 'handleSignals', '1'],
    ['search: {}', () => Tuner.restore(dir, { search: bad({}) }), 'search', '{}'],
  ],
  spaceFromJSON: [
    ["spaceFromJSON('{')", () => spaceFromJSON('{'), 'space', '"{"'],
    ['spaceFromJSON(5)', () => spaceFromJSON(5), 'space', '5'],
  ],
  spaceToJSON: [['spaceToJSON(null)', () => spaceToJSON(bad(null)), 'space', 'null']],
  flattenConfig: [
    ['flattenConfig(null)', () => flattenConfig(bad(null)), 'config', 'null'],
    ['flattenConfig([1])', () => flattenConfig(bad([1])), 'config', '[1]'],
    ["flattenConfig({}, 'lr')", () => flattenConfig({}, 'lr'), 'space', '"lr"'],
  ],
}

/** The error classes: constructing one is how an error is made, so any message and field go. */
const ERROR_CLASS = 'an error class: it takes any message and field; the rows above check what is thrown with it'
/** Hooks the Tuner (or a Study) calls, per trial or per report, with the trials and results it built. */
const HOOKS = 'hooks called with the TrialInfo and Result objects the Tuner or Study built; not checked per report'

const EXEMPT: Record<string, string> = {
  HyperpoolError: ERROR_CLASS,
  ConfigError: ERROR_CLASS,
  SpaceError: ERROR_CLASS,
  DataError: ERROR_CLASS,
  TrialError: ERROR_CLASS,
  DivergedError: ERROR_CLASS,
  ResultError: ERROR_CLASS,
  ReportError: ERROR_CLASS,
  WorkerError: ERROR_CLASS,
  TrackerError: ERROR_CLASS,
  JournalError: ERROR_CLASS,
  'Tuner.fit': 'takes no arguments; a second fit() is refused by state, not input',
  'Tuner.events': 'takes no arguments',
  'Tuner.name': 'a getter',
  'Tuner.dir': 'a getter',
  'Study.ask': 'takes no arguments',
  'Study.results': 'a getter',
  'Study.running': 'a getter',
  'ResultGrid.errors': 'a getter',
  'ResultGrid.rows': 'takes no arguments',
  'ResultGrid.toCSV': 'takes no arguments',
  'GridSearch.size': 'a getter; before setup() it is refused by state, not input',
  'GridSearch.*': HOOKS,
  'RandomSearch.*': HOOKS,
  'TPESearch.*': HOOKS,
  'GPSearch.*': HOOKS,
  'AutoSearch.*': `${HOOKS}; choice is a getter`,
  'FIFOScheduler.*': 'its hooks but setup do nothing with their arguments',
  'ASHAScheduler.*': `${HOOKS}; cutoff() takes the scores the scheduler recorded`,
  'HyperBandScheduler.*': `${HOOKS}; choose() is given the Tuner's own queues`,
  'MedianStoppingRule.*': HOOKS,
  'PopulationBasedTraining.*': `${HOOKS}; choose() and beforeResume() are given the Tuner's own trials`,
  'JsonlTracker.*': `tracker ${HOOKS} (and their TypeScript-private helpers)`,
  'CsvTracker.*': `tracker ${HOOKS} (and their TypeScript-private helpers)`,
  'TensorBoardTracker.*': `tracker ${HOOKS} (and their TypeScript-private helpers)`,
  'ConsoleReporter.*': `tracker ${HOOKS} (and their TypeScript-private helpers)`,
  'MLflowTracker.*': `tracker ${HOOKS}`,
  'RedisExecutor.open': "the Tuner's call, with the setup it checked; tests/workers/redis/ run it against Redis",
  'RedisExecutor.code': 'a getter; tests/tuner/resume-code.test.ts checks it',
  'RedisWorker.experiments': 'a getter',
  'RedisWorker.close': 'takes no arguments',
}

/** `{ setup: rows }` as `{ 'Owner.setup': rows }`. */
function prefixed(owner: string, rows: Record<string, Row[]>): Record<string, Row[]> {
  return Object.fromEntries(Object.entries(rows).map(([method, list]) => [`${owner}.${method}`, list]))
}

/** True for a class (rather than a factory function). */
function isClass(value: unknown): value is { prototype: object } {
  return typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value))
}

/** Every method, getter and static of an exported class, as `Class.name`. */
function membersOf(name: string, value: { prototype: object }): string[] {
  const own = Object.getOwnPropertyNames(value.prototype).filter((key) => key !== 'constructor')
  const statics = Object.getOwnPropertyNames(value).filter((key) => !['length', 'name', 'prototype'].includes(key))
  return [...own, ...statics].map((key) => `${name}.${key}`)
}

/** What `call` threw, or how its promise rejected; undefined when it did neither. */
async function failure(call: () => unknown): Promise<unknown> {
  try {
    await call()
  } catch (error) {
    return error
  }
  return undefined
}

describe('the public API, walked with bad input', () => {
  const exported = Object.entries(api).filter(([, value]) => typeof value === 'function')

  it('has rows or a reason for every runtime export, method and static', () => {
    const members = exported.flatMap(([name, value]) => (isClass(value) && EXEMPT[name] !== ERROR_CLASS ? membersOf(name, value) : []))
    const missing = [...exported.map(([name]) => name), ...members].filter((key) => {
      const owner = key.split('.')[0] as string
      return ROWS[key] === undefined && EXEMPT[key] === undefined && (!key.includes('.') || EXEMPT[`${owner}.*`] === undefined)
    })
    expect(missing).toEqual([])
    // Rows and exemptions for names that are no longer exported are stale.
    const known = new Set([...exported.map(([name]) => name), ...members])
    const stale = [...Object.keys(ROWS), ...Object.keys(EXEMPT)].filter((key) => !key.endsWith('.*') && !known.has(key))
    expect(stale).toEqual([])
  })

  const rows = Object.entries(ROWS).flatMap(([owner, list]) => list.map((row) => [owner, ...row] as const))

  it.each(rows)('%s: %s throws a HyperpoolError naming the field and showing the value', async (_owner, _what, call, field, shows) => {
    const error = await failure(call)
    expect(error).toBeInstanceOf(HyperpoolError)
    expect(field).not.toBe('')
    expect((error as HyperpoolError).field).toBe(field)
    expect((error as Error).message).toContain(shows)
  })
})
