import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { ConfigError } from '../errors.ts'
import { readLiveExperiment } from '../journal/read-live.ts'
import { argumentAt, check, PATH } from '../options/index.ts'
import { reportModel } from './model.ts'
import { REPORT_OPTIONS, type ReportOptions, type ReportWritten } from './options.ts'
import { renderPage } from './page.ts'

/** The report's file when no `out` is given. */
export const REPORT_FILE = 'report.html'

/**
 * Reads the experiment in `dir` (with the journal's reader, as
 * `loadExperiment` does, so any log it reads will do; while a live process
 * runs it, its unfinished trials show as running) and writes its report: one self-contained HTML file with
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
  const { stored, runningIn } = await readLiveExperiment(dir)
  const model = reportModel(stored, runningIn)
  signal?.throwIfAborted()
  const ended = model.summary !== undefined
  const html = renderPage(model, {
    title: options.title ?? model.experiment.name,
    writtenAt: new Date(),
    refreshS: ended ? 0 : options.refreshS,
  })
  // Same folder, so the rename is atomic: a reader sees the old file or the new one, never half of one.
  const temporary = `${out}.${process.pid}.${++writes}.tmp`
  try {
    await mkdir(dirname(out), { recursive: true })
    await writeFile(temporary, html, { signal })
    signal?.throwIfAborted()
    await rename(temporary, out)
  } catch (error) {
    // The clean-up fails too when the folder is what failed (a file in the way): the error that matters is the write's.
    await rm(temporary, { force: true }).catch(() => undefined)
    if (signal?.aborted) throw error
    const why = error instanceof Error ? error.message : String(error)
    throw new ConfigError(
      `writeReport({ out }): cannot write the report to ${JSON.stringify(out)} (${why}); give a file path in a folder this process can write`,
      {
        field: 'out',
        cause: error,
      },
    )
  }
  return { path: out, trials: model.trials.length, ended, bytes: Buffer.byteLength(html) }
}

/** Keeps the temporary names of concurrent writes in one process apart. */
let writes = 0
