import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ResultError } from '../../src/errors.ts'
import { CsvTracker } from '../../src/tracker/csv/csv.ts'
import { ResultGrid } from '../../src/tuner/results.ts'
import type { Result } from '../../src/types.ts'
import { play, result, SCRIPTS, type Script, trialInfo } from '../tracker/story.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hyperpool-results-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The ResultGrid the scripted story ends with. */
function gridOf(scripts: readonly Script[]): ResultGrid {
  const trials = scripts.map((s) => {
    const history: Result[] = s.metrics.map((metrics, i) => result(s.id, i, metrics))
    return trialInfo(s.id, s.config, s.state, history, s.error)
  })
  return new ResultGrid(trials, { metric: 'loss', mode: 'min' })
}

/** A story whose metrics are named like the row's own fields, or like a prototype. */
const AWKWARD: readonly Script[] = [
  { id: 0, config: { lr: 0.1 }, metrics: [{ loss: 1, state: 'mine', error: 'none', ['__proto__']: 5 }], state: 'completed' },
  { id: 1, config: { lr: 0.2 }, metrics: [{ loss: 2, val: { acc: 0.5 } }], state: 'stopped' },
]

describe('ResultGrid rows and CSV', () => {
  it('writes exactly the results.csv that CsvTracker writes, CRLF and all', async () => {
    for (const scripts of [SCRIPTS, AWKWARD]) {
      const out = join(dir, String(scripts.length))
      await play(new CsvTracker(out), scripts)
      expect(gridOf(scripts).toCSV()).toBe(await readFile(join(out, 'results.csv'), 'utf8'))
    }
    expect(gridOf(SCRIPTS).toCSV()).toContain('\r\n')
    expect(gridOf(SCRIPTS).toCSV().replaceAll('\r\n', '')).not.toContain('\n')
  })

  it('never lets a metric overwrite the trial id, state or error', () => {
    const [first, second] = gridOf(AWKWARD).rows()
    expect(first).toMatchObject({ trial_id: 0, state: 'completed', error: null, 'result/state': 'mine', 'result/error': 'none' })
    expect(Object.keys(first ?? {})).toContain('__proto__')
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype)
    expect(second).toMatchObject({ trial_id: 1, state: 'stopped', 'config/lr': 0.2, 'val/acc': 0.5 })
  })

  it('shows an errored trial as name: message', () => {
    const rows = gridOf(SCRIPTS).rows()
    expect(rows[2]?.error).toBe('TrialError: trainable threw: out of patience')
  })

  it('counts a trial that reported and then errored by its reports; a grid of the others leaves it out, as the README shows', () => {
    const scripts: readonly Script[] = [
      { id: 0, config: { lr: 0.1 }, metrics: [{ loss: 2 }], state: 'completed' },
      { id: 1, config: { lr: 0.2 }, metrics: [{ loss: 1 }], state: 'errored', error: new Error('out of memory') },
    ]
    const results = gridOf(scripts)
    expect(results.best().id).toBe(1)
    const others = new ResultGrid(
      results.trials.filter((t) => t.state !== 'errored'),
      { metric: 'loss', mode: 'min' },
    )
    expect(others.best().id).toBe(0)
  })

  it('best() refuses a metric no trial reported', () => {
    expect(() => gridOf(SCRIPTS).best('accuracy')).toThrow(ResultError)
    expect(gridOf(SCRIPTS).best().id).toBe(0)
  })
})

describe('best() and non-finite scores', () => {
  /** Trials whose loss histories are given, in id order. */
  const lossGrid = (histories: number[][], mode: 'min' | 'max' = 'min') =>
    new ResultGrid(
      histories.map((losses, id) =>
        trialInfo(
          id,
          {},
          'completed',
          losses.map((loss, i) => result(id, i, { loss })),
        ),
      ),
      { metric: 'loss', mode },
    )

  it('never picks an infinite score by default, in either mode, with any scope', () => {
    expect(lossGrid([[1], [Number.NEGATIVE_INFINITY], [Number.NaN]]).best().id).toBe(0)
    expect(lossGrid([[1], [Number.POSITIVE_INFINITY]], 'max').best().id).toBe(0)
    // 'all' and 'avg' count a trial's finite values only.
    expect(lossGrid([[3, Number.NEGATIVE_INFINITY], [2]]).best('loss', 'min', 'all').id).toBe(1)
    expect(lossGrid([[3, Number.NEGATIVE_INFINITY, 0.5], [2]]).best('loss', 'min', 'all').id).toBe(0)
    expect(lossGrid([[1, Number.NEGATIVE_INFINITY], [2]]).best('loss', 'min', 'avg').id).toBe(0)
  })

  it('ranks infinities as numbers with { allowInfinite: true }', () => {
    expect(lossGrid([[1], [Number.NEGATIVE_INFINITY]]).best('loss', 'min', 'last', { allowInfinite: true }).id).toBe(1)
  })

  it('guesses a misspelt metric from the metrics the trials reported', () => {
    expect(() => lossGrid([[1], [2]]).best('los')).toThrow(
      /^best\("los"\): no trial reported a numeric "los" \(of 2 trials\) \(did you mean loss\?\)$/,
    )
    // No guess from the bookkeeping every result carries, nor from a name too far from any metric.
    expect(() => lossGrid([[1]]).best('trial_idx')).toThrow(/\(of 1 trial\)$/)
    expect(() => lossGrid([[1]]).best('accuracy')).toThrow(/\(of 1 trial\)$/)
  })

  it('says when only infinite scores were skipped, and how to count them', () => {
    expect(() => lossGrid([[Number.NEGATIVE_INFINITY]]).best()).toThrow(
      /^best\("loss"\): no trial reported a numeric "loss" \(of 1 trial; 1 only infinite, which count with best\(metric, mode, scope, \{ allowInfinite: true \}\)\)$/,
    )
  })

  it('checks its options', () => {
    expect(() => lossGrid([[1]]).best('loss', 'min', 'last', { allowInfinite: 1 as unknown as boolean })).toThrow(
      /^ResultGrid\.best\(\{ allowInfinite \}\): must be a boolean, got 1$/,
    )
    expect(() => lossGrid([[1]]).best('loss', 'min', 'last', { infinite: true } as object)).toThrow(
      /^ResultGrid\.best\(\{ infinite \}\): unknown option/,
    )
  })
})

describe('a ResultGrid printed with console.log', () => {
  it('shows a few lines whatever the trial count: states, objectives, the best trial, whether it ended early', () => {
    expect(inspect(gridOf(AWKWARD))).toBe(
      [
        'ResultGrid {',
        '  trials: 2 trials (1 completed, 1 stopped), in .trials',
        '  objectives: loss (min)',
        '  best: trial 0, loss=1, in .best()',
        '  interrupted: false',
        '}',
      ].join('\n'),
    )
    const none = new ResultGrid([trialInfo(0, {}, 'errored', [], undefined)], { metric: 'loss', mode: 'min', interrupted: true })
    expect(inspect(none)).toContain('  best: none (no trial reported a number for "loss")\n  interrupted: true\n}')
    const two = new ResultGrid([trialInfo(0, {}, 'completed', [result(0, 0, { a: 1, b: 2 })], undefined)], {
      metric: ['a', 'b'],
      mode: ['min', 'max'],
    })
    expect(inspect(two)).toContain('  objectives: a (min), b (max)\n  front: 1 trial, in .paretoFront()\n')
    expect(inspect({ deep: { deeper: { grid: two } } })).toContain('grid: [ResultGrid]')
  })
})
