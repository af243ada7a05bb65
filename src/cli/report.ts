import { join } from 'node:path'
import { countOf } from '../format.ts'
import { EXPERIMENT_FILE, type ReportWritten, watchReport, writeReport } from '../index.ts'
import { readArgs } from './args.ts'
import { experimentDir, experimentDirToWatch } from './experiment-dir.ts'
import type { CliIO } from './io.ts'

const FLAGS = { out: { type: 'string' }, title: { type: 'string' }, watch: { type: 'boolean' } } as const

/**
 * `hyperpool report <dir>`: the experiment's self-contained HTML report
 * (writeReport); with --watch, rewritten as its journal grows (watchReport)
 * until SIGINT or SIGTERM, which end the watch cleanly with exit code 0.
 */
export async function report(argv: readonly string[], io: CliIO): Promise<void> {
  const { positionals, flags } = readArgs('report', argv, FLAGS, ['dir'])
  const options = { ...(flags.out === undefined ? {} : { out: flags.out }), ...(flags.title === undefined ? {} : { title: flags.title }) }
  if (flags.watch !== true) {
    io.stdout(`${describe(await writeReport(experimentDir('report', positionals[0] as string), options))}\n`)
    return
  }
  const { dir, started } = experimentDirToWatch('report', positionals[0] as string)
  const stop = new AbortController()
  const onSignal = () => stop.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    const waiting = started
      ? ''
      : ` (no experiment there yet: the first report is written when its journal, ${join(dir, EXPERIMENT_FILE)}, appears)`
    io.stdout(`watching ${dir}${waiting}: the report is rewritten as the experiment's journal grows; Ctrl-C stops\n`)
    const last = await watchReport(dir, {
      ...options,
      signal: stop.signal,
      onWrite: (written) => io.stdout(`${describe(written)}\n`),
      // A failed read or write (a journal line half-written, a full disk) is said and the watch goes on.
      onError: (error) => io.stderr(`hyperpool report: ${error.message}\n`),
    })
    io.stdout(`stopped watching${last === undefined ? '' : `: ${last.path}`}\n`)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/** One line for a report written: where, how many trials, and whether the experiment has ended. */
function describe(written: ReportWritten): string {
  return `${written.path}: ${countOf(written.trials, 'trial')}${written.ended ? '' : ' (the experiment has not ended)'}, ${written.bytes} bytes`
}
