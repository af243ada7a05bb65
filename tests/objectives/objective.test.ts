import { describe, expect, it } from 'vitest'
import { minimised, signOf } from '../../src/objectives/index.ts'

describe('signOf and minimised', () => {
  it('makes lower better: 1 for min, -1 for max', () => {
    expect(signOf('min')).toBe(1)
    expect(signOf('max')).toBe(-1)
    expect(minimised(0.9, 'max')).toBe(-0.9)
    expect(minimised(0.9, 'min')).toBe(0.9)
  })
})
