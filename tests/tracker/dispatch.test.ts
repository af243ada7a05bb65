import { describe, expect, it } from 'vitest'
import type { Tracker, TrialInfo } from '../../src/index.ts'
import { TrackerHub } from '../../src/tracker/dispatch.ts'
import { Trial } from '../../src/tuner/trial.ts'
import { memoryLogger } from '../helpers.ts'

const tick = () => new Promise((resolve) => setTimeout(resolve, 1))

describe('TrackerHub', () => {
  it('calls a sync tracker at once, and delivers an async tracker its events in order', async () => {
    const seen: string[] = []
    const sync: Tracker = { onTrialStart: (t) => void seen.push(`sync ${t.id}`) }
    const slow: Tracker = {
      async onTrialStart(t) {
        await tick()
        seen.push(`slow ${t.id}`)
      },
    }
    const hub = new TrackerHub([sync, slow], memoryLogger())
    for (let id = 0; id < 3; id++) hub.emit('onTrialStart', new Trial(id, {}, 0))
    expect(seen).toEqual(['sync 0', 'sync 1', 'sync 2'])
    await hub.flush(5_000)
    expect(seen.slice(3)).toEqual(['slow 0', 'slow 1', 'slow 2'])
  })

  it('hands a queued event the trial as it was when the event happened', async () => {
    const states: string[] = []
    const slow: Tracker = {
      async onTrialEnd(t: TrialInfo) {
        const state = `${t.state} ${t.history.length}` // read before the await, as a tracker that formats its line first does
        await tick()
        states.push(state)
      },
    }
    const hub = new TrackerHub([slow], memoryLogger())
    const trial = new Trial(0, {}, 0)
    trial.state = 'paused'
    trial.record({ loss: 1 }, 0)
    hub.emit('onTrialEnd', trial) // runs now
    hub.emit('onTrialEnd', trial) // queued: frozen as paused, with one result
    trial.state = 'completed'
    trial.record({ loss: 0.5 }, 0)
    hub.emit('onTrialEnd', trial)
    await hub.flush(5_000)
    expect(states).toEqual(['paused 1', 'paused 1', 'completed 2'])
  })

  it('warns once per hook about a tracker that throws, and keeps calling it', async () => {
    const logger = memoryLogger()
    let calls = 0
    const broken: Tracker = {
      onTrialStart() {
        calls++
        throw new Error('nope')
      },
      async onTrialEnd() {
        throw new Error('async nope')
      },
    }
    const hub = new TrackerHub([broken], logger)
    hub.emit('onTrialStart', new Trial(0, {}, 0))
    hub.emit('onTrialStart', new Trial(1, {}, 0))
    hub.emit('onTrialEnd', new Trial(0, {}, 0))
    await hub.flush(5_000)
    expect(calls).toBe(2)
    expect(logger.lines).toEqual([
      'warn: trackers[0].onTrialStart failed: nope (further failures of this hook are not shown)',
      'warn: trackers[0].onTrialEnd failed: async nope (further failures of this hook are not shown)',
    ])
  })

  it('bounds the queue of a tracker that falls behind, and says what it did not deliver', async () => {
    const logger = memoryLogger()
    let release: () => void = () => {}
    const stuck: Tracker = {
      onTrialStart: () =>
        new Promise<void>((resolve) => {
          release = resolve
        }),
    }
    const hub = new TrackerHub([stuck], logger, { maxQueue: 2 })
    for (let id = 0; id < 5; id++) hub.emit('onTrialStart', new Trial(id, {}, 0))
    await hub.flush(20)
    expect(logger.lines).toContain('warn: trackers[0] is falling behind: more than 2 events queued; dropping events')
    // 2 dropped, 2 queued and 1 in flight when the flush gave up.
    expect(logger.lines).toContain('warn: trackers[0]: 5 events not delivered')
    release()
  })

  it('names each tracker once: by its class, alone when the class name says tracker, else by its place in trackers', async () => {
    const logger = memoryLogger()
    const fail = () => {
      throw new Error('nope')
    }
    class Recorder {
      onTrialStart = fail
    }
    class WandbTracker {
      onTrialStart = fail
    }
    const hub = new TrackerHub([new Recorder(), new WandbTracker(), { onTrialStart: fail }], logger)
    hub.emit('onTrialStart', new Trial(0, {}, 0))
    await hub.flush(5_000)
    expect(logger.lines).toEqual([
      'warn: tracker Recorder.onTrialStart failed: nope (further failures of this hook are not shown)',
      'warn: WandbTracker.onTrialStart failed: nope (further failures of this hook are not shown)',
      'warn: trackers[2].onTrialStart failed: nope (further failures of this hook are not shown)',
    ])
    expect(logger.lines.join('\n')).not.toMatch(/tracker tracker/i)
  })
})
