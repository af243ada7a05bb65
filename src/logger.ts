import { inspect } from 'node:util'
import { check, computed, defineOptions, func, oneOf, Place, type SchemaOf, withMethods } from './options/index.ts'
import { screen } from './terminal.ts'

/**
 * How much a {@link Logger} prints: a level shows its own messages and every
 * more severe one; `'silent'` shows nothing.
 *
 * @example
 * ```ts
 * const level: LogLevel = 'warn' // warnings and errors only
 * ```
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

/**
 * Where a {@link Logger} sends the messages that pass its level: the level of
 * the message and the text, with any details already formatted into it.
 *
 * @example
 * ```ts
 * const lines: string[] = []
 * const sink: LogSink = (level, message) => lines.push(`${level} ${message}`)
 * ```
 */
export type LogSink = (level: Exclude<LogLevel, 'silent'>, message: string) => void

/**
 * A leveled logger. Details after the message are formatted (objects and
 * errors through `util.inspect`) only when the message passes the level.
 *
 * @example
 * ```ts
 * const log: Logger = createLogger({ level: 'debug' })
 * log.warn('tracker hook failed', error)
 * ```
 */
export interface Logger {
  debug(msg: string, ...details: unknown[]): void
  info(msg: string, ...details: unknown[]): void
  warn(msg: string, ...details: unknown[]): void
  error(msg: string, ...details: unknown[]): void
  readonly level: LogLevel
}

/**
 * Options of {@link createLogger}.
 *
 * @example
 * ```ts
 * const options: LoggerOptions = { level: 'error', sink: (level, message) => myLog(level, message) }
 * ```
 */
export interface LoggerOptions {
  /**
   * What passes: this level and more severe ones. Wins over `HYPERPOOL_LOG_LEVEL`.
   * @default `HYPERPOOL_LOG_LEVEL`, else `'info'`
   */
  level?: LogLevel
  /**
   * Where messages go, e.g. above a live status line if one shows.
   * @default `[hyperpool] <level>: <message>` lines on `process.stderr`
   */
  sink?: LogSink
}

/** The environment variable that sets the default level. */
const ENV_VAR = 'HYPERPOOL_LOG_LEVEL'

/** Severity order; a message prints when its rank is at least the logger's. */
const RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 }

/**
 * A log level option.
 *
 * @example
 * ```ts
 * logLevel: LOG_LEVEL.withDeferredDefault('`HYPERPOOL_LOG_LEVEL`, else `info`')
 * ```
 */
export const LOG_LEVEL = oneOf(Object.keys(RANK) as LogLevel[])

/**
 * A logger option: anything with the four methods of a {@link Logger}.
 *
 * @example
 * ```ts
 * logger: LOGGER.withDeferredDefault('a logger at `HYPERPOOL_LOG_LEVEL`')
 * ```
 */
export const LOGGER = withMethods<Logger>('a Logger', ['debug', 'info', 'warn', 'error'])

/** The options of {@link createLogger}, checked and defaulted. */
export const LOGGER_OPTIONS = defineOptions('createLogger', {
  level: LOG_LEVEL.withDeferredDefault("`HYPERPOOL_LOG_LEVEL`, else `'info'`"),
  sink: func<LogSink>().withDefault(computed('`[hyperpool] <level>: <message>` lines on `process.stderr`', () => writeToStderr)),
} satisfies SchemaOf<LoggerOptions>)

/**
 * The level a logger should use: `option` when given, else the
 * `HYPERPOOL_LOG_LEVEL` environment variable when set and not empty, else
 * `'info'`. Throws a {@link ConfigError} for a value that is not a level.
 *
 * @example
 * ```ts
 * resolveLogLevel()        // 'info', or whatever HYPERPOOL_LOG_LEVEL says
 * resolveLogLevel('debug') // 'debug', whatever the environment says
 * ```
 */
export function resolveLogLevel(option?: LogLevel): LogLevel {
  if (option !== undefined) return check(LOG_LEVEL.required(), option, new Place('', 'level'))
  const env = process.env[ENV_VAR]
  // An empty value counts as unset, so `HYPERPOOL_LOG_LEVEL= node app.js` means "default".
  if (env === undefined || env === '') return 'info'
  return check(LOG_LEVEL.required(), env, new Place('', ENV_VAR))
}

/**
 * Creates a {@link Logger}. The level is fixed at creation (the `level`
 * option, else `HYPERPOOL_LOG_LEVEL`, else `'info'`), so a filtered-out call
 * costs one comparison.
 *
 * @example
 * ```ts
 * const log = createLogger({ level: 'warn' })
 * log.info('not shown')
 * log.warn('shown on stderr as "[hyperpool] warn: shown on stderr"')
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const { level: option, sink } = LOGGER_OPTIONS.read(options)
  const level = resolveLogLevel(option)
  const threshold = RANK[level]
  const emit = (messageLevel: Exclude<LogLevel, 'silent'>, msg: string, details: unknown[]): void => {
    if (RANK[messageLevel] < threshold) return
    sink(messageLevel, details.length === 0 ? msg : [msg, ...details.map(formatDetail)].join(' '))
  }
  return {
    level,
    debug: (msg, ...details) => emit('debug', msg, details),
    info: (msg, ...details) => emit('info', msg, details),
    warn: (msg, ...details) => emit('warn', msg, details),
    error: (msg, ...details) => emit('error', msg, details),
  }
}

function formatDetail(detail: unknown): string {
  return typeof detail === 'string' ? detail : inspect(detail, { depth: 4, breakLength: Number.POSITIVE_INFINITY })
}

/** Through the shared screen, so a warning lands above a live status line instead of breaking it. */
function writeToStderr(level: Exclude<LogLevel, 'silent'>, message: string): void {
  screen.print(process.stderr, `[hyperpool] ${level}: ${message}\n`)
}
