import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadExperiment, Tuner, type TunerOptions } from '../../src/index.ts'
import { BEHAVIOURS, cli, memoryLogger, temporaryDir } from '../helpers.ts'

/** `hyperpool summary <dir>` in this process: its first line, and its --json. */
async function summarize(dir: string): Promise<{ first: string; json: { interrupted: boolean; resumable: boolean } }> {
  return {
    first: (await cli('summary', dir)).stdout.split('\n')[0] as string,
    json: JSON.parse((await cli('summary', dir, '--json')).stdout),
  }
}

/** Runs one experiment to its end (or its rejection) in a folder of its own; returns the folder. */
async function experiment(name: string, options: Partial<TunerOptions> & Pick<TunerOptions, 'space'>): Promise<string> {
  const storageDir = temporaryDir()
  const tuner = new Tuner({
    trainable: BEHAVIOURS,
    metric: 'loss',
    numSamples: 1,
    concurrency: 1,
    storageDir,
    name,
    trackers: [],
    logger: memoryLogger(),
    ...options,
  })
  await tuner.fit().catch(() => undefined)
  return join(storageDir, name)
}

describe('hyperpool summary says how an experiment ended, and offers a resume only when one would continue it', () => {
  it('after its time budget: ended early, with why, and no resume', async () => {
    const dir = await experiment('budget', { space: { behaviour: 'hang' }, stop: { timeBudgetS: 0.2 }, stopGraceMs: 100 })
    const { first, json } = await summarize(dir)
    expect(first).toMatch(/, ended early \(the time budget of 0\.2 s ran out\)$/)
    expect(json).toMatchObject({ interrupted: true, resumable: false })
    expect((await loadExperiment(dir)).interruption).toEqual({ cause: 'budget', why: 'the time budget of 0.2 s ran out', resumable: false })
  })

  it('after its own check (a metric never reported): ended early, and a restore would end it the same way', async () => {
    const dir = await experiment('check', { space: { behaviour: 'val-loss', epochs: 1 } })
    const { first, json } = await summarize(dir)
    expect(first).toMatch(
      /, ended early \(Tuner\(\{ metric \}\): trial 0 completed without reporting a number for "loss"; .*\); a restore would end it the same way: start a new experiment with the fix$/,
    )
    expect(json).toMatchObject({ interrupted: true, resumable: false })
    expect((await loadExperiment(dir)).interruption).toMatchObject({ cause: 'check', resumable: false })
  })
})
