/**
 * Per-trial overhead of hyperpool against the thread pool it runs on, side
 * by side in one process: no-op trials (one report each) through the whole
 * path (random search over 10 parameters, dispatch to the pool, the report
 * round trip, the FIFO scheduler, with and without the experiment's journal)
 * against bare piscina running no-op tasks on the same number of threads,
 * and against bare piscina whose tasks also make one report round trip on a
 * link of their thread (four messages per task: what a trial whose report
 * waits for its decision sends; under FIFO a no-op trial's report travels one
 * way, inside its result, so it sends two).
 * The contenders alternate, repeat after repeat, in the orders of a Williams
 * design (each contender follows every other equally often), so that a
 * machine busy with other work slows them alike and no contender pays for
 * always following the same one; every ratio is taken within one repeat, then
 * the median over repeats.
 *
 * hyperpool is the package as shipped: compiled (`npm run bench`), the import
 * of 'hyperpool' is the package's own dist/ (Node resolves a package's name
 * from inside it), built first by `npm run bench`, so its worker threads load
 * what a user's do. Run from source (tsx), it is src/.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { MessagePort } from 'node:worker_threads'
import { type Config, RandomSearch } from 'hyperpool'
import { Piscina } from 'piscina'
import { now } from './lib/naive-task.ts'
import { NOOP_SPACE } from './lib/noop-space.ts'
import { noopTuner } from './lib/noop-tuner.ts'
import { fmt, median, quantile, quick, writeResults } from './lib/report.ts'
import { sibling } from './lib/sibling.ts'

const TRIALS = quick ? 500 : 10_000
// Two full Williams designs of the five contenders (10 orders each); quick mode, the first two orders.
const REPEATS = quick ? 2 : 20
const THREADS = 2

const space = NOOP_SPACE

/**
 * One run of a contender: tasks per second end to end (pool start and stop included), the start-up to
 * the first task running, the CPU time per task of the whole process (driver and worker threads), and
 * the CPU each worker thread used before its first task began (the median of the threads; NaN where
 * Linux's per-thread statistics are absent).
 */
interface Run {
  readonly perSecond: number
  readonly startupMs: number
  readonly cpuUs: number
  readonly threadStartupCpuMs: number
}

/** Starts timing a run (wall clock, and CPU of the whole process); the function returned ends it. */
function startClock(): (tasks: number, firstReady: number, threadStartupCpuMs: readonly number[]) => Run {
  const wall = now()
  const cpu = process.cpuUsage()
  return (tasks, firstReady, threadStartupCpuMs) => {
    const used = process.cpuUsage(cpu)
    return {
      perSecond: tasks / ((now() - wall) / 1000),
      startupMs: firstReady - wall,
      cpuUs: (used.user + used.system) / tasks,
      threadStartupCpuMs: threadStartupCpuMs.length > 0 ? median(threadStartupCpuMs) : Number.NaN,
    }
  }
}

/** What a task or trial tells of its start: when it began, and (its thread's first) the CPU its thread used before it. */
interface Start {
  readonly readyAt: number
  readonly startupCpuMs?: number
}

/** The configs hyperpool's random search proposes, drawn ahead (untimed) so bare piscina carries the same tasks. */
function drawConfigs(count: number): Config[] {
  const search = new RandomSearch()
  search.setup({ space, metric: 'loss', mode: 'min', seed: 1, numSamples: count })
  return Array.from({ length: count }, (_, id) => search.suggest(id) as Config)
}

/**
 * Bare piscina on the same threads, with the same configs as tasks. `inFlight`: a new task as each one
 * ends, at most one per thread, as the Tuner starts a trial when a slot frees; otherwise every task is
 * queued at once (then the driver spends its first moments queueing, which delays the first task).
 */
async function barePiscina(configs: readonly Config[], inFlight: boolean, report = false): Promise<Run> {
  const stop = startClock()
  const pool = new Piscina({
    filename: sibling(report ? 'lib/noop-report-task' : 'lib/noop-task', import.meta.url).href,
    minThreads: THREADS,
    maxThreads: THREADS,
    idleTimeout: Number.POSITIVE_INFINITY,
  })
  // `report`: each thread's link (see noop-report-task.ts); every report is answered at once.
  const links: MessagePort[] = []
  pool.on('message', (message: { type?: string; port?: MessagePort }) => {
    if (message.type !== 'bench:link' || message.port === undefined) return
    const link = message.port
    links.push(link)
    link.on('message', () => link.postMessage('continue'))
  })
  let firstReady = Number.POSITIVE_INFINITY
  const threadCpu: number[] = []
  const take = (reply: Start) => {
    firstReady = Math.min(firstReady, reply.readyAt)
    if (reply.startupCpuMs !== undefined) threadCpu.push(reply.startupCpuMs)
  }
  if (inFlight) {
    let next = 0
    const lane = async () => {
      while (next < configs.length) take(await pool.run(configs[next++]))
    }
    await Promise.all(Array.from({ length: THREADS }, lane))
  } else {
    for (const reply of await Promise.all(configs.map((config) => pool.run(config)))) take(reply)
  }
  await pool.destroy()
  for (const link of links) link.close()
  return stop(configs.length, firstReady, threadCpu)
}

/** `journal`: the experiment keeps its journal in a folder, as by default; false: `storageDir: false`. No tracker either way. */
async function hyperpool(journal: boolean): Promise<Run> {
  const storageDir = mkdtempSync(join(tmpdir(), 'hyperpool-overhead-'))
  try {
    const tuner = noopTuner(TRIALS, THREADS, journal ? storageDir : false)
    const stop = startClock()
    const results = await tuner.fit()
    const starts = results.trials.map((t) => t.history[0] as unknown as Start)
    const threadCpu = starts.flatMap((start) => (start.startupCpuMs === undefined ? [] : [start.startupCpuMs]))
    const run = stop(TRIALS, Math.min(...starts.map((start) => start.readyAt)), threadCpu)
    if (results.trials.some((t) => t.state !== 'completed')) throw new Error('a no-op trial did not complete')
    return run
  } finally {
    rmSync(storageDir, { recursive: true, force: true })
  }
}

/**
 * The orders of a Williams design for n contenders: within the orders each contender runs first once (or twice)
 * and follows every other equally often (2n orders for an odd n, the rows and their mirror images; n for an even n).
 */
function williamsOrders(n: number): number[][] {
  const first = Array.from({ length: n }, (_, j) => (j % 2 === 1 ? (j + 1) / 2 : (n - j / 2) % n))
  const rows = Array.from({ length: n }, (_, i) => first.map((c) => (c + i) % n))
  return n % 2 === 0 ? rows : [...rows, ...rows.map((row) => [...row].reverse())]
}

const configs = drawConfigs(TRIALS)
const contenders: Array<[string, () => Promise<Run>]> = [
  ['bare piscina (no-op tasks)', () => barePiscina(configs, true)],
  ['bare piscina, every task queued at once', () => barePiscina(configs, false)],
  ['bare piscina + one report round trip per task', () => barePiscina(configs, true, true)],
  ['hyperpool, no journal (storageDir: false)', () => hyperpool(false)],
  ['hyperpool, with its journal (the default)', () => hyperpool(true)],
]
const runs = new Map<string, Run[]>(contenders.map(([label]) => [label, []]))
const collect = (globalThis as { gc?: () => void }).gc
// A fixed order, even rotated, gives each contender the same predecessor every time, and side-by-side runs
// showed the predecessor moving a contender by up to 10%.
const orders = williamsOrders(contenders.length)
for (let r = 0; r < REPEATS; r++) {
  for (const index of orders[r % orders.length] as number[]) {
    const [label, run] = contenders[index] as [string, () => Promise<Run>]
    collect?.()
    runs.get(label)?.push(await run())
  }
  process.stderr.write(`  repeat ${r + 1}/${REPEATS}\n`)
}

/**
 * Cold starts: each in a process of its own (bench/lib/startup-child.ts), as a program that calls fit() once
 * meets it, where the runs above reuse the warm code of the repeats before. Same orders design. Twice over: with
 * the workload modules the runs above load on both sides, and with a task and a trainable that import nothing, so
 * the start-up is the pool's own and hyperpool's (what a user who times an empty task against an empty trainable
 * sees). Each hyperpool row's ratio is to the bare piscina row of its group. 30 repeats, five full designs: three runs
 * of 12 on the same code moved a row's median by up to 0.1 (1.10 to 1.20), too much for a goal line at 1.2.
 */
const COLD_REPEATS = quick ? 1 : 30
interface ColdContender {
  readonly label: string
  readonly args: readonly string[]
  /** The bare piscina row this one is a ratio to. */
  readonly base: string
}
const WORKLOAD_BASE = 'bare piscina (no-op tasks)'
const EMPTY_BASE = 'bare piscina, a task that imports nothing'
const coldContenders: readonly ColdContender[] = [
  { label: WORKLOAD_BASE, args: ['piscina'], base: WORKLOAD_BASE },
  { label: 'hyperpool, no journal (storageDir: false)', args: ['hyperpool'], base: WORKLOAD_BASE },
  { label: 'hyperpool, with its journal (the default)', args: ['journal'], base: WORKLOAD_BASE },
  { label: EMPTY_BASE, args: ['piscina', 'empty'], base: EMPTY_BASE },
  { label: 'hyperpool, no journal, a trainable that imports nothing', args: ['hyperpool', 'empty'], base: EMPTY_BASE },
  { label: 'hyperpool, with its journal, a trainable that imports nothing', args: ['journal', 'empty'], base: EMPTY_BASE },
]
const coldChild = fileURLToPath(sibling('lib/startup-child', import.meta.url))
const coldOrders = williamsOrders(coldContenders.length)
const cold = new Map<string, number[]>(coldContenders.map(({ label }) => [label, []]))
for (let r = 0; r < COLD_REPEATS; r++) {
  for (const index of coldOrders[r % coldOrders.length] as number[]) {
    const { label, args } = coldContenders[index] as ColdContender
    const child = spawnSync(process.execPath, [coldChild, ...args], { encoding: 'utf8' })
    const ms = Number(child.stdout.trim())
    if (child.status !== 0 || !Number.isFinite(ms)) throw new Error(`cold start of ${args.join(' ')} failed: ${child.stderr}`)
    cold.get(label)?.push(ms)
  }
}
process.stderr.write(`  ${COLD_REPEATS} cold starts of each\n`)

const [baseLabel] = contenders[0] as [string, unknown]
const base = runs.get(baseLabel) as Run[]
const spread = (values: readonly number[], digits = 3) =>
  `${fmt(quantile(values, 0.25), digits)}–${fmt(quantile(values, 0.75), digits)} (${fmt(Math.min(...values), digits)}–${fmt(Math.max(...values), digits)})`

/** One measure of every contender: its median and spread, and its ratio to bare piscina, repeat by repeat. */
function measureRows(measure: keyof Run, goal: (label: string, ratio: number) => string, digits = 3): Array<Array<string | number>> {
  return contenders.map(([label]) => {
    const own = runs.get(label) as Run[]
    const values = own.map((run) => run[measure])
    const ratios = own.map((run, r) => run[measure] / (base[r] as Run)[measure])
    const ratio = median(ratios)
    const mine = label !== baseLabel
    return [label, fmt(median(values), digits), spread(values, digits), fmt(ratio), mine ? spread(ratios) : '', goal(label, ratio)]
  })
}
const ours = (label: string) => label.startsWith('hyperpool')
const verdict = (met: boolean) => (met ? 'met' : 'not met')

writeResults(
  'overhead',
  [
    {
      title: `No-op trials per second against bare piscina, ${THREADS} threads, ${TRIALS} per run`,
      columns: ['path', 'per s (median)', 'per s: IQR (min–max)', 'ratio to piscina (median)', 'ratio: IQR (min–max)', 'goal'],
      rows: measureRows(
        'perSecond',
        (label, ratio) => {
          const floor = label.includes('with its journal') ? 0.4 : 0.5
          return ours(label) ? `≥ ${floor}: ${verdict(ratio >= floor)}` : ''
        },
        4,
      ),
      note:
        `${REPEATS} repeats in one process, the contenders in the orders of a Williams design (each follows every other equally often); a run starts and stops its pool, so start-up is included. ` +
        'A ratio is taken within each repeat (the run / the bare piscina run of the same repeat), then the median over repeats. ' +
        'Bare piscina runs its defaults (Atomics on) with one task in flight per thread, a new one as each ends (the way the Tuner fills its slots); ' +
        'the row below it is handed every task at once instead. Its tasks carry the same 10-parameter configs, drawn ahead. ' +
        "The third row: each task also sends one report on its thread's own link and waits for the answer " +
        '(four messages per task, what a trial whose report waits for its decision sends), and nothing else of hyperpool; ' +
        "under FIFO with no per-report stop criterion a hyperpool no-op trial's report travels one way, inside its result (two messages). " +
        "Neither hyperpool row has a tracker (no console reporter); the journal row writes the experiment's journal as every default run does.",
    },
    {
      title: 'Start-up: from fit() (or new Piscina) to the first trial (or task) running, ms',
      columns: ['path', 'ms (median)', 'ms: IQR (min–max)', 'ratio to piscina (median)', 'ratio: IQR (min–max)', 'goal'],
      rows: measureRows('startupMs', (label, ratio) => (ours(label) ? `≤ 1.2: ${verdict(ratio <= 1.2)}` : '')),
      note: 'Measured in the same runs: both include starting the threads and loading the task module; hyperpool also its trainable and its own setup.',
    },
    {
      title: 'Start-up in a fresh process: from fit() (or new Piscina) to the first trial (or task) running, ms',
      columns: ['path', 'ms (median)', 'ms: IQR (min–max)', 'ratio to piscina (median)', 'ratio: IQR (min–max)', 'goal'],
      rows: coldContenders.map(({ label, base }) => {
        const values = cold.get(label) as number[]
        const bare = cold.get(base) as number[]
        const ratios = values.map((ms, r) => ms / (bare[r] as number))
        const ratio = median(ratios)
        const mine = ours(label)
        return [
          label,
          fmt(median(values)),
          spread(values),
          fmt(ratio),
          mine ? spread(ratios) : '',
          mine ? `≤ 1.2: ${verdict(ratio <= 1.2)}` : '',
        ]
      }),
      note:
        `${COLD_REPEATS} repeats, each contender in a process of its own (bench/lib/startup-child.ts), in the orders of a Williams design; ` +
        'a ratio is taken within a repeat, to the bare piscina row of its group: the first three load the workload modules of the runs above on ' +
        'both sides (the ridge code, seedrandom), the last three a task and a trainable that import nothing. The process imports its modules first (untimed), then times what the table above times, once: ' +
        'no earlier run of the same code warmed it, as none does for a program that calls fit() once.',
    },
    {
      title: 'Start-up CPU: what each worker thread used from its start to its first task, ms (median of the threads)',
      columns: ['path', 'ms (median)', 'ms: IQR (min–max)', 'ratio to piscina (median)', 'ratio: IQR (min–max)', ''],
      rows: measureRows('threadStartupCpuMs', () => ''),
      note:
        "Measured in the same runs, on Linux (each thread's own CPU time, /proc/thread-self/schedstat, read as its first task begins). " +
        "Node's thread boot, then the modules the thread loads before the task: for bare piscina its task module; for hyperpool " +
        "the shipped build's (dist/): bootstrap.cjs, its module loader and the worker entry, then the trainable. " +
        'A busy machine changes it far less than the wall clock above; ' +
        "on an idle machine with a core per thread, the start-up's wall time is mostly this.",
    },
    {
      title: 'CPU time per trial (or task), all threads of the process, µs',
      columns: ['path', 'µs (median)', 'µs: IQR (min–max)', 'ratio to piscina (median)', 'ratio: IQR (min–max)', ''],
      rows: measureRows('cpuUs', () => ''),
      note:
        'process.cpuUsage() over the same runs (user + system, driver and workers together, start-up included): ' +
        'what a trial costs the machine, which a busy machine changes less than the wall clock.',
    },
  ],
  {
    repeats: REPEATS,
    trials: TRIALS,
    threads: THREADS,
    orders: orders.map((order) => order.map((i) => (contenders[i] as [string, unknown])[0])),
    runs: Object.fromEntries(runs),
    coldStarts: Object.fromEntries(cold),
  },
)
