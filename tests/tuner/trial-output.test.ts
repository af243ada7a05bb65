import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { ConfigError, ConsoleReporter, Tuner } from '../../src/index.ts'
import { expectedLines } from '../fixtures/printing.ts'
import { memoryLogger } from '../helpers.ts'

const PRINTING = new URL('../fixtures/printing.ts', import.meta.url)

function printingTuner(options: Partial<ConstructorParameters<typeof Tuner>[0]> & { space: Record<string, unknown> }) {
  const storageDir = mkdtempSync(join(tmpdir(), 'hyperpool-trial-output-'))
  const logger = memoryLogger()
  const tuner = new Tuner({ trainable: PRINTING, metric: 'loss', storageDir, logger, trackers: [], seed: 3, concurrency: 2, ...options })
  return { tuner, logger, dir: join(storageDir, tuner.name) }
}

describe('trial output in an experiment', () => {
  it("puts each trial's output in its folder by default, not on the console, and says where it is", async () => {
    const stream = Object.assign(new PassThrough(), { isTTY: false })
    let printed = ''
    stream.on('data', (chunk: Buffer) => {
      printed += chunk.toString()
    })
    const { tuner, logger, dir } = printingTuner({
      space: { mode: 'lines', lines: 2 },
      numSamples: 4,
      trackers: [new ConsoleReporter({ stream, intervalMs: 0 })],
    })
    await tuner.fit()
    for (const id of [0, 1, 2, 3]) {
      expect(readFileSync(join(dir, `trial_000${id}`, 'stdout.log'), 'utf8')).toBe(expectedLines(id, 2))
      expect(readFileSync(join(dir, `trial_000${id}`, 'stderr.log'), 'utf8')).toBe(`trial ${id} err\n`)
    }
    expect(printed).toContain('[hyperpool] finished: 4 trials')
    expect(printed).not.toContain('line 0')
    const infos = logger.lines.filter((line) => line.includes('printed'))
    expect(infos).toHaveLength(2)
    expect(infos[0]).toContain(join(dir, 'trial_<id>', 'stdout.log'))
  })

  it("appends a retried attempt's output after a header", async () => {
    const { tuner, dir } = printingTuner({
      space: { mode: 'fail-once' },
      numSamples: 1,
      maxFailures: 1,
      data: { attempts: new Int32Array(1) },
    })
    const results = await tuner.fit()
    expect(results.trials[0]?.state).toBe('completed')
    expect(readFileSync(join(dir, 'trial_0000', 'stdout.log'), 'utf8')).toBe(
      'attempt 1 starts\n--- attempt 2 of trial 0 (retried after an error) ---\nattempt 2 starts\n',
    )
  })

  it('writes nothing with trialOutput "none", and no folder for trials that print nothing (only the journal)', async () => {
    const none = printingTuner({ space: { mode: 'lines' }, numSamples: 2, trialOutput: 'none' })
    const quiet = printingTuner({ space: { mode: 'quiet' }, numSamples: 2 })
    await Promise.all([none.tuner.fit(), quiet.tuner.fit()])
    // The experiment's folder holds its journal; no trial has a folder of output.
    const trialFolders = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('trial_'))
    expect(trialFolders(none.dir)).toEqual([])
    expect(trialFolders(quiet.dir)).toEqual([])
  })

  it('checks the option', () => {
    const bad = () => printingTuner({ space: { mode: 'quiet' }, trialOutput: 'files' as 'file' })
    expect(bad).toThrow(ConfigError)
    expect(bad).toThrow('Tuner({ trialOutput }): must be one of "file", "console", "both", "none", got "files"')
  })
})
