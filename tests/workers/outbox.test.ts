import { describe, expect, it } from 'vitest'
import { HOLD_WINDOW_MS, Outbox } from '../../src/workers/outbox.ts'
import type { LinkMessage, ReportMessage } from '../../src/workers/protocol.ts'

/** An outbox on a hand-moved clock, with what it posted. */
function outbox() {
  const posted: LinkMessage[] = []
  let now = 1000
  const box = new Outbox(
    (message) => posted.push(message),
    () => now,
  )
  const report = (loss: number): ReportMessage => ({ type: 'report', run: 1, metrics: { loss }, at: now })
  return { box, posted, report, advance: (ms: number) => (now += ms) }
}

describe('Outbox: which one-way reports wait', () => {
  it('a report right after the run began travels in the result, not as a message', () => {
    const { box, posted, report } = outbox()
    box.begin()
    box.hold(report(1))
    expect(posted).toEqual([])
    expect(box.end()).toEqual({ flushed: 0, reports: [{ metrics: { loss: 1 }, at: 1000 }] })
  })

  it('a held report goes out once the trainable yields to the event loop, not with the result', async () => {
    const { box, posted, report } = outbox()
    box.begin()
    box.hold(report(1))
    await Promise.resolve() // microtasks alone (a trainable awaiting its report) do not send it
    expect(posted).toEqual([])
    await new Promise(setImmediate) // the trainable awaits I/O or a timer: the driver gets the report now
    expect(posted).toEqual([report(1)])
    expect(box.end()).toEqual({ flushed: 1, reports: undefined })
  })

  it('a report after the trainable computed for longer than the window goes at once', () => {
    const { box, posted, report, advance } = outbox()
    box.begin()
    advance(HOLD_WINDOW_MS + 50)
    box.hold(report(1))
    expect(posted.map((m) => m.type)).toEqual(['report'])
    advance(5_000) // a long epoch computed without yielding: the driver already has the report
    box.hold(report(2))
    expect(posted).toHaveLength(2)
    expect(box.end()).toEqual({ flushed: 2, reports: undefined })
  })

  it('a burst is held one at a time, in order, each sent before the next message', () => {
    const { box, posted, report } = outbox()
    box.begin()
    box.hold(report(1))
    box.hold(report(2))
    box.send({ type: 'checkpoint', run: 1, state: 'x' })
    expect(posted.map((m) => (m.type === 'report' ? m.metrics.loss : m.type))).toEqual([1, 2, 'checkpoint'])
    expect(box.end()).toEqual({ flushed: 2, reports: undefined })
  })

  it('once the run is closing, a yield leaves the held report for the result; a later message still sends it first', async () => {
    const { box, posted, report } = outbox()
    box.begin()
    box.hold(report(1))
    box.closing()
    await new Promise(setImmediate) // the thread's last tick after the trainable returned
    expect(posted).toEqual([])
    expect(box.end()).toEqual({ flushed: 0, reports: [{ metrics: { loss: 1 }, at: 1000 }] })
    // A checkpoint the trainable queued on a tick before returning: the report goes before it, and is counted.
    box.begin()
    box.hold(report(2))
    box.closing()
    box.send({ type: 'checkpoint', run: 1, state: 'x' })
    expect(posted.map((m) => m.type)).toEqual(['report', 'checkpoint'])
    expect(box.end()).toEqual({ flushed: 1, reports: undefined })
    // The thread exits on a tick after the report: its exit handler still finds the report held.
    box.begin()
    box.hold(report(3))
    box.closing()
    box.flush()
    expect(posted.map((m) => (m.type === 'report' ? m.metrics.loss : m.type))).toEqual([2, 'checkpoint', 3])
  })
})
