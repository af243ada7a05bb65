/**
 * Speed-up of CPU-bound trials (ridge regression, ~30-40 ms each) over a
 * serial loop, for the five contenders, at two dataset sizes.
 */

import { measure } from './lib/cases.ts'
import type { ContenderName } from './lib/contenders.ts'
import { fmt, quick, type Table, writeResults } from './lib/report.ts'

const THREADS = 2
const SIZES = quick ? [1] : [1, 16]
const COUNTS: [number, number] = quick ? [2, 6] : [8, 40]
const REPEATS = quick ? 1 : 3
const CONTENDERS: ContenderName[] = ['serial', 'fork-json', 'fork-advanced', 'threads-copy', 'hyperpool']

const tables: Table[] = []
for (const megabytes of SIZES) {
  const rows: Array<Array<string | number>> = []
  let serial = { wallMs: Number.NaN, perTrialMs: Number.NaN }
  for (const contender of CONTENDERS) {
    const m = await measure(
      { contender, megabytes, work: 'ridge', counts: COUNTS, concurrency: contender === 'serial' ? 1 : THREADS, sharedAlloc: false },
      REPEATS,
    )
    if (contender === 'serial') serial = m
    if (m.error) {
      rows.push([contender, 'failed', '', '', '', '', m.error.slice(0, 60)])
      continue
    }
    const speedup = serial.wallMs / m.wallMs
    const steady = serial.perTrialMs / m.perTrialMs
    const threads = contender === 'serial' ? 1 : THREADS
    rows.push([contender, fmt(m.wallMs, 4), fmt(speedup), fmt(m.perTrialMs), fmt(steady), fmt(steady / threads), fmt(m.peakRssMb, 4)])
  }
  tables.push({
    title: `${COUNTS[1]} ridge trials, ${megabytes} MB dataset, ${THREADS} threads/processes`,
    columns: ['contender', 'wall ms', 'speed-up', 'ms per extra trial', 'steady speed-up', 'efficiency', 'peak RSS MB'],
    rows,
    note:
      `Medians of ${REPEATS} fresh processes. "wall ms" runs ${COUNTS[1]} trials end to end, start-up included; ` +
      `"ms per extra trial" is (wall(${COUNTS[1]}) − wall(${COUNTS[0]})) / ${COUNTS[1] - COUNTS[0]}, so fixed start-up costs cancel; ` +
      '"steady speed-up" compares it with serial, and efficiency is steady speed-up / threads.',
  })
}
writeResults('parallel', tables)
