import { inspect } from 'node:util'
import { ConfigError, show } from './errors.ts'

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
  /** Wins over `HYPERPOOL_LOG_LEVEL`; default: that variable, else `'info'`. */
  level?: LogLevel
  /** Default: `[hyperpool] <level>: <message>` lines on `process.stderr`. */
  sink?: LogSink
}

/** The environment variable that sets the default level. */
const ENV_VAR = 'HYPERPOOL_LOG_LEVEL'

/** Severity order; a message prints when its rank is at least the logger's. */
const RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 }

function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && Object.hasOwn(RANK, value)
}

/**
 * The level a logger should use: `option` when given, else the
 * `HYPERPOOL_LOG_LEVEL` environment variable when set and not empty, else
 * `'info'`. Throws a {@link ConfigError} for a value that is not a level.
 *
 * @example
 * ```ts
 * resolveLogLevel()        // 'info', or whatever HYPERPOOL_LOG_LEVEL says
 * resolveLogLevel('debug') // 'debug', whatever the environment says
 * resolveLogLevel(options.logLevel, 'logLevel') // errors name the caller's option
 * ```
 */
export function resolveLogLevel(option?: LogLevel, field = 'level'): LogLevel {
  const allowed = Object.keys(RANK).join(', ')
  if (option !== undefined) {
    if (!isLogLevel(option)) throw new ConfigError(`${field}: must be one of ${allowed}, got ${show(option)}`, { field })
    return option
  }
  const env = process.env[ENV_VAR]
  // An empty value counts as unset, so `HYPERPOOL_LOG_LEVEL= node app.js` means "default".
  if (env === undefined || env === '') return 'info'
  if (!isLogLevel(env)) throw new ConfigError(`${ENV_VAR}: must be one of ${allowed}, got ${show(env)}`, { field: ENV_VAR })
  return env
}

/**
 * Creates a {@link Logger}. The level is fixed at creation (see
 * {@link resolveLogLevel}), so a filtered-out call costs one comparison.
 *
 * @example
 * ```ts
 * const log = createLogger({ level: 'warn' })
 * log.info('not shown')
 * log.warn('shown on stderr as "[hyperpool] warn: shown on stderr"')
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = resolveLogLevel(options.level)
  if (options.sink !== undefined && typeof options.sink !== 'function') {
    throw new ConfigError(`createLogger(options.sink): must be a function (level, message) => void, got ${show(options.sink)}`, {
      field: 'sink',
    })
  }
  const sink = options.sink ?? writeToStderr
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

function writeToStderr(level: Exclude<LogLevel, 'silent'>, message: string): void {
  process.stderr.write(`[hyperpool] ${level}: ${message}\n`)
}

const LOGGER_METHODS = ['debug', 'info', 'warn', 'error'] as const

/**
 * Throws a {@link ConfigError} naming `field` unless `value` is a Logger: an
 * object with debug, info, warn and error functions. `label` starts the message.
 *
 * @example
 * ```ts
 * checkLogger(options.logger, 'logger') // ConfigError: logger: must be a Logger with ..., got 5 (missing debug, info, warn, error)
 * ```
 */
export function checkLogger(value: unknown, field: string, label = field): asserts value is Logger {
  const methods = value as Record<string, unknown> | null
  const missing =
    methods === null || typeof methods !== 'object' ? LOGGER_METHODS : LOGGER_METHODS.filter((m) => typeof methods[m] !== 'function')
  if (missing.length > 0) {
    throw new ConfigError(
      `${label}: must be a Logger with debug, info, warn and error functions, got ${show(value)} (missing ${missing.join(', ')})`,
      { field },
    )
  }
}
