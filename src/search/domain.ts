import { show } from '../errors.ts'
import { MAX_DEPTH } from '../storable.ts'
import { findNonJson, isPlainObject, type JsonValue } from './json.ts'
import { qRange } from './quantize.ts'
import type { Space } from './space.ts'

/** Floats uniform in `[low, high)`. @example `{ $domain: 'uniform', low: 0, high: 1 }` */
export interface Uniform {
  readonly $domain: 'uniform'
  readonly low: number
  readonly high: number
}
/** Floats uniform in log space over `[low, high)`, `low > 0`. @example `{ $domain: 'loguniform', low: 1e-4, high: 0.1 }` */
export interface LogUniform {
  readonly $domain: 'loguniform'
  readonly low: number
  readonly high: number
}
/** Multiples of `q` in `[low, high]`, drawn uniformly then rounded. @example `{ $domain: 'quniform', low: 0, high: 1, q: 0.1 }` */
export interface QUniform {
  readonly $domain: 'quniform'
  readonly low: number
  readonly high: number
  readonly q: number
}
/** Multiples of `q` in `[low, high]`, drawn log-uniformly then rounded. @example `{ $domain: 'qloguniform', low: 1, high: 1000, q: 1 }` */
export interface QLogUniform {
  readonly $domain: 'qloguniform'
  readonly low: number
  readonly high: number
  readonly q: number
}
/** Integers in `[low, high)`: `high` is excluded. @example `{ $domain: 'randint', low: 1, high: 5 }` */
export interface RandInt {
  readonly $domain: 'randint'
  readonly low: number
  readonly high: number
}
/** Integer multiples of `q` in `[low, high]`: `high` is included, as in Ray Tune. @example `{ $domain: 'qrandint', low: 0, high: 100, q: 10 }` */
export interface QRandInt {
  readonly $domain: 'qrandint'
  readonly low: number
  readonly high: number
  readonly q: number
}
/** Integers in `[low, high)`, drawn log-uniformly. @example `{ $domain: 'lograndint', low: 1, high: 1024 }` */
export interface LogRandInt {
  readonly $domain: 'lograndint'
  readonly low: number
  readonly high: number
}
/**
 * A value of a choice or grid: a constant, or a sub-space (a branch of a conditional space).
 *
 * @example
 * ```ts
 * const branch: ChoiceValue = { kind: 'svm', C: loguniform(1e-2, 10) }
 * ```
 */
export type ChoiceValue = JsonValue | Space

/** One of `values`, uniformly; a sub-space value is a branch, its domains drawn when it is picked. @example `{ $domain: 'choice', values: ['relu', 'tanh'] }` */
export interface Choice<T extends ChoiceValue = ChoiceValue> {
  readonly $domain: 'choice'
  readonly values: readonly T[]
}
/** Every one of `values` (GridSearch enumerates it; RandomSearch samples it like a choice). @example `{ $domain: 'grid', values: [32, 64] }` */
export interface Grid<T extends ChoiceValue = ChoiceValue> {
  readonly $domain: 'grid'
  readonly values: readonly T[]
}
/** Normally distributed floats. @example `{ $domain: 'randn', mean: 0, sd: 1 }` */
export interface Randn {
  readonly $domain: 'randn'
  readonly mean: number
  readonly sd: number
}

/**
 * Any domain. The `$domain` key marks it, so a space's JSON form is its in-memory form.
 *
 * @example
 * ```ts
 * const d: Domain = JSON.parse('{"$domain":"uniform","low":0,"high":1}')
 * ```
 */
export type Domain = Uniform | LogUniform | QUniform | QLogUniform | RandInt | QRandInt | LogRandInt | Choice | Grid | Randn

/**
 * The parameters of each domain kind, in factory argument order.
 *
 * @example
 * ```ts
 * DOMAIN_PARAMS.quniform // ['low', 'high', 'q']
 * ```
 */
export const DOMAIN_PARAMS: { readonly [K in Domain['$domain']]: readonly string[] } = {
  uniform: ['low', 'high'],
  loguniform: ['low', 'high'],
  quniform: ['low', 'high', 'q'],
  qloguniform: ['low', 'high', 'q'],
  randint: ['low', 'high'],
  qrandint: ['low', 'high', 'q'],
  lograndint: ['low', 'high'],
  choice: ['values'],
  grid: ['values'],
  randn: ['mean', 'sd'],
}

type Numbers = Readonly<Record<'low' | 'high' | 'q' | 'sd', number>>
type Rule = readonly [needs: string, holds: (d: Numbers) => boolean]

const lowBelowHigh: Rule = ['low < high', (d) => d.low < d.high]
// uniform(-Number.MAX_VALUE, Number.MAX_VALUE) would draw Infinity - a span that overflows samples nothing.
const finiteSpan: Rule = ['a finite high - low', (d) => Number.isFinite(d.high - d.low)]
const positiveLowBelowHigh: Rule = ['0 < low < high', (d) => 0 < d.low && d.low < d.high]
const positiveQ: Rule = ['q > 0', (d) => d.q > 0]
const multipleFits: Rule = [
  'a multiple of q in [low, high]',
  (d) => {
    const { first, last } = qRange(d.low, d.high, d.q)
    return first <= last
  },
]
const isInt = Number.isSafeInteger

const RULES: { readonly [K in Exclude<Domain['$domain'], 'choice' | 'grid'>]: readonly Rule[] } = {
  uniform: [lowBelowHigh, finiteSpan],
  loguniform: [positiveLowBelowHigh],
  quniform: [lowBelowHigh, finiteSpan, positiveQ, multipleFits],
  qloguniform: [positiveLowBelowHigh, positiveQ, multipleFits],
  randint: [['integers low < high', (d) => isInt(d.low) && isInt(d.high) && d.low < d.high]],
  qrandint: [
    ['integers low < high', (d) => isInt(d.low) && isInt(d.high) && d.low < d.high],
    ['an integer q > 0', (d) => isInt(d.q) && d.q > 0],
    multipleFits,
  ],
  lograndint: [['integers 0 < low < high', (d) => isInt(d.low) && isInt(d.high) && 0 < d.low && d.low < d.high]],
  randn: [['sd > 0', (d) => d.sd > 0]],
}

/**
 * True when `value` is an object whose `$domain` names a known kind. It checks
 * the marker only: {@link domainProblem} (through `validateSpace`) checks the fields.
 *
 * @example
 * ```ts
 * isDomain(uniform(0, 1)) // true
 * isDomain({ lr: 0.1 }) // false: a nested space
 * ```
 */
export function isDomain(value: unknown): value is Domain {
  if (typeof value !== 'object' || value === null) return false
  const kind: unknown = (value as { $domain?: unknown }).$domain
  return typeof kind === 'string' && Object.hasOwn(DOMAIN_PARAMS, kind)
}

/**
 * Whether `domain` leaves something to search: anything but a `choice` or `grid` of one value, which is a
 * constant in all but name.
 *
 * @example
 * ```ts
 * isSearched(choice(['relu'])) // false
 * ```
 */
export function isSearched(domain: Domain): boolean {
  return !isCategoryKind(domain) || domain.values.length > 1
}

/**
 * Whether `domain` is a searched category: a `choice` or `grid` of two or more values. AutoSearch's switch
 * weighs these.
 *
 * @example
 * ```ts
 * isCategory(grid([32, 64])) // true
 * ```
 */
export function isCategory(domain: Domain): boolean {
  return isCategoryKind(domain) && domain.values.length > 1
}

function isCategoryKind(domain: Domain): domain is Choice | Grid {
  return domain.$domain === 'choice' || domain.$domain === 'grid'
}

/**
 * Whether a plain object holds a domain at some depth, through plain objects
 * only (a domain inside an array is a constant's problem, refused elsewhere).
 *
 * @example
 * ```ts
 * holdsDomain({ kind: 'svm', C: loguniform(1e-2, 10) }) // true
 * holdsDomain({ kind: 'linear' }) // false
 * ```
 */
export function holdsDomain(value: unknown, depth = 0): boolean {
  // Nesting past MAX_DEPTH is refused by validation anyway; the walk stops there so a cycle cannot recurse forever.
  if (!isPlainObject(value) || depth >= MAX_DEPTH) return false
  return Object.values(value).some((entry) => namesDomain(entry) || holdsDomain(entry, depth + 1))
}

/**
 * A plain object with a `$domain` string, of a known kind or not: meant as a domain. A branch holding one with a
 * misspelt kind is still a branch, so `validateSpace` reaches it and names its path, rather than the choice
 * refusing it as a constant.
 */
function namesDomain(value: unknown): boolean {
  return isPlainObject(value) && typeof value.$domain === 'string'
}

/**
 * Why a domain of a known kind is invalid, as `needs <rule>, got <values>`, or
 * undefined when it is valid. The factories and `validateSpace` both call it,
 * so the rules live only here.
 *
 * @example
 * ```ts
 * domainProblem({ $domain: 'loguniform', low: 0, high: 1 }) // 'needs 0 < low < high, got low=0, high=1'
 * ```
 */
export function domainProblem(domain: Domain): string | undefined {
  const params = DOMAIN_PARAMS[domain.$domain]
  const fields = domain as unknown as Readonly<Record<string, unknown>>
  const keys = Object.keys(fields).filter((key) => key !== '$domain')
  if (keys.length !== params.length || !params.every((p) => Object.hasOwn(fields, p))) {
    return `needs exactly the fields ${params.join(', ')}, got ${keys.length === 0 ? 'none' : keys.join(', ')}`
  }
  const got = `got ${params.map((p) => `${p}=${show(fields[p])}`).join(', ')}`
  if (domain.$domain === 'choice' || domain.$domain === 'grid') {
    const values: unknown = domain.values
    if (!Array.isArray(values) || values.length === 0) return `needs a non-empty array, ${got}`
    // Without this, choice([uniform(0, 1), 5]) would hand trainables the domain object itself, not a draw from it.
    const nested = values.findIndex(namesDomain)
    if (nested >= 0) {
      return `needs constants or sub-spaces as values (a domain itself is not a branch: wrap it, as { x: uniform(0, 1) }), got values[${nested}]=${show(values[nested])}`
    }
    // A conditional choice: its sub-space values are branches, checked as spaces by validateSpace when the space is checked (Tuner, Study, a searcher), which names their path.
    const conditional = values.some((value) => holdsDomain(value))
    for (const [index, value] of values.entries()) {
      if (conditional && isPlainObject(value)) continue
      const bad = findNonJson(value, `values[${index}]`)
      if (bad)
        return `needs JSON-safe values or sub-spaces (finite numbers, strings, booleans, null, arrays, plain objects, domains inside plain objects), got ${bad.where}=${bad.got}`
    }
    return undefined
  }
  if (!params.every((p) => Number.isFinite(fields[p]))) return `needs finite numbers, ${got}`
  const broken = RULES[domain.$domain].find(([, holds]) => !holds(fields as unknown as Numbers))
  return broken && `needs ${broken[0]}, ${got}`
}
