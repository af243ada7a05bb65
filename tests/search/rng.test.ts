import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/errors.ts'
import { createRandom, deriveSeed, validateSeed } from '../../src/search/rng.ts'

describe('createRandom', () => {
  it('gives the same sequence for the same seed, across instances', () => {
    const a = createRandom(42)
    const b = createRandom(42)
    const first = Array.from({ length: 100 }, () => a())
    expect(Array.from({ length: 100 }, () => b())).toEqual(first)
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true)
  })

  it('gives different sequences for different seeds', () => {
    expect(createRandom(1)()).not.toBe(createRandom(2)())
  })

  it('rejects invalid seeds', () => {
    expect(() => createRandom(-1)).toThrow(ConfigError)
  })
})

describe('deriveSeed', () => {
  it('is deterministic and a uint32', () => {
    const seed = deriveSeed(42, 'trial', 3)
    expect(deriveSeed(42, 'trial', 3)).toBe(seed)
    expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32).toBe(true)
  })

  it('differs for different seeds, labels, ids and part boundaries', () => {
    const seeds = [
      deriveSeed(42, 'trial', 1),
      deriveSeed(43, 'trial', 1),
      deriveSeed(42, 'sample', 1),
      deriveSeed(42, 'trial', 2),
      deriveSeed(42, 'trial1'),
      deriveSeed(42, 'trial', '1'),
      deriveSeed(42),
    ]
    expect(new Set(seeds).size).toBe(seeds.length)
  })

  it('spreads consecutive ids without collisions', () => {
    const seeds = Array.from({ length: 10_000 }, (_, k) => deriveSeed(7, 'sample', k))
    expect(new Set(seeds).size).toBe(seeds.length)
    // Well mixed: the top bit is set about half the time.
    const high = seeds.filter((s) => s >= 2 ** 31).length / seeds.length
    expect(high).toBeGreaterThan(0.45)
    expect(high).toBeLessThan(0.55)
  })

  it('validates the seed', () => {
    expect(() => deriveSeed(1.5, 'trial', 0)).toThrow(ConfigError)
  })
})

describe('validateSeed', () => {
  it('returns valid seeds', () => {
    expect(validateSeed(0)).toBe(0)
    expect(validateSeed(2 ** 32 - 1)).toBe(2 ** 32 - 1)
  })

  it.each([
    [-1, '-1'],
    [1.5, '1.5'],
    [2 ** 32, '4294967296'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    ['7', '"7"'],
    [undefined, 'undefined'],
  ])('rejects %s', (seed, shown) => {
    expect(() => validateSeed(seed)).toThrow(new ConfigError(`seed: must be an integer in [0, 2^32), got ${shown}`, { field: 'seed' }))
  })

  it('names the field', () => {
    try {
      validateSeed(-2, 'tuner.seed')
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).field).toBe('tuner.seed')
      expect((error as ConfigError).message).toBe('tuner.seed: must be an integer in [0, 2^32), got -2')
    }
  })
})
