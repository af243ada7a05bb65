/**
 * Conditional spaces: a `choice` or `grid` whose values hold sub-spaces
 * (plain objects with domains inside). Each value is a branch; a config holds
 * the branch drawn, its own domains drawn in turn. What names a branch in flat
 * columns (`model[svm]/C`) is decided here, once, from the space alone.
 */
import { type Choice, type Grid, isDomain } from './domain.ts'
import { isPlainObject } from './json.ts'

/** Nesting past this is refused by validation anyway; the walk stops here so a cycle cannot recurse forever. */
const DEPTH_LIMIT = 100

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
  if (!isPlainObject(value) || depth >= DEPTH_LIMIT) return false
  return Object.values(value).some((entry) => isDomain(entry) || holdsDomain(entry, depth + 1))
}

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
  /** The key every branch holds as a distinct string constant (its tag), if there is one. */
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
 * first key (in the first branch's order) that every branch holds as a
 * string constant, distinct from branch to branch and usable in a column
 * name; the labels are its values. Without such a key, branches are labelled
 * by index (`'0'`, `'1'`, ...).
 *
 * @example
 * ```ts
 * branchNames(choice([{ kind: 'svm', C: loguniform(1e-2, 10) }, { kind: 'forest', trees: randint(10, 100) }]))
 * // { tag: 'kind', labels: ['svm', 'forest'] }
 * ```
 */
export function branchNames(domain: Choice | Grid): BranchNames {
  const known = NAMES.get(domain)
  if (known !== undefined) return known
  const values = domain.values
  const objects = values.every(isPlainObject) ? (values as readonly Record<string, unknown>[]) : []
  const tag = Object.keys(objects[0] ?? {}).find((key) => {
    const labels = objects.map((branch) => branch[key])
    return labels.every(usableLabel) && new Set(labels).size === labels.length
  })
  const names: BranchNames = {
    tag,
    labels: values.map((branch, index) => (tag === undefined ? String(index) : ((branch as Record<string, string>)[tag] as string))),
  }
  NAMES.set(domain, names)
  return names
}
