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

  it('holds for the stop signal, which the worker throws into a trainable that may hold the other copy', async () => {
    const specifier = new URL('../src/workers/trial-context.ts?other-copy', import.meta.url).href
    const other = (await import(specifier)) as typeof import('../src/workers/trial-context.ts')
    expect(other.TrialStopSignal).not.toBe(TrialStopSignal)
    const theirs = new other.TrialStopSignal('stop')
    expect([theirs instanceof TrialStopSignal, theirs instanceof HyperpoolError, theirs instanceof ConfigError]).toEqual([
      true,
      true,
      false,
    ])
    expect(new TrialStopSignal('pause') instanceof other.TrialStopSignal).toBe(true)
  })

  it("compares only hyperpool's own classes by name: a subclass of yours answers by prototype alone", () => {
    // Named like one of ours, and each of ours named like it: neither is the other.
    class ConfigErrorOfMine extends HyperpoolError {}
    Object.defineProperty(ConfigErrorOfMine, 'name', { value: 'ConfigError' })
    expect([new ConfigError('x') instanceof ConfigErrorOfMine, new ConfigErrorOfMine('x') instanceof ConfigError]).toEqual([false, false])
    expect(new ConfigErrorOfMine('x') instanceof ConfigErrorOfMine).toBe(true)
    const First = class extends ConfigError {}
    const Second = class extends ConfigError {}
    expect([new First('x') instanceof Second, new First('x') instanceof ConfigError]).toEqual([false, true])
  })
})
