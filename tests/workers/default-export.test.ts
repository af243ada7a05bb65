import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/errors.ts'
import { defaultExport } from '../../src/workers/default-export.ts'

const URL = 'file:///app/train.mjs'
const MUST = `trainable ${URL}: the module must default-export a function (config, ctx) => Promise<void | metrics>`

describe('defaultExport', () => {
  it('returns the default-exported function', () => {
    const train = () => undefined
    expect(defaultExport(URL, { default: train, helper: () => 1 })).toBe(train)
  })

  it('names the one function a module exports without default, and the line that fixes it', () => {
    let error: unknown
    try {
      defaultExport(URL, { train() {}, epochs: 3 })
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect(error).toMatchObject({ field: 'trainable', message: `${MUST}, got undefined; it exports train: use export default train` })
  })

  it('names up to five function exports when there are several, and which one to default-export', () => {
    const module = Object.fromEntries(['fit', 'load', 'score', 'split', 'plot', 'save', 'clean'].map((name) => [name, () => undefined]))
    expect(() => defaultExport(URL, module)).toThrow(
      `${MUST}, got undefined; it exports functions fit, load, score, split, plot and 2 more: default-export the one to run (export default fit)`,
    )
  })

  it('says module.exports = for a CommonJS module, whose default is its exports object', () => {
    const train = () => undefined
    expect(() => defaultExport('file:///app/train.cjs', { default: { train }, train })).toThrow(
      /, got \{\}; it exports train: use module\.exports = train$/,
    )
  })

  it('gives no hint when the module exports no function', () => {
    expect(() => defaultExport(URL, { default: 3, epochs: 3 })).toThrow(
      new RegExp(`^${MUST.replace(/[()|.?*+[\]{}^$\\]/g, '\\$&')}, got 3$`),
    )
  })
})
