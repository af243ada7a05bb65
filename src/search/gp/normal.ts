/**
 * The standard normal distribution to double precision, and the logarithm
 * of expected improvement built on it. Near the centre the CDF comes from
 * erf's Maclaurin series; in the tails from the Laplace continued fraction
 * of Mills' ratio M(z) = Q(z) / phi(z), which also gives 1 - z M(z) without
 * cancellation (it is R(z) M(z), R the fraction's tail), so log EI stays
 * exact far below the incumbent, where the plain formula underflows
 * (Ament et al. 2023, "Unexpected improvements to expected improvement").
 */

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI)
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI)
/** Beyond this |z| the continued fraction replaces the series. */
const SERIES_LIMIT = 3

/** The standard normal density. */
export function normalPdf(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z)
}

/** erf(z / sqrt 2) / 2 = Phi(z) - 1/2 by erf's Maclaurin series; accurate to rounding for |z| <= 3. */
function centralHalf(z: number): number {
  const x = z * Math.SQRT1_2
  const x2 = x * x
  let term = x
  let sum = x
  for (let n = 1; n < 60; n++) {
    term *= -x2 / n
    const next = term / (2 * n + 1)
    sum += next
    if (Math.abs(next) <= 1e-17 * Math.abs(sum)) break
  }
  return sum / Math.sqrt(Math.PI)
}

/**
 * Mills' ratio M(z) and the tail R(z) of its continued fraction
 * M = 1 / (z + 1 / (z + 2 / (z + 3 / ...))), R = 1 / (z + 2 / (z + 3 / ...)),
 * for z >= 3, evaluated bottom up with enough terms for 1e-16 (80 at z = 3, 20 past z = 6).
 */
function millsAndTail(z: number): { mills: number; tail: number } {
  const terms = z >= 6 ? 20 : z >= 4 ? 40 : 80
  let t = z
  for (let k = terms; k >= 2; k--) t = z + k / t
  const tail = 1 / t
  return { mills: 1 / (z + tail), tail }
}

/**
 * The standard normal CDF Phi(z), with full relative precision in the lower tail.
 *
 * @example
 * ```ts
 * normalCdf(0) // 0.5
 * normalCdf(-10) // 7.6198530241605e-24
 * ```
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN
  if (Math.abs(z) <= SERIES_LIMIT) return 0.5 + centralHalf(z)
  const tail = normalPdf(z) * millsAndTail(Math.abs(z)).mills
  return z < 0 ? tail : 1 - tail
}

/**
 * log Phi(z) and the hazard phi(z) / Phi(z), finite for every z (the lower
 * tail through Mills' ratio, so nothing underflows).
 */
function logCdfAndHazard(z: number): { logCdf: number; hazard: number } {
  if (z < -SERIES_LIMIT) {
    const { mills } = millsAndTail(-z)
    return { logCdf: -0.5 * z * z - LOG_SQRT_2PI + Math.log(mills), hazard: 1 / mills }
  }
  const cdf = normalCdf(z)
  return { logCdf: Math.log(cdf), hazard: normalPdf(z) / cdf }
}

/**
 * The standard normal quantile: the z with Phi(z) = p, for p in (0, 1)
 * (+-Infinity at 0 and 1). Newton's method on log Phi(z) = log p in the
 * smaller tail: log Phi is concave, so from z = 0 the iterates approach the
 * root monotonically from below, whatever p.
 *
 * @example
 * ```ts
 * normalQuantile(0.975) // 1.959963984540054
 * ```
 */
export function normalQuantile(p: number): number {
  if (!(p > 0)) return p === 0 ? Number.NEGATIVE_INFINITY : Number.NaN
  if (!(p < 1)) return p === 1 ? Number.POSITIVE_INFINITY : Number.NaN
  const lower = p <= 0.5
  const target = Math.log(lower ? p : 1 - p)
  let z = 0
  for (let i = 0; i < 100; i++) {
    const { logCdf, hazard } = logCdfAndHazard(z)
    const step = (logCdf - target) / hazard
    z -= step
    if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(z))) break
  }
  return lower ? z : -z
}

/**
 * log h(z) with h(z) = E[max(0, z + N(0, 1))] = z Phi(z) + phi(z), and its
 * derivative d log h / dz = Phi(z) / h(z): the log expected improvement of
 * a unit-variance posterior whose mean lies z above the incumbent.
 *
 * @example
 * ```ts
 * standardLogEI(0).value // log(1 / sqrt(2 pi)) = -0.9189...
 * standardLogEI(-40).value // -804.6..., where h itself underflows to 0
 * ```
 */
export function standardLogEI(z: number): { value: number; slope: number } {
  if (z < -SERIES_LIMIT) {
    const { mills, tail } = millsAndTail(-z)
    // h(z) = phi(z) (1 - |z| M(|z|)) = phi(z) M R, and Phi(z) = phi(z) M, so Phi / h = 1 / R.
    return { value: -0.5 * z * z - LOG_SQRT_2PI + Math.log(mills * tail), slope: 1 / tail }
  }
  const cdf = normalCdf(z)
  const h = z * cdf + normalPdf(z)
  return { value: Math.log(h), slope: cdf / h }
}
