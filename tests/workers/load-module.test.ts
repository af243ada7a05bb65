import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { temporaryDir } from '../helpers.ts'
import { createLoader, isEsModule } from './load-module-cjs.ts'

// The worker thread's module loader, driven in this process: which modules it require()s (synchronously, as
// piscina loads a task) and which it leaves to import(). A synchronous result is the module's namespace; a promise
// means import() took it.

/** A folder with a package.json of module type `type` (none when undefined), holding `files`; their URLs by name. */
function folder(type: 'module' | 'commonjs' | undefined, files: Record<string, string>): Record<string, string> {
  const dir = temporaryDir()
  mkdirSync(dir, { recursive: true })
  if (type !== undefined) writeFileSync(join(dir, 'package.json'), JSON.stringify({ type }))
  return Object.fromEntries(
    Object.entries(files).map(([name, source]) => {
      writeFileSync(join(dir, name), source)
      return [name, pathToFileURL(join(dir, name)).href]
    }),
  )
}

describe('the worker thread module loader', () => {
  it('require()s an ES module at once: .mjs, or .js under a package of type module', async () => {
    const urls = folder('module', { 'a.mjs': 'export default 1\n', 'b.js': 'export default 2\n' })
    const load = createLoader()
    const loaded = [load(urls['a.mjs'] as string), load(urls['b.js'] as string)]
    expect(loaded.map((module) => module instanceof Promise)).toEqual([false, false])
    expect(loaded.map((module) => (module as { default: number }).default)).toEqual([1, 2])
  })

  it('leaves to import() a top-level await, CommonJS, a URL with a query, and what is not a file', async () => {
    const esm = folder('module', { 'waits.mjs': 'await null\nexport default 3\n', 'plain.mjs': 'export default 4\n' })
    const cjs = folder('commonjs', { 'c.js': 'module.exports = 5\n' })
    const load = createLoader()
    const urls = [esm['waits.mjs'], cjs['c.js'], `${esm['plain.mjs']}?again`, 'node:path'] as string[]
    const loaded = urls.map((url) => load(url))
    expect(loaded.map((module) => module instanceof Promise)).toEqual([true, true, true, true])
    const modules = (await Promise.all(loaded)) as Array<{ default: unknown }>
    expect(modules.slice(0, 3).map((module) => module.default)).toEqual([3, 5, 4])
  })

  it("gives an ES module's namespace, not an export it names 'module.exports', without running it twice", async () => {
    const urls = folder('module', {
      'named.mjs':
        "globalThis.loadModuleRuns = (globalThis.loadModuleRuns ?? 0) + 1\nexport { other as 'module.exports' }\nfunction other() {}\nexport default 6\n",
    })
    const module = (await createLoader()(urls['named.mjs'] as string)) as { default: number }
    expect([module.default, (globalThis as { loadModuleRuns?: number }).loadModuleRuns]).toEqual([6, 1])
  })

  it("throws what the module's top level throws, once, and a syntax error as it is", () => {
    const urls = folder('module', { 'throws.mjs': "throw new Error('no data')\n", 'broken.mjs': 'export default function (\n' })
    const load = createLoader()
    expect(() => load(urls['throws.mjs'] as string)).toThrow('no data')
    expect(() => load(urls['broken.mjs'] as string)).toThrow(SyntaxError)
  })

  it('says to install a TypeScript loader for a .ts module when none is', async () => {
    const urls = folder('module', { 'train.ts': 'export default (x: number) => x\n' })
    await expect(createLoader('hyperpool-no-such-loader')(urls['train.ts'] as string) as Promise<unknown>).rejects.toThrow(
      'it is TypeScript and no TypeScript loader is installed: npm install -D tsx, or compile it to .js',
    )
  })

  it('says what to do when a JavaScript module imports a TypeScript file, which no loader can fix from there', async () => {
    const urls = folder('module', {
      'train.js': "import { x } from './model.ts'\nexport default () => x\n",
      'model.ts': 'export const x: number = 1\n',
      'styled.js': "import './look.css'\nexport default 1\n",
      'look.css': 'a {}\n',
    })
    const said = `it imports ${fileURLToPath(urls['model.ts'] as string)}, TypeScript, which Node loads in a worker thread only for a TypeScript module (tsx is then registered there): make this module .ts too, or compile the file it imports to .js`
    expect(() => createLoader()(urls['train.js'] as string)).toThrow(said)
    // The same through import() (a URL with a query), which would otherwise register tsx and ask again in vain.
    await expect(createLoader()(`${urls['train.js']}?again`) as Promise<unknown>).rejects.toThrow(said)
    // Another unknown extension is Node's own error, as it was.
    expect(() => createLoader()(urls['styled.js'] as string)).toThrow(/^Unknown file extension "\.css"/)
  })

  it('takes a TypeScript module itself for one, whatever its path holds (" for ", as in Node\'s message)', () => {
    const dir = join(temporaryDir(), 'runs for today')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'train.ts'), 'export default (x: number) => x\n')
    // Not "it imports ...": tsx is the answer, and a loader without it says so.
    const loading = createLoader('hyperpool-no-such-loader')(pathToFileURL(join(dir, 'train.ts')).href) as Promise<unknown>
    return expect(loading).rejects.toThrow('it is TypeScript and no TypeScript loader is installed')
  })

  it("reads a .js file's module type from the nearest package.json, CommonJS without one", () => {
    const module = folder('module', { 'x.js': '' })
    const commonjs = folder('commonjs', { 'x.js': '' })
    const broken = folder(undefined, { 'package.json': '{ not json', 'x.js': '' })
    const paths = [module['x.js'], commonjs['x.js'], broken['x.js']].map((url) => new URL(url as string).pathname)
    expect(paths.map((path) => isEsModule(path))).toEqual([true, false, false])
    expect(isEsModule('/no/such/place/x.mjs')).toBe(true)
  })

  // Last: tsx stays registered in this process, and the tests above expect it not to be.
  it('finds tsx itself and registers it on the first TypeScript module', async () => {
    const urls = folder('module', { 'train.ts': 'export default (x: number): number => x * 2\n' })
    const module = (await createLoader()(urls['train.ts'] as string)) as { default: (x: number) => number }
    expect(module.default(21)).toBe(42)
  })
})
