import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MessageChannel } from 'node:worker_threads'
import { expect } from 'vitest'
import { type Logger, Tuner, type TunerOptions } from '../src/index.ts'
import { createContext, type TrialScope } from '../src/workers/context.ts'
import type { DecisionMessage, RunMessage } from '../src/workers/protocol.ts'

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

/**
 * A trial context as a worker builds it, over a real MessageChannel (so every message is
 * structured-cloned), whose driver answers every report 'continue'; `received` holds the
 * messages the driver got, in order. Close it when done.
 */
export function answeredContext(): TrialScope<undefined> & { received: RunMessage[]; close(): void } {
  const { port1: driver, port2: worker } = new MessageChannel()
  const received: RunMessage[] = []
  driver.on('message', (message: RunMessage) => {
    received.push(message)
    if (message.type === 'report') driver.postMessage({ run: message.run, decision: 'continue' } satisfies DecisionMessage)
  })
  const scope = createContext({ trialId: 4, seed: 1, restore: undefined, run: 0 }, undefined, (message) => worker.postMessage(message))
  worker.on('message', (message: DecisionMessage) => scope.decide(message.decision))
  return Object.assign(scope, {
    received,
    close: () => {
      driver.close()
    },
  })
}

/** `hyperpool <args>` in this process: its exit code and what it wrote to stdout and stderr. */
export async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // Loaded on first use: most test files import these helpers and never run the command line.
  const { runCli } = await import('../src/cli/main.ts')
  let stdout = ''
  let stderr = ''
  const code = await runCli(args, {
    stdout: (text) => {
      stdout += text
    },
    stderr: (text) => {
      stderr += text
    },
  })
  return { code, stdout, stderr }
}
