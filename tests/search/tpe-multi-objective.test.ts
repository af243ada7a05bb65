import { describe, expect, it } from 'vitest'
import { hypervolume, RandomSearch, type Searcher, Study, TPESearch, uniform } from '../../src/index.ts'
import { goodByDominance } from '../../src/search/tpe/multi-objective.ts'

/** ZDT1 with 6 variables: two objectives, the front at g = 1 (x1..x5 = 0). */
function zdt1(x: readonly number[]): number[] {
  const g = 1 + (9 * x.slice(1).reduce((a, b) => a + b, 0)) / (x.length - 1)
  const f1 = x[0] as number
  return [f1, g * (1 - Math.sqrt(f1 / g))]
}
const space = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`x${i}`, uniform(0, 1)]))

/** The hypervolume (reference (1.1, 11)) of `trials` trials of ZDT1 under `search`. */
function run(search: Searcher, seed: number, trials: number): { hv: number; configs: unknown[] } {
  const study = new Study({ space, metric: ['f1', 'f2'], mode: ['min', 'min'], search, seed, numSamples: trials })
  const points: number[][] = []
  const configs: unknown[] = []
  for (let t = 0; t < trials; t++) {
    const trial = study.ask()
    if (trial === null) break
    const values = zdt1(Array.from({ length: 6 }, (_, i) => trial.config[`x${i}`] as number))
    study.tell(trial.trialId, values)
    points.push(values)
    configs.push(trial.config)
  }
  return { hv: hypervolume(points, [1.1, 11]), configs }
}

describe('goodByDominance', () => {
  it('takes whole non-domination ranks while they fit', () => {
    // Ranks: 0, 0, 1, 2.
    expect(
      goodByDominance(
        [
          [1, 2],
          [2, 1],
          [2, 2],
          [3, 3],
        ],
        2,
      ),
    ).toEqual([0, 1])
    expect(
      goodByDominance(
        [
          [1, 2],
          [2, 1],
          [2, 2],
          [3, 3],
        ],
        3,
      ),
    ).toEqual([0, 1, 2])
    expect(
      goodByDominance(
        [
          [1, 2],
          [2, 1],
        ],
        5,
      ),
    ).toEqual([0, 1])
    expect(
      goodByDominance(
        [
          [1, 2],
          [2, 1],
        ],
        0,
      ),
    ).toEqual([])
  })

  it('cuts the rank that does not fit by the hypervolume each point adds', () => {
    expect(
      goodByDominance(
        [
          [1, 4],
          [4, 1],
          [2, 2],
          [5, 5],
        ],
        2,
      ),
    ).toEqual([0, 2])
    // Rank 0 is (0, 0) alone; of rank 1 the middle point adds the most.
    expect(
      goodByDominance(
        [
          [0, 0],
          [1, 4],
          [4, 1],
          [2, 2],
        ],
        2,
      ),
    ).toEqual([0, 3])
  })
})

describe('TPESearch with several objectives', () => {
  it('finds a larger hypervolume than random search on ZDT1, seed by seed', () => {
    for (const seed of [0, 1, 2, 3]) {
      const tpe = run(new TPESearch(), seed, 80).hv
      const random = run(new RandomSearch(), seed, 80).hv
      expect(tpe, `seed ${seed}`).toBeGreaterThan(random)
    }
  })

  it('is a function of the seed', () => {
    expect(run(new TPESearch(), 5, 30).configs).toEqual(run(new TPESearch(), 5, 30).configs)
    expect(run(new TPESearch(), 5, 30).configs).not.toEqual(run(new TPESearch(), 6, 30).configs)
  })
})
