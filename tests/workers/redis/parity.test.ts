import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ASHAScheduler, RedisExecutor, type ResultGrid, TPESearch, Tuner, type TunerOptions, uniform } from '../../../src/index.ts'
import { redisUnavailable, startRedis, startWorker, type TestRedis, type WorkerProcess } from './redis-server.ts'

const FIXTURE = join(import.meta.dirname, '../../fixtures/distributed.ts')

/** What must repeat: each trial's config, its end, and the values of its reports (not their times). */
function table(results: ResultGrid) {
  return results.trials.map((t) => [t.id, t.state, t.config.x, t.history.map((r) => [r.training_iteration, r.loss])])
}

describe.skipIf(redisUnavailable !== undefined)('reproducible on Redis', { timeout: 180_000 }, () => {
  let redis: TestRedis
  let workers: WorkerProcess[] = []

  beforeAll(async () => {
    redis = await startRedis(3)
    workers = [startWorker(redis.url, '--concurrency', '1'), startWorker(redis.url, '--concurrency', '1')]
  })
  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL')
    await redis?.stop()
  })

  it('a seeded reproducible run gives the same trial table on 2 Redis slots as on 2 local threads', async () => {
    const options = (): TunerOptions => ({
      trainable: FIXTURE,
      space: { x: uniform(-2, 2), epochs: 4 },
      metric: 'loss',
      search: new TPESearch({ nStartupTrials: 3 }),
      scheduler: new ASHAScheduler({ maxT: 4, gracePeriod: 1, reductionFactor: 2 }),
      numSamples: 10,
      concurrency: 2,
      seed: 11,
      reproducible: true,
      trackers: [],
      storageDir: false,
      handleSignals: false,
      logLevel: 'error',
    })
    const local = table(await new Tuner(options()).fit())
    const remote = table(await new Tuner({ ...options(), executor: new RedisExecutor({ connection: redis.url }) }).fit())
    expect(remote).toEqual(local)
    // ASHA stopped some trials early, so the decisions were exercised, not only the proposals.
    expect(local.some(([, state]) => state === 'stopped')).toBe(true)
  })
})
