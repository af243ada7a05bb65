/** Runs one {@link CaseSpec} in a child process and parses its result. */
import { spawn } from 'node:child_process'
import type { CaseResult, CaseSpec } from './case.ts'
import { median } from './report.ts'
import { sibling } from './sibling.ts'

export type { CaseResult, CaseSpec }

export function runCase(spec: CaseSpec): Promise<CaseResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, sibling('case', import.meta.url).pathname, JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk
    })
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? ''
      try {
        resolve(JSON.parse(line) as CaseResult)
      } catch {
        reject(new Error(`case ${JSON.stringify(spec)} exited with ${code} and printed ${out.slice(-500)}`))
      }
    })
  })
}

/** Marginal cost of one more trial: the fixed start-up cost cancels out. */
export function perTrialMs(result: CaseResult, counts: readonly [number, number]): number {
  return (result.wallMs[1] - result.wallMs[0]) / (counts[1] - counts[0])
}

/** Medians over `repeats` fresh runs of one case. */
export interface Measured {
  readonly perTrialMs: number
  readonly handoffMs: number
  readonly wallMs: number
  readonly peakRssMb: number
  readonly datasetMb: number
  readonly error: string | undefined
}

export async function measure(spec: CaseSpec, repeats: number): Promise<Measured> {
  const runs: CaseResult[] = []
  // Progress on stderr: a full run takes minutes, and the tables only come at the end.
  process.stderr.write(`  ${spec.contender}, ${spec.megabytes} MB, ${spec.concurrency} thread(s), ${spec.work}: `)
  for (let r = 0; r < repeats; r++) {
    process.stderr.write(r === 0 ? `run ${r + 1}` : `, ${r + 1}`)
    const result = await runCase(spec)
    runs.push(result)
    if (result.error) break // a contender that fails (e.g. a JSON string over V8's limit) fails every time
  }
  process.stderr.write('\n')
  const ok = runs.filter((run) => !run.error)
  const error = runs.find((run) => run.error)?.error
  return {
    perTrialMs: ok.length ? median(ok.map((run) => perTrialMs(run, spec.counts))) : Number.NaN,
    handoffMs: ok.length ? median(ok.map((run) => run.handoffMs)) : Number.NaN,
    wallMs: ok.length ? median(ok.map((run) => run.wallMs[1])) : Number.NaN,
    peakRssMb: Math.max(...runs.map((run) => run.peakRssMb)),
    datasetMb: runs[0]?.datasetMb ?? spec.megabytes,
    error,
  }
}
