/**
 * Configs a searcher tries before its own proposals (`pointsToEvaluate`,
 * `Study.enqueue`), and the one check of a given config against a space
 * that every searcher and the Study share.
 */
import { show } from '../errors.ts'
import { arrayOf, custom, didYouMean, invalid, type Place, problemAt } from '../options/index.ts'
import type { Config } from '../types.ts'
import { type Domain, isDomain } from './domain.ts'
import { copyJson, findNonJson, isPlainObject } from './json.ts'
import { onGrid } from './quantize.ts'
import { sampleConfig } from './sample.ts'
import type { Space } from './space.ts'

/**
 * A config given by hand: a plain object with JSON-safe values. Its fit to
 * the space is checked at `setup`, when the searcher knows the space.
 *
 * @example
 * ```ts
 * CONFIG.parse({ lr: 0.01 }, optionAt('TPESearch', 'pointsToEvaluate[0]'))
 * ```
 */
export const CONFIG = custom<Config>('a config: a plain object of JSON-safe values', (value, at) => {
  if (!isPlainObject(value)) throw invalid(at, 'a config: a plain object of JSON-safe values', value)
  const bad = findNonJson(value, at.field)
  if (bad !== undefined) throw problemAt(at, `must hold JSON-safe values, got ${bad.where}=${bad.got}`)
  return copyJson(value)
})

/**
 * The `pointsToEvaluate` option of every built-in searcher: configs, tried
 * first and in order. A point may leave keys out; those are drawn as the
 * searcher draws a random config for that trial.
 *
 * @example
 * ```ts
 * pointsToEvaluate: POINTS_TO_EVALUATE.withDefault([])
 * ```
 */
export const POINTS_TO_EVALUATE = arrayOf(CONFIG, { rule: 'an array of configs (plain objects)' })

/** The words of the rule a value of `domain` must follow. */
function domainRule(domain: Domain): string {
  switch (domain.$domain) {
    case 'uniform':
    case 'loguniform':
      return `a number in [${domain.low}, ${domain.high}] (${domain.$domain})`
    case 'quniform':
    case 'qloguniform':
    case 'qrandint':
      return `a multiple of ${domain.q} in [${domain.low}, ${domain.high}] (${domain.$domain})`
    case 'randint':
    case 'lograndint':
      return `an integer in [${domain.low}, ${domain.high}) (${domain.$domain})`
    case 'randn':
      return 'a finite number (randn)'
    case 'choice':
    case 'grid':
      return `one of ${show(domain.values)} (${domain.$domain})`
  }
}

/** Whether `value` is one `domain` can give: the same sets sampling draws from, bounds included. */
function fits(domain: Domain, value: unknown): boolean {
  if (domain.$domain === 'choice' || domain.$domain === 'grid') {
    const text = JSON.stringify(value)
    return domain.values.some((v) => JSON.stringify(v) === text)
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return false
  switch (domain.$domain) {
    case 'randn':
      return true
    case 'uniform':
    case 'loguniform':
      return value >= domain.low && value <= domain.high
    case 'randint':
    case 'lograndint':
      return Number.isInteger(value) && value >= domain.low && value < domain.high
    default:
      // Multiples as sampling writes them (onGrid), so 0.3 fits q = 0.1 though 0.3 / 0.1 is 2.9999999999999996.
      return value >= domain.low && value <= domain.high && onGrid(Math.round(value / domain.q), domain.q) === value
  }
}

/**
 * Checks `config` against `space` and returns a copy: every key must be one
 * of the space's, every value one its domain can give (a constant must equal
 * the space's). With `complete`, every key of the space must be there; else
 * missing keys are allowed (they are drawn later). Throws a `ConfigError`
 * naming the place, the rule and the value:
 * `TPESearch({ pointsToEvaluate[2].lr }): must be a number in [0.0001, 0.1] (loguniform), got 5`.
 *
 * @example
 * ```ts
 * checkConfig(space, { lr: 0.01 }, argumentAt('Study.enqueue', 'config'), false)
 * ```
 */
export function checkConfig(space: Space, config: unknown, at: Place, complete: boolean): Config {
  const parsed = CONFIG.parse(config, at)
  checkAgainst(space, parsed, at, complete)
  return parsed
}

function checkAgainst(space: Space, config: Record<string, unknown>, at: Place, complete: boolean): void {
  const keys = Object.keys(space)
  for (const key of Object.keys(config)) {
    if (!Object.hasOwn(space, key)) {
      throw problemAt(
        at.child(key),
        `not a key of the space${didYouMean(key, keys)}, got ${show(config[key])}; the space has: ${keys.join(', ')}`,
      )
    }
  }
  for (const [key, entry] of Object.entries(space)) {
    const value = config[key]
    const place = at.child(key)
    if (value === undefined) {
      if (complete) throw invalid(place, `a value: every key of the space is needed here`, value)
      continue
    }
    if (isDomain(entry)) {
      if (!fits(entry, value)) throw invalid(place, domainRule(entry), value)
    } else if (isPlainObject(entry)) {
      if (!isPlainObject(value)) throw invalid(place, 'a plain object, as the space nests one here', value)
      checkAgainst(entry as Space, value, place, complete)
    } else if (JSON.stringify(value) !== JSON.stringify(entry)) {
      throw invalid(place, `${show(entry)}, the space's constant`, value)
    }
  }
}

/** `point` over `base`, key by key at every depth: the point's values win. */
function overlay(base: Record<string, unknown>, point: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...base }
  for (const [key, value] of Object.entries(point)) {
    const under = base[key]
    merged[key] = isPlainObject(value) && isPlainObject(under) ? overlay(under, value) : copyJson(value)
  }
  return merged
}

/**
 * The configs a searcher hands out before its own: its `pointsToEvaluate`,
 * then whatever `enqueue` adds, first in first out. Made at `setup`, where the
 * points are checked against the space.
 *
 * @example
 * ```ts
 * const queue = new PointQueue(space, options.pointsToEvaluate, optionAt('RandomSearch', 'pointsToEvaluate'), numSamples)
 * const config = queue.next(random) ?? sampleConfig(space, random)
 * ```
 */
export class PointQueue {
  readonly #space: Space
  readonly #queue: Config[]

  /**
   * `budget`: how many trials the searcher proposes in all, when points count
   * among them; more points than that would never run, so they are refused.
   */
  constructor(space: Space, points: readonly Config[], at: Place, budget?: number) {
    this.#space = space
    if (budget !== undefined && points.length > budget) {
      throw problemAt(
        at,
        `${points.length} points, more than numSamples (${budget}) trials would run; raise numSamples or give fewer points`,
      )
    }
    this.#queue = points.map((point, index) => checkConfig(space, point, at.item(index), false))
  }

  /** How many configs wait. */
  get length(): number {
    return this.#queue.length
  }

  /** Checks `config` against the space (see {@link checkConfig}), naming `at` if it does not fit, and queues it. */
  add(config: unknown, at: Place): void {
    this.#queue.push(checkConfig(this.#space, config, at, false))
  }

  /**
   * The next queued config, its missing keys drawn with `random` as a random
   * config would draw them; undefined when none waits.
   */
  next(random: () => number): Config | undefined {
    const point = this.#queue.shift()
    return point === undefined ? undefined : overlay(sampleConfig(this.#space, random), point)
  }
}
