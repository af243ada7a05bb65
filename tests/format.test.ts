import { describe, expect, it } from 'vitest'
import { countOf } from '../src/format.ts'

describe('countOf', () => {
  it('puts the noun in the plural unless the count is 1, with an irregular plural when given', () => {
    expect(countOf(1, 'running trial')).toBe('1 running trial')
    expect(countOf(0, 'thread')).toBe('0 threads')
    expect(countOf(3, 'thread')).toBe('3 threads')
    expect(countOf(2, 'run status', 'run statuses')).toBe('2 run statuses')
    expect(countOf(1, 'run status', 'run statuses')).toBe('1 run status')
  })
})
