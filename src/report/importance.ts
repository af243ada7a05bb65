/**
 * Parameter importance for the report: which parameters the metric depends
 * on, by permutation importance over a seeded random forest fitted on the
 * trials' parameters and final values.
 */
import { permutationImportance, REPORT_FOREST } from './forest.ts'
import type { ParamInfo, TrialView } from './model.ts'
import { categoryLabel } from './scale.ts'

/**
 * Each parameter's importance (shares summing to 1, most important first),
 * the method that measured them, and the trials they rest on.
 *
 * @example
 * ```ts
 * const { ranked, method } = paramImportance(model.params, model.trials, 0)!
 * ranked[0] // { name: 'lr', share: 0.81 }
 * ```
 */
export interface Importance {
  readonly ranked: readonly { readonly name: string; readonly share: number }[]
  readonly method: string
  readonly trials: number
}

/** Fewer trials than this say nothing about importance. */
export const MIN_IMPORTANCE_TRIALS = 4

/**
 * The importance of each parameter over the trials that have a value, or
 * undefined when there are fewer than {@link MIN_IMPORTANCE_TRIALS} of them.
 * Categories are coded by their order in the space, log parameters by their
 * logarithm (trees care only about order), a missing value as below all others.
 *
 * @example
 * ```ts
 * paramImportance(model.params, model.trials, model.experiment.seed)?.ranked[0]?.name
 * ```
 */
export function paramImportance(params: readonly ParamInfo[], trials: readonly TrialView[], seed: number): Importance | undefined {
  const scored = trials.filter((t) => t.value !== undefined)
  if (scored.length < MIN_IMPORTANCE_TRIALS || params.length === 0) return undefined
  const columns = params.map((param) => encode(param, scored))
  const rows = scored.map((_, i) => columns.map((column) => column[i] as number))
  const shares = permutationImportance(
    rows,
    scored.map((t) => t.value as number),
    { ...REPORT_FOREST, seed },
  )
  const ranked = params.map((p, i) => ({ name: p.name, share: shares[i] as number })).sort((a, b) => b.share - a.share)
  return {
    ranked,
    method: `permutation importance on out-of-bag trials, over a random forest of ${REPORT_FOREST.trees} trees (depth <= ${REPORT_FOREST.maxDepth}, seed ${seed})`,
    trials: scored.length,
  }
}

/** One parameter's values as numbers a tree can split on. */
function encode(param: ParamInfo, trials: readonly TrialView[]): number[] {
  if (param.kind === 'category') {
    const code = new Map(param.categories.map((c, i) => [c, i]))
    return trials.map((t) => {
      const value = t.params[param.name]
      return value === undefined ? -1 : (code.get(categoryLabel(value)) ?? -1)
    })
  }
  const numbers = trials.map((t) => {
    const value = t.params[param.name]
    if (typeof value !== 'number' || !Number.isFinite(value)) return undefined
    return param.kind === 'log' ? Math.log10(Math.max(value, Number.MIN_VALUE)) : value
  })
  let lowest = 0
  for (const v of numbers) if (v !== undefined && v < lowest) lowest = v
  return numbers.map((v) => v ?? lowest - 1)
}
