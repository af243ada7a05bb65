import { describe, expect, it } from 'vitest'
import { ASHAScheduler, ConfigError, Study, TPESearch, uniform } from '../src/index.ts'
import { unknownKey } from '../src/known-keys.ts'
import { didYouMean } from '../src/options/guess.ts'

describe('misspelt option names', () => {
  it('finds the first unknown key and the closest known name', () => {
    expect(unknownKey({ seed: 1, numSample: 3 }, ['seed', 'numSamples'])).toBe('numSample')
    expect(unknownKey({ seed: 1 }, ['seed'])).toBeUndefined()
    expect(didYouMean('concurency', ['concurrency', 'seed'])).toBe(' (did you mean concurrency?)')
    expect(didYouMean('MAXT', ['maxT', 'gracePeriod'])).toBe(' (did you mean maxT?)')
    expect(didYouMean('gracePeriods', ['maxT', 'gracePeriod'])).toBe(' (did you mean gracePeriod?)')
    // Short or far-off names get no guess rather than a wrong one.
    expect(didYouMean('lr', ['l2', 'seed'])).toBe('')
    expect(didYouMean('workers', ['concurrency', 'seed'])).toBe('')
    expect(didYouMean('mdoe', ['mode', 'metric'])).toBe(' (did you mean mode?)') // two letters swapped: one edit
  })

  it('are refused by the Study, the schedulers and TPESearch, with the guess', () => {
    expect(() => new Study({ space: { x: uniform(0, 1) }, metric: 'loss', seeed: 1 } as never)).toThrow(
      new ConfigError(
        'Study({ seeed }): unknown option (did you mean seed?), got 1; known: space, metric, mode, search, seed, numSamples',
        {
          field: 'seeed',
        },
      ),
    )
    expect(() => new ASHAScheduler({ gracePeriods: 2 } as never)).toThrow(
      /gracePeriods \}\): unknown option \(did you mean gracePeriod\?\)/,
    )
    expect(() => new TPESearch({ nStartupTrial: 5 } as never)).toThrow(
      /^TPESearch\(\{ nStartupTrial \}\): unknown option \(did you mean nStartupTrials\?\), got 5; known: /,
    )
  })
})
