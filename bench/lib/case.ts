/**
 * One measurement, in a fresh process so that memory peaks and JIT state
 * never leak between contenders: build the dataset, run K1 then K2 trials,
 * print the two wall times and the peak memory as one JSON line.
 */
import { CONTENDERS, type ContenderName } from './contenders.ts'
import { samplePeakRss } from './memory.ts'
import { median } from './report.ts'
import { makeDataset, trialConfigs } from './ridge.ts'

export interface CaseSpec {
  readonly contender: ContenderName
  readonly megabytes: number
  readonly work: 'ridge' | 'noop'
  readonly counts: readonly [number, number]
  readonly concurrency: number
  /** Build the dataset over SharedArrayBuffers (hyperpool then shares it without a copy). */
  readonly sharedAlloc: boolean
}

export interface CaseResult {
  readonly wallMs: readonly [number, number]
  /** Median data hand-off per trial in the larger run, leaving out each worker's first trial (start-up). */
  readonly handoffMs: number
  readonly datasetMb: number
  readonly peakRssMb: number
  readonly baselineRssMb: number
  readonly error?: string
}

const spec = JSON.parse(process.argv[2] ?? '') as CaseSpec
const data = makeDataset(spec.megabytes, spec.sharedAlloc)
const datasetMb = (data.X.byteLength + data.y.byteLength) / 2 ** 20
const baselineRssMb = process.memoryUsage().rss / 2 ** 20
const run = CONTENDERS[spec.contender]
const sampler = samplePeakRss()
const wallMs: number[] = []
let handoff: number[] = []
let error: string | undefined
try {
  for (const count of spec.counts) {
    if (count === 0) {
      wallMs.push(0) // a single run: no baseline wanted (the memory benchmark)
      continue
    }
    const started = performance.now()
    handoff = await run({ data, configs: trialConfigs(count), work: spec.work, concurrency: spec.concurrency })
    wallMs.push(performance.now() - started)
  }
} catch (e) {
  error = e instanceof Error ? e.message : String(e)
}
const peakRssMb = sampler.stop() / 2 ** 20
const steady = handoff.slice(spec.concurrency)
const result: CaseResult = {
  wallMs: wallMs as [number, number],
  handoffMs: steady.length > 0 ? median(steady) : Number.NaN,
  datasetMb,
  peakRssMb,
  baselineRssMb,
  ...(error ? { error } : {}),
}
console.log(JSON.stringify(result))
