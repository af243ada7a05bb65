import { describe, expect, it } from 'vitest'
import { createRandom } from '../../src/search/rng.ts'
import type { Searcher } from '../../src/search/searcher.ts'
import { SearchFeed } from '../../src/tuner/search-feed.ts'
import type { Config, Result, TrialState } from '../../src/types.ts'

/** A searcher that logs every call it gets; each proposal names how many ends it had been told of. */
function recorder(): Searcher & { log: string[] } {
  const log: string[] = []
  let ends = 0
  return {
    log,
    setup() {},
    suggest(trialId: number): Config {
      log.push(`suggest ${trialId} after ${ends} ends`)
      return { id: trialId }
    },
    onTrialResult(trialId: number, result: Result) {
      log.push(`result ${trialId} loss=${result.loss}`)
    },
    onTrialComplete(trialId: number, _result: Result | undefined, state: TrialState) {
      ends++
      log.push(`end ${trialId} ${state}`)
    },
  }
}

function result(trialId: number, loss: number): Result {
  return { loss, trial_id: trialId, training_iteration: 1, time_total_s: 0 }
}

/**
 * Runs `trials` trials through a feed with `slots` threads, ending a running
 * trial picked by `order` each step (two reports, then its end), as the
 * experiment loop does: a slot is filled only when the feed lets it.
 */
function simulate(lag: number | undefined, slots: number, trials: number, order: () => number): string[] {
  const searcher = recorder()
  const feed = new SearchFeed(searcher, lag)
  const running: number[] = []
  let next = 0
  while (next < trials || running.length > 0) {
    while (running.length < slots && next < trials && feed.canPropose(next)) {
      feed.propose(next)
      running.push(next++)
    }
    const [id] = running.splice(Math.floor(order() * running.length), 1) as [number]
    feed.result(id, result(id, id * 10))
    feed.result(id, result(id, id * 10 + 1))
    feed.complete(id, result(id, id * 10 + 1), id % 5 === 4 ? 'errored' : 'completed')
  }
  feed.flush()
  return searcher.log
}

describe('SearchFeed', () => {
  it('with a lag, tells the searcher the same things in the same order whatever order trials end in', () => {
    for (const slots of [1, 2, 4]) {
      const reference = simulate(slots - 1, slots, 30, () => 0) // oldest first: trials end in id order
      for (let seed = 1; seed <= 20; seed++) {
        expect(simulate(slots - 1, slots, 30, createRandom(seed))).toEqual(reference)
      }
      // Trial k is proposed after exactly k - (slots - 1) ends, every event of a trial told in one piece.
      expect(reference).toContain(`suggest 10 after ${10 - (slots - 1)} ends`)
      expect(reference.filter((line) => line.startsWith('end'))).toHaveLength(30)
    }
  })

  it('at one slot and lag 0 tells everything before the next proposal, as an unordered feed does', () => {
    expect(simulate(0, 1, 12, () => 0)).toEqual(simulate(undefined, 1, 12, () => 0))
  })

  it('without a lag passes events straight through, so what the searcher saw depends on the end order', () => {
    const seen = new Set(Array.from({ length: 10 }, (_, seed) => simulate(undefined, 3, 20, createRandom(seed + 1)).join('\n')))
    expect(seen.size).toBeGreaterThan(1)
  })

  it('holds a proposal until the trials before its window have ended', () => {
    const searcher = recorder()
    const feed = new SearchFeed(searcher, 1)
    feed.propose(0)
    feed.propose(1)
    expect(feed.canPropose(2)).toBe(false) // trial 0 still runs
    feed.complete(1, result(1, 1), 'completed')
    expect(feed.canPropose(2)).toBe(false)
    feed.complete(0, result(0, 0), 'completed')
    expect(feed.canPropose(2)).toBe(true)
    expect(feed.canPropose(3)).toBe(true)
    expect(feed.canPropose(4)).toBe(false)
    feed.propose(2)
    // Trial 1 ended before trial 0, but only trial 0 is behind trial 2's window: the searcher hears of it alone.
    expect(searcher.log).toEqual(['suggest 0 after 0 ends', 'suggest 1 after 0 ends', 'end 0 completed', 'suggest 2 after 1 ends'])
    feed.flush()
    expect(searcher.log.at(-1)).toBe('end 1 completed')
  })

  it('loses no event when the searcher throws on one: the rest are told, the first error rethrown', () => {
    const searcher = recorder()
    const onTrialResult = searcher.onTrialResult.bind(searcher)
    searcher.onTrialResult = (id, r) => {
      onTrialResult(id, r)
      if (id === 0) throw new Error('searcher bug')
    }
    const feed = new SearchFeed(searcher, 3)
    for (let id = 0; id < 4; id++) feed.propose(id)
    for (let id = 0; id < 4; id++) {
      feed.result(id, result(id, id))
      feed.complete(id, result(id, id), 'completed')
    }
    expect(() => feed.flush()).toThrow('searcher bug')
    expect(searcher.log.filter((line) => line.startsWith('end'))).toEqual([
      'end 0 completed',
      'end 1 completed',
      'end 2 completed',
      'end 3 completed',
    ])
    expect(() => feed.flush()).not.toThrow() // nothing left to tell
  })
})
