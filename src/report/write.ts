import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { readExperiment } from '../journal/read.ts'
import { argumentAt, check, PATH } from '../options/index.ts'
import { reportModel } from './model.ts'
import { REPORT_OPTIONS, type ReportOptions, type ReportWritten } from './options.ts'
import { renderPage } from './page.ts'

/** The report's file when no `out` is given. */
export const REPORT_FILE = 'report.html'

/**
 * Reads the experiment in `dir` (with the journal's reader, as
 * `loadExperiment` does, so any log it reads will do) and writes its report: one self-contained HTML file with
 * the optimization history, intermediate values, parallel coordinates, a
 * slice per parameter, a contour for a chosen pair, parameter importance,
 * the distribution of results and a sortable, filterable trial table. It
 * opens offline and fetches nothing. The file is replaced whole, by a rename.
 *
 * Throws a `ConfigError` for bad options or a folder without an experiment log.
 *
 * @example
 * ```ts
 * import { writeReport } from 'hyperpool'
 * const { path, trials } = await writeReport('runs/exp1')
 * console.log(`${trials} trials in ${path}`) // 24 trials in runs/exp1/report.html
 * ```
 */
export async function writeReport(dir: string, options: ReportOptions = {}): Promise<ReportWritten> {
  const read = REPORT_OPTIONS.read(options)
  const folder = check(PATH.required(), dir, argumentAt('writeReport', 'dir'))
  return renderReport(folder, { out: read.out ?? join(folder, REPORT_FILE), title: read.title, signal: read.signal, refreshS: 0 })
}

/**
 * One read and one atomic write of a report: what `writeReport` does, and
 * each rewrite of `watchReport`. `refreshS` makes an unfinished
 * experiment's page reload itself.
 */
export async function renderReport(
  dir: string,
  options: {
    readonly out: string
    readonly title: string | undefined
    readonly signal: AbortSignal | undefined
    readonly refreshS: number
  },
): Promise<ReportWritten> {
  const { out, signal } = options
  signal?.throwIfAborted()
  const model = reportModel(await readExperiment(dir))
  signal?.throwIfAborted()
  const ended = model.summary !== undefined
  const html = renderPage(model, {
    title: options.title ?? model.experiment.name,
    writtenAt: new Date(),
    refreshS: ended ? 0 : options.refreshS,
  })
  await mkdir(dirname(out), { recursive: true })
  // Same folder, so the rename is atomic: a reader sees the old file or the new one, never half of one.
  const temporary = `${out}.${process.pid}.${++writes}.tmp`
  try {
    await writeFile(temporary, html, { signal })
    signal?.throwIfAborted()
    await rename(temporary, out)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
  return { path: out, trials: model.trials.length, ended, bytes: Buffer.byteLength(html) }
}

/** Keeps the temporary names of concurrent writes in one process apart. */
let writes = 0
