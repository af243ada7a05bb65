import { describe, expect, it } from 'vitest'
import { SpaceError } from '../../src/errors.ts'
import { createRandom } from '../../src/search/rng.ts'
import { sampleConfig, sampleDomain } from '../../src/search/sample.ts'
import {
  choice,
  type Domain,
  grid,
  lograndint,
  loguniform,
  qloguniform,
  qrandint,
  quniform,
  randint,
  randn,
  uniform,
} from '../../src/search/space.ts'

const N = 5000

function draw(domain: Domain, seed = 1, n = N): number[] {
  const random = createRandom(seed)
  return Array.from({ length: n }, () => sampleDomain(domain, random) as number)
}

/** On the q grid with no float noise: no more decimals than q itself has. */
function onQGrid(value: number, q: number): boolean {
  const decimals = (String(q).split('.')[1] ?? '').length
  return Math.abs(value / q - Math.round(value / q)) < 1e-9 && Number(value.toFixed(decimals)) === value
}

describe('sampleDomain', () => {
  it('uniform stays in [low, high) and spreads over it', () => {
    const xs = draw(uniform(-2, 3))
    expect(xs.every((x) => x >= -2 && x < 3)).toBe(true)
    expect(Math.min(...xs)).toBeLessThan(-1.9)
    expect(Math.max(...xs)).toBeGreaterThan(2.9)
  })

  it('loguniform stays in bounds and is roughly uniform in log space', () => {
    const xs = draw(loguniform(1e-4, 1e-1))
    expect(xs.every((x) => x >= 1e-4 && x <= 1e-1)).toBe(true)
    for (const [lo, hi] of [
      [1e-4, 1e-3],
      [1e-3, 1e-2],
      [1e-2, 1e-1],
    ] as const) {
      const share = xs.filter((x) => x >= lo && x < hi).length / xs.length
      expect(share).toBeGreaterThan(0.3)
      expect(share).toBeLessThan(0.37)
    }
  })

  it('quniform gives multiples of q in [low, high] without float noise', () => {
    const xs = draw(quniform(0, 1, 0.1))
    expect(xs.every((x) => x >= 0 && x <= 1 && onQGrid(x, 0.1))).toBe(true)
    expect(new Set(xs)).toEqual(new Set([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]))
  })

  it('quniform stays on the grid when low and high are not multiples of q', () => {
    const xs = draw(quniform(0.25, 1.3, 0.5))
    expect(new Set(xs)).toEqual(new Set([0.5, 1]))
    const ys = draw(quniform(0.05, 0.95, 0.01))
    expect(ys.every((y) => y >= 0.05 && y <= 0.95 && onQGrid(y, 0.01))).toBe(true)
  })

  it('qloguniform gives multiples of q in [low, high]', () => {
    const xs = draw(qloguniform(8, 512, 8))
    expect(xs.every((x) => x >= 8 && x <= 512 && Number.isInteger(x) && x % 8 === 0)).toBe(true)
    const ys = draw(qloguniform(0.001, 1, 0.001))
    expect(ys.every((y) => y >= 0.001 && y <= 1 && onQGrid(y, 0.001))).toBe(true)
  })

  it('randint gives integers in [low, high), never high', () => {
    const xs = draw(randint(1, 5))
    expect(xs.every((x) => Number.isInteger(x) && x >= 1 && x < 5)).toBe(true)
    expect(new Set(xs)).toEqual(new Set([1, 2, 3, 4]))
  })

  it('qrandint gives multiples of q in [low, high], hitting high', () => {
    const xs = draw(qrandint(0, 100, 25))
    expect(new Set(xs)).toEqual(new Set([0, 25, 50, 75, 100]))
    const ys = draw(qrandint(-7, 7, 3))
    expect(new Set(ys)).toEqual(new Set([-6, -3, 0, 3, 6]))
    const zs = draw(qrandint(1, 3))
    expect(new Set(zs)).toEqual(new Set([1, 2, 3]))
  })

  it('qrandint gives each multiple the same chance', () => {
    const xs = draw(qrandint(0, 4, 2), 3, 9000)
    for (const v of [0, 2, 4]) expect(xs.filter((x) => x === v).length / xs.length).toBeCloseTo(1 / 3, 1)
  })

  it('lograndint gives integers in [low, high), favouring small ones', () => {
    const xs = draw(lograndint(1, 1000))
    expect(xs.every((x) => Number.isInteger(x) && x >= 1 && x < 1000)).toBe(true)
    const below10 = xs.filter((x) => x < 10).length / xs.length
    expect(below10).toBeGreaterThan(0.3)
    expect(below10).toBeLessThan(0.37)
    expect(new Set(draw(lograndint(2, 4)))).toEqual(new Set([2, 3]))
  })

  it('choice and grid cover all values', () => {
    const values = ['a', 'b', 'c', 'd']
    expect(new Set(draw(choice(values)))).toEqual(new Set(values))
    expect(new Set(draw(grid(values)))).toEqual(new Set(values))
  })

  it('choice returns copies of object values', () => {
    const domain = choice([{ layers: [1, 2] }])
    const value = sampleDomain(domain, createRandom(1)) as { layers: number[] }
    value.layers.push(3)
    expect(domain.values[0]).toEqual({ layers: [1, 2] })
  })

  it('randn has roughly the right mean and sd', () => {
    const xs = draw(randn(5, 2), 4, 20_000)
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length)
    expect(xs.every(Number.isFinite)).toBe(true)
    expect(mean).toBeCloseTo(5, 1)
    expect(sd).toBeGreaterThan(1.95)
    expect(sd).toBeLessThan(2.05)
  })

  it('is deterministic for a fixed seed', () => {
    expect(draw(loguniform(1e-3, 1), 9, 50)).toEqual(draw(loguniform(1e-3, 1), 9, 50))
  })
})

describe('sampleConfig', () => {
  it('samples domains, copies constants and keeps nesting', () => {
    const sizes = [32, 64]
    const space = { opt: { lr: uniform(0, 1), kind: choice(['sgd']) }, epochs: 3, sizes, name: 'x', none: null }
    const config = sampleConfig(space, createRandom(1)) as { opt: { lr: number; kind: string }; sizes: number[] }
    expect(config).toEqual({ opt: { lr: expect.any(Number), kind: 'sgd' }, epochs: 3, sizes: [32, 64], name: 'x', none: null })
    expect(config.opt.lr).toBeGreaterThanOrEqual(0)
    expect(config.sizes).not.toBe(sizes)
  })
})

describe('quantised domains with huge bounds', () => {
  it('stay inside their bounds and on their grid', () => {
    const random = createRandom(3)
    for (const domain of [qrandint(3e9, 3e9 + 10), qrandint(0, 2 ** 32 - 1), quniform(9.99999999, 10, 1e-9)]) {
      for (let i = 0; i < 500; i++) {
        const value = sampleDomain(domain, random) as number
        expect(value).toBeGreaterThanOrEqual(domain.low)
        expect(value).toBeLessThanOrEqual(domain.high)
      }
    }
  })

  it('are rejected when no multiple of q fits, however large the bounds', () => {
    expect(() => qrandint(6e9 + 1, 6e9 + 2, 3)).toThrow(SpaceError)
  })
})
