/** Peak resident memory of the whole process tree with a large dataset. */
import { measure } from './lib/cases.ts'
import type { ContenderName } from './lib/contenders.ts'
import { fmt, quick, writeResults } from './lib/report.ts'

const MEGABYTES = quick ? 4 : 256
// One experiment per process: a second one would hold a second copy of plain arrays until GC.
const COUNTS: [number, number] = [0, 4]
const cases: Array<[ContenderName, number, boolean]> = [
  ['serial', 1, false],
  ['fork-json', 2, false],
  ['fork-advanced', 2, false],
  ['threads-copy', 2, false],
  ['hyperpool', 1, true],
  ['hyperpool', 2, true],
  ['hyperpool', 4, true],
  ['hyperpool', 2, false],
]

const rows: Array<Array<string | number>> = []
for (const [contender, concurrency, sharedAlloc] of cases) {
  const m = await measure({ contender, megabytes: MEGABYTES, work: 'noop', counts: COUNTS, concurrency, sharedAlloc }, 1)
  const label = contender === 'hyperpool' && !sharedAlloc ? 'hyperpool, plain arrays' : contender
  rows.push([
    label,
    concurrency,
    fmt(m.datasetMb, 4),
    fmt(m.peakRssMb, 4),
    fmt(m.peakRssMb - m.datasetMb, 4),
    m.error ? `fails: ${m.error.slice(0, 40)}` : '',
  ])
}
writeResults('memory', [
  {
    title: `Peak resident memory, ${MEGABYTES} MB dataset, ${COUNTS[1]} no-op trials`,
    columns: ['contender', 'threads/processes', 'dataset MB', 'peak RSS MB', 'over the dataset MB', 'note'],
    rows,
    note:
      'RSS of the driver process plus every child process, sampled every 5 ms from /proc; threads share their process RSS. ' +
      'The goal for hyperpool: at most the dataset + 200 MB, whatever the threads. "hyperpool" is given arrays over SharedArrayBuffer and shares them as they are; ' +
      '"plain arrays" are copied into shared memory once, so the caller\'s own copy comes on top.',
  },
])
