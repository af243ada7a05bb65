/**
 * Maps a space's domains to the numeric dimensions TPE models, and configs
 * to and from vectors of those dimensions:
 *
 * - continuous: `uniform` and `randn` as they are, `loguniform` as log x;
 * - discrete: `randint`, `qrandint`, `quniform`, `lograndint`, `qloguniform`
 *   as the integer k of the value k (or k * q), modelled on the line or, for
 *   log domains, in log space, with the bin of k being [k - 1/2, k + 1/2];
 * - categorical: `choice` and `grid` as the index of the value; a choice
 *   over sub-spaces as the index of its branch, the branch's own domains
 *   becoming dimensions with that branch as their `parent`.
 *
 * A vector holds, per dimension, the model coordinate for continuous
 * dimensions (log x for log domains), k for discrete ones and the index for
 * categorical ones; NaN for a dimension whose branch the config did not take.
 */
import { SpaceError, show } from '../../errors.ts'
import { asConditional, branchNames } from '../branches.ts'
import type { Choice, Domain, Grid } from '../domain.ts'
import { isDomain } from '../domain.ts'
import { belowHigh } from '../half-open.ts'
import { copyJson, isPlainObject, type JsonValue } from '../json.ts'
import { branchOf } from '../points-to-evaluate.ts'
import { onGrid, qRange } from '../quantize.ts'
import type { Constant, Space } from '../space.ts'
import { unflatten } from '../space.ts'

/** The branch of a conditional choice a dimension lives in: it is active only where dimension `dim` took `branch`. */
export interface Parent {
  readonly dim: number
  readonly branch: number
}

/** A dimension with a density on the real line (after the log for log domains). */
export interface ContinuousDim {
  readonly kind: 'continuous'
  /** Its key path; inside a branch, the choice's key reads `key[label]`. */
  readonly path: readonly string[]
  /** Set inside a branch of a conditional choice. */
  readonly parent?: Parent | undefined
  readonly log: boolean
  /** Truncation bounds in model coordinates (infinite for randn). */
  readonly low: number
  readonly high: number
  /** Width used for bandwidths and clipping: high - low, or sqrt(12) sd for randn. */
  readonly span: number
  /** The prior kernel: the middle of the range and `span` wide, or randn's own N(mean, sd). */
  readonly priorMu: number
  readonly priorSigma: number
  /** Bounds of the config value itself, for clamping after exp. */
  readonly valueLow: number
  readonly valueHigh: number
}

/** Integers k in [first, last]; the config value is k, or k * q on q's decimal grid. */
export interface DiscreteDim {
  readonly kind: 'discrete'
  readonly path: readonly string[]
  readonly parent?: Parent | undefined
  readonly log: boolean
  readonly first: number
  readonly last: number
  /** The step of the config value, or undefined when the value is k itself. */
  readonly q: number | undefined
  /** Bounds in model coordinates: the outer edges of the first and last bins. */
  readonly low: number
  readonly high: number
  readonly span: number
  readonly priorMu: number
  readonly priorSigma: number
}

/** One of `values`, by index. */
export interface CategoricalDim {
  readonly kind: 'categorical'
  readonly path: readonly string[]
  readonly parent?: Parent | undefined
  readonly values: readonly JsonValue[]
  /** JSON text of each value, to find a config value's index. */
  readonly keys: readonly string[]
}

export type Dim = ContinuousDim | DiscreteDim | CategoricalDim

/**
 * A leaf of a space: a domain's dimension, a constant, or a conditional
 * choice's dimension with each branch's leaves (paths relative to the
 * branch) or constant value.
 */
export type Leaf =
  | { readonly path: readonly string[]; readonly dim: number }
  | { readonly path: readonly string[]; readonly value: Constant }
  | {
      readonly path: readonly string[]
      readonly dim: number
      readonly domain: Choice | Grid
      readonly branches: ReadonlyArray<readonly Leaf[] | undefined>
    }

/** The dimensions of a space and its leaves in flattenSpace order, so configs keep the space's key order. */
export interface Encoding {
  readonly dims: readonly Dim[]
  readonly leaves: readonly Leaf[]
  /** Whether some dimension lives in a branch (has a `parent`). */
  readonly conditional: boolean
}

function continuous(path: string[], low: number, high: number, log: boolean): ContinuousDim {
  const lo = log ? Math.log(low) : low
  const hi = log ? Math.log(high) : high
  return {
    kind: 'continuous',
    path,
    log,
    low: lo,
    high: hi,
    span: hi - lo,
    priorMu: 0.5 * (lo + hi),
    priorSigma: hi - lo,
    valueLow: low,
    valueHigh: high,
  }
}

function discrete(path: string[], first: number, last: number, q: number | undefined, log: boolean): DiscreteDim {
  const lo = log ? Math.log(first - 0.5) : first - 0.5
  const hi = log ? Math.log(last + 0.5) : last + 0.5
  return { kind: 'discrete', path, log, first, last, q, low: lo, high: hi, span: hi - lo, priorMu: 0.5 * (lo + hi), priorSigma: hi - lo }
}

function dimOf(path: string[], domain: Domain): Dim {
  const branching = asConditional(domain)
  if (branching !== undefined) {
    const values = branching.values.map((_, index) => index)
    return { kind: 'categorical', path, values, keys: values.map(String) }
  }
  switch (domain.$domain) {
    case 'uniform':
      return continuous(path, domain.low, domain.high, false)
    case 'loguniform':
      return continuous(path, domain.low, domain.high, true)
    case 'randn': {
      const span = Math.sqrt(12) * domain.sd
      return {
        kind: 'continuous',
        path,
        log: false,
        low: Number.NEGATIVE_INFINITY,
        high: Number.POSITIVE_INFINITY,
        span,
        priorMu: domain.mean,
        priorSigma: domain.sd,
        valueLow: Number.NEGATIVE_INFINITY,
        valueHigh: Number.POSITIVE_INFINITY,
      }
    }
    case 'quniform':
    case 'qrandint':
    case 'qloguniform': {
      const { first, last } = qRange(domain.low, domain.high, domain.q)
      // qloguniform has low > 0, so first >= 1 and the log of first - 1/2 exists.
      return discrete(path, first, last, domain.q, domain.$domain === 'qloguniform')
    }
    case 'randint':
      return discrete(path, domain.low, domain.high - 1, undefined, false)
    case 'lograndint':
      return discrete(path, domain.low, domain.high - 1, undefined, true)
    case 'choice':
    case 'grid':
      return { kind: 'categorical', path, values: domain.values as readonly JsonValue[], keys: domain.values.map((v) => JSON.stringify(v)) }
  }
}

/**
 * The TPE dimensions of a (validated) space.
 *
 * @example
 * ```ts
 * encodeSpace({ lr: loguniform(1e-4, 1e-1), n: randint(1, 5) }).dims.map((d) => d.kind) // ['continuous', 'discrete']
 * ```
 */
export function encodeSpace(space: Space): Encoding {
  const dims: Dim[] = []
  const leaves = encodeLeaves(space, [], undefined, dims)
  return { dims, leaves, conditional: dims.some((dim) => dim.parent !== undefined) }
}

/** The leaves of `space` (a branch's, below `prefix`), depth first in key order, adding their dimensions to `dims`. */
function encodeLeaves(space: Space, prefix: readonly string[], parent: Parent | undefined, dims: Dim[]): Leaf[] {
  const leaves: Leaf[] = []
  const walk = (node: Space, path: string[]): void => {
    for (const [key, value] of Object.entries(node)) {
      const at = [...path, key]
      const branching = asConditional(value)
      if (branching !== undefined) {
        const dim = dims.length
        dims.push({ ...dimOf([...prefix, ...at], branching), parent })
        const { labels } = branchNames(branching)
        const branches = branching.values.map((branch, index) =>
          isPlainObject(branch)
            ? encodeLeaves(branch as Space, [...prefix, ...path, `${key}[${labels[index]}]`], { dim, branch: index }, dims)
            : undefined,
        )
        leaves.push({ path: at, dim, domain: branching, branches })
      } else if (isDomain(value)) {
        leaves.push({ path: at, dim: dims.length })
        dims.push(parent === undefined ? dimOf([...prefix, ...at], value) : { ...dimOf([...prefix, ...at], value), parent })
      } else if (isPlainObject(value)) walk(value as Space, at)
      else leaves.push({ path: at, value: value as Constant })
    }
  }
  walk(space, [])
  return leaves
}

function valueAt(config: Record<string, unknown>, path: readonly string[]): unknown {
  let node: unknown = config
  for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key]
  return node
}

/** The model coordinate (or k, or index) of one config value. */
function encodeValue(dim: Dim, value: unknown): number {
  if (dim.kind === 'categorical') {
    const index = dim.keys.indexOf(JSON.stringify(value))
    if (index < 0)
      throw new SpaceError(`${dim.path.join('/')}: needs one of the choices, got ${show(value)}`, { field: dim.path.join('/') })
    return index
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new SpaceError(`${dim.path.join('/')}: needs a finite number, got ${show(value)}`, { field: dim.path.join('/') })
  }
  if (dim.kind === 'continuous') return dim.log ? Math.log(value) : value
  const k = dim.q === undefined ? Math.round(value) : Math.round(value / dim.q)
  return Math.min(dim.last, Math.max(dim.first, k))
}

/**
 * A config as a vector over the encoding's dimensions; NaN where the config
 * did not take the branch a dimension lives in.
 *
 * @example
 * ```ts
 * encodeConfig(encoding, { lr: 0.01, n: 3 }) // Float64Array [log 0.01, 3]
 * ```
 */
export function encodeConfig(encoding: Encoding, config: Record<string, unknown>): Float64Array {
  const vector = new Float64Array(encoding.dims.length)
  if (encoding.conditional) vector.fill(Number.NaN)
  encodeInto(encoding.dims, encoding.leaves, config, vector)
  return vector
}

function encodeInto(dims: readonly Dim[], leaves: readonly Leaf[], config: Record<string, unknown>, vector: Float64Array): void {
  for (const leaf of leaves) {
    if (!('dim' in leaf)) continue
    const value = valueAt(config, leaf.path)
    const dim = dims[leaf.dim] as Dim
    if (!('branches' in leaf)) {
      vector[leaf.dim] = encodeValue(dim, value)
      continue
    }
    const branch = branchOf(leaf.domain, value, true)
    if (branch < 0) {
      const field = dim.path.join('/')
      throw new SpaceError(`${field}: needs a config of one of the ${leaf.domain.$domain}'s branches, got ${show(value)}`, { field })
    }
    vector[leaf.dim] = branch
    const inner = leaf.branches[branch]
    if (inner !== undefined) encodeInto(dims, inner, value as Record<string, unknown>, vector)
  }
}

/** The config value of a dimension's coordinate. */
export function decodeValue(dim: Dim, x: number): unknown {
  switch (dim.kind) {
    case 'categorical':
      return copyJson(dim.values[x] as JsonValue)
    case 'continuous': {
      // A coordinate at the upper bound (where GP's bounded searches stop) decodes to a value below it.
      return belowHigh(Math.max(dim.valueLow, dim.log ? Math.exp(x) : x), dim.valueHigh)
    }
    case 'discrete':
      // `+ 0` turns a rounded -0 into 0: randint(-3, 3) must not hand out -0.
      return (dim.q === undefined ? x : onGrid(x, dim.q)) + 0
  }
}

/**
 * The config of a vector: dimensions decoded, constants copied, nesting
 * rebuilt; a conditional choice gives the branch its dimension holds.
 *
 * @example
 * ```ts
 * decodeConfig(encoding, Float64Array.of(Math.log(0.01), 3)) // { lr: 0.01, n: 3 }
 * ```
 */
export function decodeConfig(encoding: Encoding, vector: ArrayLike<number>): Record<string, unknown> {
  return decodeLeaves(encoding.dims, encoding.leaves, vector)
}

function decodeLeaves(dims: readonly Dim[], leaves: readonly Leaf[], vector: ArrayLike<number>): Record<string, unknown> {
  return unflatten(
    leaves.map((leaf) => {
      if ('value' in leaf) return { path: leaf.path, value: copyJson(leaf.value) }
      const x = vector[leaf.dim] as number
      if (!('branches' in leaf)) return { path: leaf.path, value: decodeValue(dims[leaf.dim] as Dim, x) }
      const inner = leaf.branches[x]
      return { path: leaf.path, value: inner === undefined ? copyJson(leaf.domain.values[x]) : decodeLeaves(dims, inner, vector) }
    }),
  )
}
