/** What a trainable threw keeps its own `cause` chain on the trial's error: across the worker thread and the journal. */
import { describe, expect, it } from 'vitest'
import { CAUSE_DEPTH, DivergedError, serializeError, TrialError } from '../../src/errors.ts'
import { loadExperiment } from '../../src/index.ts'
import { fixtureTuner } from '../helpers.ts'

/** The messages down an error's cause chain, the error's own first. */
function chain(error: unknown): string[] {
  const messages: string[] = []
  for (let e = error; e instanceof Error; e = e.cause) messages.push(`${e.name}: ${e.message}`)
  return messages
}

describe("a thrown error's cause", () => {
  it('keeps the chain on the trial error, live and read back from the journal', async () => {
    const tuner = fixtureTuner({ space: { behaviour: 'throw-chained', x: 1 }, numSamples: 1, concurrency: 1 })
    const results = await tuner.fit()
    const expected = [
      'TrialError: trial 0: Error: fit failed',
      'Error: fit failed',
      'TypeError: bad shape',
      'Error: non-Error cause: "disk full"',
    ]
    expect(chain(results.errors[0]?.error)).toEqual(expected)
    const loaded = await loadExperiment(tuner.dir as string)
    expect(chain(loaded.results.errors[0]?.error)).toEqual(expected)
    // The trial error's stack is its line alone (the driver built it, so its frames would be the Tuner's); where the
    // trainable threw is in its cause's stack, and so it reads back from the journal.
    for (const error of [results.errors[0]?.error, loaded.results.errors[0]?.error]) {
      expect(error?.stack).toBe('TrialError: trial 0: Error: fit failed')
      expect((error?.cause as Error | undefined)?.stack).toMatch(/^Error: fit failed\n\s+at /)
    }
  })

  it('gives every trial error a stack of its line alone, a divergence too', () => {
    expect(new DivergedError(2, 'loss', 3).stack).toBe('DivergedError: trial 2: diverged: loss is NaN at iteration 3')
    expect(new TrialError(1, 'trial 1: told errored').stack).toBe('TrialError: trial 1: told errored')
  })

  it('is kept to CAUSE_DEPTH levels, so a cycle or a long chain ends', () => {
    const cyclic = new Error('a')
    cyclic.cause = cyclic
    let depth = 0
    for (let e = serializeError(cyclic); e.cause !== undefined; e = e.cause) depth++
    expect(depth).toBe(CAUSE_DEPTH)
    expect(serializeError(new Error('no cause'))).not.toHaveProperty('cause')
    expect(serializeError(new Error('odd', { cause: { code: 7 } })).cause).toEqual({
      name: 'Error',
      message: 'non-Error cause: {"code":7}',
    })
  })

  it('keeps what a thrown non-Error said, printed as a cause is', () => {
    expect(serializeError({ message: 'plain object thrown' }).message).toBe('non-Error thrown: {"message":"plain object thrown"}')
    expect(serializeError('oops').message).toBe('non-Error thrown: "oops"')
  })
})
