/**
 * The published build's JavaScript: esbuild bundles src/ into a few ES modules
 * in dist/ (tsc adds the declarations after, see package.json's `build`).
 *
 * Few modules, because a worker thread pays for each one it loads (Node 20's
 * ESM loader, ~1.5 ms a module): tsc's one-file-per-source output made every
 * thread load ~15 before its first trial. The worker entry is built on its
 * own, one file that imports only Node (its one dependency bundled in): side by side in
 * fresh processes, importing a shared chunk cost each thread's start about
 * 4-7 ms more (the ES loader's resolution, which an empty task never needs).
 * The API and the command share chunks (code splitting), so a program holds
 * one copy of each class. A worker thread whose trainable imports 'hyperpool'
 * holds two, the worker's and the package's: `instanceof` still holds across
 * them (a `TrialStopSignal` the worker throws, a `HyperpoolError`), because
 * HyperpoolError compares class names kept under a Symbol.for key (errors.ts).
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
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
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

/** The entry points built alone, without chunks: a worker thread loads one file before its trainable. */
const STANDALONE = new Set(['worker'])

/**
 * Files copied as they are: the file piscina starts in each thread (pool.ts points at it; plain JavaScript that
 * imports nothing of the package but its module loader beside it, so bundling would only add a module to load),
 * that loader, and the report's browser script,
 * which page.ts reads as text and inlines into the page.
 */
const COPIED = ['src/workers/bootstrap.cjs', 'src/workers/load-module.cjs', 'src/report/browser.js']

/**
 * What the worker entry bundles of its dependencies, each with the licence notice it opens with (see `bundledNotice`):
 * an ES module that imports a CommonJS file makes Node start its CommonJS export lexer in that thread, which cost
 * a thread's start about 8 ms (timed in a worker thread). Any other package the worker imports stays an import.
 */
const BUNDLED_IN_WORKER = ['seedrandom/lib/alea.js']

/**
 * Bundles the package's JavaScript into `outdir`: the entry points, their shared chunks, source maps pointing
 * into src/ (the worker's also into the files of {@link BUNDLED_IN_WORKER}), and the copied files. Other
 * dependencies and node: modules stay imports, so `outdir` must be where they resolve from (inside this
 * checkout). Files already there stay: `npm run build` empties dist/ first.
 */
export async function buildModules(outdir: string): Promise<void> {
  const entries = Object.entries(ENTRY_POINTS)
  const options = {
    absWorkingDir: ROOT,
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // Class names are data here (the journal records the searcher's and scheduler's, errors take theirs and
    // compare them across copies): bundling must not rename a class to dodge a clash.
    keepNames: true,
    // The maps point into src/, which the package ships, rather than carrying a copy of it. (The worker's also
    // names the bundled files by their path in this checkout's node_modules, which an install may not have.)
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'warning',
  } as const
  await build({
    ...options,
    entryPoints: entries.filter(([out]) => !STANDALONE.has(out)).map(([out, source]) => ({ in: source, out })),
    splitting: true,
    chunkNames: 'chunk-[hash]',
  })
  await build({
    ...options,
    entryPoints: entries.filter(([out]) => STANDALONE.has(out)).map(([out, source]) => ({ in: source, out })),
    packages: undefined,
    plugins: [
      {
        name: 'bundle-only-listed',
        setup: (builder) => {
          builder.onResolve({ filter: /^[^./]/ }, ({ path }) =>
            isAbsolute(path) || path.startsWith('node:') || BUNDLED_IN_WORKER.includes(path) ? undefined : { path, external: true },
          )
        },
      },
    ],
    banner: { js: BUNDLED_IN_WORKER.map((file) => bundledNotice(file)).join('\n') },
  })
  mkdirSync(outdir, { recursive: true })
  for (const file of COPIED) copyFileSync(join(ROOT, file), join(outdir, file.slice(file.lastIndexOf('/') + 1)))
}

/** The licence notice at the top of a file bundled into the worker (the comment lines it opens with): MIT asks that copies carry it. */
function bundledNotice(file: string): string {
  const lines = readFileSync(join(ROOT, 'node_modules', file), 'utf8').split('\n')
  const notice = lines.slice(
    0,
    lines.findIndex((line) => line !== '' && !line.startsWith('//')),
  )
  if (!notice.some((line) => line.includes('Copyright'))) throw new Error(`${file}: no licence notice at its top to carry into the bundle`)
  return [`// Bundles ${file}:`, ...notice.filter((line) => line !== '')].join('\n')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // A clean dist/: chunks are named by their content, so a rebuild would leave the old ones beside the new.
  rmSync(join(ROOT, 'dist'), { recursive: true, force: true })
  await buildModules(join(ROOT, 'dist'))
}
