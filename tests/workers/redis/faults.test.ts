import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, loadExperiment, RedisExecutor, Tuner } from '../../../src/index.ts'
import { redisUnavailable, startRedis, startWorker, type TestRedis, until, type WorkerProcess } from './redis-server.ts'

const FIXTURE = join(import.meta.dirname, '../../fixtures/distributed.ts')
/** Short locks, so a killed worker's trial is found lost soon (the defaults are 10 s and 5 s). */
const FAST_STALL = ['--concurrency', '1', '--lock-ms', '1000', '--stalled-check-ms', '300']

describe.skipIf(redisUnavailable !== undefined)('a worker killed mid-trial', { timeout: 120_000 }, () => {
  let redis: TestRedis
  const workers: WorkerProcess[] = []

  beforeAll(async () => {
    redis = await startRedis(2)
  })
  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL')
    await redis?.stop()
  })

  it('its trial restarts from its last checkpoint on another worker, and no report is recorded twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hp-redis-kill-'))
    const release = join(dir, 'release')
    const lines: string[] = []
    const logger = createLogger({ level: 'info', sink: (level, message) => lines.push(`${level}: ${message}`) })
    const first = startWorker(redis.url, ...FAST_STALL)
    workers.push(first)
    // Checkpoints before reports 2 and 4; the trial waits at epoch 4 (after report 3) until `release` exists.
    const tuner = new Tuner({
      trainable: FIXTURE,
      space: { x: 0.5, epochs: 5, every: 2, hold: 4, release },
      metric: 'loss',
      numSamples: 1,
      concurrency: 1,
      seed: 1,
      name: 'killed',
      storageDir: dir,
      trackers: [],
      handleSignals: false,
      logger,
      executor: new RedisExecutor({ connection: redis.url }),
    })
    let reports = 0
    const fit = tuner.fit()
    for await (const event of tuner.events()) {
      if (event.type === 'result') reports++
      if (reports === 3) break
    }
    first.child.kill('SIGKILL')
    expect(await first.exit).toBe('SIGKILL')
    writeFileSync(release, '')
    workers.push(startWorker(redis.url, ...FAST_STALL))
    const results = await fit
    const [trial] = results.trials
    expect(trial?.state).toBe('completed')
    // Report 3 was made again from the checkpoint of report 2, and kept its first values; 4 and 5 came from the restart.
    expect(trial?.history.map((r) => [r.training_iteration, r.epoch, r.resumed])).toEqual([
      [1, 1, 0],
      [2, 2, 0],
      [3, 3, 0],
      [4, 4, 2],
      [5, 5, 2],
    ])
    expect(lines.some((line) => /^warn: trial 0: its worker \S+ was lost; it restarts on \S+ after report 2$/.test(line))).toBe(true)
    // The journal agrees: five reports, none twice.
    const stored = await loadExperiment(join(dir, 'killed'))
    expect(stored.results.trials[0]?.history.map((r) => r.training_iteration)).toEqual([1, 2, 3, 4, 5])
    await until('no key left', async () => (await redis.client.keys('*')).length === 0).catch(() => {})
    expect(await redis.client.keys('*')).toEqual([])
  })
})
