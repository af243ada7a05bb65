import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisExecutor, Tuner } from '../../../src/index.ts'
import { redisUnavailable, startRedis, startWorker, type TestRedis, until, type WorkerProcess } from './redis-server.ts'

const ROOT = join(import.meta.dirname, '../../..')
const DRIVER = join(ROOT, 'tests/fixtures/redis-driver.ts')

describe.skipIf(redisUnavailable !== undefined)('the driver killed', { timeout: 180_000 }, () => {
  let redis: TestRedis
  let worker: WorkerProcess | undefined

  beforeAll(async () => {
    redis = await startRedis(4)
  })
  afterAll(async () => {
    worker?.child.kill('SIGKILL')
    await redis?.stop()
  })

  it('Tuner.restore continues the experiment on the workers still connected, nothing recorded twice', async () => {
    const storage = mkdtempSync(join(tmpdir(), 'hp-redis-driver-'))
    const release = join(storage, 'release')
    const journal = join(storage, 'driver-killed', 'experiment.jsonl')
    worker = startWorker(redis.url, '--concurrency', '1')
    const driver = spawn(process.execPath, ['--import', 'tsx', DRIVER, redis.url, storage, release], { cwd: ROOT, stdio: 'ignore' })
    const results = () =>
      existsSync(journal)
        ? readFileSync(journal, 'utf8')
            .split('\n')
            .filter((l) => l.includes('"event":"result"')).length
        : 0
    // Trial 0 made reports 1 and 2 and holds at epoch 3 on the worker.
    await until('two reports in the journal', () => results() === 2, 60_000)
    driver.kill('SIGKILL')
    await new Promise((resolve) => driver.once('exit', resolve))
    writeFileSync(release, '')
    const restored = await (
      await Tuner.restore(join(storage, 'driver-killed'), {
        trackers: [],
        handleSignals: false,
        logLevel: 'error',
        executor: new RedisExecutor({ connection: redis.url }),
      })
    ).fit()
    expect(restored.trials.map((t) => [t.id, t.state, t.history.map((r) => r.training_iteration)])).toEqual([
      [0, 'completed', [1, 2, 3, 4]],
      [1, 'completed', [1, 2, 3, 4]],
      [2, 'completed', [1, 2, 3, 4]],
    ])
    // The worker leaves the dead driver's experiment on its own (once its liveness key lapses, which can be after the
    // restored run ended) and joined the restored one.
    const output = () => (worker as WorkerProcess).output()
    await until('the worker left the dead experiment', () => /its driver is gone; left it and removed its keys/.test(output()))
    expect(worker.output().match(/joined experiment driver-killed-/g)).toHaveLength(2)
    await until('no key left', async () => (await redis.client.keys('*')).length === 0).catch(() => {})
    expect(await redis.client.keys('*')).toEqual([])
  })
})
