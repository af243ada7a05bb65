import { describe, expect, it } from 'vitest'
import { GridSearch } from '../../src/search/grid.ts'
import { RandomSearch } from '../../src/search/random.ts'
import { plannedSamples } from '../../src/tuner/planned-samples.ts'

describe('plannedSamples', () => {
  it('runs the grid once unless numSamples is given; other searchers keep the default they are given', () => {
    expect(plannedSamples(new GridSearch(), 10, false)).toBe(1)
    expect(plannedSamples(new GridSearch(), 3, true)).toBe(3)
    expect(plannedSamples(new RandomSearch(), 10, false)).toBe(10)
  })
})
