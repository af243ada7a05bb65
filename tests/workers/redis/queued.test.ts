/**
 * A trial queued on Redis but not yet taken by a worker is pending, not
 * running: the console, the trackers and its state say so until a worker
 * picks it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConsoleReporter, RedisWorker, type TrialState, Tuner } from '../../../src/index.ts'
import { REGISTRY } from '../../../src/workers/redis/wire.ts'
import { memoryLogger } from '../../helpers.ts'
import { onRedis, redisUnavailable, startRedis, type TestRedis, until } from './redis-server.ts'

describe.skipIf(redisUnavailable !== undefined)('a trial waiting in the Redis queue', { timeout: 120_000 }, () => {
  let redis: TestRedis

  beforeAll(async () => {
    redis = await startRedis(6)
  })
  afterAll(async () => {
    await redis?.stop()
  })

  it('counts as running only once a worker has taken it', async () => {
    const release = join(mkdtempSync(join(tmpdir(), 'hp-redis-queued-')), 'release')
    let printed = ''
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        printed += chunk.toString()
        done()
      },
    })
    const started: { id: number; state: TrialState }[] = []
    const tracker = { onTrialStart: (trial: { id: number; state: TrialState }) => void started.push({ id: trial.id, state: trial.state }) }
    // One worker thread for two slots: one trial runs (and holds at its first epoch), the other waits in the queue.
    const worker = new RedisWorker({ connection: redis.url, concurrency: 1, logger: memoryLogger() })
    try {
      const tuner = new Tuner(
        onRedis(redis.url, {
          space: { x: 0.5, epochs: 2, hold: 1, release },
          numSamples: 2,
          concurrency: 2,
          trackers: [new ConsoleReporter({ stream, intervalMs: 0 }), tracker],
          logger: memoryLogger(),
        }),
      )
      const fit = tuner.fit()
      await until('the experiment on Redis', async () => (await redis.client.scard(REGISTRY)) > 0)
      const [id = ''] = await redis.client.smembers(REGISTRY)
      // Both runs queued, one of them taken (its lock), the other left waiting.
      const exists = async (key: string) => (await redis.client.exists(`hyperpool:${id}:${key}`)) === 1
      await until('both runs queued, one taken', async () => {
        const locks = ((await exists('run-0:lock')) ? 1 : 0) + ((await exists('run-1:lock')) ? 1 : 0)
        return (await exists('run-0')) && (await exists('run-1')) && locks === 1
      })
      await until('the driver hearing of the taken run', () => started.length > 0)
      expect(started).toHaveLength(1)
      expect(started[0]?.state).toBe('running')
      expect(printed).toMatch(/1 running/)
      expect(printed).not.toMatch(/2 running/)
      writeFileSync(release, '')
      const results = await fit
      expect(results.trials.map((t) => t.state)).toEqual(['completed', 'completed'])
      expect(started.map((s) => s.state)).toEqual(['running', 'running'])
      expect(printed).not.toMatch(/2 running/)
    } finally {
      await worker.close()
    }
  })
})
