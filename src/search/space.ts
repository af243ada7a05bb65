import { SpaceError, show } from '../errors.ts'
import type { Domain } from './domain.ts'
import { copyJson, type JsonValue } from './json.ts'
import { validateSpace } from './validate.ts'

export type {
  Choice,
  ChoiceValue,
  Domain,
  Grid,
  LogRandInt,
  LogUniform,
  QLogUniform,
  QRandInt,
  QUniform,
  RandInt,
  Randn,
  Uniform,
} from './domain.ts'
export { isDomain } from './domain.ts'
export { choice, grid, lograndint, loguniform, qloguniform, qrandint, quniform, randint, randn, uniform } from './factories.ts'
export { flattenConfig, flattenSpace, unflatten } from './flatten.ts'
export type { JsonValue } from './json.ts'
export { validateSpace } from './validate.ts'

/**
 * A fixed value in a space, passed to every trial as is. Plain objects are
 * not constants: without `$domain` they are nested spaces.
 *
 * @example
 * ```ts
 * const space = { epochs: 10, sizes: [32, 64], name: 'mlp' }
 * ```
 */
export type Constant = number | string | boolean | null | readonly JsonValue[]

/**
 * A search space: keys to domains, constants or nested spaces. A trial's
 * config has the same nesting.
 *
 * @example
 * ```ts
 * const space: Space = { optimizer: { lr: loguniform(1e-4, 1e-1) }, epochs: 10 }
 * ```
 */
export type Space = { readonly [key: string]: Domain | Constant | Space }

type NumericDomain = Exclude<Domain, { $domain: 'choice' | 'grid' }>

/** The value one branch of a choice gives: a sub-space its config (so a literal tag stays a discriminant), a constant itself. */
type BranchOf<T> = T extends readonly unknown[] ? T : T extends { readonly [key: string]: unknown } ? ConfigOf<T> : T

/** The value one entry of a space gives a config. */
type ValueOf<V> = V extends { readonly $domain: 'choice' | 'grid'; readonly values: readonly (infer T)[] }
  ? BranchOf<T>
  : V extends NumericDomain
    ? number
    : V extends readonly unknown[]
      ? V
      : V extends object
        ? ConfigOf<V>
        : V

/**
 * The config a trainable receives for space `S`: numeric domains give
 * `number`, `choice`/`grid` give their values' union (a sub-space value its
 * config, so branches tagged `kind: 'svm'` make a discriminated union),
 * constants themselves, nested spaces nested configs.
 *
 * @example
 * ```ts
 * const space = { lr: loguniform(1e-4, 1e-1), act: choice(['relu', 'tanh']) }
 * type Config = ConfigOf<typeof space> // { lr: number; act: 'relu' | 'tanh' }
 * const model = choice([{ kind: 'svm', C: loguniform(1e-2, 10) }, { kind: 'forest', trees: randint(10, 100) }])
 * type Model = ConfigOf<{ model: typeof model }>['model'] // { kind: 'svm'; C: number } | { kind: 'forest'; trees: number }
 * ```
 */
export type ConfigOf<S> = { -readonly [K in keyof S]: ValueOf<S[K]> }

/**
 * A validated deep plain copy of `space`, ready for `JSON.stringify`; its JSON
 * form is the space itself, since domains are plain `$domain` objects.
 *
 * @example
 * ```ts
 * await writeFile('space.json', JSON.stringify(spaceToJSON(space)))
 * ```
 */
export function spaceToJSON(space: Space): unknown {
  validateSpace(space)
  return copyJson(space)
}

/**
 * A space from its JSON form: the parsed value, or the JSON text itself.
 * Throws a {@link SpaceError} when the text does not parse or the space is invalid.
 *
 * @example
 * ```ts
 * const space = spaceFromJSON(await readFile('space.json', 'utf8'))
 * ```
 */
export function spaceFromJSON(json: unknown): Space {
  let parsed = json
  if (typeof json === 'string') {
    try {
      parsed = JSON.parse(json)
    } catch (cause) {
      const text = json.length > 60 ? `${json.slice(0, 60)}...` : json
      throw new SpaceError(`spaceFromJSON(json): needs valid JSON text, got ${show(text)} (${(cause as Error).message})`, {
        field: 'space',
        cause,
      })
    }
  }
  validateSpace(parsed)
  return copyJson(parsed)
}
