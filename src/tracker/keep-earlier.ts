import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Moves what an earlier experiment left in `dir` (the entries `isOurs`
 * picks, e.g. `results.csv` and `trial_0003/`) into `dir/earlier-<time>/`,
 * so an experiment that reuses a tracker's folder overwrites nothing and does
 * not mix its files with the earlier ones. Returns that folder, or undefined
 * when there was nothing to move.
 *
 * @example
 * ```ts
 * keepEarlier('runs/exp1-csv', (name) => name === 'results.csv' || /^trial_\d+$/.test(name))
 * // runs/exp1-csv/earlier-2026-11-27T16-55-00.000Z/results.csv, .../trial_0000/progress.csv
 * ```
 */
export function keepEarlier(dir: string, isOurs: (name: string) => boolean, now: Date = new Date()): string | undefined {
  const entries = existsSync(dir) ? readdirSync(dir).filter(isOurs) : []
  if (entries.length === 0) return undefined
  // ISO 8601 with `:` replaced, since Windows forbids it in file names; it still sorts by time.
  const stamp = now.toISOString().replaceAll(':', '-')
  let target = join(dir, `earlier-${stamp}`)
  for (let n = 1; existsSync(target); n++) target = join(dir, `earlier-${stamp}-${n}`)
  mkdirSync(target)
  for (const name of entries) renameSync(join(dir, name), join(target, name))
  return target
}
