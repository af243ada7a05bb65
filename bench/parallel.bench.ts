/**
 * Speed-up of CPU-bound trials (ridge regression, ~30-70 ms each) over a
 * serial loop, for the six contenders, at two dataset sizes. The
 * contenders alternate, repeat after repeat, and every run (each trial
 * count of each contender) is a fresh process, so each one pays its own
 * start-up and JIT warm-up and none inherits another's; a machine busy with
 * other work slows them alike. Every speed-up and efficiency is taken within
 * one repeat (against the serial run of the same repeat), then the median
 * over repeats.
 */

import { type CaseResult, type CaseSpec, perTrialMs, runCase } from './lib/cases.ts'
import type { ContenderName } from './lib/contenders.ts'
import { fmt, median, quantile, quick, type Table, writeResults } from './lib/report.ts'

const THREADS = 2
const SIZES = quick ? [1] : [1, 16]
const COUNTS: [number, number] = quick ? [2, 6] : [8, 40]
const REPEATS = quick ? 1 : 5
const CONTENDERS: ContenderName[] = ['serial', 'fork-json', 'fork-advanced', 'threads-copy', 'piscina-shared', 'hyperpool']
/** The forked contenders are far behind (minutes per run at 16 MB on a busy machine): they run in the first repeat only. */
const ONCE: ReadonlySet<ContenderName> = new Set(['fork-json', 'fork-advanced'])
/** The goal on hyperpool's end-to-end efficiency (start-up included). */
const GOAL = 0.95

/**
 * Runs each trial count of a case in a process of its own (a count of 0 is skipped by case.ts). In one
 * process the serial loop's second run would reuse the JIT code of its first, while a threaded
 * contender's second run starts new threads that compile the trial code again: the serial baseline
 * would leave out a warm-up that every parallel run pays.
 */
async function runApart(spec: CaseSpec): Promise<CaseResult> {
  const [small, large] = [await runCase({ ...spec, counts: [0, spec.counts[0]] }), await runCase({ ...spec, counts: [0, spec.counts[1]] })]
  const error = small.error ?? large.error
  return {
    ...large,
    wallMs: [small.wallMs[1], large.wallMs[1]],
    peakRssMb: Math.max(small.peakRssMb, large.peakRssMb),
    ...(error === undefined ? {} : { error }),
  }
}

const tables: Table[] = []
for (const megabytes of SIZES) {
  const runs = new Map<ContenderName, CaseResult[]>(CONTENDERS.map((contender) => [contender, []]))
  for (let r = 0; r < REPEATS; r++) {
    process.stderr.write(`  ${megabytes} MB, repeat ${r + 1}/${REPEATS}\n`)
    // Each repeat starts with a different contender, so none always runs first (or last) in a busy minute.
    for (let i = 0; i < CONTENDERS.length; i++) {
      const contender = CONTENDERS[(r + i) % CONTENDERS.length] as ContenderName
      const done = runs.get(contender) as CaseResult[]
      // A contender that fails (a JSON string over V8's limit) fails every time: run it once.
      if (done[0]?.error || (ONCE.has(contender) && done.length > 0)) continue
      const concurrency = contender === 'serial' ? 1 : THREADS
      done.push(await runApart({ contender, megabytes, work: 'ridge', counts: COUNTS, concurrency, sharedAlloc: false }))
    }
  }
  const serial = runs.get('serial') as CaseResult[]
  const piscina = runs.get('piscina-shared') as CaseResult[]
  const rows = CONTENDERS.map((contender) => {
    const own = runs.get(contender) as CaseResult[]
    const error = own.find((run) => run.error)?.error
    if (error) return [contender, 'failed', '', '', '', '', '', '', '', error.slice(0, 60)]
    const threads = contender === 'serial' ? 1 : THREADS
    const wall = own.map((run) => run.wallMs[1])
    // Within each repeat: serial's time over this contender's, per thread.
    const endToEnd = own.map((run, r) => (serial[r] as CaseResult).wallMs[1] / run.wallMs[1] / threads)
    // The pool's own start-up bounds every threaded contender: the same efficiency, as a ratio to bare piscina's.
    const toPiscina = own.map((run, r) => (piscina[r] as CaseResult).wallMs[1] / run.wallMs[1])
    const steady = own.map((run, r) => perTrialMs(serial[r] as CaseResult, COUNTS) / perTrialMs(run, COUNTS) / threads)
    // What does not grow with the trial count: the pool's start and stop, each thread's warm-up, the tail.
    const fixed = own.map((run) => run.wallMs[1] - COUNTS[1] * perTrialMs(run, COUNTS))
    const goal = contender === 'hyperpool' ? `≥ ${GOAL}: ${median(endToEnd) >= GOAL ? 'met' : 'not met'}` : ''
    return [
      contender,
      fmt(median(wall), 4),
      fmt(median(own.map((run) => perTrialMs(run, COUNTS)))),
      fmt(median(fixed)),
      fmt(median(endToEnd)),
      `${fmt(quantile(endToEnd, 0.25))}–${fmt(quantile(endToEnd, 0.75))}`,
      contender === 'serial' ? '' : fmt(median(toPiscina)),
      fmt(median(steady)),
      fmt(Math.max(...own.map((run) => run.peakRssMb)), 4),
      goal,
    ]
  })
  tables.push({
    title: `${COUNTS[1]} ridge trials, ${megabytes} MB dataset, ${THREADS} threads/processes`,
    columns: [
      'contender',
      'wall ms (median)',
      'ms per extra trial',
      'fixed ms',
      'efficiency, end to end',
      'efficiency: IQR',
      'end to end, ratio to piscina-shared',
      'steady efficiency',
      'peak RSS MB',
      'goal (end to end)',
    ],
    rows,
    note:
      `${REPEATS} repeats, the contenders alternating (fork-json and fork-advanced in the first repeat only); every run, ${COUNTS[0]} trials or ${COUNTS[1]}, is a fresh process, ` +
      'so the serial loop pays its JIT warm-up in each run as every thread of a parallel run does (until this table, its two runs shared one process and the larger reused the warm code of the smaller). ' +
      `"wall ms" runs ${COUNTS[1]} trials end to end, start-up included; "ms per extra trial" is (wall(${COUNTS[1]}) − wall(${COUNTS[0]})) / ${COUNTS[1] - COUNTS[0]}, so fixed costs cancel; ` +
      `"fixed ms" is wall(${COUNTS[1]}) − ${COUNTS[1]} × ms per extra trial: what does not grow with the trials (starting the pool and stopping it, which every threaded run times, each thread's warm-up, the tail). ` +
      'Efficiency is the speed-up over the serial run of the same repeat divided by the threads (end to end: wall times; steady: ms per extra trial), ' +
      "then the median over repeats. \"Ratio to piscina-shared\" is piscina-shared's wall time over the contender's in the same repeat, i.e. the contender's end-to-end efficiency " +
      "as a fraction of piscina-shared's (above 1: faster): piscina-shared runs the same trials on the same pool with the data shared once, and nothing else, " +
      'so its end-to-end efficiency, in the same table, is what a contender on threads can reach; its fixed ms say why it stays below 1.',
  })
}
writeResults('parallel', tables)
