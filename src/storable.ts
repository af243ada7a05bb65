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
  const found = walk(value, 0, [])
  // The path is built only for a value that is refused, from the leaf up: a storable report allocates nothing for it.
  return found && { where: where + found.path.reverse().join(''), got: found.got }
}

interface Unstorable {
  /** `.key` and `[i]` steps from the unstorable leaf up to the value walked. */
  readonly path: string[]
  readonly got: string
}

/** `ancestors`: the arrays and objects that hold `value`, to catch a cycle. */
function walk(value: unknown, depth: number, ancestors: object[]): Unstorable | undefined {
  if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return undefined
  const got = describe(value)
  if (got !== undefined) return { path: [], got }
  const object = value as object
  if (depth >= MAX_DEPTH) return { path: [], got: `a value nested deeper than ${MAX_DEPTH} levels` }
  if (ancestors.includes(object)) return { path: [], got: 'a circular reference' }
  ancestors.push(object)
  if (Array.isArray(object)) {
    for (let i = 0; i < object.length; i++) {
      // JSON turns undefined in an array into null: the log would not read back what was reported.
      const found =
        object[i] === undefined
          ? { path: [], got: 'undefined (JSON stores it as null; report null)' }
          : walk(object[i], depth + 1, ancestors)
      if (found) {
        found.path.push(`[${i}]`)
        return found
      }
    }
  } else {
    const record = object as Record<string, unknown>
    for (const key of Object.keys(record)) {
      const item = record[key]
      if (item === undefined) continue
      const found = walk(item, depth + 1, ancestors)
      if (found) {
        found.path.push(`.${key}`)
        return found
      }
    }
  }
  ancestors.pop()
  return undefined
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
