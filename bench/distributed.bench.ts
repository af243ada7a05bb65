/**
 * The Redis executor against the local pool, side by side in one run, on a
 * redis-server this benchmark starts (or HYPERPOOL_REDIS_URL's):
 *
 * - no-op trials per second through Redis with 1, 2 and 4 worker processes
 *   of one thread, as a ratio to the local pool with as many threads;
 * - the efficiency of CPU-bound trials of ~200 ms on 2 single-thread worker
 *   processes against the local 2-thread pool (local time / Redis time);
 * - the time from a worker's SIGKILL to its trial reporting again on the
 *   other worker (with 1000 ms locks, checked every 300 ms): until the driver
 *   hears the run begin there;
 * - the driver's capacity: its CPU time per no-op trial through Redis, and
 *   the trials per second one driver core can decide from it.
 *
 * Contenders alternate within each repeat; ratios are taken per repeat, then
 * the median.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { createLogger, RedisExecutor, Tuner, type TunerOptions } from '../src/index.ts'
import { fmt, median, quick, writeResults } from './lib/report.ts'
import { sibling } from './lib/sibling.ts'
import { spin } from './lib/spin-trainable.ts'

const NOOP_TRIALS = quick ? 40 : 300
const CPU_TRIALS = quick ? 4 : 12
const REPEATS = quick ? 1 : 3
const WORKER_COUNTS = [1, 2, 4]
const TRAINABLE = sibling('lib/spin-trainable', import.meta.url)
const BIN = fileURLToPath(sibling('../src/cli/bin', import.meta.url))
const LOADER = import.meta.url.endsWith('.ts') ? ['--import', 'tsx'] : []

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  return typeof address === 'object' && address !== null ? address.port : 0
}

/** A Redis server for the run: HYPERPOOL_REDIS_URL's, or one started here. */
async function redisServer(): Promise<{ url: string; stop: () => void }> {
  if (process.env.HYPERPOOL_REDIS_URL) return { url: process.env.HYPERPOOL_REDIS_URL, stop: () => {} }
  if (!existsSync('/usr/bin/redis-server')) throw new Error('no Redis: set HYPERPOOL_REDIS_URL or install redis-server')
  const port = await freePort()
  const child = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  })
  await new Promise((resolve) => setTimeout(resolve, 300))
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill() }
}

/** `hyperpool worker` processes of one thread each, ready once each has said so. */
async function startWorkers(url: string, count: number, ...extra: string[]): Promise<ChildProcess[]> {
  const workers = Array.from({ length: count }, () =>
    spawn(process.execPath, [...LOADER, BIN, 'worker', '--redis', url, '--concurrency', '1', ...extra], {
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, HYPERPOOL_LOG_LEVEL: 'error' },
    }),
  )
  await Promise.all(workers.map((w) => new Promise((resolve) => w.stdout?.once('data', resolve))))
  return workers
}

async function stopWorkers(workers: readonly ChildProcess[]): Promise<void> {
  const exits = workers.map((w) => new Promise((resolve) => w.once('exit', resolve)))
  for (const worker of workers) worker.kill('SIGTERM')
  await Promise.all(exits)
}

function options(trials: number, concurrency: number, config: Record<string, number>, url?: string): TunerOptions {
  return {
    trainable: TRAINABLE,
    space: config,
    metric: 'loss',
    numSamples: trials,
    concurrency,
    seed: 1,
    trackers: [],
    storageDir: false,
    handleSignals: false,
    logLevel: 'error',
    ...(url === undefined ? {} : { executor: new RedisExecutor({ connection: url }) }),
  }
}

/** Wall seconds and driver CPU ms of one experiment. */
async function timed(o: TunerOptions): Promise<{ seconds: number; cpuMs: number }> {
  const wall = performance.now()
  const cpu = process.cpuUsage()
  await new Tuner(o).fit()
  const used = process.cpuUsage(cpu)
  return { seconds: (performance.now() - wall) / 1000, cpuMs: (used.user + used.system) / 1000 }
}

/** Spins that take about 200 ms here, measured on this thread. */
function calibrate(): number {
  const rounds = 2_000_000
  const start = performance.now()
  spin(rounds)
  return Math.round((rounds * 200) / (performance.now() - start))
}

async function killToRunning(url: string): Promise<number> {
  const fast = ['--lock-ms', '1000', '--stalled-check-ms', '300']
  const [first] = await startWorkers(url, 1, ...fast)
  let killedAt = 0
  let restartedAt = 0
  // The driver says so when the run begins again on another worker.
  const logger = createLogger({
    level: 'warn',
    sink: (_level, message) => {
      if (/was lost; it restarts/.test(message)) restartedAt ||= performance.now()
    },
  })
  const tuner = new Tuner({ ...options(1, 1, { spins: 0, epochs: 60, pauseMs: 50 }, url), logger })
  const fit = tuner.fit()
  let second: ChildProcess[] = []
  for await (const event of tuner.events()) {
    if (event.type === 'result' && event.result.training_iteration === 3 && killedAt === 0) {
      second = await startWorkers(url, 1, ...fast)
      first?.kill('SIGKILL')
      killedAt = performance.now()
    }
  }
  await fit
  await stopWorkers(second)
  return restartedAt - killedAt
}

const redis = await redisServer()
const noop = { spins: 0, epochs: 1, pauseMs: 0 }
const spins = calibrate()
const cpuConfig = { spins, epochs: 1, pauseMs: 0 }
const ratios = new Map<number, number[]>()
const rates = new Map<string, number[]>()
const driverCpu: number[] = []
const efficiencies: number[] = []
const cpuTimes: { local: number[]; redis: number[] } = { local: [], redis: [] }
const kills: number[] = []
try {
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    for (const count of WORKER_COUNTS) {
      const local = await timed(options(NOOP_TRIALS, count, noop))
      const workers = await startWorkers(redis.url, count)
      const remote = await timed(options(NOOP_TRIALS, count, noop, redis.url))
      await stopWorkers(workers)
      ratios.set(count, [...(ratios.get(count) ?? []), local.seconds / remote.seconds])
      rates.set(`local ${count}`, [...(rates.get(`local ${count}`) ?? []), NOOP_TRIALS / local.seconds])
      rates.set(`redis ${count}`, [...(rates.get(`redis ${count}`) ?? []), NOOP_TRIALS / remote.seconds])
      driverCpu.push(remote.cpuMs / NOOP_TRIALS)
    }
    const local = await timed(options(CPU_TRIALS, 2, cpuConfig))
    const workers = await startWorkers(redis.url, 2)
    const remote = await timed(options(CPU_TRIALS, 2, cpuConfig, redis.url))
    await stopWorkers(workers)
    efficiencies.push(local.seconds / remote.seconds)
    cpuTimes.local.push(local.seconds)
    cpuTimes.redis.push(remote.seconds)
    kills.push(await killToRunning(redis.url))
  }
} finally {
  redis.stop()
}

const perTrialMs = median(driverCpu)
writeResults('distributed', [
  {
    title: `No-op trials per second, ${NOOP_TRIALS} trials of one report, worker processes of one thread against the local pool with as many threads`,
    columns: ['threads', 'local pool, trials/s', 'Redis, trials/s', 'Redis / local'],
    rows: WORKER_COUNTS.map((count) => [
      count,
      fmt(median(rates.get(`local ${count}`) ?? [])),
      fmt(median(rates.get(`redis ${count}`) ?? [])),
      fmt(median(ratios.get(count) ?? [])),
    ]),
    note: `Median of ${REPEATS} repeats; the ratio is taken within each repeat (local then Redis, workers started before the Redis timer).`,
  },
  {
    title: `CPU-bound trials: ${CPU_TRIALS} trials of ~200 ms of arithmetic, 2 worker processes of one thread against the local 2-thread pool`,
    columns: ['local 2 threads, s', 'Redis 2 processes, s', 'efficiency (local / Redis)', 'goal'],
    rows: [[fmt(median(cpuTimes.local)), fmt(median(cpuTimes.redis)), fmt(median(efficiencies)), '>= 0.9']],
    note: `${spins} rounds per trial, calibrated to 200 ms on the driver's thread at the start of the run.`,
  },
  {
    title: 'From a worker SIGKILLed mid-trial to its trial running again on another worker',
    columns: ['lockMs', 'stalledCheckMs', 'median ms', 'each run, ms'],
    rows: [[1000, 300, fmt(median(kills)), kills.map((ms) => fmt(ms)).join(', ')]],
    note: 'The other worker was started just before the kill, so this is detection and restart, not process start-up. The bound is about lockMs + 2 × stalledCheckMs (BullMQ marks a job at one check and moves it at the next).',
  },
  {
    title: "The driver's capacity: its CPU per no-op trial through Redis (one report, searcher, scheduler, queueing, the round trip)",
    columns: ['driver CPU ms per trial', 'trials/s one driver core can decide'],
    rows: [[fmt(perTrialMs), fmt(1000 / perTrialMs)]],
    note: 'Median over every Redis no-op run. Sizing from it: docs/distributed.md.',
  },
])
