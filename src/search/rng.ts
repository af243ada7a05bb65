import alea from 'seedrandom/lib/alea.js'
import { check, Place, SEED } from '../options/index.ts'

/**
 * The seed itself when it is an integer in `[0, 2^32)`; otherwise a
 * {@link ConfigError} naming the place (a bare field name, or a {@link Place}).
 *
 * @example
 * ```ts
 * validateSeed(42) // 42
 * validateSeed(-1) // ConfigError: seed: must be an integer in [0, 2^32), got -1
 * ```
 */
export function validateSeed(seed: unknown, at: Place | string = SEED_FIELD): number {
  return check(REQUIRED_SEED, seed, typeof at === 'string' ? new Place('', at) : at)
}

// Made once: deriveSeed checks its seed on every call.
const SEED_FIELD = new Place('', 'seed')
const REQUIRED_SEED = SEED.required()

/**
 * A uint32 seed derived from `seed` and a label, so every stream (a trial's,
 * a sampler's) is independent of the others and of the order they are made in.
 *
 * @example
 * ```ts
 * const trialSeed = deriveSeed(42, 'trial', 7)
 * const stream = createRandom(deriveSeed(42, 'sample', 7))
 * ```
 */
export function deriveSeed(seed: number, ...parts: Array<string | number>): number {
  // JSON keeps 'trial', 1 apart from 'trial1' and from '1' the string.
  const text = JSON.stringify([validateSeed(seed), ...parts])
  let hash = 0x811c9dc5 // FNV-1a: cheap and order-sensitive ...
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  // ... but weak in the high bits for short inputs; murmur3's finaliser spreads every input bit over the output.
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  hash = Math.imul(hash, 0xc2b2ae35)
  hash ^= hash >>> 16
  return hash >>> 0
}

/**
 * A seeded generator of floats in `[0, 1)` (seedrandom's Alea: fast, and the
 * same sequence for the same seed in every process).
 *
 * @example
 * ```ts
 * const random = createRandom(42)
 * const coin = random() < 0.5
 * ```
 */
export function createRandom(seed: number): () => number {
  return alea(String(validateSeed(seed)))
}
