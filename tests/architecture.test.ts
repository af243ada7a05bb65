import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * The dependency rule of DESIGN.md, checked on the import graph of src/:
 * which folder may import which, and no import loop between files.
 */
const SRC = resolve(import.meta.dirname, '../src')

/**
 * Folders (or root files) each folder may import from, beside itself, the root's shared files and
 * the shared folders. `options` (the option checks) is one of those, imported by every folder and
 * by the root files, so it may import only the root's shared files itself.
 */
const ALLOWED: Record<string, readonly string[]> = {
  options: [],
  search: [],
  scheduler: ['search'],
  // The trial context seeds `ctx.random` from search/rng.ts; workers know nothing else of search.
  workers: ['search/rng.ts'],
  journal: [],
  tracker: ['search', 'journal'],
  tuner: ['search', 'scheduler', 'workers', 'tracker', 'journal'],
  // The command line is a user of the public API; it shares the workers' TypeScript-loader lookup.
  cli: ['index.ts', 'workers/pool.ts'],
  // The report reads the journal (the one source of truth) and draws parameters by their domains.
  report: ['journal', 'search'],
}

/** Root files that every folder may use: plain types, errors, logging. */
const SHARED_ROOT = /^[\w-]+\.ts$/
/**
 * Folders that every folder and every root file may use: the option checks, and `objectives` (a trial's score,
 * Pareto dominance, hypervolume: the one ranking rule that searchers, results, trackers, the CLI and the report share).
 */
const SHARED_FOLDERS: readonly string[] = ['options', 'objectives']

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.(ts|js)$/.test(entry.name) ? [path] : []
  })
}

/** The files `file` imports; with `runtimeOnly`, not those it only takes types from (erased when compiled). */
function importsOf(file: string, runtimeOnly: boolean): string[] {
  const text = readFileSync(file, 'utf8')
  const pattern = /^(?:import|export)(\s+type)?\b[^;']*?(?:from\s*)?'(\.{1,2}\/[^']+)'/gm
  return [...text.matchAll(pattern)].filter((m) => !(runtimeOnly && m[1] !== undefined)).map((m) => resolve(dirname(file), m[2] as string))
}

const files = sourceFiles(SRC)
const graph = new Map(files.map((file) => [file, importsOf(file, false)]))
const runtimeGraph = new Map(files.map((file) => [file, importsOf(file, true)]))
const rel = (file: string) => relative(SRC, file)
const folderOf = (file: string) => (rel(file).includes('/') ? (rel(file).split('/')[0] as string) : '')

describe('the import graph of src/', () => {
  it('only crosses folders the way DESIGN.md allows', () => {
    const breaches: string[] = []
    for (const [file, targets] of graph) {
      const from = folderOf(file)
      if (from === '') continue // index.ts re-exports everything; the other root files are checked below
      for (const target of targets) {
        const to = folderOf(target)
        if (to === from) continue
        if (to === '' && SHARED_ROOT.test(rel(target)) && rel(target) !== 'index.ts') continue
        if (SHARED_FOLDERS.includes(to)) continue
        const allowed = ALLOWED[from] ?? []
        if (allowed.includes(to) || allowed.includes(rel(target))) continue
        breaches.push(`${rel(file)} -> ${rel(target)}`)
      }
    }
    expect(breaches).toEqual([])
  })

  it('root files other than index.ts import no folder but the shared ones', () => {
    const breaches = [...graph]
      .filter(([file]) => folderOf(file) === '' && rel(file) !== 'index.ts')
      .flatMap(([file, targets]) =>
        targets.filter((t) => folderOf(t) !== '' && !SHARED_FOLDERS.includes(folderOf(t))).map((t) => `${rel(file)} -> ${rel(t)}`),
      )
    expect(breaches).toEqual([])
  })

  it('has no import loop at run time', () => {
    const loops: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return
      if (state.get(file) === 'open') {
        loops.push([...path.slice(path.indexOf(file)), file].map(rel).join(' -> '))
        return
      }
      state.set(file, 'open')
      for (const target of runtimeGraph.get(file) ?? []) visit(target, [...path, file])
      state.set(file, 'done')
    }
    for (const file of runtimeGraph.keys()) visit(file, [])
    expect(loops).toEqual([])
  })

  it('sees the files it checks', () => {
    // A broken walk or pattern would make the checks above pass on nothing.
    expect(graph.size).toBeGreaterThan(50)
    expect(graph.get(join(SRC, 'tuner/tuner.ts'))?.some((t) => rel(t) === 'tracker/dispatch.ts')).toBe(true)
    expect(graph.get(join(SRC, 'tuner/run-settings.ts'))?.some((t) => rel(t) === 'tuner/checkpoints.ts')).toBe(true)
    expect(runtimeGraph.get(join(SRC, 'tuner/run-settings.ts'))?.some((t) => rel(t) === 'tuner/checkpoints.ts')).toBe(false)
  })
})
