import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/errors.ts'
import { createRandom } from '../../src/search/rng.ts'
import {
  choice,
  flattenSpace,
  grid,
  isDomain,
  lograndint,
  loguniform,
  qloguniform,
  qrandint,
  quniform,
  randint,
  randn,
  type Space,
  uniform,
} from '../../src/search/space.ts'
import { categoricalKernels } from '../../src/search/tpe/categorical.ts'
import { mixtureLogPdf } from '../../src/search/tpe/density.ts'
import { decodeConfig, encodeConfig, encodeSpace } from '../../src/search/tpe/encode.ts'
import { expNonPositive } from '../../src/search/tpe/fastexp.ts'
import { observationWeights } from '../../src/search/tpe/options.ts'
import {
  buildParzen,
  type Kernels,
  magicClipDivisor,
  type ParzenParameters,
  pickKernel,
  sampleKernel,
  sortedOrder,
} from '../../src/search/tpe/parzen.ts'
import { defaultGamma, defaultWeights, splitTrials, type TrialRecord } from '../../src/search/tpe/split.ts'
import { TPESearch } from '../../src/search/tpe/tpe.ts'
import { logMass, logSurvival, sampleStandard } from '../../src/search/tpe/truncnorm.ts'
import type { Config, Result } from '../../src/types.ts'
import { inDomain } from './in-domain.ts'

const PARAMS: ParzenParameters = {
  priorWeight: 1,
  considerMagicClip: true,
  considerEndpoints: false,
  multivariate: false,
  multivariateBandwidth: 'neighbours',
  bandwidthFactor: 0.1,
  magicClipCount: 'estimator',
  finished: 0,
}

/** log p(x | kernel k) of one dimension, written out from the definitions: the reference the fast paths are checked against. */
function kernelLogPdf(kernels: Kernels, k: number, x: number): number {
  if (kernels.kind === 'categorical') return kernels.logProbs[k * kernels.choices + x] as number
  const mu = kernels.mus[k] as number
  const sigma = kernels.sigmas[k] as number
  const logNorm = kernels.logNorms[k] as number
  if (kernels.kind === 'continuous') return -0.5 * ((x - mu) / sigma) ** 2 - logNorm
  const [lo, hi] = kernels.log ? [Math.log(x - 0.5), Math.log(x + 0.5)] : [x - 0.5, x + 0.5]
  return logMass((lo - mu) / sigma, (hi - mu) / sigma) - logNorm
}

function result(trialId: number, loss: number, iteration = 1): Result {
  return { loss, training_iteration: iteration, trial_id: trialId, time_total_s: 0 }
}

describe('truncated normal', () => {
  it('gives log masses that match erf values, also deep in the tails', () => {
    expect(Math.exp(logMass(-1, 1))).toBeCloseTo(0.682689492, 6)
    expect(Math.exp(logMass(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY))).toBeCloseTo(1, 9)
    expect(Math.exp(logSurvival(1.959963985))).toBeCloseTo(0.025, 6)
    // Q(30) - Q(31) ~ phi(30) / 30: the mass underflows in linear space, not in log space.
    expect(logMass(30, 31)).toBeCloseTo(-454.3212, 3)
    expect(logMass(-31, -30)).toBeCloseTo(logMass(30, 31), 9)
    expect(logMass(2, 2)).toBe(Number.NEGATIVE_INFINITY)
  })

  it('gives log masses within 2e-7 of a fine numerical integral, in every regime', () => {
    /** log of the integral of phi over [a, b]: composite Simpson relative to the density's peak on it, far tails cut where nothing is left. */
    const reference = (a: number, b: number) => {
      const peak = a > 0 ? a : Math.min(b, 0)
      const reach = 60 / Math.max(Math.abs(peak), 1) + 1
      const lo = Math.max(a, peak - reach)
      const hi = Math.min(b, peak + reach)
      const n = 20_000
      const h = (hi - lo) / n
      let sum = 0
      for (let i = 0; i <= n; i++) {
        const z = lo + i * h
        sum += Math.exp(-0.5 * (z * z - peak * peak)) * (i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2)
      }
      return -0.5 * peak * peak - 0.5 * Math.log(2 * Math.PI) + Math.log((sum * h) / 3)
    }
    const intervals: Array<[number, number]> = [
      [-0.082, 0.027], // holds 0, too wide for Simpson's rule: erf's series
      [0.061, 0.171], // near 0 on one side: erf's series
      [-3, 0.5], // holds 0, one end past 2
      [7.99, 9.04], // linear space, the far end past 9
      [7.999999, 9.009999],
      [Number.NEGATIVE_INFINITY, 0.3],
    ]
    for (const a of [0.3, 1.7, 2.33, 5, 7.9, 8, 9.5, 14, 25, 41]) {
      for (const width of [0.02, 0.3, 1, 4, Number.POSITIVE_INFINITY]) intervals.push([a, a + width], [-a - width, -a])
    }
    for (const [a, b] of intervals) expect(Math.abs(logMass(a, b) - reference(a, b)), `[${a}, ${b}]`).toBeLessThan(2e-7)
  })

  it('samples stay inside the interval and follow its mass', () => {
    const random = createRandom(3)
    for (const [a, b] of [
      [-1, 2],
      [3, 9],
      [-40, -38],
      [-0.001, 0.001],
    ] as const) {
      let inLowerHalf = 0
      const mid = (a + b) / 2
      for (let i = 0; i < 4000; i++) {
        const z = sampleStandard(a, b, random())
        expect(z).toBeGreaterThanOrEqual(a)
        expect(z).toBeLessThanOrEqual(b)
        if (z < mid) inLowerHalf++
      }
      const expected = Math.exp(logMass(a, mid) - logMass(a, b))
      expect(Math.abs(inLowerHalf / 4000 - expected)).toBeLessThan(0.03)
    }
  })
})

describe('fast exp', () => {
  it('matches Math.exp to 1e-15 relative on [-708, 0] and defers to it elsewhere', () => {
    const random = createRandom(4)
    for (let i = 0; i < 20000; i++) {
      const t = i % 2 ? -50 * random() : -708 * random()
      expect(Math.abs(expNonPositive(t) / Math.exp(t) - 1)).toBeLessThan(1e-15)
    }
    expect(expNonPositive(0)).toBe(1)
    expect(expNonPositive(Number.NEGATIVE_INFINITY)).toBe(0)
    expect(expNonPositive(2)).toBe(Math.exp(2))
    expect(expNonPositive(Number.NaN)).toBeNaN()
  })
})

describe('Parzen estimator densities', () => {
  const space = {
    u: uniform(-2, 3),
    l: loguniform(1e-3, 10),
    q: quniform(0, 1, 0.1),
    n: randint(1, 8),
    lq: qloguniform(1, 64, 1),
    c: choice(['a', 'b', 'c']),
  }
  const { dims } = encodeSpace(space)
  const configs: Config[] = [
    { u: -1.5, l: 0.01, q: 0.3, n: 2, lq: 4, c: 'a' },
    { u: 0.2, l: 0.5, q: 0.9, n: 7, lq: 60, c: 'a' },
    { u: 2.9, l: 9, q: 0, n: 1, lq: 1, c: 'c' },
    { u: 0.25, l: 0.002, q: 0.5, n: 4, lq: 17, c: 'b' },
  ]
  const observations = new Float64Array(configs.length * dims.length)
  configs.forEach((c, i) => {
    observations.set(encodeConfig(encodeSpace(space), c), i * dims.length)
  })

  for (const [multivariate, multivariateBandwidth] of [
    [false, 'neighbours'],
    [true, 'neighbours'],
    [true, 'scott'],
  ] as const) {
    const pe = buildParzen(dims, observations, configs.length, defaultWeights(configs.length), {
      ...PARAMS,
      multivariate,
      multivariateBandwidth,
    })
    const mode = multivariate ? `multivariate, ${multivariateBandwidth}` : 'univariate'

    it(`every dimension integrates to 1 (${mode})`, () => {
      dims.forEach((dim, d) => {
        const oneDim = (x: number) => {
          const out = new Float64Array(1)
          const xs = new Float64Array(dims.length)
          xs[d] = x
          return Math.exp(mixtureLogPdf(pe, xs, dims.length, 1, [d], out)[0] as number)
        }
        let total = 0
        if (dim.kind === 'continuous') {
          // Simpson's rule over the bounds in model coordinates.
          const steps = 4000
          const h = (dim.high - dim.low) / steps
          for (let i = 0; i <= steps; i++) total += oneDim(dim.low + i * h) * (i === 0 || i === steps ? 1 : i % 2 ? 4 : 2)
          total *= h / 3
        } else if (dim.kind === 'discrete') {
          for (let k = dim.first; k <= dim.last; k++) total += oneDim(k)
        } else {
          for (let i = 0; i < dim.values.length; i++) total += oneDim(i)
        }
        expect(total, dim.path.join('/')).toBeCloseTo(1, 5)
      })
    })

    it(`kernels sample inside the bounds and on the step grid (${mode})`, () => {
      const random = createRandom(11)
      for (let i = 0; i < 500; i++) {
        const k = pickKernel(pe, random())
        const vector = dims.map((_, d) => sampleKernel(pe, d, k, random))
        const config = decodeConfig(encodeSpace(space), vector) as { u: number; l: number; q: number; n: number; lq: number; c: string }
        expect(config.u).toBeGreaterThanOrEqual(-2)
        expect(config.u).toBeLessThanOrEqual(3)
        expect(config.l).toBeGreaterThanOrEqual(1e-3)
        expect(config.l).toBeLessThanOrEqual(10)
        expect(Math.round(config.q * 10) / 10).toBe(config.q)
        expect(config.q).toBeGreaterThanOrEqual(0)
        expect(config.q).toBeLessThanOrEqual(1)
        expect(Number.isInteger(config.n) && config.n >= 1 && config.n < 8).toBe(true)
        expect(Number.isInteger(config.lq) && config.lq >= 1 && config.lq <= 64).toBe(true)
        expect(['a', 'b', 'c']).toContain(config.c)
      }
    })
  }

  it('uses Optuna-style bandwidths: neighbour distances, clipped to [range / min(100, n + 2), range]', () => {
    const { dims: one } = encodeSpace({ x: uniform(0, 10) })
    const pe = buildParzen(one, Float64Array.of(1, 2, 9), 3, defaultWeights(3), PARAMS)
    const kernels = pe.perDim[0]
    if (kernels?.kind !== 'continuous') throw new Error('continuous kernels expected')
    // Sorted with bounds 0, 10, the prior mean 5 no neighbour: 1 -> right gap 1 (outermost, no endpoints) clipped to
    // range / (3 + 2) = 2, 2 -> max(1, 7), 9 -> left gap 7; the prior is as wide as the range.
    expect([...kernels.sigmas]).toEqual([2, 7, 7, 10])
    const many = buildParzen(one, Float64Array.of(5, 5, 5), 3, defaultWeights(3), PARAMS).perDim[0]
    if (many?.kind !== 'continuous') throw new Error('continuous kernels expected')
    expect(many.sigmas[0]).toBeCloseTo(10 / 5, 12) // magic clip: range / (3 + 2)
  })

  it("narrows the 'geometric' magic clip with every finished trial, down to range / 100", () => {
    const { dims: one } = encodeSpace({ x: uniform(0, 10) })
    const clipped = (finished: number) => {
      const params: ParzenParameters = { ...PARAMS, magicClipCount: 'geometric', finished }
      const kernels = buildParzen(one, Float64Array.of(5, 5, 5), 3, defaultWeights(3), params).perDim[0]
      if (kernels?.kind !== 'continuous') throw new Error('continuous kernels expected')
      return kernels.sigmas[0]
    }
    expect(clipped(3)).toBeCloseTo(10 / 5, 12) // as many finished as observed: the estimator's own floor
    expect(clipped(98)).toBeCloseTo(10 / Math.sqrt(5 * 100), 12)
    expect(clipped(10_000)).toBeCloseTo(10 / 100, 12)
    expect(magicClipDivisor(10, { ...PARAMS, magicClipCount: 'geometric', finished: 98 })).toBeCloseTo(Math.sqrt(1200), 12)
    expect(magicClipDivisor(10, { ...PARAMS, finished: 98 })).toBe(12)
  })

  it('orders kernels by (value, index) as a stable sort would, ties included', () => {
    const random = createRandom(8)
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + Math.floor(random() * 40)
      const mus = Float64Array.from({ length: n }, () => (random() < 0.5 ? Math.round(random() * 4) - 2 : random() * 4 - 2))
      const expected = Array.from({ length: n }, (_, i) => i).sort((i, j) => (mus[i] as number) - (mus[j] as number) || i - j)
      expect([...sortedOrder(mus, n)]).toEqual(expected)
    }
  })

  it("gives the same univariate bandwidths from the searcher's kept orders as from sorting", () => {
    const { dims: two } = encodeSpace({ x: uniform(0, 10), n: lograndint(1, 50) })
    const random = createRandom(12)
    const count = 30
    const observations = Float64Array.from({ length: 2 * count }, (_, i) =>
      i % 2 ? 1 + Math.floor(random() * 49) : Math.round(random() * 20) / 2,
    )
    const orders = [0, 1].map((d) => {
      const key = (k: number) => (d === 1 ? Math.log(observations[2 * k + 1] as number) : (observations[2 * k] as number))
      return Int32Array.from(Array.from({ length: count }, (_, k) => k).sort((i, j) => key(i) - key(j) || i - j))
    })
    const sorted = buildParzen(two, observations, count, defaultWeights(count), PARAMS)
    const kept = buildParzen(two, observations, count, defaultWeights(count), PARAMS, orders)
    for (const d of [0, 1]) {
      const [a, b] = [sorted.perDim[d], kept.perDim[d]]
      if (a?.kind === 'categorical' || b?.kind === 'categorical') throw new Error('numeric kernels expected')
      expect([...(b?.sigmas ?? [])]).toEqual([...(a?.sigmas ?? [])])
    }
  })

  it('scores candidates that share a discrete value once per value, as the joint density says', () => {
    const { dims } = encodeSpace({ n: randint(0, 50), x: uniform(0, 1), m: lograndint(1, 200) })
    const random = createRandom(4)
    const count = 30
    const observations = Float64Array.from({ length: count * 3 }, (_, i) =>
      i % 3 === 0 ? Math.floor(random() * 50) : i % 3 === 1 ? random() : 1 + Math.floor(random() * 199),
    )
    const pe = buildParzen(dims, observations, count, defaultWeights(count), { ...PARAMS, multivariate: true })
    // Candidates repeat their integer values, as draws from a few good trials do.
    const xs = Float64Array.of(7, 0.2, 12, 7, 0.9, 12, 40, 0.2, 3, 7, 0.2, 12)
    const out = mixtureLogPdf(pe, xs, 3, 4, [0, 1, 2], new Float64Array(4))
    for (let c = 0; c < 4; c++) {
      // log sum_k w_k prod_d p_d(x_d | k), kernel by kernel.
      let total = 0
      for (let k = 0; k < pe.kernels; k++) {
        let logP = pe.logWeights[k] as number
        for (let d = 0; d < 3; d++) logP += kernelLogPdf(pe.perDim[d] as Kernels, k, xs[c * 3 + d] as number)
        total += Math.exp(logP)
      }
      expect(out[c]).toBeCloseTo(Math.log(total), 9)
    }
    expect(out[3]).toBe(out[0])
  })

  it('gives categorical probabilities that follow the counts, smoothed by the prior', () => {
    const observed = Float64Array.of(0, 0, 0, 2)
    const { dims: one } = encodeSpace({ c: choice(['x', 'y', 'z']) })
    const pe = buildParzen(one, observed, 4, defaultWeights(4), PARAMS)
    const p = [0, 1, 2].map((i) => {
      const out = new Float64Array(1)
      return Math.exp(mixtureLogPdf(pe, Float64Array.of(i), 1, 1, [0], out)[0] as number)
    })
    // Each of 4 observation kernels: (1/5 + [i = obs]) / (3/5 + 1); the prior kernel: uniform; mixture weights 1/5 each.
    const kernel = (hit: boolean) => (0.2 + (hit ? 1 : 0)) / 1.6
    expect(p[0]).toBeCloseTo((3 * kernel(true) + kernel(false) + 1 / 3) / 5, 12)
    expect(p[1]).toBeCloseTo((4 * kernel(false) + 1 / 3) / 5, 12)
    expect(p[2]).toBeCloseTo((kernel(true) + 3 * kernel(false) + 1 / 3) / 5, 12)
    expect(p[0]).toBeGreaterThan(p[2] as number)
    expect(p[2]).toBeGreaterThan(p[1] as number)
    const kernels = categoricalKernels(observed, 4, 1, 0, 3, 1)
    expect(Math.exp(kernelLogPdf(kernels, 4, 1))).toBeCloseTo(1 / 3, 12)
  })
})

describe('good/bad split', () => {
  const record = (id: number, status: TrialRecord['status'], value = Number.NaN, step = 0): TrialRecord => ({
    id,
    vector: Float64Array.of(id),
    status,
    value,
    step,
  })

  it("uses Optuna's default gamma and weights", () => {
    expect([1, 10, 11, 100, 249, 250, 1000].map(defaultGamma)).toEqual([1, 1, 2, 10, 25, 25, 25])
    expect([...defaultWeights(3)]).toEqual([1, 1, 1])
    const w = defaultWeights(30)
    expect(w).toHaveLength(30)
    expect(w[0]).toBeCloseTo(1 / 30, 12)
    expect(w[4]).toBe(1)
    expect([...w.slice(5)].every((v) => v === 1)).toBe(true)
    expect((w[1] as number) - (w[0] as number)).toBeCloseTo((1 - 1 / 30) / 4, 12)
  })

  it('refuses a weights function that returns too few, negative, non-finite or only zero weights, as Optuna does, naming the option', () => {
    const refusal = (weights: (n: number) => ArrayLike<number>, n = 3) => {
      try {
        observationWeights(weights, n)
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError)
        return (error as Error).message
      }
      return 'accepted'
    }
    expect(refusal(() => [1, 1])).toBe('TPESearch({ weights }): must return at least n numbers, got [1, 1] for n=3')
    expect(refusal(() => [1, -1, 1])).toBe('TPESearch({ weights }): must return finite numbers >= 0, got [1, -1, 1] for n=3')
    expect(refusal(() => [1, Number.NaN, 1])).toMatch(/must return finite numbers >= 0/)
    expect(refusal(() => new Float64Array(3))).toBe('TPESearch({ weights }): must not return all zeros, got [0, 0, 0] for n=3')
    expect(refusal(() => null as never)).toBe('TPESearch({ weights }): must return at least n numbers, got [] for n=3')
    // Longer than n is fine (only the first n count); none of n = 0 needs no weight at all.
    expect(refusal(() => [0, 2, 1, -5])).toBe('accepted')
    expect(refusal(() => [], 0)).toBe('accepted')
  })

  it('puts the best completed trials below, then stopped ones by how far they got; running above; errored nowhere', () => {
    const records = [
      record(0, 'completed', 5),
      record(1, 'completed', 1),
      record(2, 'stopped', 0.1, 3),
      record(3, 'stopped', 9, 7),
      record(4, 'running'),
      record(5, 'ignored', -100),
      record(6, 'completed', 3),
      record(7, 'stopped'),
    ]
    const ids = (split: { below: TrialRecord[]; above: TrialRecord[] }) => [split.below.map((r) => r.id), split.above.map((r) => r.id)]
    expect(ids(splitTrials(records, 2, true))).toEqual([
      [1, 6],
      [0, 2, 3, 4, 7],
    ])
    // Completed trials first, then the stopped trial that got furthest (step 7 beats a better value at step 3).
    expect(ids(splitTrials(records, 4, true))).toEqual([
      [0, 1, 3, 6],
      [2, 4, 7],
    ])
    expect(ids(splitTrials(records, 4, false))).toEqual([
      [0, 1, 3, 6],
      [2, 7],
    ])
    expect(ids(splitTrials(records, 6, false))[0]).toEqual([0, 1, 2, 3, 6, 7])
  })
})

/** Runs `count` trials of `fn` through `search`, telling each result before the next suggestion. */
function optimise(search: TPESearch, space: Space, fn: (c: Config) => number, count: number, seed = 5): Config[] {
  search.setup({ space, metric: 'loss', mode: 'min', seed, numSamples: count })
  const configs: Config[] = []
  for (let id = 0; id < count; id++) {
    const config = search.suggest(id) as Config
    configs.push(config)
    search.onTrialComplete(id, result(id, fn(config)), 'completed')
  }
  return configs
}

describe('TPESearch', () => {
  const bigSpace = {
    lr: loguniform(1e-4, 1e-1),
    mom: quniform(0.5, 0.9, 0.1),
    hidden: qloguniform(8, 256, 8),
    layers: randint(1, 5),
    batch: qrandint(16, 64, 16),
    trees: lograndint(1, 100),
    noise: randn(0, 0.1),
    act: choice(['relu', 'tanh']),
    opt: { kind: grid(['sgd', 'adam']), wd: uniform(0, 0.1), deep: { warmup: grid([0, 100, 1000]) } },
    epochs: 10,
  } satisfies Space
  const score = (c: Config) => {
    const x = c as { lr: number; layers: number; act: string; opt: { wd: number; kind: string } }
    return (
      Math.abs(Math.log10(x.lr) + 2) + Math.abs(x.layers - 3) + (x.act === 'tanh' ? 0 : 1) + x.opt.wd + (x.opt.kind === 'adam' ? 0 : 0.5)
    )
  }

  for (const multivariate of [true, false]) {
    it(`keeps every TPE suggestion in its domain, nested and grid dimensions included (${multivariate ? 'multivariate' : 'univariate'})`, () => {
      const configs = optimise(new TPESearch({ multivariate }), bigSpace, score, 60)
      for (const config of configs.slice(10)) {
        for (const { path, value } of flattenSpace(bigSpace)) {
          const got = path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], config)
          if (isDomain(value)) expect(inDomain(value, got), `${path.join('/')}=${String(got)}`).toBe(true)
          else expect(got).toEqual(value)
        }
      }
    })
  }

  it('starts with the same configs as RandomSearch, then beats it', async () => {
    const { RandomSearch } = await import('../../src/search/random.ts')
    const space = { x: uniform(-5, 5), y: uniform(-5, 5) }
    const f = (c: Config) => ((c.x as number) - 1) ** 2 + ((c.y as number) + 2) ** 2
    const tpe = optimise(new TPESearch(), space, f, 80)
    const random = new RandomSearch()
    random.setup({ space, metric: 'loss', mode: 'min', seed: 5, numSamples: 80 })
    const randomConfigs = Array.from({ length: 80 }, (_, id) => random.suggest(id) as Config)
    expect(tpe.slice(0, 10)).toEqual(randomConfigs.slice(0, 10))
    expect(tpe.slice(10)).not.toEqual(randomConfigs.slice(10))
    const best = (configs: Config[]) => Math.min(...configs.map(f))
    expect(best(tpe)).toBeLessThan(best(randomConfigs))
    // TPE concentrates its later suggestions near the optimum: loss < 2 is 6 % of the square, about 1 of 20 random draws.
    const late = tpe.slice(60).map(f)
    expect(late.filter((v) => v < 2).length).toBeGreaterThan(6)
  })

  it('honours mode max', () => {
    const space = { x: uniform(0, 1) }
    const search = new TPESearch()
    search.setup({ space, metric: 'score', mode: 'max', seed: 2, numSamples: 60 })
    const xs: number[] = []
    for (let id = 0; id < 60; id++) {
      const x = (search.suggest(id) as { x: number }).x
      xs.push(x)
      search.onTrialComplete(id, { score: x, training_iteration: 1, trial_id: id, time_total_s: 0 }, 'completed')
    }
    const late = xs.slice(40)
    expect(late.reduce((a, b) => a + b, 0) / late.length).toBeGreaterThan(0.7)
  })

  it('gives the same suggestions for the same seed and results, different ones for another seed', () => {
    const space = { x: uniform(-5, 5), c: choice([1, 2, 3]) }
    const f = (c: Config) => ((c.x as number) - 1) ** 2 + (c.c as number)
    expect(optimise(new TPESearch(), space, f, 40)).toEqual(optimise(new TPESearch(), space, f, 40))
    expect(optimise(new TPESearch(), space, f, 40, 6).slice(10)).not.toEqual(optimise(new TPESearch(), space, f, 40).slice(10))
  })

  it('with the constant liar, concurrent suggestions change and spread out', () => {
    const space = { x: uniform(0, 10) }
    const run = (constantLiar: boolean) => {
      const search = new TPESearch({ constantLiar })
      search.setup({ space, metric: 'loss', mode: 'min', seed: 9, numSamples: 100 })
      for (let id = 0; id < 20; id++) {
        const x = (search.suggest(id) as { x: number }).x
        search.onTrialComplete(id, result(id, (x - 3) ** 2), 'completed')
      }
      // Eight suggestions in flight at once, no results between them.
      return Array.from({ length: 8 }, (_, i) => (search.suggest(20 + i) as { x: number }).x)
    }
    const liar = run(true)
    const honest = run(false)
    expect(liar[0]).toBe(honest[0]) // nothing running yet: the same suggestion
    expect(liar.slice(1)).not.toEqual(honest.slice(1))
    const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs)
    expect(spread(liar)).toBeGreaterThan(spread(honest))
  })

  it('ignores errored trials and counts stopped ones', () => {
    const space = { x: uniform(0, 1) }
    const search = new TPESearch({ nStartupTrials: 3 })
    search.setup({ space, metric: 'loss', mode: 'min', seed: 1, numSamples: 20 })
    const reference = new TPESearch({ nStartupTrials: 3 })
    reference.setup({ space, metric: 'loss', mode: 'min', seed: 1, numSamples: 20 })
    for (let id = 0; id < 3; id++) {
      search.suggest(id)
      reference.suggest(id)
      search.onTrialResult(id, result(id, 1))
      search.onTrialComplete(id, undefined, 'errored')
      reference.onTrialComplete(id, undefined, 'errored')
    }
    // Still in startup: errored trials do not count, so trial 3 is a random draw like RandomSearch's.
    expect(search.suggest(3)).toEqual(reference.suggest(3))
    search.onTrialComplete(3, result(3, 0.5, 2), 'stopped')
    reference.onTrialComplete(3, result(3, 0.5, 2), 'stopped')
    for (let id = 4; id < 6; id++) {
      const c = search.suggest(id) as { x: number }
      reference.suggest(id)
      search.onTrialComplete(id, result(id, c.x), 'completed')
      reference.onTrialComplete(id, result(id, c.x), 'completed')
    }
    expect(search.suggest(6)).toEqual(reference.suggest(6))
  })

  it('rejects bad options with ConfigError naming the field, rule and value', () => {
    expect(() => new TPESearch({ nStartupTrials: -1 })).toThrow(/^TPESearch\(\{ nStartupTrials \}\): must be an integer >= 0, got -1$/)
    expect(() => new TPESearch({ nEiCandidates: 0 })).toThrow(ConfigError)
    expect(() => new TPESearch({ priorWeight: 0 })).toThrow(/^TPESearch\(\{ priorWeight \}\): must be a finite number > 0, got 0$/)
    expect(() => new TPESearch({ multivariateBandwidth: 'silverman' as 'scott' })).toThrow(
      /^TPESearch\(\{ multivariateBandwidth \}\): must be "neighbours" or "scott", got "silverman"$/,
    )
    expect(() => new TPESearch({ magicClipCount: 'all' as 'geometric' })).toThrow(
      /^TPESearch\(\{ magicClipCount \}\): must be "estimator" or "geometric", got "all"$/,
    )
    expect(() => new TPESearch({ multivariate: 'yes' as unknown as boolean })).toThrow(
      /^TPESearch\(\{ multivariate \}\): must be a boolean, got "yes"$/,
    )
    expect(() => new TPESearch({ gamma: 3 as unknown as () => number })).toThrow(/^TPESearch\(\{ gamma \}\): must be a function, got 3$/)
    expect(() => new TPESearch({ nStartup: 3 } as unknown as object)).toThrow(/TPESearch\(\{ nStartup \}\): unknown option/)
    const search = new TPESearch({ nStartupTrials: 1, gamma: () => 0.5 })
    search.setup({ space: { x: uniform(0, 1) }, metric: 'loss', mode: 'min', seed: 1, numSamples: 5 })
    search.suggest(0)
    search.onTrialComplete(0, result(0, 1), 'completed')
    expect(() => search.suggest(1)).toThrow(/^TPESearch\(\{ gamma \}\): must return an integer >= 0, got 0\.5 for n=1$/)
  })

  it('copes with a space of constants only', () => {
    const search = new TPESearch({ nStartupTrials: 0 })
    search.setup({ space: { a: 1, b: { c: 'x' } }, metric: 'loss', mode: 'min', seed: 1, numSamples: 2 })
    expect(search.suggest(0)).toEqual({ a: 1, b: { c: 'x' } })
  })
})

describe('TPE on integers spanning zero', () => {
  it('never hands out -0', () => {
    const space = { n: randint(-3, 3) }
    const configs = optimise(new TPESearch(), space, (c) => ((c.n as number) - 1) ** 2, 80)
    expect(configs.filter((c) => Object.is(c.n, -0))).toEqual([])
  })
})
