import { SpaceError } from '../errors.ts'
import {
  type Choice,
  type ChoiceValue,
  DOMAIN_PARAMS,
  type Domain,
  domainProblem,
  type Grid,
  type LogRandInt,
  type LogUniform,
  type QLogUniform,
  type QRandInt,
  type QUniform,
  type RandInt,
  type Randn,
  type Uniform,
} from './domain.ts'

/**
 * Fails fast, where the user wrote the bad domain, rather than when the first trial is sampled. A conditional
 * choice's branches are checked with the space it sits in (validateSpace, when a searcher or the Tuner takes it),
 * which names them by their path (`space.model.values[0].C`): here the domain has none.
 */
function checked<D extends Domain>(domain: D): D {
  const problem = domainProblem(domain)
  if (problem !== undefined) {
    // Not yet in a space, the domain has no path: its factory names it.
    throw new SpaceError(`${domain.$domain}(${DOMAIN_PARAMS[domain.$domain].join(', ')}): ${problem}`, { field: domain.$domain })
  }
  return Object.freeze(domain)
}

/** Copies the caller's array so later mutation of it cannot change a validated domain. */
function frozenCopy<T>(values: readonly T[]): readonly T[] {
  return Array.isArray(values) ? Object.freeze([...values]) : values
}

/**
 * Floats uniform in `[low, high)`.
 *
 * @example
 * ```ts
 * const space = { dropout: uniform(0, 0.5) }
 * ```
 */
export function uniform(low: number, high: number): Uniform {
  return checked({ $domain: 'uniform', low, high })
}

/**
 * Floats uniform in log space over `[low, high)`; needs `0 < low < high`.
 *
 * @example
 * ```ts
 * const space = { lr: loguniform(1e-4, 1e-1) }
 * ```
 */
export function loguniform(low: number, high: number): LogUniform {
  return checked({ $domain: 'loguniform', low, high })
}

/**
 * Multiples of `q` in `[low, high]`: a uniform draw rounded to the nearest multiple.
 *
 * @example
 * ```ts
 * const space = { momentum: quniform(0.5, 0.99, 0.01) }
 * ```
 */
export function quniform(low: number, high: number, q: number): QUniform {
  return checked({ $domain: 'quniform', low, high, q })
}

/**
 * Multiples of `q` in `[low, high]`: a log-uniform draw rounded to the nearest multiple.
 *
 * @example
 * ```ts
 * const space = { hidden: qloguniform(8, 512, 8) }
 * ```
 */
export function qloguniform(low: number, high: number, q: number): QLogUniform {
  return checked({ $domain: 'qloguniform', low, high, q })
}

/**
 * Integers in `[low, high)`: `high` is excluded.
 *
 * @example
 * ```ts
 * const space = { layers: randint(1, 5) } // 1, 2, 3 or 4
 * ```
 */
export function randint(low: number, high: number): RandInt {
  return checked({ $domain: 'randint', low, high })
}

/**
 * Integer multiples of `q` in `[low, high]`, each equally likely: `high` is
 * included, as in Ray Tune's `qrandint`.
 *
 * @example
 * ```ts
 * const space = { batch: qrandint(16, 128, 16) } // 16, 32, ..., 128
 * ```
 */
export function qrandint(low: number, high: number, q = 1): QRandInt {
  return checked({ $domain: 'qrandint', low, high, q })
}

/**
 * Integers in `[low, high)`, drawn log-uniformly; needs `0 < low`.
 *
 * @example
 * ```ts
 * const space = { trees: lograndint(10, 1000) }
 * ```
 */
export function lograndint(low: number, high: number): LogRandInt {
  return checked({ $domain: 'lograndint', low, high })
}

/**
 * One of `values`, each equally likely. Values are JSON-safe constants or
 * sub-spaces (plain objects with domains inside, nested to any depth): a
 * sub-space is a branch, and its domains are drawn only when it is picked.
 * Literal types are kept, so `ConfigOf` sees `'relu' | 'tanh'`, not `string`,
 * and branches tagged `kind: 'svm'` give a discriminated union.
 *
 * @example
 * ```ts
 * const space = { act: choice(['relu', 'tanh']) } // Choice<'relu' | 'tanh'>
 * const model = choice([{ kind: 'svm', C: loguniform(1e-2, 10) }, { kind: 'forest', trees: randint(10, 100) }])
 * ```
 */
export function choice<const T extends readonly ChoiceValue[]>(values: T): Choice<T[number]> {
  // T is the array's type, not its elements': TypeScript infers no union from object literals of different keys.
  return checked({ $domain: 'choice', values: frozenCopy(values) })
}

/**
 * Every one of `values`: GridSearch runs each (times `numSamples`);
 * RandomSearch samples it like a {@link choice}. A sub-space value is a
 * branch: GridSearch runs the product of its own `grid` domains.
 *
 * @example
 * ```ts
 * const space = { batch: grid([32, 64, 128]) }
 * const model = grid([{ kind: 'svm', C: grid([0.1, 1]) }, { kind: 'linear' }]) // 3 grid points
 * ```
 */
export function grid<const T extends readonly ChoiceValue[]>(values: T): Grid<T[number]> {
  return checked({ $domain: 'grid', values: frozenCopy(values) })
}

/**
 * Normally distributed floats with mean `mean` and standard deviation `sd > 0`.
 *
 * @example
 * ```ts
 * const space = { bias: randn(0, 0.1) }
 * ```
 */
export function randn(mean = 0, sd = 1): Randn {
  return checked({ $domain: 'randn', mean, sd })
}
