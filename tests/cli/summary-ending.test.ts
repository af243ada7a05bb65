import { readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EXPERIMENT_FILE, loadExperiment, Tuner, type TunerOptions, writeReport } from '../../src/index.ts'
import { LOCK_FILE } from '../../src/journal/lock.ts'
import { BEHAVIOURS, cli, memoryLogger, temporaryDir } from '../helpers.ts'

/** `hyperpool summary <dir>` in this process: its first line, and its --json. */
async function summarize(
  dir: string,
): Promise<{ first: string; json: { interrupted: boolean; resumable: boolean; states: Record<string, number> } }> {
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

describe('hyperpool summary of an experiment a process still runs', () => {
  /** A finished run's journal cut back to what it held while trial 1 still ran: no end for it, no experiment end. */
  async function midRun(): Promise<string> {
    const dir = await experiment('mid-run', { space: { behaviour: 'curve', epochs: 2 }, numSamples: 2 })
    const path = join(dir, EXPERIMENT_FILE)
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n')
    const kept = lines.filter((line) => {
      const event = JSON.parse(line) as { event: string; trial?: { id: number } }
      return event.event !== 'experiment_end' && !(event.event === 'trial_end' && event.trial?.id === 1)
    })
    writeFileSync(path, `${kept.join('\n')}\n`)
    return dir
  }

  it('says it is running, whose lock holds it, and counts its open trials running, not paused', async () => {
    const dir = await midRun()
    // The test runner's parent process: alive on this host for as long as the test runs.
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname(), since: 'T0', token: 'live' }))
    const { first, json } = await summarize(dir)
    expect(first).toMatch(
      new RegExp(
        `^experiment mid-run: loss \\(min\\), 2 trials \\(1 running, 1 completed\\), running \\(locked by pid ${process.ppid} since T0\\)$`,
      ),
    )
    expect(json).toMatchObject({
      ended: false,
      running: true,
      lockedBy: { pid: process.ppid, since: 'T0' },
      interrupted: false,
      resumable: false,
    })
    // In a trial's life order, as the console counts them: not the order the trials first appear in.
    expect(Object.entries(json.states)).toEqual([
      ['running', 1],
      ['completed', 1],
    ])
    const loaded = await loadExperiment(dir)
    expect(loaded.runningIn?.pid).toBe(process.ppid)
    expect(loaded.results.trials.map((t) => t.state)).toEqual(['completed', 'running'])
  })

  it('writes the same in its report: the open trial running, and whose lock holds the experiment', async () => {
    const dir = await midRun()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname(), since: 'T0', token: 'live' }))
    const html = readFileSync((await writeReport(dir)).path, 'utf8')
    expect(html).toContain(`running (locked by pid ${process.ppid} since T0)`)
    expect(html).toContain('1 running')
    expect(html).toContain('data-trial="1" data-state="running"')
  })

  it("assumes another host's lock alive, and says how to go on if its process is gone", async () => {
    const dir = await midRun()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 4242, host: 'elsewhere', since: 'T0', token: 'far' }))
    const { first } = await summarize(dir)
    expect(first).toMatch(
      / running \(locked by pid 4242 on host elsewhere since T0, not checked from here; if that process is gone, delete its \.lock and resume it\)$/,
    )
  })

  it('reads a journal with its end as ended, whatever lock is still there (the run ended between the two reads)', async () => {
    const dir = await experiment('ended', { space: { behaviour: 'curve', epochs: 2 }, numSamples: 2 })
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname(), since: 'T0', token: 'live' }))
    const loaded = await loadExperiment(dir)
    expect(loaded.runningIn).toBeUndefined()
    expect(loaded.results.trials.map((t) => t.state)).toEqual(['completed', 'completed'])
  })

  it('reads a stale lock (its process is gone) as a run that did not reach its end, its open trials paused', async () => {
    const dir = await midRun()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 2 ** 30, host: hostname(), since: 'T0', token: 'dead' }))
    const { first, json } = await summarize(dir)
    expect(first).toMatch(/ \(1 paused, 1 completed\), did not reach its end$/)
    expect(json).toMatchObject({ ended: false, running: false })
    expect(json.states).toEqual({ paused: 1, completed: 1 })
    expect((await loadExperiment(dir)).runningIn).toBeUndefined()
    const html = readFileSync((await writeReport(dir)).path, 'utf8')
    expect(html).toContain('data-trial="1" data-state="paused"')
    expect(html).toContain('no end recorded, and no live process holds it')
  })
})
