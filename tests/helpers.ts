import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { type Logger, Tuner, type TunerOptions } from '../src/index.ts'

/** The fixture trainable every pool and Tuner test runs. */
export const BEHAVIOURS = new URL('./fixtures/behaviours.ts', import.meta.url)

/** A Tuner of the fixture trainable minimising `loss`, quiet (no trackers, a memory logger, a fresh temporary storageDir) unless told otherwise. */
export function fixtureTuner(options: Partial<TunerOptions> & { space: TunerOptions['space'] }): Tuner {
  return new Tuner({
    trainable: BEHAVIOURS,
    metric: 'loss',
    mode: 'min',
    trackers: [],
    logger: memoryLogger(),
    storageDir: temporaryDir(),
    ...options,
  })
}

/** A fresh folder under the system's temporary one, for what a test writes. */
export function temporaryDir(prefix = 'hyperpool-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** A logger that keeps what it is told, for assertions. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  const keep = (level: string) => (message: string) => {
    lines.push(`${level}: ${message}`)
  }
  return { level: 'debug', lines, debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') }
}

/**
 * Runs `fn`, expects it to throw an instance of `type`, and returns the error for
 * assertions on its message and field.
 */
export function thrown<E extends Error>(fn: () => unknown, type: abstract new (...args: never[]) => E): E {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(type)
    return error as E
  }
  throw new Error(`expected a ${type.name}`)
}
