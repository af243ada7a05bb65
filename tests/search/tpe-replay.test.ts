import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createRandom } from '../../src/search/rng.ts'
import { choice, lograndint, loguniform, quniform, randint, type Space, uniform } from '../../src/search/space.ts'
import type { TPEOptions } from '../../src/search/tpe/options.ts'
import { TPESearch } from '../../src/search/tpe/tpe.ts'

/**
 * TPE's suggestions pinned bit for bit: a long, irregular history (batches of
 * asks, results told out of order, intermediate reports, stopped, errored
 * and diverged trials) replayed under several option sets, every suggested
 * value hashed by its float64 bits. The hashes were recorded before TPE kept
 * its estimators between suggestions (built once per change of the history);
 * a change in any suggestion changes them.
 */
const space: Space = {
  a: uniform(-5, 10),
  b: loguniform(1e-4, 1),
  c: randint(1, 9),
  d: lograndint(16, 1025),
  e: quniform(0, 1, 0.05),
  f: choice(['x', 'y', 'z']),
}

function objective(config: Record<string, unknown>): number {
  const a = config.a as number
  const b = Math.log10(config.b as number)
  return (a - 1) ** 2 + (b + 2) ** 2 + ((config.c as number) - 4) ** 2 / 4 + (config.e as number) + (config.f === 'y' ? 0 : 1)
}

/** The hash of every value TPE suggests in `trials` trials with `options`. */
function replayHash(options: TPEOptions, trials: number): string {
  const search = new TPESearch(options)
  search.setup({ space, metric: 'loss', mode: 'min', seed: 7, numSamples: trials })
  const hash = createHash('sha256')
  const bits = new Float64Array(1)
  const random = createRandom(11)
  let next = 0
  while (next < trials) {
    // Ask a batch of 1 to 4, tell them back in a shuffled order.
    const batch: Array<[number, Record<string, unknown>]> = []
    const size = Math.min(1 + Math.floor(random() * 4), trials - next)
    for (let i = 0; i < size; i++) {
      const id = next++
      const config = search.suggest(id) as Record<string, unknown>
      for (const key of Object.keys(config).sort()) {
        const value = config[key]
        if (typeof value === 'number') {
          bits[0] = value
          hash.update(new Uint8Array(bits.buffer))
        } else hash.update(String(value))
      }
      batch.push([id, config])
    }
    batch.sort(() => random() - 0.5)
    for (const [id, config] of batch) {
      const loss = objective(config)
      const roll = random()
      const result = (value: number, step: number) => ({ loss: value, training_iteration: step, trial_id: id, time_total_s: 0 })
      if (roll < 0.1) search.onTrialComplete(id, undefined, 'errored')
      else if (roll < 0.15) search.onTrialComplete(id, result(Number.NaN, 1), 'errored')
      else if (roll < 0.35) {
        search.onTrialResult(id, result(loss + 1, 1))
        search.onTrialComplete(id, result(loss + 0.5, 2), 'stopped')
      } else {
        search.onTrialResult(id, result(loss + 1, 1))
        search.onTrialComplete(id, result(loss, 2), 'completed')
      }
    }
  }
  return hash.digest('hex').slice(0, 16)
}

describe('TPE suggestions, bit for bit', () => {
  it.each([
    ['defaults', {}, '2ddc768d6dd60d47'],
    ['no constant liar', { constantLiar: false }, 'c1d68aeaf1ba7ace'],
    ['univariate', { multivariate: false }, '6d5adeeda9263a1a'],
    [
      'scott bandwidths, estimator clip, endpoints',
      { multivariateBandwidth: 'scott', magicClipCount: 'estimator', considerEndpoints: true },
      '80567d7de6a93b2d',
    ],
  ] as const)('%s: 300 trials hash as recorded', (_name, options, recorded) => {
    expect(replayHash(options as TPEOptions, 300)).toBe(recorded)
  })
})
