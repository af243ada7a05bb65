/**
 * A worker process under races: polls piling up while Redis does not answer,
 * and one run handed to the same process twice.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisWorker, Tuner } from '../../../src/index.ts'
import { fileHash } from '../../../src/workers/redis/data.ts'
import { experimentKeys, REGISTRY } from '../../../src/workers/redis/wire.ts'
import { memoryLogger } from '../../helpers.ts'
import { countReports, FIXTURE, freePort, onRedis, redisUnavailable, until } from './redis-server.ts'

describe.skipIf(redisUnavailable !== undefined)('a worker process under races', { timeout: 120_000 }, () => {
  // A server of this file's own: CLIENT PAUSE below stops every client of it.
  let server: ChildProcess
  let url: string
  let client: Redis

  beforeAll(async () => {
    const port = await freePort()
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    })
    url = `redis://127.0.0.1:${port}`
    client = new Redis(url, { maxRetriesPerRequest: null })
    client.on('error', () => {})
    await client.ping()
  })
  afterAll(() => {
    client?.disconnect()
    server?.kill('SIGKILL')
  })

  it('runs one poll at a time: polls that waited on a paused Redis do not all clear a dead experiment', async () => {
    const logger = memoryLogger()
    const worker = new RedisWorker({ connection: url, concurrency: 1, pollMs: 10, logger })
    try {
      // An experiment whose driver is gone, and whose trainable this worker cannot load: it refuses it, then clears it.
      const ghost = experimentKeys('ghost-1')
      await client.set(ghost.manifest, JSON.stringify({ name: 'ghost', trainable: 'file:///nowhere.ts', aliveMs: 1000 }))
      await client.sadd(REGISTRY, 'ghost-1')
      await until('the refusal', () => logger.lines.some((line) => line.includes('refused experiment ghost-1')))
      // Seen missing once; Redis then answers nobody for longer than the driver's aliveMs, while polls fall due every 10 ms.
      await client.call('CLIENT', 'PAUSE', '3000', 'ALL')
      const gone = () => logger.lines.filter((line) => line.includes('ghost-1: its driver is gone'))
      await until('the experiment cleared', () => gone().length > 0)
      await until('no key left', async () => (await client.keys('*')).length === 0)
      expect(gone()).toHaveLength(1)
    } finally {
      await worker.close()
    }
  })

  it('one run handed to the same process twice (its lock lapsed): both attempts are answered apart, every report kept once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hp-redis-twice-'))
    const release = join(dir, 'release')
    const logger = memoryLogger()
    // Two threads, so the process can take the run again while its first attempt still holds; a fast stalled check.
    const worker = new RedisWorker({ connection: url, concurrency: 2, lockMs: 60_000, stalledCheckMs: 100, logger: memoryLogger() })
    try {
      const tuner = new Tuner(onRedis(url, { space: { x: 0.5, epochs: 4, hold: 3, release }, logger }))
      const fit = tuner.fit()
      const reports = countReports(tuner)
      await until('two reports', () => reports() === 2)
      const [id = ''] = await client.smembers(REGISTRY)
      // The lock lapses, as in a Redis outage longer than lockMs: BullMQ's stalled check hands the job out again.
      await client.del(`hyperpool:${id}:run-0:lock`)
      await until('the second attempt', () => logger.lines.some((line) => line.includes('trial 0: its worker')))
      writeFileSync(release, '')
      const results = await fit
      expect(results.trials.map((t) => [t.state, t.history.map((r) => r.training_iteration)])).toEqual([['completed', [1, 2, 3, 4]]])
      expect(logger.lines.find((line) => line.includes('trial 0: its worker'))).toMatch(
        /^warn: trial 0: its worker (\S+) was lost; it restarts on \1 after report 2$/,
      )
    } finally {
      await worker.close()
    }
  })

  it('a decision Redis refuses to carry ends its trial as errored, saying why, instead of leaving it waiting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hp-redis-refused-'))
    const release = join(dir, 'release')
    const worker = new RedisWorker({ connection: url, concurrency: 1, logger: memoryLogger() })
    try {
      const tuner = new Tuner(onRedis(url, { space: { x: 0.5, epochs: 3, hold: 2, release }, logger: memoryLogger() }))
      const fit = tuner.fit()
      const reports = countReports(tuner)
      await until('the first report', () => reports() === 1)
      const [id = ''] = await client.smembers(REGISTRY)
      // The worker's inbox becomes a string: Redis refuses the next decision with WRONGTYPE.
      const inbox = experimentKeys(id).worker(worker.name)
      await client.multi().del(inbox).set(inbox, 'not a stream').exec()
      writeFileSync(release, '')
      const results = await fit
      expect(results.trials[0]?.state).toBe('errored')
      expect(results.trials[0]?.error?.message).toMatch(/the driver could not send its decision to worker \S+: WRONGTYPE/)
    } finally {
      await worker.close()
    }
  })

  it('an experiment listed while its manifest is missing (Redis lost it; its driver publishes it again) is joined once it is back, not refused', async () => {
    const logger = memoryLogger()
    const worker = new RedisWorker({ connection: url, concurrency: 1, pollMs: 10, logger })
    const keys = experimentKeys('republished-1')
    try {
      await client.set(keys.alive, '1', 'PX', 60_000)
      await client.sadd(REGISTRY, 'republished-1')
      // Polls that find it listed without its manifest.
      await new Promise((resolve) => setTimeout(resolve, 300))
      const trainable = pathToFileURL(FIXTURE).href
      const manifest = {
        name: 'republished',
        trainable,
        trainableHash: await fileHash(trainable),
        dataChunks: 0,
        aliveMs: 10_000,
        keyTtlMs: 60_000,
      }
      await client.set(keys.manifest, JSON.stringify(manifest))
      await until('the worker to join', () => worker.experiments.includes('republished-1'))
      expect(logger.lines.join('\n')).not.toContain('refused experiment republished-1')
    } finally {
      await worker.close()
      await client.flushall()
    }
  })
})
