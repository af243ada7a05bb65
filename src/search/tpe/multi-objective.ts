/**
 * Multi-objective TPE (MOTPE, Ozaki et al. 2020, as Optuna 5 does it): with
 * several objectives the good set is chosen by Pareto dominance instead of a
 * value: whole non-domination ranks while they fit, then the rank that does
 * not fit whole gives the points that add the most hypervolume, greedily.
 */
import { greedyHypervolumeSubset, nonDominatedRanks, type Point } from '../../objectives/index.ts'

/** Optuna's gamma for several objectives: the best 10 %, with no cap (the front needs room to spread). */
export function defaultGammaMultiObjective(n: number): number {
  return Math.ceil(0.1 * n)
}

/** Optuna's weights for the good set with several objectives: equal, as no trial in it is better than another. */
export function equalWeights(n: number): Float64Array {
  return new Float64Array(n).fill(1)
}

/**
 * The indices of the `n` best of `points` (to minimise, one row per trial): every point of the non-domination ranks
 * that fit in `n` whole, then from the next rank the ones a greedy hypervolume subset selection picks, against a
 * reference point just beyond that rank's worst values. Points with an infinite value are taken in index order at the
 * tie, where the hypervolume would be infinite.
 *
 * @example
 * ```ts
 * goodByDominance([[1, 4], [4, 1], [2, 2], [5, 5]], 2) // [0, 2]: rank 0 holds three, so two by the hypervolume they add
 * ```
 */
export function goodByDominance(points: readonly Point[], n: number): number[] {
  if (n >= points.length) return points.map((_, i) => i)
  if (n <= 0) return []
  const ranks = nonDominatedRanks(points)
  const counts: number[] = []
  for (const r of ranks) counts[r] = (counts[r] ?? 0) + 1
  let whole = -1
  let taken = 0
  while (whole + 1 < counts.length && taken + (counts[whole + 1] as number) <= n) taken += counts[++whole] as number
  const good = ranks.flatMap((r, i) => (r <= whole ? [i] : []))
  if (good.length === n) return good
  const border = ranks.flatMap((r, i) => (r === whole + 1 ? [i] : []))
  const need = n - good.length
  const borderPoints = border.map((i) => points[i] as Point)
  if (borderPoints.some((p) => p.some((v) => !Number.isFinite(v)))) return [...good, ...border.slice(0, need)].sort((a, b) => a - b)
  const picked = greedyHypervolumeSubset(borderPoints, need, referenceBeyond(borderPoints))
  return [...good, ...picked.map((k) => border[k] as number)].sort((a, b) => a - b)
}

/** A point just worse than the worst value on each axis (×1.1 away from zero; a tiny positive number for 0), as Optuna takes. */
function referenceBeyond(points: readonly Point[]): number[] {
  const d = (points[0] as Point).length
  const reference: number[] = []
  for (let j = 0; j < d; j++) {
    let worst = Number.NEGATIVE_INFINITY
    for (const p of points) worst = Math.max(worst, p[j] as number)
    const beyond = Math.max(1.1 * worst, 0.9 * worst)
    reference.push(beyond === 0 ? 1e-12 : beyond)
  }
  return reference
}
