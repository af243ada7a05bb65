import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs'
import { join } from 'node:path'

/**
 * A time for a file name: ISO 8601 with `:` replaced, since Windows forbids it in file names; it
 * still sorts by time.
 *
 * @example
 * ```ts
 * fileStamp(new Date(0)) // '1970-01-01T00-00-00.000Z'
 * ```
 */
export function fileStamp(time: Date): string {
  return time.toISOString().replaceAll(':', '-')
}

/**
 * `dir/<stem><ext>`, or with `-1`, `-2`... after the stem, whichever does not exist yet.
 *
 * @example
 * ```ts
 * unusedPath('runs/exp1', 'experiment.2026-11-27T16-55-00.000Z', '.jsonl')
 * ```
 */
export function unusedPath(dir: string, stem: string, ext: string): string {
  let path = join(dir, `${stem}${ext}`)
  for (let n = 1; existsSync(path); n++) path = join(dir, `${stem}-${n}${ext}`)
  return path
}

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
  const target = unusedPath(dir, `earlier-${fileStamp(now)}`, '')
  mkdirSync(target)
  for (const name of entries) renameSync(join(dir, name), join(target, name))
  return target
}
