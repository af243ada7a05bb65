import { describe, expect, it } from 'vitest'
import { createRandom } from '../../src/search/rng.ts'
import { SchedulerFeed } from '../../src/tuner/scheduler-feed.ts'
import type { Decision } from '../../src/types.ts'

/**
 * A rung scheduler in miniature: at reports 2 and 4 a trial goes on only if
 * its value is at least the median of the values already recorded there, so
 * its decisions hang on who got to the rung first.
 */
function rungJudge(): { judge: (id: number, iteration: number, value: number) => Decision; log: string[] } {
  const rungs = new Map<number, number[]>()
  const log: string[] = []
  return {
    log,
    judge(id, iteration, value) {
      let decision: Decision = 'continue'
      if (iteration === 2 || iteration === 4) {
        const recorded = rungs.get(iteration) ?? []
        const sorted = [...recorded].sort((a, b) => a - b)
        const median = sorted[Math.floor(sorted.length / 2)]
        if (median !== undefined && value < median) decision = 'stop'
        rungs.set(iteration, [...recorded, value])
      }
      log.push(`${id}@${iteration}: ${decision}`)
      return decision
    },
  }
}

/** A trial's value at every report: fixed per trial, so only the order of judging could change a decision. */
const value = (id: number) => ((id * 7919) % 13) / 13

/**
 * Runs `trials` trials of up to 6 reports on `slots` threads through the feed.
 * Each step one running trial (picked by `order`) makes its next report or,
 * after a stop or its last report, ends; a trial whose report waits holds
 * its thread. Returns each trial's decisions, sorted by trial.
 */
async function simulate(ordered: boolean, slots: number, trials: number, order: () => number): Promise<string[]> {
  const { judge, log } = rungJudge()
  const feed = new SchedulerFeed(ordered)
  const running = new Map<number, { reports: number; waiting: boolean; done: boolean }>()
  let next = 0
  while (next < trials || running.size > 0) {
    while (running.size < slots && next < trials) running.set(next++, { reports: 0, waiting: false, done: false })
    const free = [...running.entries()].filter(([, t]) => !t.waiting)
    if (free.length === 0) {
      await Promise.resolve() // every thread waits for an answer: let them arrive
      continue
    }
    const [id, trial] = free[Math.floor(order() * free.length)] as [number, { reports: number; waiting: boolean; done: boolean }]
    if (trial.done || trial.reports === 6) {
      running.delete(id)
      feed.end(id, trial.reports, () => log.push(`${id} ended`))
      continue
    }
    trial.reports++
    trial.waiting = true
    const iteration = trial.reports
    void Promise.resolve(feed.report(id, iteration, () => judge(id, iteration, value(id)))).then((decision) => {
      trial.waiting = false
      if (decision !== 'continue') trial.done = true
    })
    await Promise.resolve()
  }
  feed.cancel()
  return log.filter((line) => !line.endsWith('ended')).sort()
}

describe('SchedulerFeed', () => {
  it('ordered, gives every trial the same decisions whatever order the threads run in', async () => {
    for (const slots of [2, 3, 5]) {
      const reference = await simulate(true, slots, 20, () => 0)
      expect(reference.some((line) => line.endsWith('stop'))).toBe(true)
      for (let seed = 1; seed <= 15; seed++) expect(await simulate(true, slots, 20, createRandom(seed))).toEqual(reference)
    }
  })

  it('unordered, lets the order change decisions (what the ordering is for)', async () => {
    const seen = new Set<string>()
    for (let seed = 1; seed <= 15; seed++) seen.add((await simulate(false, 3, 20, createRandom(seed))).join('\n'))
    expect(seen.size).toBeGreaterThan(1)
  })

  it('waits for a retried trial’s reports anew', async () => {
    const feed = new SchedulerFeed(true)
    const judged: string[] = []
    const judge = (what: string) => () => {
      judged.push(what)
      return 'continue' as const
    }
    for (const i of [1, 2, 3]) await feed.report(0, i, judge(`0@${i}`))
    judged.length = 0
    feed.restart(0) // trial 0 failed after report 3 and is retried from report 1
    const later = feed.report(1, 2, judge('1@2'))
    await Promise.resolve()
    expect(judged).toEqual([]) // trial 1's report 2 waits for the retry's report 2
    await feed.report(0, 1, judge('0@1'))
    await feed.report(0, 2, judge('0@2'))
    await later
    expect(judged).toEqual(['0@1', '0@2', '1@2'])
  })

  it('drops a waiting report of a thread that died, without judging it', async () => {
    const feed = new SchedulerFeed(true)
    void feed.report(0, 1, () => 'continue') // trial 0 judged at 1, then runs on
    let judged = false
    const waiting = feed.report(1, 2, () => {
      judged = true
      return 'continue'
    })
    feed.dropWaiting(1)
    expect(await waiting).toBe('stop')
    expect(judged).toBe(false)
  })

  it('answers waiting reports with stop when cancelled, and tells waiting ends', async () => {
    const feed = new SchedulerFeed(true)
    const told: string[] = []
    expect(feed.report(0, 1, () => 'continue')).toBeInstanceOf(Promise)
    const waiting = feed.report(1, 3, () => 'continue') // trial 0 has been judged at report 1 only
    feed.end(2, 5, () => told.push('end 2'))
    feed.cancel()
    expect(await waiting).toBe('stop')
    expect(told).toEqual(['end 2'])
    expect(feed.report(1, 4, () => 'continue')).toBe('continue') // nothing waits any more
  })
})
