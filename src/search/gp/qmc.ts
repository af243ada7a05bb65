/**
 * A low-discrepancy sequence for any number of dimensions: Roberts' R_d
 * sequence (the d-dimensional golden-ratio sequence), point i being
 * frac(shift + i alpha) with alpha_j = phi_d^-(j + 1) and phi_d the root of
 * x^(d+1) = x + 1. It fills [0, 1)^d more evenly than independent uniform
 * draws (fewer clumps and gaps among a GP's candidates and first trials),
 * needs no table of direction numbers, and a seeded shift randomises it.
 */

/**
 * The R_d step vector alpha for d dimensions.
 *
 * @example
 * ```ts
 * goldenSteps(1) // [0.6180339887...]
 * ```
 */
export function goldenSteps(d: number): Float64Array {
  let phi = 2
  for (let i = 0; i < 60; i++) phi = (1 + phi) ** (1 / (d + 1))
  return Float64Array.from({ length: d }, (_, j) => phi ** -(j + 1))
}

/**
 * Point `index` of the shifted R_d sequence, written to `out` at `offset`.
 *
 * @example
 * ```ts
 * const steps = goldenSteps(3)
 * quasiRandomPoint(steps, shift, 7, out, 0) // out[0..2] in [0, 1)
 * ```
 */
export function quasiRandomPoint(steps: Float64Array, shift: ArrayLike<number>, index: number, out: Float64Array, offset: number): void {
  for (let j = 0; j < steps.length; j++) {
    const v = (shift[j] as number) + (index + 1) * (steps[j] as number)
    out[offset + j] = v - Math.floor(v)
  }
}
