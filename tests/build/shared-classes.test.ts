import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildModules, ENTRY_POINTS } from '../../scripts/build.ts'

/**
 * The published build (scripts/build.ts) bundles the package into a few modules: the API and the command share
 * chunks, the worker entry is one file of its own. A trainable that imports the built package therefore holds
 * other copies of hyperpool's classes than the worker running it, and `instanceof` must hold across them all the
 * same. Built here (JavaScript only, as `npm run build` makes it) into a folder inside the checkout, so that its
 * dependencies resolve as they do from dist/; the experiment runs in a child process, as a user's would, with
 * nothing but Node.
 */

const ROOT = resolve(import.meta.dirname, '../..')
const exec = promisify(execFile)
let dir = ''

// A trainable as a user writes one against the package: it imports hyperpool's classes and meets the ones the
// worker creates (the stop signal out of ctx.report), or hands the worker one of its own (a stop it throws).
const TRAINABLE = `
import { appendFileSync } from 'node:fs'
import { HyperpoolError, TrialStopSignal } from './index.js'

export default async function train(config, ctx) {
  if (config.how === 'throw') throw new TrialStopSignal('stop')
  try {
    for (;;) await ctx.report({ loss: 1 })
  } catch (error) {
    const seen = { stopSignal: error instanceof TrialStopSignal, hyperpoolError: error instanceof HyperpoolError }
    appendFileSync(config.log, JSON.stringify(seen) + '\\n')
    throw error
  }
}
`

const MAIN = `
import { Tuner } from './index.js'

// The state of one trial of the trainable, run the way how names.
async function trial(how) {
  const results = await new Tuner({
    trainable: new URL('./trainable.js', import.meta.url),
    space: { how, log: process.argv[2] },
    metric: 'loss',
    numSamples: 1,
    stop: { maxIterations: 1 },
    concurrency: 1,
    storageDir: false,
    trackers: [],
    logLevel: 'error',
  }).fit()
  return results.trials[0].state
}
console.log(JSON.stringify({ throw: await trial('throw'), catch: await trial('catch') }))
`

beforeAll(async () => {
  dir = mkdtempSync(join(ROOT, 'tests/.build-'))
  await buildModules(dir)
  writeFileSync(join(dir, 'trainable.js'), TRAINABLE)
  writeFileSync(join(dir, 'main.js'), MAIN)
})

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true })
})

describe('the built package', () => {
  it('is its entry points, the chunks they share and the copied files, all in one folder; the worker imports no chunk', () => {
    const files = readdirSync(dir).filter((file) => /\.c?js$/.test(file))
    for (const entry of Object.keys(ENTRY_POINTS)) expect(files).toContain(`${entry}.js`)
    expect(files).toContain('bootstrap.cjs')
    expect(files).toContain('browser.js')
    expect(files.filter((file) => file.startsWith('chunk-')).length).toBeGreaterThan(0)
    expect(existsSync(join(dir, 'worker.js.map'))).toBe(true)
    // A thread loads the worker entry alone: a chunk import would cost its start the ES loader's resolution.
    const worker = readFileSync(join(dir, 'worker.js'), 'utf8')
    expect(worker).not.toMatch(/(?:from|import)\s*\(?["']\.\//)
    // Nor a package, in any form of import: its one dependency, seedrandom's Alea, is bundled in, with the licence
    // notice MIT asks for.
    // esbuild writes each static import at a line's start (over several lines when long), a dynamic one with a literal.
    const imported = [
      ...worker.matchAll(/^(?:import|export)\s[^;]*?\bfrom\s*"([^"]+)";|^import\s*"([^"]+)";|\b(?:import|__require)\(\s*"([^"]+)"\s*\)/gm),
    ].map((match) => match[1] ?? match[2] ?? match[3])
    expect(imported).toContain('node:worker_threads')
    expect(imported.filter((from) => !from?.startsWith('node:'))).toEqual([])
    expect(worker).toMatch(/^\/\/ Bundles seedrandom\/lib\/alea\.js:\n\/\/ A port of an algorithm by Johannes Baagøe/)
    expect(worker).toContain('// Copyright (C) 2010 by Johannes Baagøe')
  })

  it("shares hyperpool's classes between the worker thread and a trainable that imports the package", async () => {
    const log = join(dir, 'seen.jsonl')
    const { stdout } = await exec(process.execPath, [join(dir, 'main.js'), log], { cwd: dir })
    const seen = readFileSync(log, 'utf8').trim().split('\n')
    expect({ states: JSON.parse(stdout), seen: seen.map((line) => JSON.parse(line)) }).toEqual({
      // A TrialStopSignal from the trainable's import is the worker's: that trial stopped, it did not error. (The
      // other reached its stop criterion, maxIterations, which ends a trial as completed.)
      states: { throw: 'stopped', catch: 'completed' },
      // The stop signal the worker made is the trainable's TrialStopSignal, and a HyperpoolError, as documented.
      seen: [{ stopSignal: true, hyperpoolError: true }],
    })
  })

  it.runIf(process.features.require_module === true)(
    "loads the worker entry and a JavaScript trainable as piscina loads a task, without the ES loader's asynchronous reads or the CommonJS lexer",
    async () => {
      // import() reads a module through fs/promises (which loads readline and fs watchers too): ~10 ms more per
      // thread to its first trial than require(), which Node 20.19+ uses for ES modules as well (bootstrap.cjs).
      writeFileSync(
        join(dir, 'probe-trainable.js'),
        "const read = process.moduleLoadList.includes('NativeModule internal/fs/promises')\n" +
          "const lexer = process.moduleLoadList.includes('NativeModule internal/deps/cjs-module-lexer/lexer')\n" +
          'export default async function train() { return { loss: 0, asyncReads: read ? 1 : 0, lexer: lexer ? 1 : 0 } }\n',
      )
      const main = `
        import { Tuner } from './index.js'
        const results = await new Tuner({
          trainable: new URL('./probe-trainable.js', import.meta.url), space: { x: 1 }, metric: 'loss', numSamples: 2,
          concurrency: 2, storageDir: false, trackers: [], logLevel: 'error',
        }).fit()
        console.log(JSON.stringify(results.trials.map((trial) => [trial.lastResult?.asyncReads, trial.lastResult?.lexer])))
      `
      writeFileSync(join(dir, 'probe-main.js'), main)
      const { stdout } = await exec(process.execPath, [join(dir, 'probe-main.js')], { cwd: dir })
      // Nor Node's CommonJS export lexer, which an ES module importing a CommonJS file starts (~8 ms a thread).
      expect(JSON.parse(stdout)).toEqual([
        [0, 0],
        [0, 0],
      ])
    },
  )

  it('keeps the names of the error classes, which instanceof across copies compares', async () => {
    const built = (await import(pathToFileURL(join(dir, 'index.js')).href)) as Record<string, unknown>
    const classes = Object.entries(built).filter(([name]) => /Error$|^TrialStopSignal$/.test(name))
    expect(classes.length).toBeGreaterThan(10)
    expect(classes.filter(([name, type]) => (type as { name?: string }).name !== name)).toEqual([])
  })

  it('leaves bullmq and ioredis unloaded when the package is imported', async () => {
    // Every trainable that imports the package loads its index in each worker thread: the Redis clients
    // would cost each thread about a second there. Both are CommonJS, so loading them fills require's cache.
    const probe = `
      import { createRequire } from 'node:module'
      const require = createRequire(import.meta.url)
      const loaded = () => Object.keys(require.cache).some((path) => /[\\/]node_modules[\\/](bullmq|ioredis)[\\/]/.test(path))
      const { RedisExecutor } = await import('./index.js')
      const before = loaded()
      require('bullmq') // what the executor does when it opens: the probe must see it
      console.log(JSON.stringify({ exported: typeof RedisExecutor, before, after: loaded() }))
    `
    writeFileSync(join(dir, 'probe.js'), probe)
    const { stdout } = await exec(process.execPath, [join(dir, 'probe.js')], { cwd: dir })
    expect(JSON.parse(stdout)).toEqual({ exported: 'function', before: false, after: true })
  })
})
