import { appendFileSync, copyFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/cli/main.ts'
import {
  ConfigError,
  createLogger,
  RedisExecutor,
  RedisWorker,
  type Scheduler,
  Tuner,
  type TunerOptions,
  uniform,
} from '../../../src/index.ts'
import { redisUnavailable, startRedis, startWorker, type TestRedis, until, type WorkerProcess } from './redis-server.ts'

const FIXTURE = join(import.meta.dirname, '../../fixtures/distributed.ts')

/** The log lines a Tuner wrote, to check what the user is told. */
function capturedLogger() {
  const lines: string[] = []
  return { lines, logger: createLogger({ level: 'info', sink: (level, message) => lines.push(`${level}: ${message}`) }) }
}

describe.skipIf(redisUnavailable !== undefined)('RedisExecutor with real worker processes', { timeout: 120_000 }, () => {
  let redis: TestRedis
  let workers: WorkerProcess[] = []
  const storage = mkdtempSync(join(tmpdir(), 'hp-redis-'))

  beforeAll(async () => {
    redis = await startRedis(1)
  })
  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL')
    await redis?.stop()
  })

  /** The driver removes the experiment's keys at its end; a worker leaving it removes any its BullMQ worker wrote as it closed. */
  async function noKeysLeft(): Promise<void> {
    await until('no key left', async () => (await redis.client.keys('*')).length === 0).catch(() => {})
    expect(await redis.client.keys('*')).toEqual([])
  }

  function options(extra: Partial<TunerOptions>): TunerOptions {
    return {
      trainable: FIXTURE,
      space: { x: uniform(-1, 1), epochs: 4 },
      metric: 'loss',
      numSamples: 6,
      concurrency: 2,
      seed: 3,
      trackers: [],
      storageDir: storage,
      handleSignals: false,
      executor: new RedisExecutor({ connection: redis.url }),
      ...extra,
    }
  }

  it('runs every trial on two worker processes, with the data published once, and leaves no key behind', async () => {
    workers = [startWorker(redis.url, '--concurrency', '1'), startWorker(redis.url, '--concurrency', '1')]
    const { lines, logger } = capturedLogger()
    const results = await new Tuner(options({ name: 'two', data: { values: new Float64Array([100]) }, logger })).fit()
    expect(results.trials.map((t) => t.state)).toEqual(Array(6).fill('completed'))
    expect(results.trials.map((t) => t.history.map((r) => r.training_iteration))).toEqual(Array(6).fill([1, 2, 3, 4]))
    // The published data reached the workers' threads.
    for (const trial of results.trials) expect(trial.lastResult?.loss).toBeGreaterThan(100)
    expect(lines.filter((line) => line.includes('joined the experiment')).length).toBe(2)
    await noKeysLeft()
  })

  it('lands a stop at the report that caused it', async () => {
    const stopAtTwo: Scheduler = {
      setup() {},
      onTrialAdd() {},
      onTrialResult: (_trial, result) => (result.training_iteration === 2 ? 'stop' : 'continue'),
      onTrialComplete() {},
    }
    const results = await new Tuner(options({ name: 'stops', scheduler: stopAtTwo, numSamples: 4 })).fit()
    expect(results.trials.map((t) => [t.state, t.history.length])).toEqual(Array(4).fill(['stopped', 2]))
  })

  it('a worker whose copy of the trainable differs refuses the experiment, and the driver says so', async () => {
    for (const worker of workers) worker.child.kill('SIGTERM')
    await Promise.all(workers.map((w) => w.exit))
    const dir = mkdtempSync(join(tmpdir(), 'hp-redis-copy-'))
    const copy = join(dir, 'trainable.ts')
    copyFileSync(FIXTURE, copy)
    const { lines, logger } = capturedLogger()
    const abort = new AbortController()
    const fit = new Tuner(options({ name: 'refused', trainable: copy, logger, signal: abort.signal })).fit()
    await until('the experiment published', async () => (await redis.client.smembers('hyperpool:experiments')).length === 1)
    appendFileSync(copy, '\n// edited after the driver started\n')
    workers = [startWorker(redis.url, '--concurrency', '1')]
    await until('the refusal on the driver', () => lines.some((line) => line.includes('refused the experiment')))
    const refusal = lines.find((line) => line.includes('refused the experiment')) ?? ''
    expect(refusal).toMatch(
      /^error: worker .+ refused the experiment: this machine's copy of the trainable .*trainable\.ts differs from the driver's/,
    )
    expect(workers[0]?.output()).toMatch(/refused experiment refused-\w+: this machine's copy/)
    abort.abort()
    const results = await fit
    expect(results.interrupted).toBe(true)
    await noKeysLeft()
    workers[0]?.child.kill('SIGTERM')
    await workers[0]?.exit
  })

  it('a RedisWorker started from code runs trials too, with data from a data module it loads itself', async () => {
    const { lines, logger } = capturedLogger()
    const worker = new RedisWorker({ connection: redis.url, concurrency: 2, logger, pollMs: 50 })
    try {
      const executor = new RedisExecutor({
        connection: redis.url,
        dataModule: join(import.meta.dirname, '../../fixtures/distributed-data.ts'),
      })
      const results = await new Tuner(options({ name: 'in-process', executor, numSamples: 4 })).fit()
      expect(results.trials.map((t) => t.state)).toEqual(Array(4).fill('completed'))
      for (const trial of results.trials) expect(trial.lastResult?.loss).toBeGreaterThan(1000)
      expect(lines.some((line) => /^info: joined experiment in-process-\w+ \(in-process\)$/.test(line))).toBe(true)
      await until('the worker to leave the ended experiment', () => worker.experiments.length === 0)
    } finally {
      await worker.close()
    }
    await noKeysLeft()
  })

  it('refuses data over maxDataMb, pointing at dataModule, before any trial runs', async () => {
    const executor = new RedisExecutor({ connection: redis.url, maxDataMb: 1 })
    const tuner = new Tuner(options({ name: 'big', executor, data: { values: new Float64Array(300_000) } }))
    await expect(tuner.fit()).rejects.toThrow(
      /RedisExecutor\(\{ maxDataMb \}\): the data takes 2\.3 MB once serialized, over the limit of 1 MB .*give dataModule/,
    )
    await noKeysLeft()
  })
})

describe('RedisExecutor and RedisWorker options', () => {
  it('refuses a URL that is not redis:// or rediss://, naming the option and the value', () => {
    expect(() => new RedisExecutor({ connection: 'http://127.0.0.1:6379' })).toThrow(ConfigError)
    expect(() => new RedisExecutor({ connection: 'http://127.0.0.1:6379' })).toThrow(
      'RedisExecutor({ connection }): must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379, got "http://127.0.0.1:6379"',
    )
    expect(() => new RedisWorker({ connection: 'not a url' })).toThrow('RedisWorker({ connection }): must be a redis:// or rediss:// URL')
  })

  it('refuses an unknown option with a guess', () => {
    expect(() => new RedisExecutor({ connection: 'redis://h', aliveMS: 5 } as never)).toThrow(/aliveMS.*aliveMs/)
    expect(() => new RedisWorker({ connection: 'redis://h', concurency: 2 } as never)).toThrow(/concurency.*concurrency/)
  })

  it('refuses a keyTtlMs under 3 refresh periods of the 2 s reconnection wait, saying why', () => {
    expect(() => new RedisExecutor({ connection: 'redis://h', keyTtlMs: 10 })).toThrow(ConfigError)
    // 300 was the old floor: refreshed every 100 ms, a SCAN of the keyspace each time, lapsed by one reconnection wait.
    expect(() => new RedisExecutor({ connection: 'redis://h', keyTtlMs: 300 })).toThrow(
      'RedisExecutor({ keyTtlMs }): must be an integer >= 6000 (3 refresh periods of keyTtlMs / 3, each at least the 2000 ms reconnection wait), got 300',
    )
    expect(() => new RedisExecutor({ connection: 'redis://h', keyTtlMs: 5999 })).toThrow(/>= 6000.*got 5999/)
    expect(() => new RedisExecutor({ connection: 'redis://h', keyTtlMs: 6000 })).not.toThrow()
    expect(() => new RedisExecutor({ connection: 'redis://h', keyTTLMs: 1000 } as never)).toThrow(/keyTTLMs.*keyTtlMs/)
  })

  it('the Tuner refuses an executor without open()', () => {
    const tuner = () => new Tuner({ trainable: FIXTURE, space: { x: uniform(0, 1) }, metric: 'loss', executor: {} as never })
    expect(tuner).toThrow(ConfigError)
    expect(tuner).toThrow(/Tuner\(\{ executor \}\): must be an executor such as new RedisExecutor/)
  })
})

describe('hyperpool worker', () => {
  const io = () => {
    const out = { stdout: '', stderr: '' }
    const write = (stream: 'stdout' | 'stderr') => (text: string) => {
      out[stream] += text
    }
    return { out, io: { stdout: write('stdout'), stderr: write('stderr') } }
  }

  it('--help says how to start one', async () => {
    const { out, io: cli } = io()
    expect(await runCli(['worker', '--help'], cli)).toBe(0)
    expect(out.stdout).toContain('Usage: hyperpool worker --redis <url> [flags]')
  })

  it('without --redis, or with a bad URL, says what is needed', async () => {
    const missing = io()
    expect(await runCli(['worker'], missing.io)).toBe(2)
    expect(missing.out.stderr).toContain('worker: --redis <url> is needed, e.g. --redis redis://127.0.0.1:6379')
    const bad = io()
    expect(await runCli(['worker', '--redis', 'localhost:6379'], bad.io)).toBe(1)
    expect(bad.out.stderr).toContain('ConfigError: RedisWorker({ connection }): must be a redis:// or rediss:// URL')
  })
})
