import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/errors.ts'
import { greedyHypervolumeSubset, hypervolume, nonDominatedRanks, paretoFrontIndices } from '../../src/objectives/index.ts'

interface Case {
  readonly name: string
  readonly points: number[][]
  readonly reference: number[]
  readonly hypervolume: number
  readonly ranks: number[]
}

/** Computed by Optuna 5's own hypervolume and non-dominated sort (tests/fixtures/hypervolume_reference.py). */
const fixture = JSON.parse(readFileSync(new URL('../fixtures/hypervolume-reference.json', import.meta.url), 'utf8')) as {
  readonly optuna: string
  readonly cases: readonly Case[]
}

describe('hypervolume', () => {
  it('has cases to check (2-D, 3-D and 4-D)', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(8)
    expect(new Set(fixture.cases.map((c) => c.reference.length))).toEqual(new Set([2, 3, 4]))
  })

  for (const c of fixture.cases) {
    it(`matches Optuna ${fixture.optuna} on ${c.name}`, () => {
      expect(hypervolume(c.points, c.reference)).toBeCloseTo(c.hypervolume, 10)
    })
    it(`ranks like Optuna's non-dominated sort on ${c.name}`, () => {
      expect(nonDominatedRanks(c.points)).toEqual(c.ranks)
      expect(paretoFrontIndices(c.points)).toEqual(c.ranks.flatMap((r, i) => (r === 0 ? [i] : [])))
    })
  }

  it('counts nothing outside the reference box, and a box by hand', () => {
    expect(
      hypervolume(
        [
          [1, 2],
          [2, 1],
        ],
        [3, 3],
      ),
    ).toBe(3)
    expect(
      hypervolume(
        [
          [3, 0],
          [0, 5],
        ],
        [3, 3],
      ),
    ).toBe(0)
    expect(hypervolume([], [1, 1])).toBe(0)
    expect(hypervolume([[0, 0, 0]], [1, 2, 3])).toBe(6)
    // One objective: the stretch from the best point to the reference (4 lies outside the box).
    expect(hypervolume([[2], [0.5], [4]], [3])).toBe(2.5)
  })

  it('refuses points of the wrong length and a reference that is not numbers', () => {
    expect(() => hypervolume([[1, 2, 3]], [3, 3])).toThrow(ConfigError)
    expect(() => hypervolume([[1, 2]], [])).toThrow(/reference must be a non-empty array of numbers/)
    expect(() => hypervolume([[Number.NaN, 2]], [3, 3])).toThrow(/points\[0\] must be 2 numbers/)
  })

  it('picks a subset greedily by the hypervolume it adds', () => {
    expect(
      greedyHypervolumeSubset(
        [
          [1, 3],
          [2, 2],
          [3, 1],
        ],
        1,
        [4, 4],
      ),
    ).toEqual([1])
    // After (2, 2), the two ends each add 1; the tie goes to the lower index.
    expect(
      greedyHypervolumeSubset(
        [
          [1, 3],
          [2, 2],
          [3, 1],
        ],
        3,
        [4, 4],
      ),
    ).toEqual([1, 0, 2])
  })
})
