import { afterEach, describe, expect, it, vi } from 'vitest'
import { ConfigError } from '../src/errors.ts'
import { createLogger, type LogLevel, resolveLogLevel } from '../src/logger.ts'

function collect(level?: LogLevel) {
  const lines: string[] = []
  const log = createLogger({ ...(level === undefined ? {} : { level }), sink: (l, message) => lines.push(`${l}: ${message}`) })
  return { log, lines }
}

function logAll(log: ReturnType<typeof createLogger>): void {
  log.debug('d')
  log.info('i')
  log.warn('w')
  log.error('e')
}

afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})

describe('createLogger', () => {
  it.each([
    ['debug', ['debug: d', 'info: i', 'warn: w', 'error: e']],
    ['info', ['info: i', 'warn: w', 'error: e']],
    ['warn', ['warn: w', 'error: e']],
    ['error', ['error: e']],
    ['silent', []],
  ] as const)('level %s shows its messages and more severe ones', (level, expected) => {
    const { log, lines } = collect(level)
    logAll(log)
    expect(lines).toEqual(expected)
    expect(log.level).toBe(level)
  })

  it('defaults to info without the environment variable', () => {
    vi.stubEnv('HYPERPOOL_LOG_LEVEL', undefined)
    expect(collect().log.level).toBe('info')
  })

  it('takes its default level from HYPERPOOL_LOG_LEVEL', () => {
    vi.stubEnv('HYPERPOOL_LOG_LEVEL', 'error')
    const { log, lines } = collect()
    logAll(log)
    expect(log.level).toBe('error')
    expect(lines).toEqual(['error: e'])
  })

  it('treats an empty HYPERPOOL_LOG_LEVEL as unset', () => {
    vi.stubEnv('HYPERPOOL_LOG_LEVEL', '')
    expect(resolveLogLevel()).toBe('info')
  })

  it('lets an explicit level win over the environment, even a bad one', () => {
    vi.stubEnv('HYPERPOOL_LOG_LEVEL', 'loud')
    expect(collect('debug').log.level).toBe('debug')
    expect(resolveLogLevel('warn')).toBe('warn')
  })

  it('rejects a bad HYPERPOOL_LOG_LEVEL, naming the variable and the value', () => {
    vi.stubEnv('HYPERPOOL_LOG_LEVEL', 'loud')
    expect(() => createLogger()).toThrow(ConfigError)
    expect(() => resolveLogLevel()).toThrow(/HYPERPOOL_LOG_LEVEL.*"loud"/)
    expect(() => resolveLogLevel()).toThrow(expect.objectContaining({ field: 'HYPERPOOL_LOG_LEVEL' }))
  })

  it('rejects a bad explicit level', () => {
    expect(() => resolveLogLevel('chatty' as LogLevel)).toThrow(
      /^level: must be one of "debug", "info", "warn", "error", "silent", got "chatty"$/,
    )
  })

  it('formats details into the message passed to the sink', () => {
    const { log, lines } = collect('info')
    log.warn('hook failed:', 'text', { trial: 3 }, 42)
    expect(lines).toEqual(['warn: hook failed: text { trial: 3 } 42'])
  })

  it('writes "[hyperpool] level: message" lines to stderr by default', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    createLogger({ level: 'warn' }).warn('slow tracker')
    expect(write).toHaveBeenCalledWith('[hyperpool] warn: slow tracker\n')
  })
})
