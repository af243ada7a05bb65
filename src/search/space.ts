import { SpaceError, show } from '../errors.ts'
import { MAX_DEPTH } from '../storable.ts'
import { asConditional } from './branches.ts'
import { DOMAIN_PARAMS, type Domain, domainProblem } from './domain.ts'
import { copyJson, findNonJson, isPlainObject, type JsonValue } from './json.ts'

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
    if (key === '' || key.includes('/') || key === '__proto__') {
      fail(field, `needs a key that is non-empty, has no "/" (the flatten separator) and is not __proto__, got ${show(key)}`)
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
    fail(field, `unknown $domain, needs one of ${Object.keys(DOMAIN_PARAMS).join(', ')}, got ${show(kind)}`)
  }
  const problem = domainProblem(value as unknown as Domain)
  if (problem !== undefined) fail(field, `${kind} ${problem}`)
  // The branches of a conditional choice are spaces of their own, held to the same rules at any depth.
  asConditional(value)?.values.forEach((branch, index) => {
    if (isPlainObject(branch)) checkSpace(branch, `${field}.values[${index}]`, ancestors)
  })
}

/**
 * Checks the sub-space branches of a conditional `choice`/`grid` made by a
 * factory, naming them as `choice(values).values[0].C: ...`.
 *
 * @example
 * ```ts
 * checkBranches(choice([{ kind: 'svm', 'a/b': uniform(0, 1) }]) // SpaceError: choice(values).values[0].a/b: needs a key that ...
 * ```
 */
export function checkBranches(domain: Domain): void {
  if (asConditional(domain) !== undefined) checkDomain(domain as unknown as Record<string, unknown>, `${domain.$domain}(values)`, new Set())
}

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
