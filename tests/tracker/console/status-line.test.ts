import { describe, expect, it } from 'vitest'
import { formatNumber, stateCounts } from '../../../src/format.ts'
import { widthOf } from '../../../src/terminal.ts'
import { formatDuration, type Progress, statusLine } from '../../../src/tracker/console/status-line.ts'

const progress: Progress = {
  states: { running: 2, completed: 10, stopped: 2, errored: 1 },
  target: 64,
  metric: 'loss',
  best: { value: 0.0312, trialId: 7 },
  elapsedMs: 41_200,
}
const wide: Progress = {
  states: { running: 16, completed: 1200, stopped: 34 },
  target: 10_000,
  metric: 'validation_accuracy',
  best: { value: 0.987654321, trialId: 4321 },
  elapsedMs: 3_725_000,
}

describe('statusLine', () => {
  it('shows everything when there is room', () => {
    expect(statusLine(progress)).toBe(
      '[hyperpool] 15/64 trials (2 running, 10 completed, 2 stopped, 1 errored) | best loss=0.0312 (trial 7) | 41.2s',
    )
    expect(statusLine({ ...progress, best: undefined, target: Number.POSITIVE_INFINITY })).toBe(
      '[hyperpool] 15/? trials (2 running, 10 completed, 2 stopped, 1 errored) | no loss yet | 41.2s',
    )
    expect(statusLine({ ...progress, states: {}, best: undefined })).toBe('[hyperpool] 0/64 trials | no loss yet | 41.2s')
  })

  it('counts the trials as the closing summary does: every state but zeros, in its order, in its words', () => {
    // Errored trials count among the trials as stopped ones do; paused ones show too.
    expect(statusLine({ ...progress, states: { errored: 1, paused: 1, stopped: 2, running: 3 } })).toBe(
      '[hyperpool] 7/64 trials (3 running, 1 paused, 2 stopped, 1 errored) | best loss=0.0312 (trial 7) | 41.2s',
    )
    expect(stateCounts({ pending: 0, running: 0, paused: 0, completed: 60, stopped: 2, errored: 2 })).toEqual([
      '60 completed',
      '2 stopped',
      '2 errored',
    ])
  })

  it('shows the size of the Pareto front instead of a best value with several objectives, the names going first', () => {
    const front = { ...progress, metric: 'loss, ms', front: 3 }
    expect(statusLine(front)).toBe('[hyperpool] 15/64 trials (2 running, 10 completed, 2 stopped, 1 errored) | front 3 of loss, ms | 41.2s')
    expect(statusLine(front, 80)).toBe('15/64 trials (2 running, 10 completed, 2 stopped, 1 errored) | front 3 | 41.2s')
  })

  it('leaves out the less telling parts first as the width shrinks', () => {
    expect([99, 90, 79, 50, 40, 30].map((width) => statusLine(progress, width))).toEqual([
      '15/64 trials (2 running, 10 completed, 2 stopped, 1 errored) | best loss=0.0312 (trial 7) | 41.2s',
      '15/64 trials (2 running, 10 completed, 2 stopped, 1 errored) | best loss=0.0312 | 41.2s',
      '15/64 trials (2 running, 10 completed, 2 stopped, 1 errored) | best loss=0.0312',
      '15/64 trials (1 errored) | best loss=0.0312',
      '15/64 (1 errored) | best loss=0.0312',
      '15/64 | best loss=0.0312',
    ])
    expect(statusLine(wide, 79)).toBe('1250/10000 trials | best validation_accuracy=0.987654')
  })

  it('cuts what still does not fit, ending in an ellipsis', () => {
    expect(statusLine(progress, 20)).toBe('15/64 | best loss=0…')
    expect(statusLine(progress, 1)).toBe('…')
    expect(statusLine(progress, 0)).toBe('')
  })

  it('never exceeds the width it is given, at any width', () => {
    for (const p of [progress, wide, { ...wide, best: undefined }]) {
      for (let width = 0; width <= 130; width++) {
        const line = statusLine(p, width)
        expect(widthOf(line), `width ${width}: ${line}`).toBeLessThanOrEqual(width)
        // The count is the last thing to give way.
        if (width >= 30) expect(line).toMatch(/^(\[hyperpool\] )?\d+\/\d+ /)
      }
    }
  })
})

describe('number and time formats', () => {
  it('keeps six significant digits', () => {
    expect(formatNumber(0.031234567)).toBe('0.0312346')
    expect(formatNumber(42)).toBe('42')
    expect(formatNumber(Number.NaN)).toBe('NaN')
  })

  it('writes seconds, minutes or hours', () => {
    expect(formatDuration(41_234)).toBe('41.2s')
    expect(formatDuration(185_000)).toBe('3m05s')
    expect(formatDuration(3_729_000)).toBe('1h02m09s')
    expect(formatDuration(-5)).toBe('0.0s')
  })
})
