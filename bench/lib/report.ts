/**
 * Shared plumbing of the benchmarks: the `--quick` flag, the machine
 * description, medians, and writing a benchmark's tables to bench/results/
 * as Markdown and JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join, relative } from 'node:path'

/** True when run with `--quick` (or `BENCH_QUICK=1`): a small size for CI, same code paths. */
export const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1'

/** A table: a title, column names, and rows of cells. */
export interface Table {
  readonly title: string
  readonly columns: readonly string[]
  readonly rows: ReadonlyArray<ReadonlyArray<string | number>>
  /** A sentence under the table: what it shows, how to read it. */
  readonly note?: string
}

/** One line about the machine and runtime the numbers came from. */
export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU'
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`
}

/** The load averages (1, 5, 15 min) when the tables are written: how busy the shared machine was while they were measured. */
function load(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ')
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** The q-quantile (0..1) by linear interpolation. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo)
}

/** Formats a number to `digits` significant digits, without exponent noise for ordinary sizes. */
export function fmt(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value)
  if (value !== 0 && (Math.abs(value) >= 1e6 || Math.abs(value) < 1e-3)) return value.toExponential(digits - 1)
  return Number(value.toPrecision(digits)).toString()
}

/**
 * Writes `bench/results/<name>.md` (under the working directory: run from the repository root) and `<name>.json` (quick runs write `<name>.quick.*`,
 * so CI never overwrites the published tables) and prints the Markdown.
 */
export function writeResults(name: string, tables: readonly Table[], extra: Record<string, unknown> = {}): void {
  const dir = join(process.cwd(), 'bench', 'results')
  mkdirSync(dir, { recursive: true })
  const stem = quick ? `${name}.quick` : name
  const when = new Date().toISOString()
  const markdown = [
    `<!-- written by ${relative(process.cwd(), process.argv[1] ?? name)} on ${when}; do not edit -->`,
    `Machine: ${machine()}${quick ? ' (quick mode)' : ''}; load average at the end (1 / 5 / 15 min): ${load()}`,
    '',
    ...tables.flatMap((table) => [
      `### ${table.title}`,
      '',
      `| ${table.columns.join(' | ')} |`,
      `| ${table.columns.map(() => '---').join(' | ')} |`,
      ...table.rows.map((row) => `| ${row.join(' | ')} |`),
      '',
      ...(table.note ? [table.note, ''] : []),
    ]),
  ].join('\n')
  writeFileSync(join(dir, `${stem}.md`), markdown)
  writeFileSync(
    join(dir, `${stem}.json`),
    `${JSON.stringify({ name, when, machine: machine(), load: loadavg(), quick, tables, ...extra }, null, 2)}\n`,
  )
  console.log(markdown)
}
