import { describe, expect, it } from 'vitest'
import { ReportError, TrialStopSignal } from '../../src/index.ts'
import { createContext, type OneWayLink } from '../../src/workers/context.ts'
import type { OutputMessage, ReportMessage, RunMessage } from '../../src/workers/protocol.ts'

/**
 * A run's context in this thread with a one-way link (the worker thread's, which v8 coverage cannot see there):
 * what it held, what it posted to wait for an answer, and a stop the driver tells between two reports.
 */
function oneWayContext(options: { failHold?: boolean } = {}) {
  const held: ReportMessage[] = []
  const posted: Array<RunMessage | OutputMessage> = []
  let told: (() => void) | undefined
  const link: OneWayLink = {
    hold: (report) => {
      if (options.failHold) throw new Error('the port is closed')
      held.push(report)
    },
    poll: () => told?.(),
  }
  const scope = createContext({ trialId: 2, seed: 1, restore: undefined, run: 7, oneWay: ['loss'] }, undefined, (m) => posted.push(m), link)
  scope.running() // the trainable has begun: a stop from now on aborts ctx.signal
  return { scope, held, posted, tellStop: () => (told = () => scope.decide('stop')) }
}

describe('a one-way report in the trial context', () => {
  it('resolves at once, is held with the time it was made, and posts nothing that waits', async () => {
    const { scope, held, posted } = oneWayContext()
    const before = performance.timeOrigin + performance.now()
    await scope.ctx.report({ loss: 0.5 })
    await scope.ctx.report({ loss: 0.25 })
    expect(held.map((r) => [r.run, r.metrics])).toEqual([
      [7, { loss: 0.5 }],
      [7, { loss: 0.25 }],
    ])
    expect(held[0]?.at).toBeGreaterThanOrEqual(before)
    expect(posted.filter((m) => m.type === 'report')).toEqual([])
  })

  it('a NaN in a watched metric waits for its answer, so a diverged trial ends at that report', async () => {
    const { scope, held, posted } = oneWayContext()
    const report = scope.ctx.report({ loss: Number.NaN })
    expect(held).toEqual([])
    expect(posted).toContainEqual({ type: 'report', run: 7, metrics: { loss: Number.NaN } })
    scope.decide('stop')
    await expect(report).rejects.toBeInstanceOf(TrialStopSignal)
  })

  it('a stop the driver told meanwhile lands at the next report, and the report is not sent', async () => {
    const { scope, held, tellStop } = oneWayContext()
    await scope.ctx.report({ loss: 1 })
    tellStop()
    await expect(scope.ctx.report({ loss: 0.9 })).rejects.toBeInstanceOf(TrialStopSignal)
    expect(held).toHaveLength(1)
    expect(scope.ctx.signal.aborted).toBe(true)
  })

  it('a link that cannot send is the trainable’s ReportError, naming ctx.report', async () => {
    const { scope } = oneWayContext({ failHold: true })
    await expect(scope.ctx.report({ loss: 1 })).rejects.toThrow(ReportError)
    await expect(oneWayContext({ failHold: true }).scope.ctx.report({ loss: 1 })).rejects.toThrow(
      /^ctx\.report\(metrics\): cannot be sent to the driver \(the port is closed\)/,
    )
  })
})
