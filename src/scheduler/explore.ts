import { show } from '../errors.ts'
import { didYouMean, invalid, type Place, problemAt } from '../options/index.ts'
import { asConditional } from '../search/branches.ts'
import { type Domain, domainProblem, isDomain } from '../search/domain.ts'
import { belowHigh } from '../search/half-open.ts'
import { copyJson, isPlainObject, type JsonValue } from '../search/json.ts'
import { onGrid, qRange } from '../search/quantize.ts'
import { sampleDomain } from '../search/sample.ts'
import type { Config } from '../types.ts'

/**
 * Which config keys PBT mutates, and how: a domain from the space factories
 * (numbers are scaled or resampled from it; `choice`/`grid` step to a
 * neighbouring value), an array of values (a neighbour step, or a resample
 * from the array), or a nested object for nested config keys.
 *
 * @example
 * ```ts
 * const mutations: Mutations = { lr: loguniform(1e-4, 1e-1), batch: [16, 32, 64], opt: { momentum: uniform(0.8, 0.99) } }
 * ```
 */
export type Mutations = { readonly [key: string]: Domain | readonly JsonValue[] | Mutations }

/** How PBT explores a donor's config. */
export interface ExploreSettings {
  readonly resampleProbability: number
  /** Factors a numeric value is multiplied by, one picked at random. */
  readonly perturbationFactors: readonly number[]
}

/** What {@link Mutations} must be, as errors say it. */
export const MUTATIONS_RULE = 'a non-empty object of config keys to domains, arrays of values or nested objects'

/**
 * Checks `hyperparamMutations` deeply and throws a {@link ConfigError} naming
 * the dotted path of the first bad entry, below `at`.
 *
 * @example
 * ```ts
 * checkMutations({ lr: 3 }, optionAt('PopulationBasedTraining', 'hyperparamMutations'))
 * // ConfigError: PopulationBasedTraining({ hyperparamMutations.lr }): must be a domain, an array of values or a nested object, got 3
 * ```
 */
export function checkMutations(value: unknown, at: Place): asserts value is Mutations {
  if (!isPlainObject(value) || isDomain(value) || Object.keys(value).length === 0) throw invalid(at, MUTATIONS_RULE, value)
  for (const [key, entry] of Object.entries(value)) {
    const place = at.child(key)
    if (Array.isArray(entry)) {
      if (entry.length === 0) throw invalid(place, 'a non-empty array', entry)
    } else if (isDomain(entry)) {
      const problem = domainProblem(entry)
      if (problem !== undefined) throw problemAt(place, `${entry.$domain} ${problem}`)
      // A step to a neighbouring branch would hand the trainable the branch's domains, not draws from them.
      if (asConditional(entry) !== undefined)
        throw invalid(place, 'a domain without sub-spaces (PBT does not explore conditional branches)', entry)
    } else if (isPlainObject(entry)) {
      checkMutations(entry, place)
    } else {
      throw invalid(place, 'a domain, an array of values or a nested object', entry)
    }
  }
}

/**
 * Checks that `mutations` name keys of the space (a misspelt key would add a
 * parameter to the configs PBT perturbs and not to the others), and stay out
 * of the space's conditional choices (a choice or grid over sub-spaces): PBT
 * moves values in place, so a step inside a branch could land in a config of
 * another branch, and a step of the branch itself would hand the trainable
 * the branch's domains. Throws a {@link ConfigError} naming the first
 * mutation that breaks either rule.
 *
 * @example
 * ```ts
 * checkMutationsAgainst({ model: { C: loguniform(1e-2, 10) } }, space, optionAt('PopulationBasedTraining', 'hyperparamMutations'))
 * // ConfigError: PopulationBasedTraining({ hyperparamMutations.model }): must stay outside conditional choices ...
 * ```
 */
export function checkMutationsAgainst(mutations: Mutations, space: unknown, at: Place): void {
  // Keys under a domain (a choice of constant objects, say) are its values', not the space's: nothing to check there.
  if (!isPlainObject(space) || isDomain(space)) return
  for (const [key, entry] of Object.entries(mutations)) {
    if (!Object.hasOwn(space, key)) {
      const keys = Object.keys(space)
      throw problemAt(
        at.child(key),
        `not a key of the space${didYouMean(key, keys)}, got ${show(entry)}; the space has: ${keys.join(', ')}`,
      )
    }
    const inSpace = space[key]
    if (asConditional(inSpace) !== undefined) {
      throw problemAt(
        at.child(key),
        `must stay outside conditional choices (PBT explores neither a branch nor the parameters inside it), got ${show(entry)} on the space's choice over sub-spaces ${key}`,
      )
    }
    if (isPlainObject(entry) && !isDomain(entry)) checkMutationsAgainst(entry as Mutations, inSpace, at.child(key))
  }
}

/**
 * A copy of `config` with every key named in `mutations` explored, as in Ray
 * Tune's PBT: with probability `resampleProbability` a fresh draw, otherwise
 * a small move from the current value. Numbers are multiplied by one of the
 * `perturbationFactors` and then put back in the domain (rounded for integer
 * domains, onto the q grid for quantized ones, clipped to the bounds); lists
 * and `choice`/`grid` domains move one index left or right (clamped at the
 * ends). A value that cannot be moved (missing, or not in the list) is resampled.
 *
 * @example
 * ```ts
 * explore({ lr: 0.01 }, { lr: loguniform(1e-4, 1e-1) }, { resampleProbability: 0.25, perturbationFactors: [1.2, 0.8] }, random)
 * // { lr: 0.012 } or { lr: 0.008 } or a fresh draw
 * ```
 */
export function explore(config: Config, mutations: Mutations, settings: ExploreSettings, random: () => number): Config {
  const next: Config = copyJson(config)
  for (const [key, how] of Object.entries(mutations)) {
    const current = config[key]
    if (Array.isArray(how)) {
      next[key] = stepWithin(how as readonly JsonValue[], current, settings, random)
    } else if (isDomain(how)) {
      next[key] =
        how.$domain === 'choice' || how.$domain === 'grid'
          ? stepWithin(how.values as readonly JsonValue[], current, settings, random)
          : scaleWithin(how, current, settings, random)
    } else {
      next[key] = explore(isPlainObject(current) ? current : {}, how as Mutations, settings, random)
    }
  }
  return next
}

/** A neighbour of `current` in `values`, or a random one of them. */
function stepWithin(values: readonly JsonValue[], current: unknown, settings: ExploreSettings, random: () => number): JsonValue {
  const key = JSON.stringify(current)
  const index = values.findIndex((v) => JSON.stringify(v) === key)
  // Both draws are always made, so one key's outcome never shifts the stream for the next key.
  const resample = random() < settings.resampleProbability
  const r = random()
  if (resample || index < 0) return copyJson(values[Math.min(values.length - 1, Math.floor(r * values.length))] as JsonValue)
  const moved = Math.min(values.length - 1, Math.max(0, index + (r < 0.5 ? -1 : 1)))
  return copyJson(values[moved] as JsonValue)
}

/** `current` scaled by a perturbation factor and put back in the domain, or a fresh draw from it. */
function scaleWithin(
  domain: Exclude<Domain, { $domain: 'choice' | 'grid' }>,
  current: unknown,
  settings: ExploreSettings,
  random: () => number,
): number {
  const resample = random() < settings.resampleProbability
  const factors = settings.perturbationFactors
  const factor = factors[Math.min(factors.length - 1, Math.floor(random() * factors.length))] as number
  if (resample || typeof current !== 'number' || !Number.isFinite(current)) return sampleDomain(domain, random) as number
  return intoDomain(domain, current * factor)
}

/** The nearest value `domain` can produce (randn has no bounds). */
export function intoDomain(domain: Exclude<Domain, { $domain: 'choice' | 'grid' }>, value: number): number {
  const clip = (low: number, high: number) => Math.min(high, Math.max(low, value))
  switch (domain.$domain) {
    case 'uniform':
    case 'loguniform':
      // high is excluded for these too: a perturbation past it takes the largest float below it.
      return belowHigh(Math.max(domain.low, value), domain.high)
    case 'randint':
    case 'lograndint':
      // high is excluded for these.
      return Math.round(clip(domain.low, domain.high - 1))
    case 'quniform':
    case 'qloguniform':
    case 'qrandint': {
      const { first, last } = qRange(domain.low, domain.high, domain.q)
      return onGrid(Math.min(last, Math.max(first, Math.round(value / domain.q))), domain.q)
    }
    case 'randn':
      return value
  }
}
