import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterEach, describe, expect, it } from 'vitest'
import { createLogger, RedisExecutor, Tuner } from '../../../src/index.ts'
import { countReports, freePort, onRedis, startWorker, until, type WorkerProcess } from './redis-server.ts'

const SERVER = '/usr/bin/redis-server'
/** The driver's liveness key lasts this long unrenewed: the outages below last longer, so it lapses during them. */
const ALIVE_MS = 500

/**
 * Redis restarting mid-run. These tests need a server they can stop and start
 * again, so they always start their own; they skip only where redis-server is
 * not installed. Restarted with its append-only file, Redis keeps the queue;
 * restarted without, it comes back empty and the driver publishes the
 * experiment again from what it holds.
 */
describe.skipIf(!existsSync(SERVER))('Redis restarting mid-run', { timeout: 180_000 }, () => {
  let server: ChildProcess | undefined
  let worker: WorkerProcess | undefined

  afterEach(() => {
    worker?.child.kill('SIGKILL')
    server?.kill('SIGKILL')
  })

  async function startServer(port: number, dir: string, persist: boolean): Promise<void> {
    const persistence = persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']
    server = spawn(SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', dir], {
      stdio: 'ignore',
    })
    // A bare TCP connect, which settles either way (a Redis client's command would wait through its reconnects).
    const open = () =>
      new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1')
        socket.once('connect', () => resolve(socket.destroy() !== undefined))
        socket.once('error', () => resolve(false))
      })
    await until('redis-server to listen', open, 60_000)
  }

  /**
   * Two trials of 5 reports, one at a time; the first holds at report 3 while Redis is killed, stays
   * away longer than the driver's liveness key lasts, and starts again (`persist`: with its data).
   */
  async function runThroughOutage(persist: boolean) {
    const dir = mkdtempSync(join(tmpdir(), 'hp-redis-restart-'))
    const port = await freePort()
    const url = `redis://127.0.0.1:${port}`
    await startServer(port, dir, persist)
    const release = join(dir, 'release')
    const lines: string[] = []
    const logger = createLogger({ level: 'info', sink: (level, message) => lines.push(`${level}: ${message}`) })
    // A lock longer than any outage here: a lapsed lock is the worker-killed case, tested in faults.test.ts.
    worker = startWorker(url, '--concurrency', '1', '--lock-ms', '120000')
    const tuner = new Tuner(
      onRedis(url, {
        space: { x: 0.5, epochs: 5, hold: 3, release },
        numSamples: 2,
        logger,
        executor: new RedisExecutor({ connection: url, aliveMs: ALIVE_MS }),
      }),
    )
    const fit = tuner.fit()
    const reports = countReports(tuner)
    await until('two reports before the outage', () => reports() >= 2, 45_000)
    const stopped = new Promise((resolve) => server?.once('exit', resolve))
    server?.kill('SIGKILL')
    await stopped
    await until('the driver to notice', () => lines.some((line) => line.includes('is unreachable')), 30_000)
    await until('the worker to notice', () => worker?.output().includes('is unreachable') ?? false, 30_000)
    // Away for longer than the liveness key lasts: with the append-only file, it comes back expired.
    await new Promise((resolve) => setTimeout(resolve, 4 * ALIVE_MS))
    await startServer(port, dir, persist)
    writeFileSync(release, '')
    let ended = false
    void fit.finally(() => {
      ended = true
    })
    // A run that does not end says what the driver and the worker logged.
    await until('the run to end after the outage', () => ended, 90_000).catch((error: Error) => {
      throw new Error(`${error.message}\n--- driver ---\n${lines.join('\n')}\n--- worker ---\n${worker?.output()}`)
    })
    const results = await fit
    // The driver removed the experiment's keys as it closed; a key BullMQ's worker wrote as it left goes at its next poll.
    const client = new Redis(url)
    await until('no key left', async () => (await client.keys('*')).length === 0).catch(() => {})
    const keys = await client.keys('*')
    client.disconnect()
    return { results, lines, keys }
  }

  it('with its data: the driver and the worker say so once, wait, and carry on; every report arrives once', async () => {
    const { results, lines, keys } = await runThroughOutage(true)
    expect(results.trials.map((t) => [t.state, t.history.map((r) => r.training_iteration)])).toEqual([
      ['completed', [1, 2, 3, 4, 5]],
      ['completed', [1, 2, 3, 4, 5]],
    ])
    expect(lines.filter((line) => line.includes('is unreachable'))).toHaveLength(1)
    expect(lines.filter((line) => line.includes('reachable again'))).toHaveLength(1)
    expect(lines.find((line) => line.includes('is unreachable'))).toMatch(
      /^warn: Redis at redis:\/\/127\.0\.0\.1:\d+\/? is unreachable \(.+\); retrying with backoff/,
    )
    // The worker did not take the lapsed liveness key for a dead driver, and the driver closed tidily: nothing left behind.
    expect(worker?.output()).not.toContain('its driver is gone')
    expect(lines.filter((line) => line.includes('did not answer'))).toEqual([])
    expect(keys).toEqual([])
    await until('the worker to say it once', () => worker?.output().includes('reachable again') ?? false)
    expect(worker?.output().match(/is unreachable/g)).toHaveLength(1)
  })

  it('without its data: the driver publishes the experiment again and queues the running trial again; every report arrives once', async () => {
    const { results, lines, keys } = await runThroughOutage(false)
    expect(results.trials.map((t) => [t.state, t.history.map((r) => r.training_iteration)])).toEqual([
      ['completed', [1, 2, 3, 4, 5]],
      ['completed', [1, 2, 3, 4, 5]],
    ])
    expect(lines.filter((line) => line.includes('Redis lost experiment')).length).toBeGreaterThanOrEqual(1)
    expect(lines.find((line) => line.includes('Redis lost experiment'))).toMatch(
      /^warn: Redis lost experiment \S+ \(restarted without its data\?\): publishing it again and queueing its 1 unfinished trial again/,
    )
    expect(keys).toEqual([])
  })
})
