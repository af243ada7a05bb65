import { DataError, type RestoreOptions, Tuner } from '../index.ts'
import { integerFlag, readArgs } from './args.ts'
import { experimentDir } from './experiment-dir.ts'
import type { CliIO } from './io.ts'
import { fitSayingHowToResume } from './resume-hint.ts'
import { bestTrialLine, experimentOptions } from './run.ts'

const FLAGS = { module: { type: 'string' }, concurrency: { type: 'string' }, 'retry-errored': { type: 'boolean' } } as const

/**
 * `hyperpool resume <dir>`: `Tuner.restore` and the rest of the run. The data
 * is not stored with an experiment: `--module` gives the module the run was
 * started from, whose `data` (and `trainable`) the restore takes.
 */
export async function resume(argv: readonly string[], io: CliIO): Promise<number> {
  const { positionals, flags } = readArgs('resume', argv, FLAGS, ['dir'])
  const concurrency = integerFlag('resume', 'concurrency', flags.concurrency, 1)
  const dir = experimentDir('resume', positionals[0] as string)
  const options: Record<string, unknown> = {}
  if (flags.module !== undefined) {
    const { data, trainable } = await experimentOptions(flags.module, 'resume')
    if (data !== undefined) options.data = data
    if (trainable !== undefined) options.trainable = trainable
  }
  if (concurrency !== undefined) options.concurrency = concurrency
  if (flags['retry-errored'] === true) options.retryErrored = true
  const tuner = await Tuner.restore(dir, options as RestoreOptions).catch((error: unknown) => {
    throw forTheCommandLine(error, flags.module)
  })
  const { result: results, exitCode } = await fitSayingHowToResume(
    () => tuner.fit(),
    () => dir,
    flags.module,
    io,
  )
  io.stdout(bestTrialLine(results))
  return exitCode
}

/** The end of the library's data-check message: advice for code, which a command line gives with `--module` instead. */
const RESTORE_ADVICE = 'pass it as Tuner.restore(dir, { data })'

/**
 * A restore's data error worded for the command line: the data comes from `--module`, so the advice names that
 * flag (and the module given, when it was the wrong one) rather than `Tuner.restore(dir, { data })`. Any other
 * error is left as it is.
 */
function forTheCommandLine(error: unknown, module: string | undefined): unknown {
  if (!(error instanceof DataError) || !error.message.endsWith(RESTORE_ADVICE)) return error
  const advice =
    module === undefined
      ? 'pass --module <file>, the module the run was started from, whose default export gives its data (and trainable)'
      : `--module ${module} gives other data; pass the module the run was started from`
  return new DataError(`${error.message.slice(0, -RESTORE_ADVICE.length)}${advice}`, { field: error.field, cause: error })
}
