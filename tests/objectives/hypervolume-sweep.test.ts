/**
 * The fast hypervolume (2-D sweep, 3-D staircase sweep) and the lazy greedy subset selection against the
 * straightforward algorithms they replaced, kept here as the oracle: slicing down to one dimension, and a greedy
 * pick that recomputes the whole hypervolume for every candidate at every step.
 */
import { describe, expect, it } from 'vitest'
import { greedyHypervolumeSubset, hypervolume, type Point } from '../../src/objectives/index.ts'
import { Staircase } from '../../src/objectives/staircase.ts'
import { createRandom } from '../../src/search/rng.ts'

/** The hypervolume by slices along the last axis, down to one dimension (points strictly inside the reference). */
function slowVolume(points: readonly Point[], reference: Point, d: number): number {
  if (points.length === 0) return 0
  if (d === 1) return (reference[0] as number) - Math.min(...points.map((p) => p[0] as number))
  const axis = d - 1
  const sorted = [...points].sort((a, b) => (a[axis] as number) - (b[axis] as number))
  let total = 0
  for (let i = 0; i < sorted.length; i++) {
    const top = i + 1 < sorted.length ? ((sorted[i + 1] as Point)[axis] as number) : (reference[axis] as number)
    const height = top - ((sorted[i] as Point)[axis] as number)
    if (height > 0) total += height * slowVolume(sorted.slice(0, i + 1), reference, axis)
  }
  return total
}

function slowHypervolume(points: readonly Point[], reference: Point): number {
  return slowVolume(
    points.filter((p) => p.every((v, j) => v < (reference[j] as number))),
    reference,
    reference.length,
  )
}

/** Greedy selection recomputing the hypervolume of the picks plus each candidate, every step; ties to the lower index. */
function slowGreedy(points: readonly Point[], k: number, reference: Point): number[] {
  const picked: number[] = []
  let base = 0
  while (picked.length < k && picked.length < points.length) {
    let best = -1
    let bestGain = Number.NEGATIVE_INFINITY
    for (let i = 0; i < points.length; i++) {
      if (picked.includes(i)) continue
      const raw = slowHypervolume([...picked.map((j) => points[j] as Point), points[i] as Point], reference) - base
      // A covered point adds nothing: its rounding noise must not outrank a lower index.
      const gain = Math.abs(raw) < 1e-12 ? 0 : raw
      if (gain > bestGain) {
        best = i
        bestGain = gain
      }
    }
    picked.push(best)
    base += bestGain
  }
  return picked
}

/** n random points in [0, 1)^d; with `grid`, rounded to tenths, so duplicates and shared coordinates appear. */
function cloud(random: () => number, n: number, d: number, grid = false): Point[] {
  return Array.from({ length: n }, () => Array.from({ length: d }, () => (grid ? Math.round(random() * 10) / 10 : random())))
}

/** n mutually non-dominated points: on the unit sphere's positive part, every objective to minimise. */
function front(random: () => number, n: number, d: number): Point[] {
  return Array.from({ length: n }, () => {
    const v = Array.from({ length: d }, () => Math.abs(random() - 0.5) + 1e-3)
    const norm = Math.hypot(...v)
    return v.map((x) => x / norm)
  })
}

const closeTo = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, expected))

describe('the hypervolume sweeps against slicing', () => {
  for (const d of [2, 3, 4]) {
    it(`agree on random clouds and fronts in ${d}-D, ties and duplicates included`, () => {
      const random = createRandom(100 + d)
      const reference = Array.from({ length: d }, () => 1.1)
      for (let round = 0; round < 40; round++) {
        const n = 1 + Math.floor(random() * (d === 4 ? 25 : 60))
        for (const points of [cloud(random, n, d), cloud(random, n, d, true), front(random, n, d)]) {
          closeTo(hypervolume(points, reference), slowHypervolume(points, reference))
        }
      }
    })
  }

  it('keeps a staircase whose area is the 2-D hypervolume of what it was given, in any order', () => {
    const random = createRandom(7)
    for (let round = 0; round < 50; round++) {
      const points = cloud(random, 1 + Math.floor(random() * 40), 2, round % 2 === 0)
      const stairs = new Staircase(1.2, 1.1)
      let added = 0
      for (const p of points) {
        const gain = stairs.gain(p[0] as number, p[1] as number)
        expect(stairs.add(p[0] as number, p[1] as number)).toBe(gain)
        added += gain
      }
      closeTo(stairs.area, slowHypervolume(points, [1.2, 1.1]))
      closeTo(added, stairs.area)
    }
  })
})

describe('the lazy greedy subset against the greedy that recomputes everything', () => {
  for (const d of [2, 3, 4]) {
    it(`picks the same points in the same order in ${d}-D`, () => {
      const random = createRandom(200 + d)
      for (let round = 0; round < 15; round++) {
        const n = 2 + Math.floor(random() * (d === 4 ? 12 : 30))
        const k = 1 + Math.floor(random() * n)
        for (const points of [front(random, n, d), cloud(random, n, d)]) {
          const reference = Array.from({ length: d }, () => 1.2)
          expect(greedyHypervolumeSubset(points, k, reference)).toEqual(slowGreedy(points, k, reference))
        }
      }
    })
  }

  it('gives points outside the reference box nothing, and never picks more than there are', () => {
    const points = [
      [0.5, 2],
      [0.2, 0.9],
      [2, 0.1],
    ]
    expect(greedyHypervolumeSubset(points, 5, [1, 1])).toEqual(slowGreedy(points, 5, [1, 1]))
    expect(greedyHypervolumeSubset(points, 5, [1, 1])[0]).toBe(1)
    expect(
      greedyHypervolumeSubset(
        points.map((p) => [...p, 0]),
        5,
        [1, 1, 1],
      )[0],
    ).toBe(1)
  })
})
