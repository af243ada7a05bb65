import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ConfigError, SpaceError } from '../../src/errors.ts'
import { LoadWatch, loadFailure, PRINTED_CHARS } from '../../src/workers/load-watch.ts'
import { temporaryDir } from '../helpers.ts'
import { createLoader } from './load-module-cjs.ts'

const TRAINABLE = 'file:///work/train.mjs'

/** A watch on a module still loading (its import never settles here), having printed `printed`. */
function loading(printed = ''): LoadWatch {
  const watch = new LoadWatch(TRAINABLE)
  watch.follow(new Promise(() => {}))
  if (printed !== '') watch.heard(printed)
  return watch
}

describe('LoadWatch', () => {
  it('names the error a module set off as it loads, with the error as its cause, and says nothing of the exit that follows', () => {
    const watch = loading('connecting...\n')
    const error = watch.threw(new TypeError('connection refused'), 'uncaughtException')
    expect(error).toMatchObject({
      name: 'ConfigError',
      message: `trainable ${TRAINABLE}: the module threw TypeError: connection refused from a callback or event it set off (a timer, an 'error' event with no listener) while loading; what it printed:\nconnecting...`,
      cause: { name: 'TypeError', message: 'connection refused' },
    })
    // The thread then exits with code 1: the same failure, told once, with no process.exit blamed for it.
    expect(watch.exited(1)).toBeUndefined()
  })

  it('names a promise left rejected as it loads as such', () => {
    expect(loading().threw(new Error('no such table'), 'unhandledRejection')?.message).toBe(
      `trainable ${TRAINABLE}: the module left a promise rejected, unhandled, with Error: no such table while loading; it printed nothing`,
    )
  })

  it('says another exit code could be a process.exit at its top level, the likely cause', () => {
    expect(loading().exited(3)?.message).toMatch(
      /the module ended its thread with code 3 while loading, as it would every thread the pool starts \(a process\.exit at its top level\? throw an error instead/,
    )
  })

  it("tells nothing once the module loaded: a later error or exit is a trial's", async () => {
    const watch = new LoadWatch(TRAINABLE)
    const loaded = Promise.resolve()
    watch.follow(loaded)
    await loaded
    await Promise.resolve()
    expect(watch.threw(new Error('late'), 'uncaughtException')).toBeUndefined()
    expect(watch.exited(1)).toBeUndefined()
  })
})

describe('what LoadWatch keeps of what the module printed', () => {
  it('keeps the last PRINTED_CHARS characters, not the first (docs/data-and-workers.md says so)', () => {
    const watch = loading()
    watch.heard(`${'a'.repeat(PRINTED_CHARS)}\n`)
    watch.heard('the reason, printed last')
    const message = watch.exited(3)?.message ?? ''
    expect(message.endsWith(`what it printed:\n${'a'.repeat(PRINTED_CHARS - 25)}\nthe reason, printed last`)).toBe(true)
  })
})

describe('loadFailure', () => {
  it('names the module in what it threw as it loaded, keeping that as the cause, and leaves its own errors about the trainable as they are', () => {
    const thrown = new Error('dataset file not found: /data.csv')
    const wrapped = loadFailure(TRAINABLE, thrown)
    expect(wrapped).toBeInstanceOf(ConfigError)
    expect([wrapped.message, wrapped.cause, (wrapped as ConfigError).field]).toEqual([
      `trainable ${TRAINABLE}: Error: dataset file not found: /data.csv`,
      thrown,
      'trainable',
    ])
    expect(loadFailure(TRAINABLE, 'not an error').message).toBe(`trainable ${TRAINABLE}: it threw "not an error"`)
    const ours = new ConfigError(`trainable ${TRAINABLE}: the module must default-export a function`, { field: 'trainable' })
    expect(loadFailure(TRAINABLE, ours)).toBe(ours)
    // One of hyperpool's errors that the module's own top level set off names the module too.
    const space = new SpaceError('uniform(low, high): needs low < high, got low=3, high=1', { field: 'lr' })
    expect(loadFailure(TRAINABLE, space).message).toBe(
      `trainable ${TRAINABLE}: SpaceError: uniform(low, high): needs low < high, got low=3, high=1`,
    )
  })

  it("gives the thread's module loader's own errors as they are, without an Error: before them", async () => {
    const dir = temporaryDir()
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'train.ts'), 'export default (x: number) => x\n')
    const url = pathToFileURL(join(dir, 'train.ts')).href
    const refused = await (createLoader('hyperpool-no-such-loader')(url) as Promise<unknown>).catch((error: unknown) => error)
    expect(loadFailure(url, refused).message).toBe(
      `trainable ${url}: it is TypeScript and no TypeScript loader is installed: npm install -D tsx, or compile it to .js`,
    )
  })
})
