import { describe, expect, it } from 'vitest'
import type { TrialListener } from '../../../src/workers/executor.ts'
import { RemoteRun } from '../../../src/workers/redis/remote-run.ts'

/** A run on the driver side, its listener recording what the Tuner would hear. */
function remoteRun() {
  const reports: unknown[] = []
  let taken = 0
  const listener = {
    taken: () => {
      taken++
    },
    report: (metrics: unknown) => {
      reports.push(metrics)
      return 'continue' as const
    },
    checkpoint: () => {},
    end: () => {},
  } as unknown as TrialListener
  const run = new RemoteRun(
    { run: 0, trialId: 0, config: {}, seed: 1, announce: false },
    undefined,
    listener,
    () => {},
    async () => false,
  )
  return { run, reports, taken: () => taken }
}

describe('RemoteRun: where a restart may begin', () => {
  it('a checkpoint counts only once the report it stands for has arrived', () => {
    const { run, reports } = remoteRun()
    run.begin('a1', 'w1', 0)
    run.report('a1', 'w1', 1, { loss: 1 })
    run.checkpoint('a1', 1, 'after epoch 2') // stands for report 2, which has not arrived
    // Redis lost the experiment here: the restart must re-do report 2, not begin after it.
    expect(run.latest).toBeUndefined()
    run.report('a1', 'w1', 2, { loss: 0.5 })
    expect(run.latest).toEqual({ reports: 2, state: 'after epoch 2' })
    expect(reports).toEqual([{ loss: 1 }, { loss: 0.5 }])
  })

  it('tells its listener each time a worker takes it off the queue, not for the same pickup told twice', () => {
    const { run, taken } = remoteRun()
    expect(taken()).toBe(0)
    run.begin('a1', 'w1', 0)
    run.begin('a1', 'w1', 0) // the same message resent after a reconnect
    expect(taken()).toBe(1)
    run.begin('a2', 'w2', 0) // w1 was lost and the job went back to the queue: w2 takes it
    expect(taken()).toBe(2)
  })
})
