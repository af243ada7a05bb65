import { MessageChannel } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { HyperpoolError, ReportError, TrialStopSignal } from '../../src/index.ts'
import { createContext } from '../../src/workers/context.ts'

const channels: MessageChannel[] = []

/** A trial context whose reports go nowhere: no driver answers them. */
function context() {
  const channel = new MessageChannel()
  channels.push(channel)
  return createContext({ trialId: 3, seed: 1, restore: undefined, port: channel.port2 }, undefined).ctx
}

afterEach(() => {
  for (const { port1, port2 } of channels.splice(0)) {
    port1.close()
    port2.close()
  }
})

/** How `promise` rejected. */
async function rejection(promise: Promise<unknown>): Promise<HyperpoolError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(ReportError)
  return error as HyperpoolError
}

describe('ctx.report misuse', () => {
  it('refuses metrics that are not a plain object, showing them', async () => {
    const error = await rejection(context().report([0.3] as never))
    expect(error.message).toBe('ctx.report(metrics): must be a plain object of name -> value, got [0.3]')
    expect(error.field).toBe('metrics')
  })

  it('names the metric that cannot be sent to the driver', async () => {
    const error = await rejection(context().report({ loss: 1, callback: () => 1 }))
    expect(error.message).toMatch(/^ctx\.report\(metrics\): metric callback cannot be sent to the driver/)
    expect(error.field).toBe('metrics.callback')
  })

  it('refuses a report made before the last one was awaited', async () => {
    const ctx = context()
    void ctx.report({ loss: 1 })
    const error = await rejection(ctx.report({ loss: 2 }))
    expect(error.message).toMatch(/called again before the previous report was awaited/)
  })
})

describe('TrialStopSignal', () => {
  it('is a HyperpoolError, so catching the family sees a stop too', () => {
    const signal = new TrialStopSignal('stop')
    expect(signal).toBeInstanceOf(HyperpoolError)
    expect(signal.name).toBe('TrialStopSignal')
    expect(signal.decision).toBe('stop')
    expect(signal.message).toBe('trial stopped by the driver')
  })
})
