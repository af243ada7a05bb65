/**
 * The GP's parts against values computed independently with numpy, scipy,
 * torch and mpmath (tests/fixtures/gp_reference.py writes the fixture; run
 * it with /opt/hpvenv/bin/python to regenerate).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { LogEI } from '../../src/search/gp/acquisition.ts'
import { latinHypercube } from '../../src/search/gp/design.ts'
import { decodeUnit, hasFewValued, isFewValued, unitSpace } from '../../src/search/gp/encode.ts'
import { fitKernel } from '../../src/search/gp/fit.ts'
import { kernelMatrix, type Points, pairDeltas } from '../../src/search/gp/kernel.ts'
import { minimize } from '../../src/search/gp/lbfgs.ts'
import { logMarginalLikelihood, logPrior, MIN_NOISE, paramsFromRaw, rawFromParams } from '../../src/search/gp/likelihood.ts'
import { cholesky, extendCholesky, inverseFromCholesky, logDeterminant, solveCholesky } from '../../src/search/gp/linalg.ts'
import { normalCdf, normalQuantile, standardLogEI } from '../../src/search/gp/normal.ts'
import { type Observation, trainingData } from '../../src/search/gp/observations.ts'
import { maximizeAcquisition } from '../../src/search/gp/optimize.ts'
import { Posterior } from '../../src/search/gp/posterior.ts'
import { fitYeoJohnson, warpStandardised, yeoJohnson, yeoJohnsonLogLikelihood } from '../../src/search/gp/warp.ts'
import { createRandom } from '../../src/search/rng.ts'
import {
  choice,
  grid,
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

interface Fixture {
  X: number[][]
  categorical: number[]
  y: number[]
  raw: number[]
  K: number[][]
  L: number[][]
  alpha: number[]
  logDet: number
  inverse: number[][]
  mll: number
  mllGradient: number[]
  prior: number
  priorGradient: number[]
  best: number
  posterior: Array<{ x: number[]; mean: number; variance: number; logEI: number; logEIGradient: number[] }>
  logH: Array<{ z: number; value: number; slope: number }>
  normal: { cdf: Array<{ z: number; value: number }>; quantile: Array<{ p: number; value: number }> }
  warp: {
    transform: Array<{ lambda: number; x: number[]; value: number[] }>
    logLikelihood: Array<{ lambda: number; sample: number; value: number }>
    samples: number[][]
    fitted: number[]
  }
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/gp-reference.json', import.meta.url), 'utf8')) as Fixture
const n = fixture.X.length
const D = fixture.X[0]?.length ?? 0
const points: Points = { X: Float64Array.from(fixture.X.flat()), n, D, categorical: Uint8Array.from(fixture.categorical) }
const params = paramsFromRaw(fixture.raw, D, MIN_NOISE)
const y = Float64Array.from(fixture.y)

/** |actual - expected| <= tolerance * max(1, |expected|), elementwise. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number
    const a = actual[i] as number
    expect(Math.abs(a - e), `index ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(e)))
  }
}

/** The lower triangle of a row-major n x n matrix, row by row. */
function lower(M: ArrayLike<number>, size: number, stride = size): number[] {
  const out: number[] = []
  for (let i = 0; i < size; i++) for (let j = 0; j <= i; j++) out.push(M[i * stride + j] as number)
  return out
}

describe('GP kernel and linear algebra against numpy', () => {
  const K = kernelMatrix(pairDeltas(points), n, D, params)

  it('builds the Matérn-5/2 ARD kernel matrix with a Hamming distance on the categorical dimension', () => {
    expectClose(lower(K, n), lower(fixture.K.flat(), n), 1e-13)
  })

  it('factors, solves, inverts and takes the log determinant', () => {
    const chol = cholesky(K, n)
    if (chol === undefined) throw new Error('factor failed')
    expect(chol.jitter).toBe(0)
    expectClose(lower(chol.L, n), lower(fixture.L.flat(), n), 1e-12)
    const alpha = Float64Array.from(y)
    solveCholesky(chol, alpha)
    expectClose(alpha, fixture.alpha, 1e-10)
    expectClose([logDeterminant(chol)], [fixture.logDet], 1e-12)
    expectClose(lower(inverseFromCholesky(chol), n), lower(fixture.inverse.flat(), n), 1e-10)
  })

  it('grows a factor by a row to the factor of the bordered matrix', () => {
    const grown = cholesky(K, n - 1, n)
    if (grown === undefined) throw new Error('factor failed')
    const lastRow = Float64Array.from(fixture.K[n - 1] as number[])
    expect(extendCholesky(grown, lastRow, lastRow[n - 1] as number)).toBe(true)
    expect(grown.n).toBe(n)
    expectClose(lower(grown.L, n), lower(fixture.L.flat(), n), 1e-12)
  })

  it('adds growing jitter when a matrix is only semi-definite, and gives up on an indefinite one', () => {
    // Two identical points: rank one, singular.
    const chol = cholesky(Float64Array.of(1, 1, 1, 1), 2)
    expect(chol?.jitter).toBeGreaterThan(0)
    expect(chol?.L.every(Number.isFinite)).toBe(true)
    expect(cholesky(Float64Array.of(1, 0, 5, 1), 2)).toBeUndefined()
    expect(cholesky(Float64Array.of(Number.NaN, 0, 0, 1), 2)).toBeUndefined()
  })
})

/** `f`'s gradient at `raw` (written by `f` into its second argument) agrees with central finite differences. */
function expectGradientOf(f: (raw: Float64Array, gradient: Float64Array) => number, raw: Float64Array): void {
  const gradient = new Float64Array(raw.length)
  const scratch = new Float64Array(raw.length)
  f(raw, gradient)
  for (let i = 0; i < raw.length; i++) {
    const h = 1e-6
    const up = Float64Array.from(raw)
    const down = Float64Array.from(raw)
    up[i] = (up[i] as number) + h
    down[i] = (down[i] as number) - h
    const numeric = (f(up, scratch) - f(down, scratch)) / (2 * h)
    expect(Math.abs(numeric - (gradient[i] as number)), `raw[${i}]`).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)))
  }
}

describe('GP likelihood against scipy and torch autograd', () => {
  const data = { deltas: pairDeltas(points), n, D, y, minNoise: MIN_NOISE }

  it('gives the log marginal likelihood and its gradient in raw coordinates', () => {
    const gradient = new Float64Array(D + 2)
    expectClose([logMarginalLikelihood(data, fixture.raw, gradient)], [fixture.mll], 1e-11)
    expectClose(gradient, fixture.mllGradient, 1e-9)
  })

  it('agrees with central finite differences of itself', () => {
    expectGradientOf((raw, gradient) => logMarginalLikelihood(data, raw, gradient), Float64Array.from(fixture.raw))
  })

  it('gives the log prior and its gradient up to the constant', () => {
    const gradient = new Float64Array(D + 2)
    const value = logPrior(fixture.raw, D, gradient, MIN_NOISE)
    // Optuna's Gamma log densities leave out their normalising constants, as the fixture does.
    expectClose([value], [fixture.prior], 1e-12)
    expectClose(gradient, fixture.priorGradient, 1e-10)
  })
})

describe('the noise floor (minNoise) in every part of the fit', () => {
  // A floor far from the default, so that any part still using 1e-6 moves the numbers.
  const floor = 1e-3
  const data = { deltas: pairDeltas(points), n, D, y, minNoise: floor }
  const posteriorOf = (raw: ArrayLike<number>, gradient: Float64Array) =>
    logMarginalLikelihood(data, raw, gradient) + logPrior(raw, D, gradient, floor)

  it('is the noise at the lowest raw coordinate, and the raw coordinates round-trip above it', () => {
    const raw = Float64Array.from(fixture.raw)
    raw[D + 1] = -25
    const params = paramsFromRaw(raw, D, floor)
    expect(params.minNoise).toBe(floor)
    expect(params.noise).toBeCloseTo(floor + Math.exp(-25), 18)
    expectClose(rawFromParams(params), raw, 1e-9)
    expectClose(rawFromParams(paramsFromRaw(raw, D, 1e-8)), raw, 1e-9)
  })

  it('enters the likelihood and the prior as the fit sees them: the gradient agrees with finite differences', () => {
    const raw = Float64Array.from(fixture.raw)
    raw[D + 1] = -8 // noise barely above the floor, where the floor weighs most
    expectGradientOf(posteriorOf, raw)
    // The prior's noise density is Gamma(1.1, 30) at floor + excess: its change between two floors, by hand.
    const excess = Math.exp(-8)
    const byHand = 0.1 * Math.log((floor + excess) / (MIN_NOISE + excess)) - 30 * (floor - MIN_NOISE)
    const scratch = new Float64Array(D + 2)
    expect(logPrior(raw, D, scratch, floor) - logPrior(raw, D, scratch, MIN_NOISE)).toBeCloseTo(byHand, 12)
    // The same raw point above the default floor is another likelihood.
    expect(logMarginalLikelihood({ ...data, minNoise: MIN_NOISE }, raw, scratch)).not.toBeCloseTo(
      logMarginalLikelihood(data, raw, scratch),
      3,
    )
  })

  it('bounds the fitted noise from below, and a fit above another floor is not a warm start', () => {
    // Exact values of a smooth function: the likelihood wants the noise as small as it may be.
    const random = createRandom(3)
    const X = Float64Array.from({ length: 40 }, () => random())
    const exact: Points = { X, n: 20, D: 2, categorical: new Uint8Array(2) }
    const raw = Float64Array.from({ length: 20 }, (_, i) => Math.sin(3 * (X[2 * i] as number)) + Math.cos(2 * (X[2 * i + 1] as number)))
    const mean = raw.reduce((a, b) => a + b, 0) / 20
    const sd = Math.sqrt(raw.reduce((a, b) => a + (b - mean) ** 2, 0) / 20)
    const values = raw.map((v) => (v - mean) / sd)
    const effort = { maxIterations: 100, gradientTolerance: 1e-2 }
    const low = fitKernel(exact, values, undefined, { ...effort, minNoise: 1e-8 })
    const high = fitKernel(exact, values, undefined, { ...effort, minNoise: floor })
    expect(low.params.noise).toBeGreaterThanOrEqual(1e-8)
    expect(low.params.noise).toBeLessThan(MIN_NOISE)
    expect(high.params.noise).toBeGreaterThanOrEqual(floor)
    // Warm-started from the other floor's fit, a fit ends where a cold one does.
    expect(fitKernel(exact, values, high, { ...effort, minNoise: 1e-8 }).params).toEqual(low.params)
  })

  it('is the noise a fantasy is believed with', () => {
    const fitted = { ...params, minNoise: 1e-8, noise: params.noise - MIN_NOISE + 1e-8 }
    const spare = Posterior.create(points, y, fitted, 1)
    const x = Float64Array.from(fixture.posterior[0]?.x ?? [])
    const v = spare?.predict(x).variance ?? Number.NaN
    spare?.addFantasy(x)
    expect(spare?.predict(x).variance).toBeCloseTo((v * 1e-8) / (v + 1e-8), 15)
  })
})

describe('GP posterior and log EI against torch autograd', () => {
  const posterior = Posterior.create(points, y, params)
  if (posterior === undefined) throw new Error('factor failed')
  const acquisition = new LogEI(posterior, fixture.best, D)

  it.each(fixture.posterior.map((p, i) => [i, p] as const))('test point %i: mean, variance, log EI and its gradient', (_i, p) => {
    const prediction = posterior.predict(p.x)
    expectClose([prediction.mean, prediction.variance], [p.mean, p.variance], 1e-10)
    const gradient = new Float64Array(D)
    const value = acquisition.valueWithGradient(Float64Array.from(p.x), gradient)
    expectClose([value, acquisition.value(p.x)], [p.logEI, p.logEI], 1e-9)
    expectClose(gradient, p.logEIGradient, 1e-7)
  })

  it('predicts blocks of points exactly as point by point', () => {
    const count = 70 // more than one block
    const xs = new Float64Array(count * D)
    for (let c = 0; c < count; c++) {
      xs.set(fixture.X[c % n] as number[], c * D)
      xs[c * D] = (c * 0.37) % 1
      xs[c * D + 2] = c % 3
    }
    const means = new Float64Array(count)
    const variances = new Float64Array(count)
    posterior.predictMany(xs, count, means, variances)
    for (let c = 0; c < count; c++) {
      const one = posterior.predict(xs, c * D)
      expectClose([means[c] as number, variances[c] as number], [one.mean, one.variance], 1e-12)
    }
  })

  it('predicts blocks exactly as point by point on a factor with spare rows and fantasies (row stride > n)', () => {
    const grown = Posterior.create(points, y, params, 5)
    if (grown === undefined) throw new Error('factor failed')
    for (const p of fixture.posterior.slice(0, 3)) grown.addFantasy(Float64Array.from(p.x))
    expect(grown.size).toBe(n + 3)
    const count = 40
    const xs = new Float64Array(count * D)
    for (let c = 0; c < count; c++) {
      xs.set(fixture.X[(c * 7) % n] as number[], c * D)
      xs[c * D + 1] = (c * 0.61) % 1
    }
    const means = new Float64Array(count)
    const variances = new Float64Array(count)
    grown.predictMany(xs, count, means, variances)
    for (let c = 0; c < count; c++) {
      const one = grown.predict(xs, c * D)
      expectClose([means[c] as number, variances[c] as number], [one.mean, one.variance], 1e-12)
    }
  })

  it('factors and inverts matrices of every size alike, odd sizes too (rows go two at a time)', () => {
    const random = createRandom(5)
    for (let size = 1; size <= 9; size++) {
      // A = B B^T + I: symmetric positive definite.
      const Bm = Array.from({ length: size * size }, () => random() - 0.5)
      const A = new Float64Array(size * size)
      for (let i = 0; i < size; i++)
        for (let j = 0; j < size; j++) {
          let sum = i === j ? 1 : 0
          for (let k = 0; k < size; k++) sum += (Bm[i * size + k] as number) * (Bm[j * size + k] as number)
          A[i * size + j] = sum
        }
      const chol = cholesky(A, size, size, 0)
      if (chol === undefined) throw new Error('factor failed')
      const inverse = inverseFromCholesky(chol)
      const at = (M: Float64Array, i: number, j: number) => (j <= i ? (M[i * size + j] as number) : (M[j * size + i] as number))
      for (let i = 0; i < size; i++) {
        for (let j = 0; j < size; j++) {
          let product = 0
          let rebuilt = 0
          for (let k = 0; k < size; k++) {
            product += at(inverse, i, k) * (A[k * size + j] as number)
            if (k <= Math.min(i, j)) rebuilt += (chol.L[i * size + k] as number) * (chol.L[j * size + k] as number)
          }
          expect(Math.abs(product - (i === j ? 1 : 0)), `size ${size}, A^-1 A at ${i},${j}`).toBeLessThan(1e-12)
          expect(Math.abs(rebuilt - (A[i * size + j] as number)), `size ${size}, L L^T at ${i},${j}`).toBeLessThan(1e-12)
        }
      }
    }
  })

  it('maximises log EI to a stationary point: the best local search is polished past the screening rule', () => {
    const unit = unitSpace({ a: uniform(0, 1), b: uniform(0, 1) })
    const random = createRandom(8)
    const X = Float64Array.from({ length: 24 }, () => random())
    const values = Float64Array.from({ length: 12 }, (_, i) => Math.sin(5 * (X[2 * i] as number)) + Math.cos(4 * (X[2 * i + 1] as number)))
    const field = { theta: Float64Array.of(6, 6), scale: 1, noise: 1e-4, minNoise: MIN_NOISE }
    const posterior = Posterior.create({ X, n: 12, D: 2, categorical: new Uint8Array(2) }, values, field)
    if (posterior === undefined) throw new Error('factor failed')
    const acquisition = new LogEI(posterior, Math.max(...values), 2)
    const x = maximizeAcquisition(acquisition, unit, [], createRandom(9), { candidates: 64, localSearches: 4, maxIterations: 200 })
    const gradient = new Float64Array(2)
    acquisition.valueWithGradient(x, gradient)
    for (let d = 0; d < 2; d++) {
      const xd = x[d] as number
      const g = (gradient[d] as number) / Math.sqrt(field.theta[d] as number)
      // Interior coordinates: the gradient in rescaled coordinates is at the polish's tolerance, not the screen's 0.3.
      if (xd > 0 && xd < 1) expect(Math.abs(g), `coordinate ${d} at ${xd}`).toBeLessThan(2e-3)
    }
  })

  it('inverts from a factor whose row stride exceeds n as from a packed one', () => {
    const m = 6
    const K = kernelMatrix(pairDeltas({ ...points, n: m }), m, D, params, m)
    const packed = cholesky(K, m, m, 0)
    const strided = new Float64Array(m * (m + 3))
    for (let i = 0; i < m; i++) strided.set(K.subarray(i * m, i * m + i + 1), i * (m + 3))
    const wide = cholesky(strided, m, m + 3, 0)
    if (packed === undefined || wide === undefined) throw new Error('factor failed')
    expectClose(Array.from(inverseFromCholesky(wide)), Array.from(inverseFromCholesky(packed)), 1e-12)
  })

  it('adds a Kriging-believer fantasy observed at the mean without noise: same mean there, next to no variance', () => {
    const spare = Posterior.create(points, y, params, 1)
    const x = Float64Array.from(fixture.posterior[0]?.x ?? [])
    const before = spare?.predict(x)
    const fantasy = spare?.addFantasy(x)
    const after = spare?.predict(x)
    expect(fantasy).toBeCloseTo(before?.mean ?? Number.NaN, 12)
    expect(after?.mean).toBeCloseTo(before?.mean ?? Number.NaN, 4)
    // One more observation at x, with the smallest noise: the variance falls to v m / (v + m).
    const v = before?.variance ?? Number.NaN
    expect(after?.variance).toBeCloseTo((v * MIN_NOISE) / (v + MIN_NOISE), 12)
    expect(spare?.addFantasy(x)).toBeUndefined() // no spare row left
  })
})

describe('normal distribution and log EI against mpmath and scipy', () => {
  it.each(fixture.logH.map((r) => [r.z, r] as const))('log h(%d) and its slope', (_z, r) => {
    const got = standardLogEI(r.z)
    expectClose([got.value], [r.value], 1e-12)
    expectClose([got.slope], [r.slope], 1e-11)
  })

  it('gives Phi with relative precision in the lower tail, and its quantile', () => {
    for (const { z, value } of fixture.normal.cdf) expect(Math.abs(normalCdf(z) - value) / value, `Phi(${z})`).toBeLessThan(1e-12)
    for (const { p, value } of fixture.normal.quantile) expectClose([normalQuantile(p)], [value], 1e-10)
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY)
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY)
  })
})

describe('the values warped (warpValues) against scipy', () => {
  it('transforms as scipy.stats.yeojohnson, at exponents that take each of its four branches', () => {
    for (const { lambda, x, value } of fixture.warp.transform) {
      expectClose(
        x.map((v) => yeoJohnson(v, lambda)),
        value,
        1e-13,
      )
    }
  })

  it('stays exact beside the exponents 0 and 2, where the power minus 1 would cancel', () => {
    for (const x of [-7.5, -0.2, 0.3, 12]) {
      expectClose([yeoJohnson(x, 1e-13)], [yeoJohnson(x, 0)], 1e-12)
      expectClose([yeoJohnson(x, 2 - 1e-13)], [yeoJohnson(x, 2)], 1e-12)
    }
  })

  it('gives the log-likelihood of an exponent as scipy.stats.yeojohnson_llf', () => {
    for (const { lambda, sample, value } of fixture.warp.logLikelihood) {
      expectClose([yeoJohnsonLogLikelihood(Float64Array.from(fixture.warp.samples[sample] ?? []), lambda)], [value], 1e-12)
    }
  })

  it("fits the exponent to within a grid step of scipy's maximum likelihood, for a long right tail, a long left tail and neither", () => {
    const fitted = fixture.warp.samples.map((sample) => fitYeoJohnson(Float64Array.from(sample)))
    for (const [i, lambda] of fitted.entries()) {
      expect(Math.abs(lambda - (fixture.warp.fitted[i] as number)), `sample ${i}`).toBeLessThanOrEqual(0.05)
    }
    // A long right tail (bad values, when lower is better) is pulled in, a long left one too.
    expect(fitted[0]).toBeLessThan(1)
    expect(fitted[1]).toBeGreaterThan(1)
  })

  it('keeps the order of the values, spreads out the good end of skewed ones relative to the range, and needs two distinct values', () => {
    // Standardised, to be maximised, as the GP takes them: the first two are the good end of a long tail down.
    const values = Float64Array.of(-0.4, -0.41, -0.5, -3, -30, -300)
    const mean = values.reduce((a, b) => a + b, 0) / values.length
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length)
    const y = values.map((v) => (v - mean) / sd)
    const warped = warpStandardised(y)
    for (let i = 1; i < y.length; i++) expect(warped[i] as number).toBeLessThan(warped[i - 1] as number)
    const spread = (v: Float64Array) => ((v[0] as number) - (v[1] as number)) / ((v[0] as number) - (v[5] as number))
    expect(spread(warped)).toBeGreaterThan(2 * spread(y))
    // No exponent has a finite likelihood for one value or equal ones (a normal of variance 0): no warp.
    expect(fitYeoJohnson(Float64Array.of(0.7))).toBe(1)
    expect(fitYeoJohnson(Float64Array.of(0, 0, 0))).toBe(1)
    expect(Array.from(warpStandardised(Float64Array.of(0, 0, 0)))).toEqual([0, 0, 0])
  })

  it('gives training data standardised as without it, with the same best trial, for finite, huge and infinite values', () => {
    const observations: Observation[] = [3, 0.5, 1e300, Number.POSITIVE_INFINITY, 0.5000001, -2, 40].map((value, id) => ({
      id,
      x: Float64Array.of(id / 10),
      value,
    }))
    const plain = trainingData(observations, 1, new Uint8Array(1))
    const warped = trainingData(observations, 1, new Uint8Array(1), true)
    expect(warped.best).toBe(plain.best)
    const mean = warped.y.reduce((a, b) => a + b, 0) / warped.y.length
    const sd = Math.sqrt(warped.y.reduce((a, b) => a + (b - mean) ** 2, 0) / warped.y.length)
    expect(Math.abs(mean)).toBeLessThan(1e-12)
    expect(sd).toBeCloseTo(1, 12)
    expect(Array.from(warped.y).every(Number.isFinite)).toBe(true)
    // The order is kept: 3 and 40, 1e-299 apart once scaled by 1e300, are merged by the standardisation (as without
    // the warp); 1e300 stays below both.
    expect(warped.y[0] as number).toBe(warped.y[6] as number)
    expect(warped.y[6] as number).toBeGreaterThan(warped.y[2] as number)
  })
})

describe('coordinates at the bounds', () => {
  it('decode to the lower bound and to the largest float below the upper one, as [low, high) says', () => {
    const unit = unitSpace({ x: uniform(0, 0.6), lr: loguniform(1e-4, 1), m: uniform(-2, -1), z: uniform(-1, 0) })
    const top = decodeUnit(unit, Float64Array.of(1, 1, 1, 1))
    expect(top).toEqual({ x: 0.6 - 2 ** -53, lr: 1 - 2 ** -53, m: -1 - 2 ** -52, z: -Number.MIN_VALUE })
    const bottom = decodeUnit(unit, Float64Array.of(0, 0, 0, 0))
    expect(bottom).toMatchObject({ x: 0, m: -2, z: -1 })
    // exp(log(1e-4)) rounds a little above 1e-4: inside the domain, which a lower bound only needs.
    expect(bottom.lr).toBeGreaterThanOrEqual(1e-4)
    expect(bottom.lr).toBeCloseTo(1e-4, 15)
  })
})

describe("parameters of few values (GPSearch's 'auto' defaults)", () => {
  const few = (space: Space) => hasFewValued(unitSpace(space))

  it('are categories of two or more values, or 2 to 16 integer or quantised values', () => {
    const cases: Array<[string, Space[string], boolean]> = [
      ['randint of 16', randint(1, 17), true],
      ['randint of 17', randint(1, 18), false],
      ['randint of 2', randint(3, 5), true],
      ['randint of 1', randint(3, 4), false],
      ['qrandint of 16', qrandint(16, 256, 16), true],
      ['qrandint of 17', qrandint(0, 256, 16), false],
      ['quniform of 16', quniform(0, 1.5, 0.1), true],
      ['quniform of 17', quniform(0, 1.6, 0.1), false],
      ['lograndint of 16', lograndint(1, 17), true],
      ['qloguniform of 16', qloguniform(1, 16, 1), true],
      ['choice of 2', choice(['relu', 'tanh']), true],
      ['choice of 20', choice(Array.from({ length: 20 }, (_, i) => i)), true],
      ['grid of 2', grid([32, 64]), true],
      ['choice of 1', choice(['relu']), false],
      ['uniform', uniform(0, 1), false],
      ['loguniform', loguniform(1e-4, 1), false],
      ['randn', randn(0, 1), false],
    ]
    for (const [name, domain, expected] of cases) {
      expect(few({ x: domain }), name).toBe(expected)
      const [dim] = unitSpace({ x: domain }).encoding.dims
      expect(dim === undefined ? false : isFewValued(dim), name).toBe(expected)
    }
  })

  it('count at any depth, and one is enough', () => {
    expect(few({ lr: loguniform(1e-4, 1), inner: { layers: randint(1, 9) } })).toBe(true)
    expect(few({ lr: loguniform(1e-4, 1), epochs: randint(1, 100) })).toBe(false)
    expect(few({})).toBe(false)
  })
})

describe('the first trials: a Latin hypercube', () => {
  it('puts exactly one point in each of n equal slices of every dimension, the same for the same stream', () => {
    const D = 5
    const count = 9
    const design = latinHypercube(D, count, createRandom(4))
    for (let d = 0; d < D; d++) {
      const slices = Array.from({ length: count }, (_, i) => Math.floor((design[i * D + d] as number) * count)).sort((a, b) => a - b)
      expect(slices).toEqual(Array.from({ length: count }, (_, i) => i))
    }
    expect(latinHypercube(D, count, createRandom(4))).toEqual(design)
    expect(latinHypercube(D, count, createRandom(5))).not.toEqual(design)
  })
})

describe('projected L-BFGS', () => {
  it('minimises Rosenbrock, and stops at an active bound', () => {
    const rosenbrock = (x: Float64Array, g: Float64Array): number => {
      const a = x[0] as number
      const b = x[1] as number
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a)
      g[1] = 200 * (b - a * a)
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2
    }
    const free = minimize(rosenbrock, [-1.2, 1], { maxIterations: 500, gradientTolerance: 1e-10, relativeTolerance: 0 })
    expectClose(free.x, [1, 1], 1e-6)
    const boxed = minimize(rosenbrock, [-1.2, 1], { lower: [-2, -2], upper: [0.5, 2], maxIterations: 500, gradientTolerance: 1e-10 })
    expect(boxed.x[0]).toBe(0.5)
    expect(boxed.x[1]).toBeCloseTo(0.25, 5)
  })

  it("starts from an earlier run's curvature pairs: fewer evaluations on a nearby problem, pairs of another size ignored", () => {
    // An ill-conditioned quadratic, and the same one moved a little (a refit after a few more trials).
    const quadratic =
      (shift: number) =>
      (x: Float64Array, g: Float64Array): number => {
        let f = 0
        for (let i = 0; i < x.length; i++) {
          const w = 10 ** (i / 2)
          const d = (x[i] as number) - 1 - shift * i
          g[i] = 2 * w * d
          f += w * d * d
        }
        return f
      }
    const options = { maxIterations: 200, gradientTolerance: 1e-8, relativeTolerance: 0 }
    const first = minimize(quadratic(0), new Float64Array(6), options)
    expect(first.curvature.s.length).toBeGreaterThan(0)
    expect(first.curvature.s.length).toBeLessThanOrEqual(10)
    const cold = minimize(quadratic(0.05), first.x, options)
    const warm = minimize(quadratic(0.05), first.x, { ...options, curvature: first.curvature })
    expectClose(warm.x, cold.x, 1e-7)
    expect(warm.evaluations).toBeLessThan(cold.evaluations)
    const foreign = { s: [Float64Array.of(1, 2)], y: [Float64Array.of(1, 1)] }
    const ignored = minimize(quadratic(0.05), first.x, { ...options, curvature: foreign })
    expect(ignored.evaluations).toBe(cold.evaluations)
  })
})
