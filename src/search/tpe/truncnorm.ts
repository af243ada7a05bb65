/**
 * The standard normal distribution truncated to an interval, in log space so
 * kernels far in a tail keep their precision: log masses of intervals, log
 * densities and inverse-CDF sampling. Log masses are within about 1.2e-7
 * of the exact value everywhere (the erfc approximation below; checked
 * against numerical integration): plenty for a density ratio.
 */

import { expNonPositive as importedExp } from './fastexp.ts'

/** Bound locally: CommonJS transpilations (tsx, vitest) read every use of an import through a getter. */
const expNonPositive = importedExp

const LOG_HALF = Math.log(0.5)
const SQRT1_2 = Math.SQRT1_2
/** log(sqrt(2 pi)): the normaliser of the standard normal density. */
export const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI)

/**
 * log erfc(x) for x >= 0, from the Chebyshev-fitted form
 * erfc(x) = t exp(-x^2 + P(t)), t = 1 / (1 + x / 2) (Press et al.,
 * Numerical Recipes, fractional error < 1.2e-7). Working with the exponent
 * keeps it finite where erfc itself underflows.
 */
function logErfcNonNegative(x: number): number {
  const t = 1 / (1 + 0.5 * x)
  return Math.log(t) + erfcExponent(x, t)
}

/** The erfc fit's exponent P(t) - x^2 at x >= 0, t = 1 / (1 + x / 2). */
function erfcExponent(x: number, t: number): number {
  return (
    -x * x -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
  )
}

/** Q(z) for z >= 0 in linear space (0 at infinity): from the erfc fit with a fast exp. */
function survival(z: number): number {
  if (z === Number.POSITIVE_INFINITY) return 0
  const x = z * SQRT1_2
  const t = 1 / (1 + 0.5 * x)
  return 0.5 * t * expNonPositive(erfcExponent(x, t))
}

/**
 * Q(z) for z >= 0, for masses of intervals around 0: taken as 0 beyond
 * z = 9, where Q(z) < 1.2e-19 is lost against the mass's 1 (log1p(-Q) would
 * change a log density by less than 1.2e-19).
 */
function survivalNonNegative(z: number): number {
  return z > 9 ? 0 : survival(z)
}

/**
 * Phi(z) - 1/2 for 0 <= z <= 2, by the Maclaurin series of erf: exact to
 * rounding where 1/2 - Q(z) would cancel (z near 0).
 */
function centralHalf(z: number): number {
  const x = z * SQRT1_2
  const x2 = x * x
  let term = x
  let sum = x
  for (let n = 1; n < 40; n++) {
    term *= -x2 / n
    const next = term / (2 * n + 1)
    sum += next
    if (Math.abs(next) < 1e-17 * sum) break
  }
  return sum / Math.sqrt(Math.PI)
}

/**
 * log Q(z), Q(z) = P(Z > z) for a standard normal Z: accurate in the upper tail.
 *
 * @example
 * ```ts
 * Math.exp(logSurvival(0)) // 0.5
 * ```
 */
export function logSurvival(z: number): number {
  if (z >= 0) return LOG_HALF + logErfcNonNegative(z * SQRT1_2)
  // Q(z) = 1 - Q(-z), and Q(-z) <= 0.5 here, so log1p is accurate.
  return Math.log1p(-0.5 * Math.exp(logErfcNonNegative(-z * SQRT1_2)))
}

/**
 * log P(a < Z < b) for a standard normal Z and a <= b (either may be infinite).
 * Works in the tail the interval lies in, and integrates narrow intervals
 * with Simpson's rule relative to the midpoint density, so neither a far tail
 * nor a bin much narrower than the kernel loses precision.
 *
 * @example
 * ```ts
 * Math.exp(logMass(-1, 1)) // 0.6826...
 * logMass(30, 31)          // about -454.3, where the mass itself underflows
 * ```
 */
export function logMass(a: number, b: number): number {
  if (!(a < b)) return Number.NEGATIVE_INFINITY
  const width = b - a
  const mid = 0.5 * (a + b)
  if (width * (1 + Math.abs(mid)) < 0.1) {
    // Simpson on the density, each term scaled by the midpoint density: error < 4e-8 relative.
    const m2 = mid * mid
    const ends = Math.exp(-0.5 * (a * a - m2)) + Math.exp(-0.5 * (b * b - m2))
    return Math.log(width) - 0.5 * m2 - LOG_SQRT_2PI + Math.log((ends + 4) / 6)
  }
  if (a >= 0) return tailMass(a, b)
  if (b <= 0) return tailMass(-b, -a)
  // The interval holds 0. Near 0 on both sides the two halves come from erf's series (1 - tails would cancel);
  // with an end past 2 the mass is above 0.477 and 1 - tails keeps its digits.
  if (b <= 2 && a >= -2) return Math.log(centralHalf(-a) + centralHalf(b))
  const tails = survivalNonNegative(-a) + survivalNonNegative(b)
  return tails === 0 ? 0 : Math.log1p(-tails)
}

/**
 * log (Q(a) - Q(b)) for 0 <= a < b, the interval wider than Simpson's rule takes: the discrete
 * kernels' hot path, where most kernels sit far from the value. Up to z = 2 from erf's series,
 * where the two tails are close; then, short of the far tail (Q(a) > 6e-16), two fast tail
 * probabilities subtracted in linear space (the interval holds a good part of Q(a) there); beyond,
 * from the asymptotic series of Q (see `millsSeries`): phi(a) (M(a) - e^-(b^2-a^2)/2 M(b)), one log.
 */
function tailMass(a: number, b: number): number {
  if (b <= 2) return Math.log(centralHalf(b) - centralHalf(a)) // exact to rounding, however close a and b
  if (a < 8) return Math.log(survival(a) - survival(b))
  const gap = 0.5 * (b - a) * (b + a)
  // Past e^-40 the second term changes the log by less than 5e-18 (and b may be infinite).
  const inner = gap > 40 ? millsSeries(a) : millsSeries(a) - expNonPositive(-gap) * millsSeries(b)
  return -0.5 * a * a - LOG_SQRT_2PI + Math.log(inner)
}

/**
 * Mills' ratio M(z) = Q(z) / phi(z) for z >= 8 by its asymptotic series
 * (1 - 1/z^2 + 3/z^4 - 15/z^6 + ...) / z, eight terms: the first one left out is below 8e-9 of it.
 */
function millsSeries(z: number): number {
  const r = 1 / (z * z)
  return (1 + r * (-1 + r * (3 + r * (-15 + r * (105 + r * (-945 + r * (10395 + r * -135135))))))) / z
}

/**
 * The standard normal quantile of a lower-tail probability p in (0, 0.5]
 * given as log p: Abramowitz & Stegun 26.2.23 as a start (error < 4.5e-4),
 * then Newton steps on log Q, which is smooth and concave.
 */
function upperQuantileFromLog(logP: number): number {
  const t = Math.sqrt(-2 * logP)
  let z = t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)))
  for (let i = 0; i < 4; i++) {
    const logQ = logSurvival(z)
    // d/dz log Q(z) = -phi(z) / Q(z)
    const slope = -Math.exp(-0.5 * z * z - LOG_SQRT_2PI - logQ)
    const step = (logQ - logP) / slope
    z -= step
    if (Math.abs(step) < 1e-12 * (1 + Math.abs(z))) break
  }
  return z
}

/**
 * A draw from the standard normal truncated to [a, b], by inverting its CDF
 * at `u` (uniform in [0, 1)). Solves in the tail the interval lies in, so
 * intervals far from 0 are sampled as precisely as central ones.
 *
 * @example
 * ```ts
 * sampleStandard(-1, 1, 0.5) // 0 (the median)
 * ```
 */
export function sampleStandard(a: number, b: number, u: number): number {
  if (!(a < b)) return a
  let z: number
  if (a >= 0) {
    z = fromUpperTail(a, b, u)
  } else if (b <= 0) {
    z = -fromUpperTail(-b, -a, 1 - u)
  } else {
    // a < 0 < b: target CDF value p = Phi(a) + u (Phi(b) - Phi(a)), solved from whichever tail is smaller.
    const lowTail = Math.exp(logSurvival(-a)) // Phi(a)
    const highTail = Math.exp(logSurvival(b)) // 1 - Phi(b)
    const p = lowTail + u * (1 - lowTail - highTail)
    z = p <= 0.5 ? -upperQuantileFromLog(Math.log(p)) : upperQuantileFromLog(Math.log1p(-p))
  }
  // Rounding can step just outside; the interval is closed.
  return Math.min(b, Math.max(a, z))
}

/** For 0 <= a < b: solve Q(z) = Q(a) - u (Q(a) - Q(b)) in log space. */
function fromUpperTail(a: number, b: number, u: number): number {
  const logQa = logSurvival(a)
  const logQb = logSurvival(b)
  // log(Q(a) (1 - u) + Q(b) u)
  const logTarget = logQa + Math.log1p(-u * -Math.expm1(logQb - logQa))
  if (logTarget >= LOG_HALF) return a
  return upperQuantileFromLog(logTarget)
}
