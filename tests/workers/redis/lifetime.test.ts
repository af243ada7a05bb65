/**
 * How long an experiment lives on Redis: a worker does not take a liveness key
 * that lapsed for a dead driver; a killed driver's keys expire on their own;
 * a driver with no worker says how to start one; the Tuner's heap cap reaches
 * the workers' threads.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisExecutor, RedisWorker, Tuner } from '../../../src/index.ts'
import { experimentKeys, REGISTRY } from '../../../src/workers/redis/wire.ts'
import { BEHAVIOURS, memoryLogger } from '../../helpers.ts'
import { FIXTURE, onRedis, redisUnavailable, startRedis, type TestRedis, until } from './redis-server.ts'

const ROOT = join(import.meta.dirname, '../../..')

describe.skipIf(redisUnavailable !== undefined)("an experiment's life on Redis", { timeout: 120_000 }, () => {
  let redis: TestRedis

  beforeAll(async () => {
    redis = await startRedis(5)
  })
  afterAll(async () => {
    await redis?.stop()
  })

  const setup = (logger = memoryLogger()) => ({
    name: 'life',
    trainable: pathToFileURL(FIXTURE).href,
    slots: 1,
    data: undefined,
    logger,
    onOutput: () => {},
  })

  it('a worker does not take a lapsed liveness key for a dead driver while the driver renews it', async () => {
    const logger = memoryLogger()
    const worker = new RedisWorker({ connection: redis.url, concurrency: 1, pollMs: 10, logger })
    const executor = await new RedisExecutor({ connection: redis.url, aliveMs: 2000 }).open(setup())
    try {
      await until('the worker joined', () => worker.experiments.length === 1)
      const [id = ''] = worker.experiments
      const alive = experimentKeys(id).alive
      // As after a Redis restart from its append-only file: the key's expiry ran on while Redis was away.
      await until('a fresh renewal', async () => (await redis.client.pttl(alive)) > 1900)
      await redis.client.del(alive)
      await until('the driver renewed it', async () => (await redis.client.exists(alive)) === 1)
      expect(logger.lines.join('\n')).not.toContain('its driver is gone')
      expect(worker.experiments).toEqual([id])
      expect(await redis.client.exists(experimentKeys(id).manifest)).toBe(1)
    } finally {
      await executor.close()
      await worker.close()
    }
  })

  it("a killed driver's keys expire on their own, with no worker to remove them, and the next driver takes it off the registry", async () => {
    const storage = mkdtempSync(join(tmpdir(), 'hp-redis-ttl-'))
    const driver = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'tests/fixtures/redis-driver.ts'), redis.url, storage, join(storage, 'never'), '6000'],
      { cwd: ROOT, stdio: 'ignore' },
    )
    let id = ''
    const keysOf = async () => redis.client.keys(experimentKeys(id).pattern)
    await until(
      'the experiment published',
      async () => {
        id = (await redis.client.smembers(REGISTRY))[0] ?? ''
        return id !== '' && (await redis.client.exists(`hyperpool:${id}:run-0`)) === 1
      },
      60_000,
    )
    // Every key carries the expiry the driver refreshes (its liveness key its own, shorter one).
    await until('every key to carry an expiry', async () => {
      const ttls = await Promise.all((await keysOf()).map((key) => redis.client.pttl(key)))
      return ttls.length > 0 && ttls.every((ttl) => ttl > 0)
    })
    driver.kill('SIGKILL')
    await new Promise((resolve) => driver.once('exit', resolve))
    await until('the keys to expire', async () => (await keysOf()).length === 0)
    expect(await redis.client.smembers(REGISTRY)).toEqual([id])
    const next = await new RedisExecutor({ connection: redis.url }).open(setup())
    const registry = await redis.client.smembers(REGISTRY)
    await next.close()
    expect(registry).not.toContain(id)
    expect(registry).toHaveLength(1)
  })

  it('a driver no worker serves says once how to start one, and carries on when one comes', async () => {
    const logger = memoryLogger()
    const fit = new Tuner(onRedis(redis.url, { space: { x: 0.5, epochs: 2 }, numSamples: 2, logger })).fit()
    const warning = () => logger.lines.filter((line) => line.includes('no worker has taken a trial'))
    await until('the warning', () => warning().length > 0)
    const worker = new RedisWorker({ connection: redis.url, concurrency: 1, pollMs: 50, logger: memoryLogger() })
    try {
      const results = await fit
      expect(results.trials.map((t) => t.state)).toEqual(['completed', 'completed'])
    } finally {
      await worker.close()
    }
    expect(warning()).toHaveLength(1)
    expect(warning()[0]).toMatch(
      /^warn: no worker has taken a trial in 5 s \(queue hyperpool:\S+ on redis:\/\/127\.0\.0\.1:\d+\/5\): start one .*with `npx hyperpool worker --redis redis:\/\/127\.0\.0\.1:\d+\/5`$/,
    )
  })

  it("the Tuner's maxHeapMb caps the remote workers' threads, unless the worker sets its own", async () => {
    const heapOf = async (workerHeapMb: number | undefined) => {
      const worker = new RedisWorker({ connection: redis.url, concurrency: 1, pollMs: 50, logger: memoryLogger(), maxHeapMb: workerHeapMb })
      try {
        const results = await new Tuner({
          trainable: BEHAVIOURS,
          space: { behaviour: 'heap-limit' },
          metric: 'loss',
          numSamples: 1,
          storageDir: false,
          trackers: [],
          handleSignals: false,
          logger: memoryLogger(),
          maxHeapMb: 48,
          executor: new RedisExecutor({ connection: redis.url }),
        }).fit()
        return results.trials[0]?.lastResult?.heapMb as number
      } finally {
        await worker.close()
      }
    }
    // V8's limit is the old generation's cap plus the young generation's room.
    const tuners = await heapOf(undefined)
    expect(tuners).toBeGreaterThanOrEqual(48)
    expect(tuners).toBeLessThan(48 + 100)
    const own = await heapOf(400)
    expect(own).toBeGreaterThanOrEqual(400)
    expect(own).toBeLessThan(400 + 100)
  })
})
