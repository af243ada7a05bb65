import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, DivergedError, JournalError, TrialError, toTrialError } from '../../src/errors.ts'
import { storedError } from '../../src/journal/codec.ts'
import { readExperiment, readJournal } from '../../src/journal/read.ts'
import { temporaryDir } from '../helpers.ts'

const experiment = { name: 'x', metric: 'loss', mode: 'min', seed: 1, numSamples: 1, concurrency: 1, space: {} }
const header = {
  event: 'journal',
  version: 1,
  search: { type: 'RandomSearch', options: {} },
  scheduler: { type: 'FIFOScheduler', options: {} },
  data: null,
}

/** A folder whose experiment.jsonl holds `lines` (objects are encoded, strings written as they are). */
function journalOf(lines: readonly unknown[]): string {
  const dir = temporaryDir('hyperpool-read-')
  const text = lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n')
  writeFileSync(join(dir, 'experiment.jsonl'), `${text}\n`)
  return dir
}

describe('reading a journal', () => {
  it('forgives a torn last line, saying where the good part ends, and reads events it does not know past', async () => {
    const good = [header, { event: 'experiment_start', experiment }, { event: 'from_the_future', x: 1 }]
    const dir = journalOf([...good, '{"event":"trial_st'])
    const journal = await readJournal(dir)
    expect(journal.events.map((e) => [e.event.event, e.line])).toEqual([
      ['journal', 1],
      ['experiment_start', 2],
    ])
    expect(journal.torn).toBe(4)
    expect(journal.validBytes).toBe(`${good.map((line) => JSON.stringify(line)).join('\n')}\n`.length)
  })

  it('reads a line of two whole events glued together (left by an append after a missing newline) as both, and nothing looser', async () => {
    const start = { event: 'experiment_start', experiment }
    const session = { event: 'session', session: 2, concurrency: 1 }
    const trial = { event: 'trial_start', trial: { id: 0, config: { s: '}{"event":"x"}' }, seed: 1 } }
    const glued = journalOf([header, `${JSON.stringify(start)}${JSON.stringify(trial)}`, session])
    const journal = await readJournal(glued)
    expect(journal.events.map((e) => [e.event.event, e.line])).toEqual([
      ['journal', 1],
      ['experiment_start', 2],
      ['trial_start', 2],
      ['session', 3],
    ])
    expect(journal.unterminated).toBe(false)
    const notWhole = journalOf([header, `${JSON.stringify(start)}{"event":`, session])
    await expect(readJournal(notWhole)).rejects.toThrow(/line 2: not a valid event/)
    const noNewline = journalOf([header, start])
    writeFileSync(join(noNewline, 'experiment.jsonl'), `${JSON.stringify(header)}\n${JSON.stringify(start)}`)
    expect(await readJournal(noNewline)).toMatchObject({ unterminated: true, torn: undefined })
  })

  it('refuses a bad line in the middle, a newer format, a missing or unreadable file, naming the file and the line', async () => {
    const middle = journalOf([header, '{"event":', { event: 'experiment_start', experiment }])
    await expect(readJournal(middle)).rejects.toThrow(JournalError)
    await expect(readJournal(middle)).rejects.toThrow(
      /experiment\.jsonl" line 2: not a valid event \(.*\); lines follow it, so this is damage, not a crash's torn tail, .*Keep a copy of the file, then repair line 2 or cut the file before it \(head -n 1\): loadExperiment reads what is left and Tuner\.restore re-runs what the lines after it held$/,
    )
    const malformed = journalOf([header, { event: 'result', trial_id: 'one' }, { event: 'experiment_start', experiment }])
    await expect(readJournal(malformed)).rejects.toThrow(/line 2: not a valid event \(malformed "result" event\)/)
    const newer = journalOf([{ ...header, version: 2 }])
    await expect(readJournal(newer)).rejects.toThrow(/line 1: written in journal format version 2, newer than this hyperpool reads \(1\)/)
    await expect(readJournal(join(temporaryDir(), 'nothing'))).rejects.toThrow(/^loadExperiment\(dir\): no experiment log at /)
    const folderInPlace = temporaryDir()
    mkdirSync(join(folderInPlace, 'experiment.jsonl'))
    const unreadable = readJournal(folderInPlace)
    await expect(unreadable).rejects.toThrow(ConfigError)
    await expect(unreadable).rejects.toThrow(/^loadExperiment\(dir\): cannot read .*experiment\.jsonl/)
    await expect(readJournal('')).rejects.toThrow(/^loadExperiment\(dir\): must be a non-empty path, got ""/)
  })

  it('rebuilds trials, and refuses events out of their order', async () => {
    const start = { event: 'trial_start', trial: { id: 0, config: { x: 1 }, seed: 3 } }
    const end = { event: 'trial_end', trial: { id: 0, state: 'errored', error: { name: 'TrialError', message: 'boom', stack: null } } }
    const { trials } = await readExperiment(journalOf([header, { event: 'experiment_start', experiment }, start, end]))
    expect(trials.map((t) => [t.id, t.state, t.error?.message])).toEqual([[0, 'errored', 'boom']])
    await expect(readExperiment(journalOf([header, start]))).rejects.toThrow(/line 2: "trial_start" before "experiment_start"/)
    await expect(readExperiment(journalOf([header]))).rejects.toThrow(/has no "experiment_start" event/)
    const twice = journalOf([header, { event: 'experiment_start', experiment }, { event: 'experiment_start', experiment }])
    await expect(readExperiment(twice)).rejects.toThrow(/line 3: a second "experiment_start"/)
    const orphan = journalOf([header, { event: 'experiment_start', experiment }, { event: 'result', trial_id: 4, result: {} }])
    await expect(readExperiment(orphan)).rejects.toThrow(/line 3: trial 4 has no "trial_start"/)
  })

  it('gives an errored trial back the error the Tuner had: name, message, stack, and what it threw as the cause', async () => {
    const start = (id: number) => ({ event: 'trial_start', trial: { id, config: { x: 1 }, seed: 3 } })
    const thrown = { name: 'RangeError', message: 'boom', stack: 'RangeError: boom\n    at train (trainable.ts:3:9)' }
    const live = toTrialError(0, thrown)
    const diverged = new DivergedError(1, 'loss', 2)
    const end = (id: number, error: Error) => ({
      event: 'trial_end',
      trial: { id, state: 'errored', error: storedError(error) },
      outcome: 'errored',
      thrown,
    })
    const dir = journalOf([header, { event: 'experiment_start', experiment }, start(0), end(0, live), start(1), end(1, diverged)])
    const [first, second] = (await readExperiment(dir)).trials.map((t) => t.error)
    expect(first).toBeInstanceOf(TrialError)
    expect(first).toMatchObject({
      name: 'TrialError',
      message: 'trial 0: RangeError: boom',
      trialId: 0,
      field: 'trial 0',
      stack: live.stack,
    })
    expect(first?.cause).toMatchObject({ name: 'RangeError', message: 'boom', stack: thrown.stack })
    expect(first?.cause).toEqual(live.cause)
    // Not built from what the trial threw (a NaN ended it): that is not its cause.
    expect(second).toMatchObject({ name: 'DivergedError', message: diverged.message, trialId: 1 })
    expect(second?.cause).toBeUndefined()
  })

  it('refuses a trial end whose thrown error is not a stored error, naming the line', async () => {
    const start = { event: 'trial_start', trial: { id: 0, config: { x: 1 }, seed: 3 } }
    const stored = { name: 'TrialError', message: 'trial 0: boom', stack: null }
    const end = {
      event: 'trial_end',
      trial: { id: 0, state: 'errored', error: stored },
      outcome: 'errored',
      thrown: { name: 5, message: 'boom', stack: 7 },
    }
    // A line after it: damage, not a crash's torn tail (which is skipped).
    const dir = journalOf([header, { event: 'experiment_start', experiment }, start, end, { event: 'experiment_end', summary: {} }])
    await expect(readExperiment(dir)).rejects.toThrow(/line 4: not a valid event \(malformed "trial_end" event\)/)
  })
})
