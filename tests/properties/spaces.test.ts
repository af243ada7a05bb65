import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  choice,
  GridSearch,
  grid,
  lograndint,
  loguniform,
  qloguniform,
  qrandint,
  quniform,
  RandomSearch,
  randint,
  randn,
  SpaceError,
  Study,
  spaceFromJSON,
  TPESearch,
  uniform,
  validateSpace,
} from '../../src/index.ts'
import { MAX_DEPTH } from '../../src/storable.ts'
import { fixtureTuner } from '../helpers.ts'
import { check, expectTyped, junk, thrownBy } from './harness.ts'

const DOMAINS = [
  () => uniform(0, 1),
  () => loguniform(1e-4, 1),
  () => quniform(0, 1, 0.1),
  () => qloguniform(1, 100, 1),
  () => randint(1, 5),
  () => qrandint(0, 10, 2),
  () => lograndint(1, 100),
  () => choice(['a', 'b']),
  () => grid([1, 2]),
  () => randn(0, 1),
]
const domain = fc.integer({ min: 0, max: DOMAINS.length - 1 }).map((i) => ({ ...(DOMAINS[i] as () => object)() }))
const constant = fc.oneof(
  fc.integer(),
  fc.string({ maxLength: 5 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
)
const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,5}$/)

/** A valid space: nested objects of domains and constants, 1 to 4 keys per level, at most 3 levels. */
const validSpace = fc.letrec<{ node: Record<string, unknown> }>((tie) => ({
  node: fc.dictionary(key, fc.oneof({ depthSize: 'small', maxDepth: 3 }, domain, constant, tie('node')), { minKeys: 1, maxKeys: 4 }),
})).node

/** Every object node of a space (the root included), with its dotted path. */
function nodes(space: Record<string, unknown>, path = 'space'): Array<{ node: Record<string, unknown>; path: string }> {
  const found = [{ node: space, path }]
  for (const [k, value] of Object.entries(space)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !('$domain' in value)) {
      found.push(...nodes(value as Record<string, unknown>, `${path}.${k}`))
    }
  }
  return found
}

const notFinite = junk.filter((value) => !Number.isFinite(value))

/** A domain that is wrong in one way (each fails validation, whatever else holds). */
const badDomain: fc.Arbitrary<object> = fc.oneof(
  notFinite.map((low) => ({ $domain: 'uniform', low, high: 1 })),
  notFinite.map((sd) => ({ $domain: 'randn', mean: 0, sd })),
  fc.double({ min: 1, max: 1e6, noNaN: true }).map((low) => ({ $domain: 'uniform', low, high: low - 1 })),
  fc.constant({ $domain: 'loguniform', low: 0, high: 1 }),
  fc.constant({ $domain: 'randint', low: 0.5, high: 3 }),
  fc.constant({ $domain: 'quniform', low: 0, high: 1, q: 0 }),
  fc.constant({ $domain: 'uniform', low: 0, high: 1, extra: 2 }),
  fc.string({ maxLength: 8 }).map((kind) => ({ $domain: `not-${kind}`, low: 0, high: 1 })),
  junk.filter((values) => !Array.isArray(values) || values.length === 0).map((values) => ({ $domain: 'choice', values })),
  fc.constantFrom([Number.NaN], [() => 1], [uniform(0, 1)], [new Date(0)], [1n]).map((values) => ({ $domain: 'grid', values })),
)

/** A constant JSON cannot carry, or a cycle, or nesting past MAX_DEPTH. */
const badConstant: fc.Arbitrary<unknown> = fc.oneof(
  junk.filter((value) => typeof value === 'bigint' || typeof value === 'symbol' || typeof value === 'function' || value instanceof Date),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, undefined),
  fc.constant(null).map(() => new Map()),
  fc.constant(null).map(() => [1, [2, Number.NaN]]),
  fc.constant(null).map(() => [{ deep: uniform(0, 1) }]),
  fc.constant(null).map(() => {
    const list: unknown[] = [1]
    list.push(list)
    return list
  }),
  fc.constant(null).map(() => {
    let deep: unknown = 1
    for (let i = 0; i < MAX_DEPTH + 5; i++) deep = [deep]
    return deep
  }),
)

type Mutation = { kind: 'value'; key: string; value: unknown; exact: boolean } | { kind: 'root'; value: unknown }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('value' as const), key, value: badDomain, exact: fc.constant(true) }),
  fc.record({ kind: fc.constant('value' as const), key, value: badConstant, exact: fc.constant(false) }),
  fc.record({ kind: fc.constant('value' as const), key, value: fc.constant({}), exact: fc.constant(true) }),
  fc.record({
    kind: fc.constant('value' as const),
    key: fc.constantFrom('', 'a/b', '__proto__'),
    value: domain,
    exact: fc.constant(true),
  }),
  fc.record({
    kind: fc.constant('value' as const),
    key,
    value: fc.constant(null).map(() => {
      let deep: Record<string, unknown> = { lr: uniform(0, 1) }
      for (let i = 0; i < MAX_DEPTH + 2; i++) deep = { d: deep }
      return deep
    }),
    exact: fc.constant(false),
  }),
  fc.record({ kind: fc.constant('value' as const), key, value: fc.constant('cycle'), exact: fc.constant(false) }),
  fc.record({ kind: fc.constant('root' as const), value: junk.filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)) }),
)

const ENTRIES = {
  validateSpace: (space: unknown) => validateSpace(space),
  spaceFromJSON: (space: unknown) => spaceFromJSON(space),
  Tuner: (space: unknown) => fixtureTuner({ space: space as Record<string, never> }),
  Study: (space: unknown) => new Study({ space: space as Record<string, never>, metric: 'loss' }),
  'RandomSearch.setup': (space: unknown) =>
    new RandomSearch().setup({ space: space as Record<string, never>, metric: 'loss', mode: 'min', seed: 1, numSamples: 1 }),
  'GridSearch.setup': (space: unknown) =>
    new GridSearch().setup({ space: space as Record<string, never>, metric: 'loss', mode: 'min', seed: 1, numSamples: 1 }),
  'TPESearch.setup': (space: unknown) =>
    new TPESearch().setup({ space: space as Record<string, never>, metric: 'loss', mode: 'min', seed: 1, numSamples: 1 }),
}

describe('malformed spaces (property)', () => {
  it('every one gives a SpaceError naming the path, through every entry point', () => {
    const cases = fc.record({
      space: validSpace,
      at: fc.nat(),
      mutation,
      entry: fc.constantFrom(...(Object.keys(ENTRIES) as (keyof typeof ENTRIES)[])),
    })
    const ran = check(cases, 700, ({ space, at, mutation: m, entry }) => {
      let bad: unknown = space
      let expected: { exact: string } | { prefix: string } = { exact: 'space' }
      if (m.kind === 'root') bad = m.value
      else {
        const spots = nodes(space)
        const { node, path } = spots[at % spots.length] as { node: Record<string, unknown>; path: string }
        let name = m.key
        while (Object.hasOwn(node, name)) name = `${name}_`
        Object.defineProperty(node, name, {
          value: m.value === 'cycle' ? space : m.value,
          enumerable: true,
          configurable: true,
          writable: true,
        })
        expected = m.exact ? { exact: `${path}.${name}` } : { prefix: `${path}.${name}` }
      }
      expectTyped(
        thrownBy(() => ENTRIES[entry](bad)),
        SpaceError,
        expected,
      )
    })
    expect(ran).toBe(700)
  })

  it('JSON text that is not a space gives a SpaceError too', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(
        '{',
        '[]',
        'null',
        '{"a": {}}',
        '{"a": {"$domain": "uniform", "low": 1, "high": 0}}',
        `{"a":${'{"b":'.repeat(500)}1${'}'.repeat(501)}`,
      ),
    )
    expect(
      check(text, 100, (json) => {
        const error = thrownBy(() => spaceFromJSON(json))
        if (error === undefined) return // a string that happens to be a valid space
        expectTyped(error, SpaceError, { prefix: 'space' })
      }),
    ).toBe(100)
  })
})
