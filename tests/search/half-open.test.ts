import { describe, expect, it } from 'vitest'
import { belowHigh, floatBelow } from '../../src/search/half-open.ts'
import { sampleDomain } from '../../src/search/sample.ts'
import { loguniform, uniform } from '../../src/search/space.ts'

describe('half-open ranges: [low, high)', () => {
  it('step down to the next float below', () => {
    expect(floatBelow(1)).toBe(1 - 2 ** -53)
    expect(floatBelow(0.6)).toBe(0.6 - 2 ** -53)
    expect(floatBelow(-1)).toBe(-1 - 2 ** -52)
    expect(floatBelow(0)).toBe(-Number.MIN_VALUE)
    expect(floatBelow(Number.MIN_VALUE)).toBe(0)
    expect(floatBelow(Number.POSITIVE_INFINITY)).toBe(Number.MAX_VALUE)
    for (const x of [3, 1e-300, -7.5, 1e300]) {
      expect(floatBelow(x)).toBeLessThan(x)
      expect((floatBelow(x) + x) / 2).not.toBeLessThan(floatBelow(x))
    }
  })

  it('keep values below high and let NaN through, so a bug stays visible', () => {
    expect(belowHigh(0.5, 1)).toBe(0.5)
    expect(belowHigh(1, 1)).toBe(1 - 2 ** -53)
    expect(belowHigh(2, 1)).toBe(1 - 2 ** -53)
    expect(belowHigh(Number.NaN, 1)).toBeNaN()
  })

  it('hold for draws at the top of the generator, on ranges narrow for their size', () => {
    const top = () => 1 - 2 ** -32
    for (const domain of [uniform(100, 100.000001), uniform(1e6, 1e6 + 1e-4), loguniform(1, 1 + 1e-9)]) {
      expect(sampleDomain(domain, top)).toBeLessThan(domain.high)
    }
  })
})
