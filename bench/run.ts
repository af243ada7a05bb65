/**
 * Runs every benchmark, one after another, each in its own process so one
 * cannot warm up or pollute another. `npm run bench` builds the package
 * (dist/, as `npm pack` ships it) and compiles the benchmarks and the library
 * to plain JavaScript (bench/.build/) first, so no contender pays for a
 * TypeScript loader in its workers. A benchmark that imports 'hyperpool' gets
 * dist/, as a user does; one that imports ../src/ gets tsc's copy of it.
 *
 *   npm run bench                  # all, full size
 *   npm run bench -- --quick       # all, small (what CI runs)
 *   npm run bench -- speedup       # only those whose name contains "speedup"
 */
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dir = fileURLToPath(new URL('.', import.meta.url))
const args = process.argv.slice(2)
const filters = args.filter((a) => !a.startsWith('--'))
const flags = args.filter((a) => a.startsWith('--'))
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js') || f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((name) => f.includes(name)))
  .sort()

if (benches.length === 0) {
  console.error(`no benchmark matches ${filters.join(', ')}`)
  process.exit(1)
}
for (const bench of benches) {
  console.log(`\n## ${bench}`)
  const { status } = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', `${dir}${bench}`, ...flags], { stdio: 'inherit' })
  if (status !== 0) {
    console.error(`${bench} failed with exit code ${status}`)
    process.exit(status ?? 1)
  }
}
