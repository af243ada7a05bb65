/**
 * A Redis server for the Redis executor's tests, and worker processes on it.
 *
 * HYPERPOOL_REDIS_URL set (as .ci/run does): the tests use that server, and
 * run or fail, never skip. Not set: they start their own redis-server (from
 * Debian's package, /usr/bin/redis-server) on a free port, or, where there
 * is none, skip with a message that says so. Each test file uses its own
 * database number, so files running side by side do not see each other's keys.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { RedisExecutor, type Tuner, type TunerOptions } from '../../../src/index.ts'

const ROOT = join(import.meta.dirname, '../../..')
const SERVER = '/usr/bin/redis-server'

/** Why the Redis tests cannot run here, or undefined when they can. */
export const redisUnavailable: string | undefined =
  process.env.HYPERPOOL_REDIS_URL || existsSync(SERVER)
    ? undefined
    : `no Redis: set HYPERPOOL_REDIS_URL, or install redis-server (apt-get install redis-server) so the tests start one`

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** A Redis server and its URL at database `db`; `stop` ends it if this started it. */
export interface TestRedis {
  readonly url: string
  readonly client: Redis
  stop(): Promise<void>
}

/** Starts (or reuses, see above) a Redis server; `db` keeps this file's keys apart. */
export async function startRedis(db: number): Promise<TestRedis> {
  let base = process.env.HYPERPOOL_REDIS_URL
  let server: ChildProcess | undefined
  if (!base) {
    const port = await freePort()
    server = spawn(SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
    base = `redis://127.0.0.1:${port}`
  }
  const url = `${base.replace(/\/\d*$/, '')}/${db}`
  const client = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 50, 500) })
  // Refused until the server started listening: the commands wait and retry.
  client.on('error', () => {})
  await client.flushdb()
  return {
    url,
    client,
    async stop() {
      client.disconnect()
      server?.kill()
    },
  }
}

/** A worker process, `hyperpool worker` run from this source under tsx. */
export interface WorkerProcess {
  readonly child: ChildProcess
  /** What it printed so far, both streams. */
  output(): string
  /** Resolves with its exit code (or signal) once it has ended. */
  readonly exit: Promise<number | NodeJS.Signals | null>
}

/** Starts `hyperpool worker --redis url ...args` as a child process. */
export function startWorker(url: string, ...args: string[]): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), 'worker', '--redis', url, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HYPERPOOL_LOG_LEVEL: 'info' },
  })
  let text = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString()
  })
  const exit = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)))
  return { child, output: () => text, exit }
}

/** Resolves once `test()` holds, checking as things happen elsewhere (every 20 ms); rejects after `limitMs`, naming `what`. */
export async function until(what: string, test: () => boolean | Promise<boolean>, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** The trainable every Redis test runs: reports `epochs` times, can hold until a file appears (see the fixture). */
export const FIXTURE = join(import.meta.dirname, '../../fixtures/distributed.ts')

/**
 * A Tuner's options for {@link FIXTURE} on a RedisExecutor at `url`: one trial at a time, seeded, nothing written to
 * disk, no tracker, no signal handler; `extra` gives the space and whatever else the test varies (its own executor too).
 */
export function onRedis(url: string, extra: Partial<TunerOptions> & Pick<TunerOptions, 'space'>): TunerOptions {
  return {
    trainable: FIXTURE,
    metric: 'loss',
    numSamples: 1,
    concurrency: 1,
    seed: 1,
    storageDir: false,
    trackers: [],
    handleSignals: false,
    executor: new RedisExecutor({ connection: url }),
    ...extra,
  }
}

/** How many results `tuner` has reported so far: counts its events in the background from now on. */
export function countReports(tuner: Tuner): () => number {
  let reports = 0
  void (async () => {
    for await (const event of tuner.events()) if (event.type === 'result') reports++
  })()
  return () => reports
}
