import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ASHAScheduler,
  ConfigError,
  ConsoleReporter,
  CsvTracker,
  DataError,
  FIFOScheduler,
  HyperBandScheduler,
  type HyperpoolError,
  JsonlTracker,
  MedianStoppingRule,
  MLflowTracker,
  PopulationBasedTraining,
  RandomSearch,
  Study,
  TensorBoardTracker,
  TPESearch,
  Tuner,
  uniform,
} from '../../src/index.ts'
import { TUNER_OPTIONS } from '../../src/tuner/options.ts'
import { BEHAVIOURS, fixtureTuner } from '../helpers.ts'
import {
  check,
  expectTyped,
  type FieldMatch,
  junk,
  notBoolean,
  notIntegerFrom,
  notNumber,
  thrownBy,
  unknownKey,
  withKey,
} from './harness.ts'

/** A malformed value for one option, the error class it must give and how its field must be named. */
interface Bad {
  readonly key: string
  readonly values: fc.Arbitrary<unknown>
  readonly kind?: new (...args: never[]) => HyperpoolError
  readonly field?: FieldMatch
}

const notString = junk.filter((value) => typeof value !== 'string' && value !== null)
const notPositiveNumber = fc.oneof(
  notNumber.filter((value) => value !== null),
  fc.constantFrom(0, -1, Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY),
)
const notObject = junk.filter((value) => value !== null && (typeof value !== 'object' || Array.isArray(value)))
const notFunction = junk.filter((value) => typeof value !== 'function' && value !== null)
const noPlugin = junk.filter((value) => value !== null)
const notOneOf = (...allowed: unknown[]) => junk.filter((value) => value !== null && !allowed.includes(value))

/** Cases for an owner: each option with its malformed values, plus unknown option names. */
function cases(bad: readonly Bad[], known: readonly string[]): fc.Arbitrary<{ key: string; value: unknown; spec: Bad }> {
  const one = fc.oneof(...bad.map((spec) => spec.values.map((value) => ({ key: spec.key, value, spec }))))
  const unknown = unknownKey(known).chain((key) =>
    fc.integer().map((value) => ({ key, value: value as unknown, spec: { key, values: fc.constant(value) } as Bad })),
  )
  return fc.oneof({ weight: 4, arbitrary: one }, { weight: 1, arbitrary: unknown })
}

/** Checks `count` cases: building `make(options with key = value)` must throw the spec's error naming the key. */
function property(
  base: Record<string, unknown>,
  bad: readonly Bad[],
  known: readonly string[],
  count: number,
  make: (options: Record<string, unknown>) => unknown,
  field: (key: string) => FieldMatch = (key) => ({ word: key }),
): number {
  return check(cases(bad, known), count, ({ key, value, spec }) => {
    expectTyped(
      thrownBy(() => make(withKey(base, key, value))),
      spec.kind ?? ConfigError,
      spec.field ?? field(key),
    )
  })
}

const TUNER_BAD: readonly Bad[] = [
  { key: 'trainable', values: fc.oneof(notString, fc.constantFrom('', '.', '/', 'no/such/file.ts', 'http://example.com/t.js')) },
  { key: 'metric', values: fc.oneof(notString, fc.constant('')) },
  { key: 'mode', values: notOneOf('min', 'max') },
  { key: 'search', values: noPlugin },
  { key: 'scheduler', values: noPlugin },
  { key: 'numSamples', values: notIntegerFrom(1) },
  { key: 'concurrency', values: notIntegerFrom(1) },
  {
    key: 'data',
    values: fc.constantFrom(new Date(0), new Map(), () => 1, new DataView(new ArrayBuffer(2))),
    kind: DataError,
    field: { prefix: 'data' },
  },
  {
    key: 'trackers',
    values: fc.oneof(
      notObject.filter((v) => !Array.isArray(v)),
      junk.filter((v) => v === null || typeof v !== 'object').map((v) => [v]),
    ),
  },
  {
    key: 'storageDir',
    values: fc.oneof(
      notString.filter((value) => value !== false),
      fc.constant(''),
    ),
  },
  { key: 'seed', values: fc.oneof(notIntegerFrom(0), fc.constantFrom(2 ** 32, 2 ** 40)) },
  { key: 'reproducible', values: notBoolean },
  {
    key: 'stop',
    values: fc.oneof(
      notObject,
      notIntegerFrom(1).map((maxIterations) => ({ maxIterations })),
      notPositiveNumber.map((timeBudgetS) => ({ timeBudgetS })),
      fc.constant({ epochs: 3 }),
    ),
  },
  { key: 'maxFailures', values: notIntegerFrom(0) },
  { key: 'failFast', values: notBoolean },
  { key: 'signal', values: junk.filter((value) => value !== null) },
  { key: 'maxHeapMb', values: notIntegerFrom(16) },
  { key: 'trialTimeoutS', values: fc.oneof(notPositiveNumber, fc.constant(3e6)) },
  { key: 'metricCheck', values: notOneOf('error', 'warn') },
  { key: 'logger', values: junk.filter((value) => value !== null) },
  { key: 'logLevel', values: notOneOf('debug', 'info', 'warn', 'error', 'silent') },
  { key: 'stopGraceMs', values: fc.oneof(notIntegerFrom(0), fc.constant(2 ** 31)) },
  { key: 'handleSignals', values: notBoolean },
  { key: 'name', values: fc.oneof(notString, fc.constantFrom('', '.', '..', 'a/b', '../up', 'sp ace', '__proto__/x')) },
]

const TPE_BAD: readonly Bad[] = [
  { key: 'nStartupTrials', values: notIntegerFrom(0) },
  { key: 'nEiCandidates', values: notIntegerFrom(1) },
  { key: 'gamma', values: notFunction },
  { key: 'weights', values: notFunction },
  { key: 'multivariate', values: notBoolean },
  { key: 'constantLiar', values: notBoolean },
  { key: 'priorWeight', values: notPositiveNumber },
  { key: 'multivariateBandwidth', values: notOneOf('neighbours', 'scott') },
  { key: 'bandwidthFactor', values: notPositiveNumber },
  { key: 'considerMagicClip', values: notBoolean },
  { key: 'magicClipCount', values: notOneOf('estimator', 'geometric') },
  { key: 'considerEndpoints', values: notBoolean },
]

const notTimeAttr = fc.oneof(notString, fc.constant(''))
const ASHA_BAD: readonly Bad[] = [
  { key: 'timeAttr', values: notTimeAttr },
  { key: 'maxT', values: notPositiveNumber },
  { key: 'gracePeriod', values: fc.oneof(notPositiveNumber, fc.constant(1000)) },
  { key: 'reductionFactor', values: fc.oneof(notPositiveNumber, fc.constantFrom(1, 0.5)) },
  { key: 'brackets', values: notIntegerFrom(1) },
]
const HYPERBAND_BAD: readonly Bad[] = [
  { key: 'timeAttr', values: notTimeAttr },
  { key: 'maxT', values: notPositiveNumber },
  { key: 'reductionFactor', values: fc.oneof(notPositiveNumber, fc.constantFrom(1, 0.5)) },
]
const MEDIAN_BAD: readonly Bad[] = [
  { key: 'timeAttr', values: notTimeAttr },
  {
    key: 'gracePeriod',
    values: fc.oneof(
      notNumber.filter((v) => v !== null),
      fc.constantFrom(-1, Number.NaN, Number.POSITIVE_INFINITY),
    ),
  },
  { key: 'minSamplesRequired', values: notIntegerFrom(1) },
  { key: 'hardStop', values: notBoolean },
]
const PBT_BAD: readonly Bad[] = [
  { key: 'hyperparamMutations', values: fc.oneof(notObject, fc.constant({}), fc.constant({ lr: 'x' }), fc.constant({ lr: [] })) },
  { key: 'timeAttr', values: notTimeAttr },
  { key: 'perturbationInterval', values: notPositiveNumber },
  {
    key: 'burnInPeriod',
    values: fc.oneof(
      notNumber.filter((v) => v !== null),
      fc.constantFrom(-1, Number.NaN),
    ),
  },
  {
    key: 'quantileFraction',
    values: fc.oneof(
      notNumber.filter((v) => v !== null),
      fc.constantFrom(-0.1, 0.6, 1, Number.NaN),
    ),
  },
  {
    key: 'resampleProbability',
    values: fc.oneof(
      notNumber.filter((v) => v !== null),
      fc.constantFrom(-0.1, 1.1, Number.NaN),
    ),
  },
  { key: 'perturbationFactors', values: fc.oneof(notObject, fc.constant([]), fc.constant([0]), fc.constant(['x'])) },
]

const MLFLOW_BAD: readonly Bad[] = [
  { key: 'trackingUri', values: fc.oneof(notString, fc.constantFrom('', 'ftp://x', 'not a url', 'http://h/?q=1')) },
  { key: 'token', values: notString },
  { key: 'experimentName', values: fc.oneof(notString, fc.constant('')) },
  { key: 'tags', values: fc.oneof(notObject, fc.constant({ a: 1 })) },
  { key: 'maxBufferedItems', values: notPositiveNumber },
  {
    key: 'flushTimeoutMs',
    values: fc.oneof(
      notNumber.filter((v) => v !== null),
      fc.constantFrom(-1, 30_000, Number.NaN),
    ),
  },
  { key: 'requestTimeoutMs', values: notPositiveNumber },
  { key: 'retry', values: fc.oneof(notObject, fc.constant({ baseDelayMs: 0 }), fc.constant({ baseDelayMs: 10, maxDelayMs: 5 })) },
  { key: 'maxParamValueLength', values: notPositiveNumber },
  { key: 'skipNonFinite', values: notBoolean },
  { key: 'logger', values: junk.filter((value) => value !== null && value !== undefined) },
  { key: 'random', values: notFunction },
  { key: 'fetch', values: notFunction },
]

const MLFLOW_KNOWN = [...MLFLOW_BAD.map((b) => b.key)]

describe('malformed options (property)', () => {
  it('Tuner: every malformed option gives a typed error naming it', () => {
    const base = { trainable: BEHAVIOURS, space: { behaviour: 'final' }, metric: 'loss' }
    expect(property(base, TUNER_BAD, Object.keys(TUNER_OPTIONS.schema), 500, (options) => fixtureTuner(options as never))).toBe(500)
  })

  it('Tuner: options that are not an object', () => {
    expect(
      check(
        junk.filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)),
        30,
        (options) => {
          expectTyped(
            thrownBy(() => new Tuner(options as never)),
            ConfigError,
            { word: 'options' },
          )
        },
      ),
    ).toBe(30)
  })

  it('Study: every malformed option gives a typed error naming it', () => {
    const bad = TUNER_BAD.filter((b) => ['metric', 'mode', 'search', 'seed', 'numSamples'].includes(b.key))
    const known = ['space', 'metric', 'mode', 'search', 'seed', 'numSamples']
    expect(property({ space: { x: uniform(0, 1) }, metric: 'loss' }, bad, known, 150, (options) => new Study(options as never))).toBe(150)
  })

  it('TPESearch: every malformed option gives a typed error naming it', () => {
    const known = TPE_BAD.map((b) => b.key)
    expect(property({}, TPE_BAD, known, 150, (options) => new TPESearch(options as never))).toBe(150)
  })

  it('searchers: a malformed setup gives a typed error naming the field', () => {
    const setup = { space: { x: uniform(0, 1) }, metric: 'loss', mode: 'min', seed: 1, numSamples: 5 }
    const bad: readonly Bad[] = [
      { key: 'seed', values: fc.oneof(notIntegerFrom(0), fc.constant(2 ** 32)) },
      { key: 'numSamples', values: notIntegerFrom(1) },
    ]
    const searchers = [() => new RandomSearch(), () => new TPESearch()]
    let ran = 0
    for (const make of searchers) {
      ran += check(fc.oneof(...bad.map((spec) => spec.values.map((value) => ({ spec, value })))), 40, ({ spec, value }) => {
        expectTyped(
          thrownBy(() => make().setup(withKey(setup, spec.key, value) as never)),
          ConfigError,
          { word: spec.key },
        )
      })
      ran += check(
        junk.filter((v) => v === null || typeof v !== 'object'),
        10,
        (value) => {
          expectTyped(
            thrownBy(() => make().setup(value as never)),
            ConfigError,
            { word: 'options' },
          )
        },
      )
    }
    expect(ran).toBe(100)
  })

  it('schedulers: every malformed option gives a typed error naming it', () => {
    const pbtBase = { hyperparamMutations: { lr: uniform(0, 1) } }
    let ran = 0
    ran += property(
      {},
      ASHA_BAD,
      ASHA_BAD.map((b) => b.key),
      80,
      (o) => new ASHAScheduler(o as never),
    )
    ran += property(
      {},
      HYPERBAND_BAD,
      HYPERBAND_BAD.map((b) => b.key),
      60,
      (o) => new HyperBandScheduler(o as never),
    )
    ran += property(
      {},
      MEDIAN_BAD,
      MEDIAN_BAD.map((b) => b.key),
      60,
      (o) => new MedianStoppingRule(o as never),
    )
    ran += property(
      pbtBase,
      PBT_BAD,
      PBT_BAD.map((b) => b.key),
      80,
      (o) => new PopulationBasedTraining(o as never),
    )
    expect(ran).toBe(280)
  })

  it('schedulers: a malformed setup gives a typed error naming the field', () => {
    const makers = [
      () => new FIFOScheduler(),
      () => new ASHAScheduler(),
      () => new HyperBandScheduler(),
      () => new MedianStoppingRule(),
      () => new PopulationBasedTraining({ hyperparamMutations: { lr: uniform(0, 1) } }),
    ]
    const bad: readonly Bad[] = [
      { key: 'metric', values: fc.oneof(notString, fc.constant('')) },
      { key: 'mode', values: notOneOf('min', 'max') },
      { key: 'seed', values: fc.oneof(notIntegerFrom(0), fc.constant(2 ** 32)) },
    ]
    const one = fc
      .oneof(...bad.map((spec) => spec.values.map((value) => ({ spec, value }))))
      .chain((c) => fc.constantFrom(...makers).map((make) => ({ ...c, make })))
    expect(
      check(one, 100, ({ make, spec, value }) => {
        expectTyped(
          thrownBy(() => make().setup(withKey({ metric: 'loss', mode: 'min', seed: 1 }, spec.key, value) as never)),
          ConfigError,
          { word: spec.key },
        )
      }),
    ).toBe(100)
  })

  it('trackers: every malformed option gives a typed error naming it', () => {
    let ran = 0
    ran += check(fc.oneof(notString, fc.constant('')), 20, (dir) => {
      for (const make of [
        (d: unknown) => new JsonlTracker(d as string),
        (d: unknown) => new CsvTracker(d as string),
        (d: unknown) => new TensorBoardTracker(d as string),
      ]) {
        expectTyped(
          thrownBy(() => make(dir)),
          ConfigError,
          { word: 'dir' },
        )
      }
    })
    ran += property(
      {},
      [
        {
          key: 'resultsIntervalMs',
          values: fc.oneof(
            notNumber.filter((v) => v !== null),
            fc.constantFrom(-1, Number.NaN),
          ),
        },
      ],
      ['resultsIntervalMs'],
      25,
      (o) => new CsvTracker('runs/x', o as never),
    )
    ran += property({}, [{ key: 'now', values: notFunction }], ['now'], 20, (o) => new TensorBoardTracker('runs/x', o as never))
    ran += property(
      {},
      [
        { key: 'stream', values: junk.filter((v) => v !== null && v !== undefined) },
        {
          key: 'intervalMs',
          values: fc.oneof(
            notNumber.filter((v) => v !== null),
            fc.constantFrom(-1, Number.NaN),
          ),
        },
      ],
      ['stream', 'intervalMs'],
      35,
      (o) => new ConsoleReporter(o as never),
    )
    ran += property({ trackingUri: 'http://127.0.0.1:5000' }, MLFLOW_BAD, MLFLOW_KNOWN, 120, (o) => new MLflowTracker(o as never))
    ran += check(
      junk.filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)),
      20,
      (options) => {
        for (const make of [
          (o: unknown) => new ConsoleReporter(o as never),
          (o: unknown) => new CsvTracker('runs/x', o as never),
          (o: unknown) => new TensorBoardTracker('runs/x', o as never),
          (o: unknown) => new MLflowTracker(o as never),
        ]) {
          if (options === undefined) continue
          expectTyped(
            thrownBy(() => make(options)),
            ConfigError,
            { word: 'options' },
          )
        }
      },
    )
    expect(ran).toBe(240)
  })
})
