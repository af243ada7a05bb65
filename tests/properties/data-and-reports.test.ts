import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DataError, HyperpoolError, ReportError, Study, uniform } from '../../src/index.ts'
import { MAX_DEPTH } from '../../src/storable.ts'
import { checkMetrics } from '../../src/workers/check-metrics.ts'
import { shareData } from '../../src/workers/shared-data.ts'
import { answeredContext, fixtureTuner } from '../helpers.ts'
import { check, checkAsync, expectTyped, rejectionOf, thrownBy } from './harness.ts'

/** Metric and data keys, the ones that could reach a prototype included. */
const key = fc.oneof(
  { weight: 5, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,5}$/) },
  fc.constantFrom('__proto__', 'constructor', 'prototype'),
)

/** Where a bad value goes in a generated structure: a path of keys and indexes. */
type Step = { key: string } | { index: number }

/** Puts `leaf` at the end of `steps` inside `root`: a key step goes through a plain object, an index step through an array. Returns the leaf's path. */
function plant(root: Record<string, unknown>, steps: readonly Step[], leaf: unknown, base: string): string {
  let node: Record<string, unknown> | unknown[] = root
  let path = base
  steps.forEach((step, i) => {
    const after = steps[i + 1]
    const child = after === undefined ? leaf : 'key' in after ? {} : []
    if (Array.isArray(node)) {
      node.push(child)
      path += `[${node.length - 1}]`
    } else {
      const name = 'key' in step ? step.key : `list${i}`
      Object.defineProperty(node, name, { value: child, enumerable: true, configurable: true, writable: true })
      path += `.${name}`
    }
    node = child as Record<string, unknown> | unknown[]
  })
  return path
}

const steps = fc.array(
  fc.oneof(
    key.map((k) => ({ key: k }) as Step),
    fc.nat(3).map((index) => ({ index }) as Step),
  ),
  {
    minLength: 1,
    maxLength: 4,
  },
)
/** Steps for data: no array directly inside an array (a list of lists is a matrix, which holds numbers only). */
const dataSteps = steps.filter((path) => path.every((step, i) => 'key' in step || i === 0 || 'key' in (path[i - 1] as Step)))

/** Nesting past MAX_DEPTH, as objects or arrays. */
const tooDeep = fc.boolean().map((arrays) => {
  let deep: unknown = 1
  for (let i = 0; i < MAX_DEPTH + 3; i++) deep = arrays ? [deep] : { d: deep }
  return deep
})
const cycle = fc.constant(null).map(() => {
  const loop: Record<string, unknown> = { a: 1 }
  loop.back = loop
  return loop
})

/** What shareData must refuse: functions, symbols, class instances, DataViews, cycles, nesting past MAX_DEPTH. */
const badData = fc.oneof(
  fc.constantFrom(
    () => 1,
    Symbol('s'),
    new Date(0),
    new Map(),
    new Set([1]),
    new DataView(new ArrayBuffer(4)),
    new Error('e'),
    Promise.resolve(1),
    new (class Model {})(),
  ),
  cycle,
  tooDeep,
)

/** What a report must refuse (NaN, infinities, strings and nested plain values are fine). */
const badMetric = fc.oneof(
  fc.bigInt().map((value) => value as unknown),
  fc.constantFrom(() => 1, Symbol('s'), new Date(0), new Map(), new Float64Array(2), new Error('e'), new (class Model {})()),
  fc.constant([1, undefined]),
  cycle,
  tooDeep,
)

describe('malformed data (property)', () => {
  it('shareData and the Tuner refuse it with a DataError naming the path', () => {
    const cases = fc.record({ steps: dataSteps, leaf: badData, viaTuner: fc.boolean() })
    const ran = check(cases, 400, ({ steps: at, leaf, viaTuner }) => {
      const data: Record<string, unknown> = { X: [[1, 2]], y: new Float64Array(2) }
      const path = plant(data, at, leaf, 'data')
      const error = thrownBy(() => (viaTuner ? fixtureTuner({ space: { behaviour: 'final' }, data }) : shareData(data)))
      expectTyped(error, DataError, { prefix: path })
    })
    expect(ran).toBe(400)
  })

  it('ragged matrices and matrices of non-numbers are refused naming the row or cell', () => {
    const cases = fc.record({
      rows: fc.array(fc.array(fc.double({ noNaN: true }), { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 4 }),
      row: fc.nat(),
      ragged: fc.boolean(),
      cell: fc.constantFrom('1', null, undefined, 1n, {}, [1]),
    })
    const ran = check(cases, 100, ({ rows, row, ragged, cell }) => {
      const i = row % rows.length
      const matrix = rows.map((r) => [...r])
      if (ragged) (matrix[i] as unknown[]).push(1)
      else (matrix[i] as unknown[])[1] = cell
      // A single ragged row-0 matrix is no longer ragged: its one row sets the width.
      const expected = ragged ? `data.M[${i === 0 && matrix.length > 1 ? 1 : i}]` : `data.M[${i}][1]`
      if (ragged && matrix.length === 1) return
      expectTyped(
        thrownBy(() => shareData({ M: matrix })),
        DataError,
        { prefix: expected },
      )
    })
    expect(ran).toBe(100)
  })
})

describe('malformed reports (property)', () => {
  it('checkMetrics refuses every one with a ReportError naming the metric', () => {
    const cases = fc.record({ steps, leaf: badMetric, fine: fc.dictionary(key, fc.oneof(fc.double(), fc.string({ maxLength: 4 }))) })
    const ran = check(cases, 400, ({ steps: at, leaf, fine }) => {
      const metrics: Record<string, unknown> = { ...fine }
      const path = plant(metrics, at, leaf, 'metrics')
      expectTyped(
        thrownBy(() => checkMetrics(metrics, 'ctx.report(metrics)')),
        ReportError,
        { prefix: path },
      )
    })
    expect(ran).toBe(400)
  })

  it('ctx.report rejects every one with a ReportError, and the next report goes through', async () => {
    const cases = fc.record({ steps, leaf: badMetric })
    const ran = await checkAsync(cases, 100, async ({ steps: at, leaf }) => {
      const metrics: Record<string, unknown> = {}
      const path = plant(metrics, at, leaf, 'metrics')
      const { ctx, close } = answeredContext()
      try {
        expectTyped(await rejectionOf(() => ctx.report(metrics)), ReportError, { prefix: path })
        expect(await rejectionOf(() => ctx.report({ loss: 1 }))).toBeUndefined()
      } finally {
        close()
      }
    })
    expect(ran).toBe(100)
  })

  it('Study.report and Study.tell refuse every one, naming the metric, and keep the trial open', () => {
    const cases = fc.record({ steps, leaf: badMetric, tell: fc.boolean() })
    const ran = check(cases, 150, ({ steps: at, leaf, tell }) => {
      const study = new Study({ space: { x: uniform(0, 1) }, metric: 'loss', seed: 1 })
      const trial = study.ask()
      if (trial === null) throw new Error('no trial')
      const metrics: Record<string, unknown> = { loss: 1 }
      const path = plant(metrics, at, leaf, 'metrics')
      const error = thrownBy(() => (tell ? study.tell(trial.trialId, metrics) : study.report(trial.trialId, metrics)))
      expectTyped(error, ReportError, { prefix: path })
      expect(study.running).toEqual([trial.trialId])
    })
    expect(ran).toBe(150)
  })

  it('reports that are not an object of metrics are refused', () => {
    const notMetrics = fc.constantFrom<unknown>(null, [1], 'loss', true, new Map(), () => 1)
    const ran = check(notMetrics, 30, (value) => {
      const error = thrownBy(() => checkMetrics(value, 'ctx.report(metrics)'))
      expectTyped(error, ReportError, { exact: 'metrics' })
      const study = new Study({ space: { x: uniform(0, 1) }, metric: 'loss', seed: 1 })
      const asked = study.ask()
      // Study's own check (ConfigError: not a number or an object) or the report check (ReportError): typed either way.
      expectTyped(
        thrownBy(() => study.report(asked?.trialId ?? 0, value as never)),
        HyperpoolError,
        { word: 'metrics' },
      )
    })
    expect(ran).toBe(30)
  })
})
