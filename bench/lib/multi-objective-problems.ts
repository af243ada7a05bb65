/**
 * The multi-objective test problems of bench/multi-objective.bench.ts: ZDT1,
 * ZDT2 (Zitzler, Deb and Thiele 2000; 30 variables in [0, 1], two objectives)
 * and DTLZ2 (Deb et al. 2002; 12 variables, three objectives), every
 * objective minimised. The Python twin is in bench/optuna/multi_objective_runs.py,
 * with the same reference points.
 */
import { type Space, uniform } from '../../src/index.ts'

export interface Problem {
  readonly name: string
  readonly variables: number
  /** The hypervolume reference point, the same on the Optuna side. */
  readonly reference: readonly number[]
  readonly evaluate: (x: readonly number[]) => number[]
}

function g(x: readonly number[]): number {
  let sum = 0
  for (let i = 1; i < x.length; i++) sum += x[i] as number
  return 1 + (9 * sum) / (x.length - 1)
}

function dtlz2(x: readonly number[], m = 3): number[] {
  let gm = 0
  for (let i = m - 1; i < x.length; i++) gm += ((x[i] as number) - 0.5) ** 2
  const out: number[] = []
  for (let i = 0; i < m; i++) {
    let f = 1 + gm
    for (let j = 0; j < m - 1 - i; j++) f *= Math.cos(((x[j] as number) * Math.PI) / 2)
    if (i > 0) f *= Math.sin(((x[m - 1 - i] as number) * Math.PI) / 2)
    out.push(f)
  }
  return out
}

export const PROBLEMS: readonly Problem[] = [
  {
    name: 'zdt1',
    variables: 30,
    reference: [1.1, 11],
    evaluate: (x) => {
      const gx = g(x)
      const f1 = x[0] as number
      return [f1, gx * (1 - Math.sqrt(f1 / gx))]
    },
  },
  {
    name: 'zdt2',
    variables: 30,
    reference: [1.1, 11],
    evaluate: (x) => {
      const gx = g(x)
      const f1 = x[0] as number
      return [f1, gx * (1 - (f1 / gx) ** 2)]
    },
  },
  { name: 'dtlz2', variables: 12, reference: [3.85, 3.85, 3.85], evaluate: (x) => dtlz2(x) },
]

/** The problem's space: x0 … x(n-1), each uniform in [0, 1]. */
export function problemSpace(problem: Problem): Space {
  return Object.fromEntries(Array.from({ length: problem.variables }, (_, i) => [`x${i}`, uniform(0, 1)]))
}

/** A config of {@link problemSpace} as the vector the problem reads. */
export function vectorOf(problem: Problem, config: Readonly<Record<string, unknown>>): number[] {
  return Array.from({ length: problem.variables }, (_, i) => config[`x${i}`] as number)
}
