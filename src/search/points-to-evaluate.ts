/**
 * Configs a searcher tries before its own proposals (`pointsToEvaluate`,
 * `Study.enqueue`), and the one check of a given config against a space
 * that every searcher and the Study share.
 */
import { show } from '../errors.ts'
import { arrayOf, custom, didYouMean, invalid, type Place, problemAt } from '../options/index.ts'
import type { Config } from '../types.ts'
import { asConditional, branchNames } from './branches.ts'
import { type Choice, type Domain, type Grid, isDomain } from './domain.ts'
import { copyJson, findNonJson, isPlainObject } from './json.ts'
import { onGrid } from './quantize.ts'
import { branchValue, sampleConfig } from './sample.ts'
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
  if (domain.$domain === 'choice' || domain.$domain === 'grid') return branchOf(domain, value, true) >= 0
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

/** Where a config fails its space: the key path, and the problem as `invalid` or `problemAt` words it. */
interface Misfit {
  readonly path: readonly string[]
  readonly rule?: string
  readonly problem?: string
  readonly value: unknown
}

/**
 * The index of the first value of `domain` that `value` fits: a constant
 * equal to it, or a sub-space (a branch) whose keys it fits (all of them
 * when `complete`); -1 when none fits. A conditional config is read as the
 * first branch it fits, so branches a value could fit alike are told apart
 * by a tag (`kind: 'svm'`).
 *
 * @example
 * ```ts
 * branchOf(choice([{ kind: 'svm', C: loguniform(1e-2, 10) }, { kind: 'forest', trees: randint(10, 100) }]), { kind: 'forest', trees: 12 }, true) // 1
 * ```
 */
export function branchOf(domain: Choice | Grid, value: unknown, complete: boolean): number {
  const conditional = asConditional(domain) !== undefined
  const text = JSON.stringify(value)
  return domain.values.findIndex((branch) => {
    if (conditional && isPlainObject(branch)) return isPlainObject(value) && misfit(branch as Space, value, complete) === undefined
    return JSON.stringify(branch) === text
  })
}

/** Why a conditional config fits none of the branches: the problem of the branch its tag names, else the list of branches. */
function branchMisfit(domain: Choice | Grid, value: unknown, complete: boolean): Misfit {
  const { tag, labels } = branchNames(domain)
  const tagged = tag !== undefined && isPlainObject(value) ? labels.indexOf(value[tag] as string) : -1
  const branch = domain.values[tagged]
  if (isPlainObject(branch) && isPlainObject(value)) {
    const inner = misfit(branch as Space, value, complete)
    if (inner !== undefined) return inner
  }
  return { path: [], rule: `a config of one of the branches ${labels.join(', ')} (${domain.$domain} over sub-spaces)`, value }
}

function misfit(space: Space, config: Record<string, unknown>, complete: boolean): Misfit | undefined {
  const keys = Object.keys(space)
  for (const key of Object.keys(config)) {
    if (!Object.hasOwn(space, key)) {
      const problem = `not a key of the space${didYouMean(key, keys)}, got ${show(config[key])}; the space has: ${keys.join(', ')}`
      return { path: [key], problem, value: config[key] }
    }
  }
  for (const [key, entry] of Object.entries(space)) {
    const value = config[key]
    const inside = (found: Misfit | undefined): Misfit | undefined => found && { ...found, path: [key, ...found.path] }
    if (value === undefined) {
      if (complete) return { path: [key], rule: 'a value: every key of the space is needed here', value }
      continue
    }
    const branching = asConditional(entry)
    if (branching !== undefined) {
      if (branchOf(branching, value, complete) < 0) return inside(branchMisfit(branching, value, complete))
    } else if (isDomain(entry)) {
      if (!fits(entry, value)) return { path: [key], rule: domainRule(entry), value }
    } else if (isPlainObject(entry)) {
      if (!isPlainObject(value)) return { path: [key], rule: 'a plain object, as the space nests one here', value }
      const found = inside(misfit(entry as Space, value, complete))
      if (found !== undefined) return found
    } else if (JSON.stringify(value) !== JSON.stringify(entry)) {
      return { path: [key], rule: `${show(entry)}, the space's constant`, value }
    }
  }
  return undefined
}

/**
 * Checks `config` against `space` and returns a copy: every key must be one
 * of the space's, every value one its domain can give (a constant must equal
 * the space's; a conditional choice's value must fit one of its branches).
 * With `complete`, every key of the space must be there; else missing keys
 * are allowed (they are drawn later). Throws a `ConfigError` naming the
 * place, the rule and the value:
 * `TPESearch({ pointsToEvaluate[2].lr }): must be a number in [0.0001, 0.1] (loguniform), got 5`.
 *
 * @example
 * ```ts
 * checkConfig(space, { lr: 0.01 }, argumentAt('Study.enqueue', 'config'), false)
 * ```
 */
export function checkConfig(space: Space, config: unknown, at: Place, complete: boolean): Config {
  const parsed = CONFIG.parse(config, at)
  const found = misfit(space, parsed, complete)
  if (found !== undefined) {
    const place = found.path.reduce((p, key) => p.child(key), at)
    throw found.problem === undefined ? invalid(place, found.rule as string, found.value) : problemAt(place, found.problem)
  }
  return parsed
}

/**
 * `point` over `base`, key by key at every depth: the point's values win.
 * Where the point picks another branch of a conditional choice than the one
 * drawn, the point's branch is drawn afresh (with `random`) under it, so
 * the keys it leaves out come from its own branch.
 */
function overlay(
  space: Space,
  base: Record<string, unknown>,
  point: Record<string, unknown>,
  random: () => number,
): Record<string, unknown> {
  const merged = { ...base }
  for (const [key, value] of Object.entries(point)) {
    const entry = space[key]
    let under = base[key]
    let inner: Space | undefined = isPlainObject(entry) && !isDomain(entry) ? (entry as Space) : undefined
    const branching = asConditional(entry)
    if (branching !== undefined) {
      const branch = branchOf(branching, value, false)
      if (branch !== branchOf(branching, under, true)) under = branchValue(branching.values[branch], random)
      const sub = branching.values[branch]
      inner = isPlainObject(sub) ? (sub as Space) : undefined
    }
    merged[key] =
      inner !== undefined && isPlainObject(value) && isPlainObject(under) ? overlay(inner, under, value, random) : copyJson(value)
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
    return point === undefined ? undefined : overlay(this.#space, sampleConfig(this.#space, random), point, random)
  }
}
