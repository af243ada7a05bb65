import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { fixtureTuner, temporaryDir } from '../helpers.ts'

/**
 * An ES module trainable is loaded as piscina loads a task, with require() (synchronous in Node 20.19+), and
 * with import() where require() refuses it (a top-level await); CommonJS with import(). Each must load as
 * import() alone would load it: a CommonJS default of `module.exports` (its getters unread), its top level run
 * once per thread, and a module that ends its thread as it loads named as the reason.
 */

/** A JavaScript module written into a fresh folder, as a file URL; `type` is its package.json's module type. */
function trainableFile(name: string, source: string, type: 'module' | 'commonjs' = 'module'): string {
  const dir = temporaryDir()
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type }))
  const path = join(dir, name)
  writeFileSync(path, source)
  return pathToFileURL(path).href
}

async function losses(trainable: string): Promise<unknown[]> {
  const results = await fixtureTuner({ trainable, space: { x: 1 }, numSamples: 4, concurrency: 2 }).fit()
  return results.trials.map((trial) => [trial.state, trial.lastResult?.loss])
}

describe('a JavaScript trainable', () => {
  it('runs from a CommonJS module that sets module.exports', async () => {
    const trainable = trainableFile('train.js', 'module.exports = async (config) => ({ loss: config.x * 2 })\n', 'commonjs')
    expect(await losses(trainable)).toEqual(Array.from({ length: 4 }, () => ['completed', 2]))
  })

  it('is refused from a CommonJS module that exports it by name, saying to use module.exports', async () => {
    const trainable = trainableFile('train.js', 'exports.train = async () => ({ loss: 0 })\n', 'commonjs')
    await expect(losses(trainable)).rejects.toThrow(
      /^Tuner\(\{ trainable \}\): could not be loaded: trainable .*train\.js: the module must default-export a function .*; it exports train: use module\.exports = train$/,
    )
  })

  it('runs from a CommonJS module without reading the getters on module.exports', async () => {
    // A lazy getter (loading something heavy, or missing) is read only by code that asks for it.
    const source = `
      module.exports = async (config) => ({ loss: config.x })
      Object.defineProperty(module.exports, 'lazy', { enumerable: true, get() { throw new Error('read the lazy getter') } })
    `
    expect(await losses(trainableFile('train.js', source, 'commonjs'))).toEqual(Array.from({ length: 4 }, () => ['completed', 1]))
  })

  it('runs a CommonJS top level once even when it fails requiring an ES module with a top-level await', async () => {
    const dir = temporaryDir()
    const log = join(dir, 'evaluations.log')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'commonjs' }))
    writeFileSync(join(dir, 'waits.mjs'), 'await null\nexport default 1\n')
    writeFileSync(
      join(dir, 'train.js'),
      `require('node:fs').appendFileSync(${JSON.stringify(log)}, 'ran\\n')\nrequire('./waits.mjs')\nmodule.exports = () => ({ loss: 0 })\n`,
    )
    const trainable = pathToFileURL(join(dir, 'train.js')).href
    await expect(fixtureTuner({ trainable, space: { x: 1 }, numSamples: 1, concurrency: 1 }).fit()).rejects.toThrow(/could not be loaded/)
    expect(readFileSync(log, 'utf8')).toBe('ran\n')
  })

  it("runs an ES module's default export, not an export it names 'module.exports'", async () => {
    const source = "const other = () => ({ loss: 9 })\nexport { other as 'module.exports' }\nexport default () => ({ loss: 1 })\n"
    expect(await losses(trainableFile('train.mjs', source))).toEqual(Array.from({ length: 4 }, () => ['completed', 1]))
  })

  it('runs its top level once per thread, with a top-level await too', async () => {
    // Each thread counts its own evaluations of the module; a second evaluation would make some trial see 2.
    const source = `
      globalThis.evaluations = (globalThis.evaluations ?? 0) + 1
      await new Promise((resolve) => setTimeout(resolve, 5))
      export default async function train() { return { loss: globalThis.evaluations } }
    `
    expect(await losses(trainableFile('train.mjs', source))).toEqual(Array.from({ length: 4 }, () => ['completed', 1]))
    const plain = source.replace('await new Promise((resolve) => setTimeout(resolve, 5))', '')
    expect(await losses(trainableFile('train.js', plain))).toEqual(Array.from({ length: 4 }, () => ['completed', 1]))
  })

  it('that ends its thread as it loads is the reason the experiment ends, with what it printed', async () => {
    const trainable = trainableFile(
      'train.mjs',
      "console.log('loading the data...')\nprocess.exit(3)\nexport default () => ({ loss: 0 })\n",
    )
    await expect(losses(trainable)).rejects.toThrow(
      /^Tuner\(\{ trainable \}\): could not be loaded: trainable .*train\.mjs: the module ended its thread with code 3 while loading, as it would every thread the pool starts \(.*\); what it printed:\nloading the data\.\.\.$/,
    )
  })
})
