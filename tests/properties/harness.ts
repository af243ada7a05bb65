/**
 * What every property test of malformed input checks, in one place: each
 * case runs bounded in time, must throw a typed HyperpoolError (of the
 * expected class) naming the expected field, and must leave the built-in
 * prototypes as they were.
 */
import { Script } from 'node:vm'
import fc from 'fast-check'
import { expect } from 'vitest'
import type { HyperpoolError } from '../../src/index.ts'

/** One seed for every property suite, so a failure reproduces (fast-check prints the path to replay it). */
export const SEED = 20_261_201

/** A case that runs longer than this is a hang: the vm watchdog stops even a synchronous endless loop. */
const CASE_MS = 2000

const script = new Script('globalThis.__hyperpoolCase()')

const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype]
const snapshot = () => PROTOTYPES.map((proto) => Object.getOwnPropertyDescriptors(proto))

/** How each prototype was before any case ran. */
const pristine = snapshot()

/** Throws if a built-in prototype gained, lost or changed a property. */
export function expectPrototypesIntact(): void {
  const now = snapshot()
  now.forEach((descriptors, i) => {
    const before = pristine[i] as PropertyDescriptorMap
    const keys = new Set([...Reflect.ownKeys(before), ...Reflect.ownKeys(descriptors)])
    for (const key of keys) {
      const a = before[key as string]
      const b = descriptors[key as string]
      if (a?.value !== b?.value || a?.get !== b?.get || a?.set !== b?.set) {
        throw new Error(`a case polluted a built-in prototype: ${String(key)}`)
      }
    }
  })
}

/** Runs `run` under the watchdog and returns what it threw (undefined if it returned). */
export function thrownBy(run: () => unknown): unknown {
  const global = globalThis as { __hyperpoolCase?: () => unknown }
  global.__hyperpoolCase = run
  try {
    script.runInThisContext({ timeout: CASE_MS })
    return undefined
  } catch (error) {
    return error
  } finally {
    delete global.__hyperpoolCase
    expectPrototypesIntact()
  }
}

/** Like {@link thrownBy}, for an asynchronous case: what it rejected with, or a hang error after CASE_MS. */
export async function rejectionOf(run: () => Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hung for ${CASE_MS} ms`)), CASE_MS)
  })
  try {
    await Promise.race([run(), hang])
    return undefined
  } catch (error) {
    return error
  } finally {
    clearTimeout(timer)
    expectPrototypesIntact()
  }
}

/** How a field must be named: exactly, as a prefix of a path, or as one word of the field (`search.gamma` names `gamma`). */
export type FieldMatch = { exact: string } | { prefix: string } | { word: string }

/** Asserts that `error` is a HyperpoolError of class `kind` whose field matches. */
export function expectTyped(error: unknown, kind: new (...args: never[]) => HyperpoolError, field: FieldMatch): void {
  if (error === undefined) throw new Error('silently accepted: nothing was thrown')
  if (!(error instanceof kind)) {
    throw new Error(`expected a ${kind.name}, got ${(error as Error)?.name}: ${(error as Error)?.message ?? String(error)}`)
  }
  const got = error.field
  if ('exact' in field) expect(got).toBe(field.exact)
  else if ('prefix' in field) expect(got.startsWith(field.prefix), `field ${JSON.stringify(got)} under ${field.prefix}`).toBe(true)
  else {
    const w = field.word
    const names =
      got === w || got.endsWith(`.${w}`) || got.startsWith(`${w}.`) || got.startsWith(`${w}[`) || got.split(/[^\w$]+/).includes(w)
    expect(names, `field ${JSON.stringify(got)} names ${w}`).toBe(true)
  }
  expect(error.message.length).toBeGreaterThan(0)
}

/** Runs a property over `numRuns` seeded cases; returns the number of cases, for the suite's count. */
export function check<T>(arbitrary: fc.Arbitrary<T>, numRuns: number, predicate: (value: T) => void): number {
  fc.assert(fc.property(arbitrary, predicate), { seed: SEED, numRuns, endOnFailure: true })
  return numRuns
}

/** The asynchronous form of {@link check}. */
export async function checkAsync<T>(arbitrary: fc.Arbitrary<T>, numRuns: number, predicate: (value: T) => Promise<void>): Promise<number> {
  await fc.assert(fc.asyncProperty(arbitrary, predicate), { seed: SEED, numRuns, endOnFailure: true })
  return numRuns
}

// ---- Building blocks of malformed input ----

/** A value of almost any kind a user could pass by mistake, built fresh per case. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(Number.NaN),
  fc.constant(Number.POSITIVE_INFINITY),
  fc.constant(Number.NEGATIVE_INFINITY),
  fc.double(),
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.bigInt(),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', '', 'toString'),
  fc.boolean(),
  fc.constant(null),
  fc.constant(Symbol('junk')),
  fc.constant(() => 1),
  fc.constant(null).map(() => new Date(0)),
  fc.constant(null).map(() => new Map([[1, 2]])),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.constant(null).map(() => JSON.parse('{"__proto__": {"polluted": true}}') as unknown),
  fc.constant(null).map(() => {
    const loop: Record<string, unknown> = { a: 1 }
    loop.self = loop
    return loop
  }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.integer(), { maxKeys: 3 }),
)

/** Junk that is not a number. */
export const notNumber = junk.filter((value) => typeof value !== 'number')

/** Junk that is neither undefined (the default) nor null (treated as absent by `??`) nor a boolean. */
export const notBoolean = junk.filter((value) => typeof value !== 'boolean' && value !== null)

/** Values that are not an integer >= min (and not null or undefined, which mean "the default"). */
export function notIntegerFrom(min: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    notNumber.filter((value) => value !== null),
    fc.integer({ min: -1e9, max: min - 1 }),
    fc.double({ noNaN: false }).filter((value) => !Number.isInteger(value)),
  )
}

/** A word that is no known option name. */
export function unknownKey(known: readonly string[]): fc.Arbitrary<string> {
  return fc
    .oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'))
    .filter((key) => !known.includes(key))
}

/** An options object with `key` set to `value` (defined, so a key like `__proto__` stays an own key). */
export function withKey<T extends object>(base: T, key: string, value: unknown): T {
  const copy = { ...base } as Record<string, unknown>
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true })
  return copy as T
}
