import { show } from '../errors.ts'
import { isPlainObject } from '../options/index.ts'
import { MAX_DEPTH } from '../storable.ts'

/**
 * A value JSON carries without loss: finite numbers, strings, booleans, null,
 * and arrays or plain objects of those.
 *
 * @example
 * ```ts
 * const v: JsonValue = { sizes: [32, 64], name: 'mlp', dropout: null }
 * ```
 */
export type JsonValue = number | string | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue }

// One rule for "plain object", shared with the option checks.
export { isPlainObject }

/**
 * Where the first value that JSON cannot carry faithfully sits inside `value`
 * (`where` extended with `[i]` and `.key`), and how it reads; undefined when all is JSON-safe.
 * `depth` is how deep `value` already sits: past `MAX_DEPTH` levels in all, a value counts as unsafe.
 *
 * @example
 * ```ts
 * findNonJson([1, Number.NaN], 'values') // { where: 'values[1]', got: 'NaN' }
 * ```
 */
export function findNonJson(
  value: unknown,
  where: string,
  depth = 0,
  ancestors: Set<object> = new Set(),
): { where: string; got: string } | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { where, got: show(value) }
  const isArray = Array.isArray(value)
  if (!isArray && !isPlainObject(value)) return { where, got: show(value) }
  // A domain deep inside a value is never sampled: the trainable would get the domain object itself.
  if (!isArray && typeof (value as Record<string, unknown>).$domain === 'string') {
    return { where, got: `a ${(value as Record<string, unknown>).$domain} domain, which is sampled only as a field of the space` }
  }
  // A cycle would send JSON.stringify (and this walk) into infinite recursion.
  if (ancestors.has(value)) return { where, got: 'a circular reference' }
  if (depth >= MAX_DEPTH) return { where, got: `a value nested deeper than ${MAX_DEPTH} levels` }
  ancestors.add(value)
  try {
    if (isArray) {
      for (let i = 0; i < value.length; i++) {
        const found = findNonJson(value[i], `${where}[${i}]`, depth + 1, ancestors)
        if (found) return found
      }
      return undefined
    }
    for (const [key, item] of Object.entries(value)) {
      const found = findNonJson(item, `${where}.${key}`, depth + 1, ancestors)
      if (found) return found
    }
    return undefined
  } finally {
    ancestors.delete(value)
  }
}

/**
 * A deep copy of a JSON-safe value, so configs never share mutable objects with the space.
 *
 * @example
 * ```ts
 * const copy = copyJson({ sizes: [32, 64] })
 * ```
 */
export function copyJson<T>(value: T): T {
  return typeof value === 'object' && value !== null ? structuredClone(value) : value
}
