/**
 * Conditional spaces: a `choice` or `grid` whose values hold sub-spaces
 * (plain objects with domains inside). Each value is a branch; a config holds
 * the branch drawn, its own domains drawn in turn. What names a branch in flat
 * columns (`model[svm]/C`) is decided here, once, from the space alone.
 */
import { type Choice, type Grid, holdsDomain, isDomain } from './domain.ts'
import { isPlainObject } from './json.ts'

/**
 * `value` when it is a `choice` or `grid` over sub-spaces (at least one of
 * its values is a plain object with a domain inside), else undefined. In one,
 * every plain-object value is a sub-space (a branch) and other values are
 * constant branches.
 *
 * @example
 * ```ts
 * asConditional(choice([{ kind: 'svm', C: loguniform(1e-2, 10) }, { kind: 'linear' }])) // the choice
 * asConditional(choice([{ a: 1 }, { a: 2 }])) // undefined: constants only
 * ```
 */
export function asConditional(value: unknown): Choice | Grid | undefined {
  if (!isDomain(value) || (value.$domain !== 'choice' && value.$domain !== 'grid')) return undefined
  return Array.isArray(value.values) && value.values.some((branch) => holdsDomain(branch)) ? value : undefined
}

/** How a conditional choice's branches are named in flat columns. */
export interface BranchNames {
  /** The key every sub-space branch holds as a string constant (its tag), if there is one. */
  readonly tag: string | undefined
  /** One label per branch: its tag value, or its index. */
  readonly labels: readonly string[]
}

const NAMES = new WeakMap<object, BranchNames>()

/** A label can sit between brackets in a column name: non-empty, without `/`, `[` or `]`. */
function usableLabel(label: unknown): label is string {
  return typeof label === 'string' && label !== '' && !/[/[\]]/.test(label)
}

/**
 * The tag and labels of a conditional choice's branches. The tag is the
 * first key (in the first sub-space's order) that every sub-space branch
 * holds as a string constant; a sub-space is labelled by its tag value, a
 * constant string branch by itself. When that leaves a label missing,
 * repeated or unusable in a column name (empty, or holding `/`, `[` or
 * `]`), every branch is labelled by its index (`'0'`, `'1'`, ...).
 *
 * @example
 * ```ts
 * branchNames(choice([{ kind: 'svm', C: loguniform(1e-2, 10) }, { kind: 'forest', trees: randint(10, 100) }, 'none']))
 * // { tag: 'kind', labels: ['svm', 'forest', 'none'] }
 * ```
 */
export function branchNames(domain: Choice | Grid): BranchNames {
  const known = NAMES.get(domain)
  if (known !== undefined) return known
  const values = domain.values
  const objects = values.filter(isPlainObject) as readonly Record<string, unknown>[]
  const tag = Object.keys(objects[0] ?? {}).find((key) => objects.every((branch) => typeof branch[key] === 'string'))
  const tagged = values.map((branch) => (isPlainObject(branch) ? (tag === undefined ? undefined : branch[tag]) : branch))
  const named = tagged.every(usableLabel) && new Set(tagged).size === tagged.length
  const names: BranchNames = { tag, labels: named ? (tagged as string[]) : values.map((_, index) => String(index)) }
  NAMES.set(domain, names)
  return names
}

/**
 * The dotted path (`space.model`) of the first conditional choice of a space,
 * in key order, or undefined for a space without one.
 *
 * @example
 * ```ts
 * conditionalPath({ lr: uniform(0, 1), opt: { model: choice([{ C: uniform(0, 1) }, 'none']) } }) // 'space.opt.model'
 * ```
 */
export function conditionalPath(space: Readonly<Record<string, unknown>>, path = 'space'): string | undefined {
  for (const [key, value] of Object.entries(space)) {
    if (asConditional(value) !== undefined) return `${path}.${key}`
    const inner = isPlainObject(value) && !isDomain(value) ? conditionalPath(value, `${path}.${key}`) : undefined
    if (inner !== undefined) return inner
  }
  return undefined
}

/** Two sub-space branches a config could fit alike, and the keys they share. */
export interface AmbiguousBranches {
  readonly first: number
  readonly second: number
  readonly shared: readonly string[]
}

/** A branch value that is a constant (no domain anywhere inside). */
function isConstant(value: unknown): boolean {
  return !isDomain(value) && !holdsDomain(value)
}

/** The closed range a numeric domain draws from (randn has none), or a number constant's point. */
function numericRange(value: unknown): readonly [number, number] | undefined {
  if (typeof value === 'number') return [value, value]
  if (!isDomain(value) || value.$domain === 'randn' || value.$domain === 'choice' || value.$domain === 'grid') return undefined
  // randint and lograndint leave out `high`: integers, so the last they draw is high - 1.
  if (value.$domain === 'randint' || value.$domain === 'lograndint') return [value.low, value.high - 1]
  return [value.low, value.high]
}

/**
 * Whether no value can fit both `a` and `b` at one key: different constants (a literal tag), or numeric ranges (of
 * domains or number constants) that do not meet. Anything else may meet, as far as this cheap check knows.
 */
function apart(a: unknown, b: unknown): boolean {
  if (isConstant(a) && isConstant(b)) return JSON.stringify(a) !== JSON.stringify(b)
  const ra = numericRange(a)
  const rb = numericRange(b)
  return ra !== undefined && rb !== undefined && (ra[1] < rb[0] || rb[1] < ra[0])
}

/**
 * The first two sub-space branches of a conditional choice that share a key while no shared key tells them apart
 * (a different constant in each, i.e. a literal tag such as `kind: 'svm'` / `kind: 'forest'`, or numeric ranges that
 * do not meet), or undefined when every pair is told apart. A config is read as the first branch it fits, so a
 * config of the second of such a pair could be read as the first: with `{ C: uniform(0, 1) }` and
 * `{ C: uniform(0, 10), gamma: uniform(0, 1) }`, a point `{ C: 0.5 }` (gamma left to draw) fits both. Branches with
 * no key in common are told apart by their keys.
 *
 * @example
 * ```ts
 * ambiguousBranches(choice([{ C: uniform(0, 1) }, { C: uniform(1, 10), gamma: uniform(0, 1) }])) // { first: 0, second: 1, shared: ['C'] }
 * ambiguousBranches(choice([{ kind: 'a', C: uniform(0, 1) }, { kind: 'b', C: uniform(1, 10) }])) // undefined
 * ```
 */
export function ambiguousBranches(domain: Choice | Grid): AmbiguousBranches | undefined {
  const values = domain.values
  for (let i = 0; i < values.length; i++) {
    const a = values[i]
    if (!isPlainObject(a)) continue
    for (let j = i + 1; j < values.length; j++) {
      const b = values[j]
      if (!isPlainObject(b)) continue
      const shared = Object.keys(a).filter((key) => Object.hasOwn(b, key))
      if (shared.length === 0) continue
      if (!shared.some((key) => apart(a[key], b[key]))) return { first: i, second: j, shared }
    }
  }
  return undefined
}
