import { createRequire } from 'node:module'
import { HyperpoolError } from '../index.ts'
import { didYouMean } from '../options/index.ts'
import { HelpRequest, UsageError } from './args.ts'
import { HELP } from './help.ts'
import { type CliIO, PROCESS_IO } from './io.ts'
import { report } from './report.ts'
import { resume } from './resume.ts'
import { run } from './run.ts'
import { summary } from './summary.ts'
import { worker } from './worker.ts'

/** Each command resolves to its exit code; those that never end early, to 0. */
const COMMANDS: Readonly<Record<string, (command: string, argv: readonly string[], io: CliIO) => Promise<number>>> = {
  run: (_, argv, io) => run(argv, io),
  resume: (_, argv, io) => resume(argv, io),
  summary: (command, argv, io) => summary(command, argv, io).then(() => 0),
  status: (command, argv, io) => summary(command, argv, io).then(() => 0),
  report: (_, argv, io) => report(argv, io).then(() => 0),
  worker: (_, argv, io) => worker(argv, io),
}

/**
 * The `hyperpool` command: runs `argv` (the arguments after the program name)
 * and resolves to the exit code: 0 done, 1 failed, 2 a command line that
 * cannot be acted on (said why, and where the help is), 130 / 143 a run that
 * a SIGINT / SIGTERM ended early (resumable).
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(['summary', 'runs/exp1', '--top', '5'])
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIO = PROCESS_IO): Promise<number> {
  const [command = '', ...rest] = argv
  try {
    if (command === '--version' || command === '-v') {
      // By the package's own name: this code runs from src/cli/ or from a chunk in dist/, at different depths.
      const { version } = createRequire(import.meta.url)('hyperpool/package.json') as { version: string }
      io.stdout(`${version}\n`)
      return 0
    }
    if (command === '--help' || command === '-h' || command === 'help')
      throw new HelpRequest(rest[0] !== undefined && rest[0] in HELP ? rest[0] : '')
    if (command === '') throw new UsageError('a command is needed: hyperpool run <module>, hyperpool summary <dir>', '')
    const handler = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined
    if (handler === undefined) {
      const known = Object.keys(COMMANDS)
      throw new UsageError(`unknown command ${JSON.stringify(command)}${didYouMean(command, known)}; commands: ${known.join(', ')}`, '')
    }
    return await handler(command, rest, io)
  } catch (error) {
    if (error instanceof HelpRequest) {
      io.stdout(HELP[error.command] ?? '')
      return 0
    }
    if (error instanceof UsageError) {
      const where = error.command === '' ? '' : ` ${error.command}`
      io.stderr(`hyperpool${where === '' ? ':' : ''} ${error.message}\n(hyperpool${where} --help for usage)\n`)
      return 2
    }
    if (error instanceof HyperpoolError) {
      io.stderr(`hyperpool: ${error.name}: ${error.message}\n`)
      return 1
    }
    throw error
  }
}
