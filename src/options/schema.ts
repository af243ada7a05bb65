/**
 * Schemas: an owner's options declared in one place, name -> kind, and read
 * in one way: not an object or an unknown key (with a guess) is refused,
 * every option is checked, defaults are filled in.
 */
import { show } from '../errors.ts'
import { didYouMean, nearName } from './guess.ts'
import { type AnyKind, Computed, Deferred, isObject, Kind } from './kinds.ts'
import { argumentAt, invalid, optionAt, type Place, problemAt } from './place.ts'

/** Option names to their kinds. */
export type Schema = { readonly [name: string]: AnyKind }

/**
 * The schema an options interface `O` calls for: one kind per option, of the
 * option's type. Declare a schema `satisfies SchemaOf<O>`, so the interface
 * and the schema cannot drift apart (a missing, extra or mistyped option is a
 * compile error).
 *
 * @example
 * ```ts
 * const schema = { maxT: number({ above: 0 }).withDefault(100) } satisfies SchemaOf<{ maxT?: number }>
 * ```
 */
export type SchemaOf<O> = { readonly [K in keyof O]-?: Kind<Exclude<O[K], undefined>, boolean> }

type ValueOf<K> = K extends Kind<infer T, boolean> ? T : never
type Simplify<T> = { [K in keyof T]: T[K] } & {}

/**
 * Options as read with schema `S`: options that are required or have a
 * default are always there; the others may be absent.
 *
 * @example
 * ```ts
 * type R = Resolved<{ maxT: Kind<number, true>; seed: Kind<number> }> // { readonly maxT: number; readonly seed?: number }
 * ```
 */
export type Resolved<S extends Schema> = Simplify<
  { readonly [K in keyof S as S[K] extends Kind<unknown, true> ? K : never]: ValueOf<S[K]> } & {
    readonly [K in keyof S as S[K] extends Kind<unknown, true> ? never : K]?: ValueOf<S[K]>
  }
>

/**
 * Reads one value at `at` by its kind: the default (or undefined) when the
 * value is undefined, a {@link ConfigError} when it is required and absent,
 * else the kind's check.
 *
 * @example
 * ```ts
 * const state = check(oneOf(['completed', 'stopped']).withDefault('completed'), value, argumentAt('Study.tell', 'state'))
 * ```
 */
export function check<T, A extends boolean>(kind: Kind<T, A>, value: unknown, at: Place): A extends true ? T : T | undefined
export function check<T>(kind: Kind<T, boolean>, value: unknown, at: Place): T | undefined {
  if (value !== undefined) return kind.parse(value, at)
  if (kind instanceof NestedKind) return kind.parse({}, at) as T
  if (kind.mandatory) throw invalid(at, kind.rule, value)
  const fallback = kind.fallback
  if (fallback === undefined || fallback instanceof Deferred) return undefined
  return fallback instanceof Computed ? fallback.make() : fallback
}

/**
 * ` (did you mean gp.warpValues?)` when `key` is (nearly) an option of a nested options object,
 * as when an inner searcher's option is given to AutoSearch itself; '' otherwise.
 */
function nestedGuess(schema: Schema, key: string): string {
  const paths: string[] = []
  for (const [field, kind] of Object.entries(schema)) {
    const near = kind instanceof NestedKind ? nearName(key, Object.keys(kind.schema)) : undefined
    if (near !== undefined) paths.push(`${field}.${near}`)
  }
  return paths.length === 0 ? '' : ` (did you mean ${paths.join(' or ')}?)`
}

/** Checks an options object against `schema`; `whole` names the object, `placeOf` each option. */
function readFields(schema: Schema, value: unknown, whole: Place, rule: string, placeOf: (key: string) => Place): Record<string, unknown> {
  if (!isObject(value)) throw invalid(whole, rule, value)
  const known = Object.keys(schema)
  for (const key of Object.keys(value)) {
    if (Object.hasOwn(schema, key)) continue
    const list = known.length > 0 ? known.join(', ') : 'none'
    const guess = didYouMean(key, known) || nestedGuess(schema, key)
    throw problemAt(placeOf(key), `unknown option${guess}, got ${show(value[key])}; known: ${list}`)
  }
  const read: Record<string, unknown> = {}
  for (const key of known) {
    const option = check(schema[key] as AnyKind, value[key], placeOf(key))
    if (option !== undefined) read[key] = option
  }
  return read
}

/**
 * The options of one owner (a class or function taking an options object),
 * declared once: `read` checks an options object and fills in its defaults.
 *
 * @example
 * ```ts
 * const options = ASHA_OPTIONS.read(userOptions) // { timeAttr: 'training_iteration', maxT: 100, ... }
 * ```
 */
export interface OptionSet<S extends Schema> {
  /** Who takes these options, as errors name it: `ASHAScheduler`. */
  readonly owner: string
  readonly schema: S
  /**
   * The options checked, defaults filled in; undefined counts as `{}`.
   * Throws a {@link ConfigError} for a value that is not an object, an
   * unknown key (`Owner({ key }): unknown option (did you mean x?), got v;
   * known: ...`) or a bad option (`Owner({ key }): must be <rule>, got v`).
   */
  read(options: unknown): Resolved<S>
}

/**
 * Declares the options of `owner`. Keep the schema in step with the options
 * interface with `satisfies SchemaOf<Options>`, and give each option that has
 * a default a JSDoc `@default` tag with the schema's words for it
 * (tests/options/defaults.test.ts compares them).
 *
 * @example
 * ```ts
 * export const ASHA_OPTIONS = defineOptions('ASHAScheduler', {
 *   maxT: number({ above: 0 }).withDefault(100),
 *   brackets: integer({ min: 1 }).withDefault(1),
 * } satisfies SchemaOf<ASHAOptions>)
 * ```
 */
export function defineOptions<const S extends Schema>(owner: string, schema: S): OptionSet<S> {
  const whole = argumentAt(owner, 'options')
  return {
    owner,
    schema,
    read: (options) =>
      readFields(schema, options === undefined ? {} : options, whole, 'an object', (key) => optionAt(owner, key)) as Resolved<S>,
  }
}

/**
 * An option that is itself an options object, read with its own schema; its
 * options are named `field.key` in errors. Absent, it reads as `{}`, so
 * its options take their own defaults.
 *
 * @example
 * ```ts
 * stop: nested({ maxIterations: integer({ min: 1 }), timeBudgetS: number({ above: 0 }) })
 * // "Tuner({ stop.maxIterations }): must be an integer >= 1, got 0"
 * ```
 */
export class NestedKind<S extends Schema> extends Kind<Resolved<S>, true> {
  constructor(readonly schema: S) {
    const names = Object.keys(schema)
    const rule = `an object { ${names.map((key) => `${key}?`).join(', ')} }`
    const parse = (value: unknown, at: Place) => readFields(schema, value, at, rule, (key) => at.child(key)) as Resolved<S>
    super(rule, parse, undefined, false, true)
  }
}

/**
 * A {@link NestedKind}.
 *
 * @example
 * ```ts
 * const retry = nested({ baseDelayMs: number({ min: 1 }).withDefault(500) })
 * ```
 */
export function nested<const S extends Schema>(schema: S): NestedKind<S> {
  return new NestedKind(schema)
}
