import { parseArgs } from 'node:util'
import { errnoCode } from '../errno.ts'
import { ConfigError } from '../index.ts'
import { didYouMean } from '../options/index.ts'

/** A command line that cannot be acted on: the CLI prints it with the command's usage and exits with 2. */
export class UsageError extends ConfigError {
  constructor(
    message: string,
    /** The command whose help the message points to, e.g. `run`; empty for the top level. */
    readonly command: string,
    field = '',
  ) {
    super(message, { field })
  }
}

export interface FlagSpec {
  readonly [name: string]: { readonly type: 'string' | 'boolean' }
}

/**
 * The positionals and flags of one command, refusing unknown flags (with the
 * nearest known one), a string flag without its value, and a wrong count of
 * positionals, each with what to type instead.
 */
export function readArgs<F extends FlagSpec>(
  command: string,
  argv: readonly string[],
  flags: F,
  positionals: readonly string[],
): { positionals: string[]; flags: { [K in keyof F]?: F[K]['type'] extends 'boolean' ? boolean : string } } {
  const options = { ...flags, help: { type: 'boolean' as const } }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError(`${command}: ${explain(error, Object.keys(options))}`, command)
  }
  if (parsed.values.help === true) throw new HelpRequest(command)
  if (parsed.positionals.length !== positionals.length) {
    const wanted = positionals.map((p) => `<${p}>`).join(' ')
    const got = parsed.positionals.length === 0 ? 'none' : parsed.positionals.map((p) => JSON.stringify(p)).join(' ')
    throw new UsageError(`${command}: expects ${wanted}, got ${got}: hyperpool ${command} ${wanted}`, command, positionals[0] ?? '')
  }
  return { positionals: parsed.positionals, flags: parsed.values as never }
}

/** `--help` was given: the caller prints the command's help and exits with 0. */
export class HelpRequest {
  constructor(readonly command: string) {}
}

/** A whole number at least `min`, from a flag's text. */
export function integerFlag(command: string, flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (text.trim() === '' || !Number.isInteger(value) || value < min) {
    throw new UsageError(`${command}: --${flag} needs a whole number >= ${min}, got ${JSON.stringify(text)}`, command, `--${flag}`)
  }
  return value
}

/** One of `allowed`, from a flag's text. */
export function choiceFlag<T extends string>(
  command: string,
  flag: string,
  text: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (text === undefined) return undefined
  if (!(allowed as readonly string[]).includes(text)) {
    throw new UsageError(
      `${command}: --${flag} is one of ${allowed.join(', ')}, got ${JSON.stringify(text)}${didYouMean(text, allowed)}`,
      command,
      `--${flag}`,
    )
  }
  return text as T
}

/** parseArgs' message for what went wrong, with the known flag nearest an unknown one. */
function explain(error: unknown, known: readonly string[]): string {
  const code = errnoCode(error)
  const message = error instanceof Error ? error.message : String(error)
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'(-{1,2}[^']+)'/.exec(message)?.[1] ?? ''
    const flags = known.map((k) => `--${k}`)
    return `unknown flag ${flag}${didYouMean(flag, flags)}; known: ${flags.join(', ')}`
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = /'(-{1,2}[\w-]+)/.exec(message)?.[1]
    if (flag !== undefined && /argument missing/.test(message)) return `${flag} needs a value: ${flag} <value>`
  }
  return message
}
