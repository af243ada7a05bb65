import { describe, expect, it } from 'vitest'
import { countOf, firstLine, idList, stateCounts } from '../src/format.ts'

describe('countOf', () => {
  it('puts the noun in the plural unless the count is 1, with an irregular plural when given', () => {
    expect(countOf(1, 'running trial')).toBe('1 running trial')
    expect(countOf(0, 'thread')).toBe('0 threads')
    expect(countOf(3, 'thread')).toBe('3 threads')
    expect(countOf(2, 'run status', 'run statuses')).toBe('2 run statuses')
    expect(countOf(1, 'run status', 'run statuses')).toBe('1 run status')
  })
})

describe('stateCounts', () => {
  it("words counts in a trial's life order whatever order they come in, leaving zeros out", () => {
    expect(stateCounts({ errored: 3, completed: 5, pending: 0 })).toEqual(['5 completed', '3 errored'])
    expect(stateCounts({ stopped: 1, paused: 2, running: 1 })).toEqual(['1 running', '2 paused', '1 stopped'])
  })
})

describe('idList', () => {
  it('lists ten ids at most, then says how many more', () => {
    expect(idList([3])).toBe('3')
    expect(idList([3, 8, 17])).toBe('3, 8, 17')
    expect(idList(Array.from({ length: 12 }, (_, i) => i))).toBe('0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 2 more')
  })
})

describe('firstLine', () => {
  it('keeps a short line whole, and says where it left the rest of a text out', () => {
    expect(firstLine('failFast: trial 3 errored')).toBe('failFast: trial 3 errored')
    expect(firstLine('could not be loaded; what it printed:\nloading...\nno GPU')).toBe('could not be loaded; what it printed: …')
    expect(firstLine('x'.repeat(200))).toBe(`${'x'.repeat(159)}…`)
    expect(firstLine('')).toBe('')
  })
})
