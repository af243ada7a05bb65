import { describe, expect, it } from 'vitest'
import { permutationImportance, REPORT_FOREST } from '../../src/report/forest.ts'
import { paramImportance } from '../../src/report/importance.ts'
import type { ParamInfo, TrialView } from '../../src/report/model.ts'
import { createRandom } from '../../src/search/rng.ts'

/** y = 10 x1 + 3 x2 + noise: x1 explains about 92% of the variance, x2 about 8%; x3 plays no part. */
function synthetic(n: number, seed: number): { rows: number[][]; y: number[] } {
  const random = createRandom(seed)
  const rows: number[][] = []
  const y: number[] = []
  for (let i = 0; i < n; i++) {
    const row = [random(), random(), random()]
    rows.push(row)
    y.push(10 * (row[0] as number) + 3 * (row[1] as number) + 0.05 * (random() - 0.5))
  }
  return { rows, y }
}

describe('permutation importance over a random forest', () => {
  it('ranks a strong input first, a weak one second and an unused one last, near zero', () => {
    const { rows, y } = synthetic(200, 3)
    const [x1, x2, x3] = permutationImportance(rows, y, { ...REPORT_FOREST, seed: 1 }) as [number, number, number]
    expect(x1 + x2 + x3).toBeCloseTo(1, 10)
    expect(x1).toBeGreaterThan(0.8)
    expect(x2).toBeGreaterThan(0.03)
    expect(x2).toBeLessThan(0.2)
    expect(x3).toBeLessThan(0.01)
    expect(x2).toBeGreaterThan(5 * x3)
  })

  it('holds with as few trials as a small experiment has', () => {
    const { rows, y } = synthetic(30, 5)
    const [x1, x2, x3] = permutationImportance(rows, y, { ...REPORT_FOREST, seed: 2 }) as [number, number, number]
    expect(x1).toBeGreaterThan(x2)
    expect(x1).toBeGreaterThan(x3)
    expect(x1).toBeGreaterThan(0.7)
  })

  it('is deterministic for a seed and moves with it', () => {
    const { rows, y } = synthetic(60, 9)
    const a = permutationImportance(rows, y, { ...REPORT_FOREST, seed: 4 })
    expect(permutationImportance(rows, y, { ...REPORT_FOREST, seed: 4 })).toEqual(a)
    expect(permutationImportance(rows, y, { ...REPORT_FOREST, seed: 5 })).not.toEqual(a)
  })

  it('gives all zeros when the target is constant', () => {
    const { rows } = synthetic(20, 1)
    expect(permutationImportance(rows, new Array(20).fill(1), { ...REPORT_FOREST, seed: 1 })).toEqual([0, 0, 0])
  })
})

describe('paramImportance', () => {
  const params: ParamInfo[] = [
    { name: 'lr', kind: 'log', categories: [], integer: false },
    { name: 'act', kind: 'category', categories: ['relu', 'tanh', 'gelu'], integer: false },
    { name: 'noise', kind: 'linear', categories: [], integer: false },
  ]
  const random = createRandom(11)
  const trials: TrialView[] = Array.from({ length: 80 }, (_, id) => {
    const lr = 10 ** (-4 + 3 * random())
    const act = ['relu', 'tanh', 'gelu'][Math.floor(random() * 3)] as string
    const value = (Math.log10(lr) + 2.5) ** 2 + (act === 'gelu' ? 0.3 : 0)
    return {
      id,
      state: 'completed',
      params: { lr, act, noise: random() },
      value,
      iterations: 1,
      curve: [],
      error: undefined,
      objectiveValues: undefined,
      objectiveCells: [value],
      front: false,
    }
  })

  it('codes log and categorical parameters and names its method', () => {
    const importance = paramImportance(params, trials, 3)
    expect(importance?.ranked.map((r) => r.name)).toEqual(['lr', 'act', 'noise'])
    expect(importance?.trials).toBe(80)
    expect(importance?.method).toMatch(/permutation importance .* random forest of 64 trees/)
  })

  it('says nothing with fewer than 4 trials that have a value', () => {
    expect(paramImportance(params, trials.slice(0, 3), 3)).toBeUndefined()
    expect(
      paramImportance(
        params,
        trials.map((t) => ({ ...t, value: undefined })),
        3,
      ),
    ).toBeUndefined()
  })
})
