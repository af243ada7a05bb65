/**
 * Kinds: what one option (or argument) may be, its default, and the words
 * that say so in errors. An owner's schema maps each option name to a kind.
 */
import { HyperpoolError, show } from '../errors.ts'
import { invalid, type Place, problemAt } from './place.ts'

/**
 * A default made each time the options are read (a fresh object, a random
 * seed, the machine's core count), with the words the docs use for it.
 *
 * @example
 * ```ts
 * integer({ min: 1 }).withDefault(computed("the machine's available cores", availableParallelism))
 * ```
 */
export class Computed<T> {
  constructor(
    /** What the JSDoc `@default` tag says. */
    readonly doc: string,
    readonly make: () => T,
  ) {}
}

/**
 * A default the owner fills in after reading, because it depends on other
 * options or the environment; reading leaves the option undefined.
 *
 * @example
 * ```ts
 * oneOf(LOG_LEVELS).withDeferredDefault('`HYPERPOOL_LOG_LEVEL`, else `info`')
 * ```
 */
export class Deferred {
  /** Tells a deferred default apart from a default value that happens to have a `doc`. */
  readonly deferred = true
  constructor(readonly doc: string) {}
}

/**
 * What one option may be. `Always` is true when reading always gives a value
 * (the option is required or has a default), which the types of a read
 * options object follow.
 *
 * @example
 * ```ts
 * const maxT = number({ above: 0 }).withDefault(100) // Kind<number, true>
 * ```
 */
export class Kind<T, Always extends boolean = false> {
  constructor(
    /** The rule, as it follows "must be" in errors: `an integer >= 1`. */
    readonly rule: string,
    /** Checks a value that is not undefined and returns it (or a normalised form); throws a HyperpoolError naming the place. */
    readonly parse: (value: unknown, at: Place) => T,
    /** The value an absent option takes, if any. */
    readonly fallback: T | Computed<T> | Deferred | undefined = undefined,
    /** Whether an absent option is an error. */
    readonly mandatory = false,
    readonly always = false as Always,
  ) {}

  /**
   * The same kind with a default: a value, or one {@link computed} at each read.
   *
   * @example
   * ```ts
   * integer({ min: 1 }).withDefault(10)
   * ```
   */
  withDefault(value: T | Computed<T>): Kind<T, true> {
    return new Kind(this.rule, this.parse, value, false, true)
  }

  /**
   * The same kind with a default the owner fills in after reading; `doc` is what the docs say it is.
   *
   * @example
   * ```ts
   * number({ min: 1 }).withDeferredDefault('30,000, or `baseDelayMs` when larger')
   * ```
   */
  withDeferredDefault(doc: string): Kind<T, false> {
    return new Kind<T, false>(this.rule, this.parse, new Deferred(doc), false, false)
  }

  /**
   * The same kind, absent being an error.
   *
   * @example
   * ```ts
   * text().required()
   * ```
   */
  required(): Kind<T, true> {
    return new Kind(this.rule, this.parse, undefined, true, true)
  }

  /** The words of the default, as a JSDoc `@default` tag should give them; undefined without one. */
  get defaultDoc(): string | undefined {
    const fallback = this.fallback
    if (fallback === undefined) return undefined
    if (fallback instanceof Computed || fallback instanceof Deferred) return fallback.doc
    return typeof fallback === 'string' ? `'${fallback}'` : show(fallback)
  }
}

/** Any kind, whatever it holds: what a schema is made of. */
export type AnyKind = Kind<unknown, boolean>

/**
 * A default for {@link Kind.withDefault} made at each read, described for the docs.
 *
 * @example
 * ```ts
 * text().withDefault(computed('`hyperpool_<date>_<time>`', () => defaultName(new Date())))
 * ```
 */
export function computed<T>(doc: string, make: () => T): Computed<T> {
  return new Computed(doc, make)
}

/** A kind that checks a value with a predicate and otherwise says `rule`. */
function predicate<T>(rule: string, test: (value: unknown) => boolean): Kind<T> {
  return new Kind<T>(rule, (value, at) => {
    if (!test(value)) throw invalid(at, rule, value)
    return value as T
  })
}

/** Bounds of a number: `min`/`max` inclusive, `above`/`below` exclusive. */
export interface Bounds {
  readonly min?: number
  readonly above?: number
  readonly max?: number
  readonly below?: number
}

function inBounds(value: number, { min, above, max, below }: Bounds): boolean {
  return (
    (min === undefined || value >= min) &&
    (above === undefined || value > above) &&
    (max === undefined || value <= max) &&
    (below === undefined || value < below)
  )
}

/** `an integer >= 1`, `a number in (0, 1]`, `a finite number > 1`: the bounds in words. */
function rangeWords(noun: string, { min, above, max, below }: Bounds, finite: boolean): string {
  const low = min !== undefined ? `[${min}` : above !== undefined ? `(${above}` : undefined
  const high = max !== undefined ? `${max}]` : below !== undefined ? `${below})` : undefined
  if (low !== undefined && high !== undefined) return `${noun} in ${low}, ${high}`
  const prefix = finite && noun === 'a number' ? 'a finite number' : noun
  if (low !== undefined) return `${prefix} ${min !== undefined ? '>=' : '>'} ${low.slice(1)}`
  if (high !== undefined) return `${prefix} ${max !== undefined ? '<=' : '<'} ${high.slice(0, -1)}`
  return prefix
}

/**
 * A safe integer within the bounds.
 *
 * @example
 * ```ts
 * integer({ min: 1 }) // "must be an integer >= 1"
 * ```
 */
export function integer(bounds: Bounds & { readonly rule?: string } = {}): Kind<number> {
  return predicate(
    bounds.rule ?? rangeWords('an integer', bounds, true),
    (value) => Number.isSafeInteger(value) && inBounds(value as number, bounds),
  )
}

/**
 * A number within the bounds: finite, unless `infinite` lets ±Infinity
 * through (NaN never passes).
 *
 * @example
 * ```ts
 * number({ above: 1 })             // "must be a finite number > 1"
 * number({ min: 0, infinite: true }) // Infinity allowed: "must be a number >= 0"
 * ```
 */
export function number(bounds: Bounds & { readonly infinite?: boolean; readonly rule?: string } = {}): Kind<number> {
  const finite = bounds.infinite !== true
  return predicate(
    bounds.rule ?? rangeWords('a number', bounds, finite),
    (value) => typeof value === 'number' && !Number.isNaN(value) && (!finite || Number.isFinite(value)) && inBounds(value, bounds),
  )
}

/**
 * A string: non-empty unless `empty` is true, and passing `test` if given (say it in `rule`).
 *
 * @example
 * ```ts
 * text()                                  // "must be a non-empty string"
 * text({ test: (s) => s.trim() !== '' })  // blank refused too
 * ```
 */
export function text(
  options: { readonly empty?: boolean; readonly test?: (value: string) => boolean; readonly rule?: string } = {},
): Kind<string> {
  const { empty = false, test } = options
  return predicate(
    options.rule ?? (empty ? 'a string' : 'a non-empty string'),
    (value) => typeof value === 'string' && (empty || value !== '') && (test === undefined || test(value)),
  )
}

/**
 * A boolean.
 *
 * @example
 * ```ts
 * boolean().withDefault(false)
 * ```
 */
export function boolean(): Kind<boolean> {
  return predicate('a boolean', (value) => typeof value === 'boolean')
}

/**
 * One of a few literal values.
 *
 * @example
 * ```ts
 * oneOf(['min', 'max']) // 'must be "min" or "max"'
 * ```
 */
export function oneOf<const V extends string | number | boolean>(values: readonly V[]): Kind<V> {
  const shown = values.map(show)
  const rule = shown.length === 2 ? `${shown[0]} or ${shown[1]}` : `one of ${shown.join(', ')}`
  return predicate(rule, (value) => (values as readonly unknown[]).includes(value))
}

/**
 * `'auto'` or a value of `kind`: an option whose default the owner settles
 * at setup, from the space or the budget.
 *
 * @example
 * ```ts
 * orAuto(integer({ min: 1 })) // 'must be "auto" or an integer >= 1'
 * ```
 */
export function orAuto<T>(kind: Kind<T>): Kind<T | 'auto'> {
  const rule = `"auto" or ${kind.rule}`
  return new Kind<T | 'auto'>(rule, (value, at) => {
    if (value === 'auto') return value
    try {
      return kind.parse(value, at)
    } catch (error) {
      // A refusal of the whole value names only the inner rule: say 'auto' too. One deeper down (an array's
      // item) keeps its own place and words, and anything not a refusal is a bug, passed on as it is.
      if (error instanceof HyperpoolError && error.field === at.field) throw invalid(at, rule, value)
      throw error
    }
  })
}

/**
 * A function; its signature cannot be checked, so it is given as `F`.
 *
 * @example
 * ```ts
 * func<(n: number) => number>().withDefault(defaultGamma)
 * ```
 */
export function func<F>(): Kind<F> {
  return predicate('a function', (value) => typeof value === 'function')
}

/**
 * An object (or function) with the named methods, e.g. a plugin the owner
 * will call; `what` names it (`a Searcher`). The error lists what is missing.
 *
 * @example
 * ```ts
 * withMethods<Logger>('a Logger', ['debug', 'info', 'warn', 'error'])
 * // "must be a Logger with debug, info, warn and error methods, got {} (missing debug, info, warn, error)"
 * ```
 */
export function withMethods<T>(what: string, methods: readonly string[]): Kind<T> {
  const rule =
    methods.length === 1
      ? `${what} with a ${methods[0]} method`
      : `${what} with ${methods.slice(0, -1).join(', ')} and ${methods.at(-1)} methods`
  return new Kind<T>(rule, (value, at) => {
    const holder = typeof value === 'object' || typeof value === 'function' ? (value as Record<string, unknown> | null) : null
    const missing = methods.filter((m) => typeof holder?.[m] !== 'function')
    if (holder === null || missing.length > 0) throw problemAt(at, `must be ${rule}, got ${show(value)} (missing ${missing.join(', ')})`)
    return value as T
  })
}

/**
 * Any value `test` accepts, typed `T`: instances (`AbortSignal`), plain
 * objects, anything at all.
 *
 * @example
 * ```ts
 * satisfying<AbortSignal>('an AbortSignal', (v) => v instanceof AbortSignal)
 * ```
 */
export function satisfying<T>(rule: string, test: (value: unknown) => boolean): Kind<T> {
  return predicate(rule, test)
}

/**
 * A kind whose check is its own: `parse` throws a HyperpoolError naming
 * `at` (use `invalid` or `problemAt`), or another subclass where one fits
 * (a space throws a SpaceError), and returns the value to keep.
 *
 * @example
 * ```ts
 * custom<Space>('a search space', (value) => { validateSpace(value); return value })
 * ```
 */
export function custom<T>(rule: string, parse: (value: unknown, at: Place) => T): Kind<T> {
  return new Kind<T>(rule, parse)
}

/**
 * An array whose items are each of kind `item` (named `field[i]` in errors); `rule` says what the whole must be.
 *
 * @example
 * ```ts
 * arrayOf(number({ above: 0 }), { rule: 'a non-empty array of numbers > 0', nonEmpty: true })
 * ```
 */
export function arrayOf<T>(item: Kind<T, boolean>, options: { readonly rule: string; readonly nonEmpty?: boolean }): Kind<T[]> {
  const { rule, nonEmpty = false } = options
  return new Kind<T[]>(rule, (value, at) => {
    if (!Array.isArray(value) || (nonEmpty && value.length === 0)) throw invalid(at, rule, value)
    return value.map((entry, index) => item.parse(entry, at.item(index)))
  })
}

/**
 * True for an object that is not null and not an array: what an options
 * object, a metrics object or a JSON record must be.
 *
 * @example
 * ```ts
 * isObject({ a: 1 }) // true
 * isObject([1]) // false
 * ```
 */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * True for objects made by `{}` literals, `JSON.parse` or `Object.create(null)`;
 * false for arrays, class instances (Date, Map, typed arrays, ...) and functions.
 *
 * @example
 * ```ts
 * isPlainObject({ a: 1 }) // true
 * isPlainObject(new Date()) // false
 * ```
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * A plain object whose values are each of kind `item` (named `field.key` in
 * errors); the object itself is kept.
 *
 * @example
 * ```ts
 * recordOf(text({ empty: true }), 'a plain object of string values')
 * ```
 */
export function recordOf<T>(item: Kind<T, boolean>, rule: string): Kind<Readonly<Record<string, T>>> {
  return new Kind<Readonly<Record<string, T>>>(rule, (value, at) => {
    if (!isPlainObject(value)) throw invalid(at, rule, value)
    for (const [key, entry] of Object.entries(value)) item.parse(entry, at.child(key))
    return value as Record<string, T>
  })
}
