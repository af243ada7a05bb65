import { describe, expect, it } from 'vitest'
import type { JsonlEvent } from '../../src/journal/codec.ts'
import type { Tracker } from '../../src/tracker/tracker.ts'
import type { TrialInfo } from '../../src/types.ts'
import { runLoop } from '../fixtures/loop.ts'

/** A stand-in for the JournalWriter: what was appended, and which of it a flush has written. */
class RecordingJournal {
  readonly written: string[] = []
  #pending: string[] = []

  append(event: JsonlEvent): void {
    this.#pending.push(event.event === 'trial_end' ? `end ${event.trial.id}` : event.event)
  }

  flush(): void {
    this.written.push(...this.#pending)
    this.#pending = []
  }
}

/** Per trial end a tracker hears, whether the journal had written that end by then. */
function endsOnDiskWhenHeard(journal: RecordingJournal): { tracker: Tracker; seen: Map<number, boolean> } {
  const seen = new Map<number, boolean>()
  const onTrialEnd = (trial: TrialInfo): void => {
    seen.set(trial.id, journal.written.includes(`end ${trial.id}`))
  }
  return { tracker: { onTrialEnd }, seen }
}

// Trial 1 throws: an errored end; the others end at their first report (maxIterations: 1), completed.
const trainable = async (config: { id: number }, ctx: { report(m: object): Promise<void> }) => {
  if (config.id === 1) throw new Error('boom')
  await ctx.report({ loss: config.id })
  await ctx.report({ loss: config.id })
}
const base = { slots: 2, numSamples: 4, configs: (id: number) => ({ id }), trainable, stop: { maxIterations: 1 } }

describe("the journal's write of a trial's end", () => {
  it('is on disk before a tracker hears of the end, whatever the end', async () => {
    const journal = new RecordingJournal()
    const { tracker, seen } = endsOnDiskWhenHeard(journal)
    await runLoop({ ...base, journal, trackers: [tracker] })
    expect([...seen.entries()].sort()).toEqual([
      [0, true],
      [1, true],
      [2, true],
      [3, true],
    ])
  })

  it("waits for its batch's write when nobody outside listens, but an errored end is written at once", async () => {
    const journal = new RecordingJournal()
    // The tracker here stands for the loop's own listeners (the trial output log), which tell nobody.
    const { tracker, seen } = endsOnDiskWhenHeard(journal)
    await runLoop({ ...base, journal, trackers: [tracker], endsHeard: () => false })
    expect([...seen.entries()].sort()).toEqual([
      [0, false],
      [1, true],
      [2, false],
      [3, false],
    ])
  })

  it('is written at once again as soon as someone listens (an events() stream opened mid-run)', async () => {
    const journal = new RecordingJournal()
    const { tracker, seen } = endsOnDiskWhenHeard(journal)
    await runLoop({ ...base, journal, trackers: [tracker], endsHeard: () => seen.size >= 2 })
    expect(seen.get(0)).toBe(false)
    expect(seen.get(2)).toBe(true)
    expect(seen.get(3)).toBe(true)
  })
})
