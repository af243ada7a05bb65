import type { Domain } from './domain.ts'
import { isDomain } from './domain.ts'
import { belowHigh } from './half-open.ts'
import { copyJson, isPlainObject } from './json.ts'
import { onGrid, qRange } from './quantize.ts'
import type { Space } from './space.ts'

function between(random: () => number, low: number, high: number): number {
  // low + r * (high - low) can round up to high on a narrow range far from 0.
  return belowHigh(low + random() * (high - low), high)
}

function logBetween(random: () => number, low: number, high: number): number {
  return belowHigh(Math.max(low, Math.exp(between(random, Math.log(low), Math.log(high)))), high)
}

/** Rounds to the nearest multiple of q, then moves inside [low, high] along the q grid. */
function quantize(value: number, low: number, high: number, q: number): number {
  const { first, last } = qRange(low, high, q)
  return onGrid(Math.min(last, Math.max(first, Math.round(value / q))), q)
}

/**
 * The config of one value of a choice or grid: a sub-space (a branch) drawn
 * with `random`, a constant copied. A plain object of constants draws nothing,
 * so it comes out as a copy either way.
 *
 * @example
 * ```ts
 * branchValue({ kind: 'svm', C: loguniform(1e-2, 10) }, random) // { kind: 'svm', C: 0.31... }
 * ```
 */
export function branchValue(value: unknown, random: () => number): unknown {
  return isPlainObject(value) ? sampleConfig(value as Space, random) : copyJson(value)
}

function pick(values: readonly unknown[], random: () => number): unknown {
  return branchValue(values[Math.floor(random() * values.length)], random)
}

/**
 * One value drawn from `domain` with `random` (uniform in `[0, 1)`). Grid
 * domains are drawn like choices; GridSearch enumerates them instead. A
 * choice over sub-spaces picks a branch, then draws the branch's domains.
 *
 * @example
 * ```ts
 * const lr = sampleDomain(loguniform(1e-4, 1e-1), createRandom(1)) as number
 * ```
 */
export function sampleDomain(domain: Domain, random: () => number): unknown {
  switch (domain.$domain) {
    case 'uniform':
      return between(random, domain.low, domain.high)
    case 'loguniform':
      return logBetween(random, domain.low, domain.high)
    case 'quniform':
      return quantize(between(random, domain.low, domain.high), domain.low, domain.high, domain.q)
    case 'qloguniform':
      return quantize(logBetween(random, domain.low, domain.high), domain.low, domain.high, domain.q)
    case 'randint':
      return Math.min(domain.high - 1, domain.low + Math.floor(random() * (domain.high - domain.low)))
    case 'qrandint': {
      // Each multiple equally likely: rounding a uniform draw would give the two ends half weight.
      const { first, last } = qRange(domain.low, domain.high, domain.q)
      return onGrid(first + Math.floor(random() * (last - first + 1)), domain.q)
    }
    case 'lograndint':
      return Math.min(domain.high - 1, Math.floor(logBetween(random, domain.low, domain.high)))
    case 'choice':
    case 'grid':
      return pick(domain.values, random)
    case 'randn': {
      // Box–Muller; 1 - u keeps the logarithm away from log(0).
      const radius = Math.sqrt(-2 * Math.log(1 - random()))
      return domain.mean + domain.sd * radius * Math.cos(2 * Math.PI * random())
    }
  }
}

/**
 * A config drawn from `space`: domains sampled depth first in key order,
 * constants copied, nesting kept.
 *
 * @example
 * ```ts
 * sampleConfig({ opt: { lr: uniform(0, 1) }, epochs: 3 }, createRandom(1)) // { opt: { lr: 0.37... }, epochs: 3 }
 * ```
 */
export function sampleConfig(space: Space, random: () => number): Record<string, unknown> {
  const config: Record<string, unknown> = {}
  // Keys, not entries: this runs for every proposal, and a [key, value] array per parameter was most of what it allocated.
  for (const key of Object.keys(space)) {
    const value = space[key]
    if (isDomain(value)) config[key] = sampleDomain(value, random)
    else if (isPlainObject(value)) config[key] = sampleConfig(value as Space, random)
    else config[key] = copyJson(value)
  }
  return config
}
