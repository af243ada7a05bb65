/**
 * The checks of a space, one set of rules for hand-written, parsed and
 * factory-made spaces (a conditional choice's branches included).
 */
import { SpaceError, show } from '../errors.ts'
import { didYouMean } from '../options/index.ts'
import { MAX_DEPTH } from '../storable.ts'
import { ambiguousBranches, asConditional } from './branches.ts'
import { DOMAIN_PARAMS, type Domain, domainProblem } from './domain.ts'
import { findNonJson, isPlainObject } from './json.ts'
import type { Space } from './space.ts'

function fail(field: string, problem: string): never {
  throw new SpaceError(`${field}: ${problem}`, { field })
}

/**
 * Checks a hand-written or JSON-parsed space with the same rules as the
 * factories, and throws a {@link SpaceError} whose `field` (and message
 * prefix) is the dotted path of the first bad entry. Also rejects empty
 * (nested) spaces, keys that are empty, hold `/` or are `__proto__`,
 * anything JSON cannot carry (functions, class instances, undefined, NaN, ...),
 * cycles, and nesting deeper than `MAX_DEPTH` (100) levels.
 *
 * @example
 * ```ts
 * validateSpace(JSON.parse(text)) // SpaceError: space.optimizer.lr: loguniform needs 0 < low < high, got low=0, high=1
 * ```
 */
export function validateSpace(space: unknown, root = 'space'): asserts space is Space {
  if (!isPlainObject(space) || Object.hasOwn(space, '$domain')) {
    fail(root, `needs a plain object of domains, constants and nested spaces, got ${show(space)}`)
  }
  checkSpace(space, root, new Set())
}

function checkSpace(space: Record<string, unknown>, path: string, ancestors: Set<object>): void {
  // An empty nested space would vanish in flatten/unflatten, so a config could not be rebuilt from its entries.
  if (Object.keys(space).length === 0) fail(path, 'needs at least one key, got {}')
  if (ancestors.has(space)) fail(path, 'needs an acyclic space, got a circular reference')
  if (ancestors.size >= MAX_DEPTH) fail(path, `needs a space nested at most ${MAX_DEPTH} levels deep, got a deeper one`)
  ancestors.add(space)
  for (const [key, value] of Object.entries(space)) {
    const field = `${path}.${key}`
    // "/" separates flat names and "[...]" names a branch in them (model[svm]/C): a key holding either could collide.
    if (key === '' || /[/[\]]/.test(key) || key === '__proto__') {
      fail(field, `needs a key that is non-empty, has no "/", "[" or "]" (they make flat names) and is not __proto__, got ${show(key)}`)
    }
    if (isPlainObject(value) && Object.hasOwn(value, '$domain')) checkDomain(value, field, ancestors)
    else if (isPlainObject(value)) checkSpace(value, field, ancestors)
    else {
      const bad = findNonJson(value, field, ancestors.size)
      if (bad) fail(bad.where, `needs a domain, a nested space or a JSON-safe constant, got ${bad.got}`)
    }
  }
  ancestors.delete(space)
}

function checkDomain(value: Record<string, unknown>, field: string, ancestors: Set<object>): void {
  const kind = value.$domain
  if (typeof kind !== 'string' || !Object.hasOwn(DOMAIN_PARAMS, kind)) {
    const kinds = Object.keys(DOMAIN_PARAMS)
    const guess = typeof kind === 'string' ? didYouMean(kind, kinds) : ''
    fail(field, `unknown $domain, needs one of ${kinds.join(', ')}, got ${show(kind)}${guess}`)
  }
  const problem = domainProblem(value as unknown as Domain)
  if (problem !== undefined) fail(field, `${kind} ${problem}`)
  // The branches of a conditional choice are spaces of their own, held to the same rules at any depth.
  const conditional = asConditional(value)
  conditional?.values.forEach((branch, index) => {
    if (isPlainObject(branch)) checkSpace(branch, `${field}.values[${index}]`, ancestors)
  })
  const clash = conditional === undefined ? undefined : ambiguousBranches(conditional)
  if (clash !== undefined) {
    const { first, second, shared } = clash
    fail(
      field,
      `${kind} needs branches a config can be read back into: values[${first}] and values[${second}] share ${shared.join(', ')} ` +
        `and none of them tells the two apart (a different constant in each, or ranges that do not meet), so a config of values[${second}] could be read as values[${first}]; ` +
        `give each branch a tag, e.g. kind: 'a' in one and kind: 'b' in the other, got keys ${show(Object.keys(conditional?.values[first] as object))} and ${show(Object.keys(conditional?.values[second] as object))}`,
    )
  }
}
