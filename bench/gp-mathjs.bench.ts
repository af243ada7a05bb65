/**
 * Do mathjs's matrix operations earn a place in the GP? The GP's hot linear
 * algebra (solve K x = y for a kernel matrix K, a triangular solve, the
 * inverse the likelihood gradient needs) with hyperpool's Float64Array code
 * (src/search/gp/linalg.ts) and with mathjs (which has no Cholesky: LU with
 * pivoting), alternating repeats, medians. mathjs is not a dependency: the
 * benchmark skips (exit 0) unless it is installed, e.g. `npm i --no-save mathjs`.
 *
 *   npm run bench -- gp-mathjs
 *   npm run bench -- gp-mathjs --quick
 */
import { type KernelParams, kernelMatrix, pairDeltas } from '../src/search/gp/kernel.ts'
import { cholesky, inverseFromCholesky, solveCholesky, solveLower } from '../src/search/gp/linalg.ts'
import { createRandom } from '../src/search/rng.ts'
import { fmt, median, quick, writeResults } from './lib/report.ts'

interface MathJs {
  version: string
  matrix(data: number[][] | number[]): unknown
  lusolve(A: unknown, b: unknown): { toArray(): number[][] }
  lsolve(L: unknown, b: unknown): { toArray(): number[][] }
  inv(A: unknown): { toArray(): number[][] }
}

let math: MathJs
try {
  // A variable specifier: mathjs is optional, and not a dependency the type-checker should look for.
  const specifier = 'mathjs'
  math = (await import(specifier)) as MathJs
} catch {
  console.log('skipped: mathjs is not installed (npm i --no-save mathjs)')
  process.exit(0)
}

const SIZES = quick ? [50] : [100, 400]
const D = 10

/** A kernel matrix (lower triangle filled, then mirrored) of n random points, and a right-hand side. */
function problem(n: number): { K: Float64Array; y: Float64Array } {
  const random = createRandom(n)
  const points = { X: Float64Array.from({ length: n * D }, () => random()), n, D, categorical: new Uint8Array(D) }
  const params: KernelParams = { theta: new Float64Array(D).fill(4), scale: 1, noise: 1e-4, minNoise: 1e-6 }
  const K = kernelMatrix(pairDeltas(points), n, D, params)
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) K[j * n + i] = K[i * n + j] as number
  return { K, y: Float64Array.from({ length: n }, () => random() - 0.5) }
}

function rows(M: Float64Array, n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(M.subarray(i * n, i * n + n)))
}

/** Median milliseconds of `f` over alternating repeats with its rival (the caller alternates). */
function time(f: () => void, reps: number): number {
  const start = performance.now()
  for (let r = 0; r < reps; r++) f()
  return (performance.now() - start) / reps
}

const tableRows: Array<Array<string | number>> = []
for (const n of SIZES) {
  const { K, y } = problem(n)
  const chol = cholesky(K, n)
  if (chol === undefined) throw new Error('the kernel matrix did not factor')
  const denseK = math.matrix(rows(K, n))
  const lower = new Float64Array(n * n)
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) lower[i * n + j] = chol.L[i * n + j] as number
  const denseL = math.matrix(rows(lower, n))
  const b = math.matrix(Array.from(y))
  const reps = n <= 100 ? 20 : 3
  const tasks: Array<[string, () => number[], () => number[]]> = [
    [
      'solve K x = y (factor included)',
      () => {
        const c = cholesky(K, n)
        const x = Float64Array.from(y)
        if (c !== undefined) solveCholesky(c, x)
        return Array.from(x)
      },
      () => math.lusolve(denseK, b).toArray().flat(),
    ],
    [
      'triangular solve L x = y',
      () => {
        const x = Float64Array.from(y)
        solveLower(chol, x)
        return Array.from(x)
      },
      () => math.lsolve(denseL, b).toArray().flat(),
    ],
    [
      'inverse of K',
      () => {
        // The first row of the symmetric inverse, read from the lower triangle hyperpool fills.
        const inverse = inverseFromCholesky(chol)
        return Array.from({ length: n }, (_, j) => inverse[j * n] as number)
      },
      () => math.inv(denseK).toArray()[0] as number[],
    ],
  ]
  for (const [name, oursTask, theirsTask] of tasks) {
    // The two agree (first row of the inverse, or the solution).
    const a = oursTask()
    const c = theirsTask()
    const gap = Math.max(...a.map((v, i) => Math.abs(v - (c[i] as number)) / Math.max(1, Math.abs(v))))
    const mine: number[] = []
    const theirs: number[] = []
    for (let round = 0; round < 5; round++) {
      mine.push(time(oursTask, reps))
      theirs.push(time(theirsTask, reps))
    }
    tableRows.push([n, name, fmt(median(mine), 3), fmt(median(theirs), 3), `${fmt(median(theirs) / median(mine), 3)}×`, fmt(gap, 2)])
  }
}
writeResults('gp-mathjs', [
  {
    title: `GP linear algebra: hyperpool's Float64Array code vs mathjs ${math.version} (ms per call)`,
    columns: ['n', 'operation', 'hyperpool ms', 'mathjs ms', 'mathjs / hyperpool', 'largest relative difference'],
    rows: tableRows,
    note: `Kernel matrices of n random points in ${D} dimensions (Matérn-5/2). hyperpool factors by Cholesky; mathjs has no Cholesky, so its solve is LU with partial pivoting (lusolve), the route a mathjs user would take. Medians of 5 alternating rounds.${quick ? ' Quick mode.' : ''}`,
  },
])
