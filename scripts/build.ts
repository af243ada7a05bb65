/**
 * The published build's JavaScript: esbuild bundles src/ into a few ES modules
 * in dist/ (tsc adds the declarations after, see package.json's `build`).
 *
 * Few modules, because a worker thread pays for each one it loads (Node 20's
 * ESM loader, ~1.5 ms a module): tsc's one-file-per-source output made every
 * thread load ~15 before its first trial. Code splitting, because the worker
 * and a trainable that imports 'hyperpool' must share one copy of every class
 * (`instanceof` across them: a `TrialStopSignal`, a `HyperpoolError`): code
 * that several entry points use goes into chunks that each of them imports by
 * the same URL, so a thread holds one module instance of it.
 *
 * Every file lands in dist/ itself, entries and chunks alike, so a URL a module
 * takes relative to `import.meta.url` (the worker entry, bootstrap.cjs, the
 * report's browser.js) resolves the same whichever file the code ends up in:
 * with chunks, `import.meta.url` is the chunk's, not the source file's.
 *
 *   tsx scripts/build.ts           # dist/, emptied first (what `npm run build` does before tsc)
 *
 * @example
 * ```ts
 * await buildModules(join(ROOT, 'tests/.build-1'))   // a runnable build beside dist/ (tests/build/ does this)
 * ```
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const ROOT = resolve(import.meta.dirname, '..')

/**
 * Every module the package exports or loads by URL, by its name in dist/: the API, the worker-thread entry
 * (pool.ts points at it), and the `hyperpool` command (package.json's `bin`).
 */
export const ENTRY_POINTS: Readonly<Record<string, string>> = {
  index: 'src/index.ts',
  worker: 'src/workers/worker.ts',
  bin: 'src/cli/bin.ts',
}

/**
 * Files copied as they are: the file piscina starts in each thread (pool.ts points at it; plain JavaScript that
 * imports nothing of the package, so bundling would only add a module to load), and the report's browser script,
 * which page.ts reads as text and inlines into the page.
 */
const COPIED = ['src/workers/bootstrap.cjs', 'src/report/browser.js']

/**
 * Bundles the package's JavaScript into `outdir`: the entry points, their shared chunks, source maps pointing
 * into src/, and the copied files. Dependencies and node: modules stay imports, so `outdir` must be where they
 * resolve from (inside this checkout). Files already there stay: `npm run build` empties dist/ first.
 */
export async function buildModules(outdir: string): Promise<void> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: Object.entries(ENTRY_POINTS).map(([out, source]) => ({ in: source, out })),
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    chunkNames: 'chunk-[hash]',
    // Class names are data here (the journal records the searcher's and scheduler's, errors take theirs):
    // bundling must not rename a class to dodge a clash.
    keepNames: true,
    // The maps point into src/, which the package ships, rather than carrying a copy of it.
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'warning',
  })
  mkdirSync(outdir, { recursive: true })
  for (const file of COPIED) copyFileSync(join(ROOT, file), join(outdir, file.slice(file.lastIndexOf('/') + 1)))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // A clean dist/: chunks are named by their content, so a rebuild would leave the old ones beside the new.
  rmSync(join(ROOT, 'dist'), { recursive: true, force: true })
  await buildModules(join(ROOT, 'dist'))
}
