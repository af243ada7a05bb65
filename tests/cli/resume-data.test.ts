import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Tuner } from '../../src/index.ts'
import { BEHAVIOURS, cli, memoryLogger, temporaryDir } from '../helpers.ts'

/** A module with the Tuner's options but no data: not the module an experiment with data ran from. */
const NO_DATA_MODULE = join(import.meta.dirname, '../fixtures/cli-experiment.ts')

/** An experiment that ran with data and was interrupted before its first trial: resumable, given that data again. */
async function interruptedWithData(): Promise<string> {
  const storageDir = temporaryDir()
  await new Tuner({
    trainable: BEHAVIOURS,
    space: { behaviour: 'curve', epochs: 1 },
    metric: 'loss',
    numSamples: 2,
    data: { X: new Float64Array(8) },
    storageDir,
    name: 'with-data',
    trackers: [],
    logger: memoryLogger(),
    signal: AbortSignal.abort(),
  }).fit()
  return join(storageDir, 'with-data')
}

describe('hyperpool resume of an experiment that ran with data', () => {
  it('without --module, says to pass --module (not Tuner.restore, which a command line cannot call)', async () => {
    const { code, stderr } = await cli('resume', await interruptedWithData())
    expect(code).toBe(1)
    expect(stderr).toMatch(
      /^hyperpool: DataError: data: the experiment ran with data \(data\.X: Float64Array\[8\] 64 bytes\), got none; a restore needs the data the experiment ran with \(it is not stored\): pass --module <file>, the module the run was started from, whose default export gives its data \(and trainable\)\n$/,
    )
    expect(stderr).not.toContain('Tuner.restore')
  })

  it('with a --module whose data differs, names that module', async () => {
    const { code, stderr } = await cli('resume', await interruptedWithData(), '--module', NO_DATA_MODULE)
    expect(code).toBe(1)
    expect(stderr).toContain(
      `got none; a restore needs the data the experiment ran with (it is not stored): --module ${NO_DATA_MODULE} gives other data; pass the module the run was started from\n`,
    )
  })
})
