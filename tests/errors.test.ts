import { describe, expect, it } from 'vitest'
import { ConfigError, HyperpoolError, ReportError, SpaceError } from '../src/errors.ts'
import { TrialStopSignal } from '../src/workers/trial-context.ts'

/**
 * A worker thread runs its own bundle of hyperpool's code, and a trainable that imports 'hyperpool' gets the
 * package's: two copies of each class in one thread. A second instance of the modules stands for the other copy.
 */
async function otherCopy() {
  // A query makes it another module to the loader; a computed specifier, since the type checker knows no such file.
  const specifier = new URL('../src/errors.ts?other-copy', import.meta.url).href
  return (await import(specifier)) as typeof import('../src/errors.ts')
}

describe('HyperpoolError across copies of the package', () => {
  it('is another class in the other copy, and instanceof still holds by class and by base class', async () => {
    const other = await otherCopy()
    expect(other.ConfigError).not.toBe(ConfigError)
    const theirs = new other.ConfigError('bad option', { field: 'x' })
    expect([theirs instanceof ConfigError, theirs instanceof HyperpoolError, theirs instanceof Error]).toEqual([true, true, true])
    const ours = new ReportError('bad report')
    expect([ours instanceof other.ReportError, ours instanceof other.HyperpoolError]).toEqual([true, true])
  })

  it('tells the classes apart by name: an error is not an instance of a sibling class, in either copy', async () => {
    const other = await otherCopy()
    expect([new other.ConfigError('x') instanceof SpaceError, new ConfigError('x') instanceof other.SpaceError]).toEqual([false, false])
    expect(new Error('plain') instanceof other.HyperpoolError).toBe(false)
    expect([null, undefined, 'ConfigError', { name: 'ConfigError' }].some((value) => value instanceof ConfigError)).toBe(false)
  })

  it('holds for the stop signal, which the worker throws into a trainable that may hold the other copy', () => {
    const signal = new TrialStopSignal('stop')
    expect([signal instanceof TrialStopSignal, signal instanceof HyperpoolError, signal instanceof ConfigError]).toEqual([
      true,
      true,
      false,
    ])
  })
})
