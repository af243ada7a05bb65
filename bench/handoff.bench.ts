/**
 * What it costs to get the dataset to a trial, against the dataset's size:
 * the time from the driver starting to send a trial to the trial holding
 * usable data, for no-op trials on one worker.
 */
import { measure } from './lib/cases.ts'
import type { ContenderName } from './lib/contenders.ts'
import { fmt, quick, type Table, writeResults } from './lib/report.ts'

const SIZES = quick ? [1, 4] : [1, 16, 64, 256]
const COUNTS: [number, number] = quick ? [1, 4] : [1, 8]
const REPEATS = quick ? 1 : 3
const NAIVE: ContenderName[] = ['fork-json', 'fork-advanced', 'threads-copy']

const rows: Array<Array<string | number>> = []
const perTrial = new Map<string, number>()
for (const megabytes of SIZES) {
  const cell = async (contender: ContenderName, sharedAlloc: boolean) => {
    const m = await measure({ contender, megabytes, work: 'noop', counts: COUNTS, concurrency: 1, sharedAlloc }, REPEATS)
    perTrial.set(`${contender}${sharedAlloc ? '+sab' : ''}@${megabytes}`, m.handoffMs)
    return m.error ? `fails: ${m.error.slice(0, 40)}` : fmt(m.handoffMs)
  }
  const naive = []
  for (const contender of NAIVE) naive.push(await cell(contender, false))
  const hyperpool = await cell('hyperpool', true)
  const copied = await cell('hyperpool', false)
  const bestNaive = Math.min(...NAIVE.map((c) => perTrial.get(`${c}@${megabytes}`) ?? Number.NaN).filter(Number.isFinite))
  const ours = perTrial.get(`hyperpool+sab@${megabytes}`) ?? Number.NaN
  rows.push([megabytes, ...naive, hyperpool, copied, fmt(bestNaive / ours)])
}

const tables: Table[] = [
  {
    title: 'Data hand-off: ms per trial against dataset size (1 worker)',
    columns: [
      'dataset MB',
      'fork + JSON',
      "fork + 'advanced'",
      'threads + postMessage copy',
      'hyperpool',
      'hyperpool, plain arrays',
      'best naive / hyperpool',
    ],
    rows,
    note:
      `From the driver starting to send a trial (serialising included) to the trial holding usable data; median over ${COUNTS[1] - 1} trials ` +
      `(the first, which also waits for the worker to start, left out), then over ${REPEATS} fresh processes. ` +
      '"hyperpool" is given arrays already over SharedArrayBuffer; ' +
      '"plain arrays" are copied into shared memory once per experiment, which lands in the fixed start-up cost, not per trial.',
  },
]
writeResults('handoff', tables)
