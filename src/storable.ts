/**
 * What the experiment can record: how deep user values may nest, and which
 * reported values the log (JSON, non-finite numbers tagged) stores as they are.
 */
import { show } from './errors.ts'
import { isPlainObject } from './options/index.ts'

/**
 * How deep `data`, a search space and a report may nest (`a.b[0].c` is 3
 * levels). Real ones nest a handful of levels; past this a value is almost
 * surely built by mistake, and every walk over it (validation, sharing,
 * cloning, JSON) would risk a stack overflow instead of a clear error.
 *
 * @example
 * ```ts
 * if (depth > MAX_DEPTH) throw new DataError(`${path}: nested deeper than ${MAX_DEPTH} levels`)
 * ```
 */
export const MAX_DEPTH = 100

/**
 * Where the first value inside a report that the log cannot store as it is
 * sits (`where` extended with `.key` and `[i]`), and what it is; undefined
 * when the whole value is storable. Storable: numbers (NaN and infinities
 * included), strings, booleans, null, and arrays and plain objects of those,
 * acyclic and at most {@link MAX_DEPTH} deep; an `undefined` object field is
 * allowed (it is simply absent, as in JSON).
 *
 * @example
 * ```ts
 * findUnstorable({ loss: 1n }, 'metrics') // { where: 'metrics.loss', got: '1n (a BigInt)' }
 * ```
 */
export function findUnstorable(value: unknown, where: string): { where: string; got: string } | undefined {
  return walk(value, where, 0, new Set())
}

function walk(value: unknown, where: string, depth: number, ancestors: Set<object>): { where: string; got: string } | undefined {
  if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return undefined
  const got = describe(value)
  if (got !== undefined) return { where, got }
  const object = value as object
  if (depth >= MAX_DEPTH) return { where, got: `a value nested deeper than ${MAX_DEPTH} levels` }
  if (ancestors.has(object)) return { where, got: 'a circular reference' }
  ancestors.add(object)
  try {
    if (Array.isArray(object)) {
      for (let i = 0; i < object.length; i++) {
        // JSON turns undefined in an array into null: the log would not read back what was reported.
        if (object[i] === undefined) return { where: `${where}[${i}]`, got: 'undefined (JSON stores it as null; report null)' }
        const found = walk(object[i], `${where}[${i}]`, depth + 1, ancestors)
        if (found) return found
      }
      return undefined
    }
    for (const [key, item] of Object.entries(object)) {
      if (item === undefined) continue
      const found = walk(item, `${where}.${key}`, depth + 1, ancestors)
      if (found) return found
    }
    return undefined
  } finally {
    ancestors.delete(object)
  }
}

/** How an unstorable leaf reads in an error, with what to report instead; undefined for arrays and plain objects. */
function describe(value: unknown): string | undefined {
  switch (typeof value) {
    case 'bigint':
      return `${value}n (a BigInt; report Number(value))`
    case 'symbol':
      return `${String(value)} (a symbol)`
    case 'function':
      return `${show(value)} (a function)`
    case 'undefined':
      return 'undefined'
  }
  if (Array.isArray(value) || isPlainObject(value)) return undefined
  if (ArrayBuffer.isView(value)) return `${show(value)} (report Array.from(value))`
  return `${show(value)} (only plain objects and arrays are stored)`
}

/**
 * Sets `key` on `target` by defining it rather than assigning it, so a key
 * like `__proto__` from a config or a report stays a plain field and never
 * reaches the prototype.
 *
 * @example
 * ```ts
 * const row: Record<string, unknown> = {}
 * setOwn(row, '__proto__', 1) // Object.keys(row) -> ['__proto__']
 * ```
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}
