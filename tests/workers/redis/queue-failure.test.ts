import { describe, expect, it, vi } from 'vitest'
import { memoryLogger } from '../../helpers.ts'

/** What Redis said when the job could not be added: the cause a user needs, two levels down. */
const REFUSED = new Error('write failed', { cause: new Error("READONLY You can't write against a read only replica.") })

// A queue whose every add fails, as BullMQ's does when Redis refuses the write: no Redis server is needed to show what the trial hears.
vi.mock('../../../src/workers/redis/lazy.ts', () => {
  class Emitter {
    on(): this {
      return this
    }
  }
  class Queue extends Emitter {
    async add(): Promise<never> {
      throw REFUSED
    }
  }
  return { bullmq: () => ({ Queue, QueueEvents: Emitter }) }
})

const { RedisDriver } = await import('../../../src/workers/redis/driver.ts')
const { experimentKeys } = await import('../../../src/workers/redis/wire.ts')
const { bullConnection } = await import('../../../src/workers/redis/connection.ts')

describe('RedisDriver: a trial that cannot be queued', () => {
  it('errors with what Redis said as its cause, not only its message', async () => {
    const driver = new RedisDriver({
      id: 'exp-1',
      slots: 1,
      keys: experimentKeys('exp-1'),
      redis: { on() {} } as never,
      // The driver's inbox: nothing ever arrives.
      reader: { xreadBuffer: () => new Promise(() => {}) } as never,
      connection: bullConnection('redis://:secret@redis.example:6379/2'),
      logger: memoryLogger(),
      onOutput: () => {},
      aliveMs: 1000,
      keyTtlMs: 60_000,
      publish: async () => {},
      noWorkerWarnMs: 10,
    })
    const outcome = await driver.start({ trialId: 0, config: { x: 1 }, seed: 1 }, { report: () => 'continue', checkpoint() {} }).done
    expect(outcome).toMatchObject({
      kind: 'errored',
      error: {
        name: 'WorkerError',
        message: 'the trial could not be queued on hyperpool:exp-1 at redis://:***@redis.example:6379/2: Error: write failed',
        cause: { name: 'Error', message: 'write failed', cause: { message: "READONLY You can't write against a read only replica." } },
      },
    })
  })
})
