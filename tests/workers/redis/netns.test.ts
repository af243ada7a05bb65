import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisExecutor, Tuner } from '../../../src/index.ts'
import { freePort, until } from './redis-server.ts'

const ROOT = join(import.meta.dirname, '../../..')
const FIXTURE = join(ROOT, 'tests/fixtures/distributed.ts')
const SERVER = '/usr/bin/redis-server'

/**
 * The worker in a network namespace of its own, joined to this one by a
 * veth pair; Redis listens only on this side's veth address. The worker's
 * 127.0.0.1 is its own namespace's, where nothing listens: the run works
 * only if nothing relies on localhost. Needs root (ip netns) and
 * redis-server; skips with the reason where either is missing.
 */
const id = process.pid % 200
const NS = `hp-netns-${process.pid}`
const VETH = `hpv${process.pid % 100_000}`
const HOST_IP = `10.231.${id}.1`
const WORKER_IP = `10.231.${id}.2`

function namespacesUnavailable(): string | undefined {
  if (!existsSync(SERVER)) return 'redis-server is not installed'
  if (process.getuid?.() !== 0) return 'network namespaces need root'
  try {
    execFileSync('ip', ['netns', 'add', NS], { stdio: 'pipe' })
    return undefined
  } catch (error) {
    return `ip netns add failed: ${(error as Error).message}`
  }
}
const unavailable = namespacesUnavailable()
if (unavailable !== undefined) console.warn(`skipping the network-namespace test: ${unavailable}`)

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' })

describe.skipIf(unavailable !== undefined)('Redis and a worker in separate network namespaces', { timeout: 180_000 }, () => {
  let server: ChildProcess | undefined
  let worker: ChildProcess | undefined
  let output = ''
  let url = ''

  beforeAll(async () => {
    ip('link', 'add', `${VETH}a`, 'type', 'veth', 'peer', 'name', `${VETH}b`)
    ip('link', 'set', `${VETH}b`, 'netns', NS)
    ip('addr', 'add', `${HOST_IP}/30`, 'dev', `${VETH}a`)
    ip('link', 'set', `${VETH}a`, 'up')
    ip('netns', 'exec', NS, 'ip', 'addr', 'add', `${WORKER_IP}/30`, 'dev', `${VETH}b`)
    ip('netns', 'exec', NS, 'ip', 'link', 'set', `${VETH}b`, 'up')
    ip('netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up')
    const port = await freePort()
    server = spawn(SERVER, ['--port', String(port), '--bind', HOST_IP, '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
      stdio: 'ignore',
    })
    url = `redis://${HOST_IP}:${port}`
  })
  afterAll(() => {
    worker?.kill('SIGKILL')
    server?.kill('SIGKILL')
    try {
      ip('link', 'del', `${VETH}a`)
    } catch {}
    try {
      ip('netns', 'del', NS)
    } catch {}
  })

  it('runs every trial on a worker that reaches Redis only over the veth', async () => {
    const port = new URL(url).port
    // The worker's own localhost has no Redis: a connection there is refused.
    const probe = `require('node:net').connect(${port}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(3))`
    expect(() => execFileSync('ip', ['netns', 'exec', NS, process.execPath, '-e', probe], { stdio: 'pipe' })).toThrow()
    worker = spawn(
      'ip',
      [
        'netns',
        'exec',
        NS,
        process.execPath,
        '--import',
        'tsx',
        join(ROOT, 'src/cli/bin.ts'),
        'worker',
        '--redis',
        url,
        '--concurrency',
        '1',
      ],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    worker.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    worker.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    await until('the worker to start', () => output.includes('waiting for experiments'), 60_000)
    const results = await new Tuner({
      trainable: FIXTURE,
      space: { x: 0.25, epochs: 3 },
      metric: 'loss',
      numSamples: 3,
      concurrency: 1,
      seed: 2,
      storageDir: false,
      trackers: [],
      handleSignals: false,
      logLevel: 'error',
      data: { values: new Float64Array([10]) },
      executor: new RedisExecutor({ connection: url }),
    }).fit()
    expect(results.trials.map((t) => [t.state, t.history.length])).toEqual(Array(3).fill(['completed', 3]))
    for (const trial of results.trials) expect(trial.lastResult?.loss).toBeGreaterThan(10)
    expect(output).toMatch(/joined experiment/)
  })
})
