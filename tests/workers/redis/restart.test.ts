import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { createLogger, RedisExecutor, Tuner } from '../../../src/index.ts'
import { freePort, startWorker, until, type WorkerProcess } from './redis-server.ts'

const FIXTURE = join(import.meta.dirname, '../../fixtures/distributed.ts')
const SERVER = '/usr/bin/redis-server'

/**
 * Redis restarting mid-run. This test needs a server it can stop and start
 * again, so it always starts its own (with an append-only file, so the
 * queue survives the restart, as a production Redis is run); it skips, with
 * this message, only where redis-server is not installed.
 */
describe.skipIf(!existsSync(SERVER))('Redis restarting mid-run', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hp-redis-restart-'))
  let server: ChildProcess | undefined
  let worker: WorkerProcess | undefined

  afterAll(() => {
    worker?.child.kill('SIGKILL')
    server?.kill('SIGKILL')
  })

  async function startServer(port: number): Promise<void> {
    server = spawn(
      SERVER,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir],
      {
        stdio: 'ignore',
      },
    )
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => 50 })
    probe.on('error', () => {})
    await until('redis-server to answer', async () => (await probe.ping().catch(() => '')) === 'PONG')
    probe.disconnect()
  }

  it('the driver and the worker say so once, wait, and carry on: every report arrives', async () => {
    const port = await freePort()
    const url = `redis://127.0.0.1:${port}`
    await startServer(port)
    const release = join(dir, 'release')
    const lines: string[] = []
    const logger = createLogger({ level: 'info', sink: (level, message) => lines.push(`${level}: ${message}`) })
    worker = startWorker(url, '--concurrency', '1')
    const tuner = new Tuner({
      trainable: FIXTURE,
      space: { x: 0.5, epochs: 5, hold: 3, release },
      metric: 'loss',
      numSamples: 1,
      concurrency: 1,
      seed: 1,
      storageDir: false,
      trackers: [],
      handleSignals: false,
      logger,
      executor: new RedisExecutor({ connection: url }),
    })
    const fit = tuner.fit()
    let reports = 0
    for await (const event of tuner.events()) {
      if (event.type === 'result') reports++
      if (reports === 2) break
    }
    const stopped = new Promise((resolve) => server?.once('exit', resolve))
    server?.kill('SIGTERM')
    await stopped
    await until('the driver to notice', () => lines.some((line) => line.includes('is unreachable')))
    await startServer(port)
    writeFileSync(release, '')
    const results = await fit
    expect(results.trials[0]?.state).toBe('completed')
    expect(results.trials[0]?.history.map((r) => r.training_iteration)).toEqual([1, 2, 3, 4, 5])
    expect(lines.filter((line) => line.includes('is unreachable'))).toHaveLength(1)
    expect(lines.filter((line) => line.includes('reachable again'))).toHaveLength(1)
    expect(lines.find((line) => line.includes('is unreachable'))).toMatch(
      /^warn: Redis at redis:\/\/127\.0\.0\.1:\d+\/? is unreachable \(.+\); retrying with backoff/,
    )
    await until('the worker to say it once', () => worker?.output().includes('reachable again') ?? false)
    expect(worker.output().match(/is unreachable/g)).toHaveLength(1)
  })
})
