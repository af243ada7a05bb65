/**
 * TPE suggestion latency against the number of finished trials (100, 1,000,
 * 3,000) and parameters (2, 10), univariate and multivariate, with tinybench.
 * Each measured call is one `suggest` (the trial is then told 'errored', so
 * the history stays at its size).
 *
 *   npx tsx bench/tpe-speed.bench.ts           # full
 *   npx tsx bench/tpe-speed.bench.ts --quick   # 100 and 300 trials (CI)
 */
import { Bench } from 'tinybench'
import { randint, type Space, uniform } from '../src/search/space.ts'
import { TPESearch } from '../src/search/tpe/tpe.ts'
import { fmt, quick, type Table, writeResults } from './lib/report.ts'

const SIZES = quick ? [100, 300] : [100, 1000, 3000]
/** Parameter count and kind: integers cost more, each kernel integrated over a value's bin. */
const CASES: ReadonlyArray<readonly [number, 'uniform' | 'randint']> = [
  [2, 'uniform'],
  [10, 'uniform'],
  [10, 'randint'],
]
const OPTUNA_MS_1000_10_MULTI = 40

function spaceOf(params: number, kind: 'uniform' | 'randint'): Space {
  return Object.fromEntries(Array.from({ length: params }, (_, i) => [`x${i}`, kind === 'uniform' ? uniform(0, 1) : randint(0, 100)]))
}

/** Lowest at 0.3 of each range. */
function objective(config: Record<string, unknown>, kind: 'uniform' | 'randint'): number {
  const scale = kind === 'uniform' ? 1 : 100
  let total = 0
  for (const value of Object.values(config)) total += ((value as number) / scale - 0.3) ** 2
  return total
}

const rows: Array<Array<string | number>> = []
const perTrial: Record<string, number[]> = {}
for (const [params, kind] of CASES) {
  for (const multivariate of [false, true]) {
    const search = new TPESearch({ multivariate })
    search.setup({ space: spaceOf(params, kind), metric: 'loss', mode: 'min', seed: 1, numSamples: 10_000_000 })
    let next = 0
    for (const size of SIZES) {
      // Grow the history to `size` finished trials, each suggested by TPE itself.
      while (next < size) {
        const id = next++
        const config = search.suggest(id) as Record<string, unknown>
        search.onTrialComplete(id, { loss: objective(config, kind), training_iteration: 1, trial_id: id, time_total_s: 0 }, 'completed')
      }
      let probe = 1_000_000 * (size + params)
      const bench = new Bench({ time: quick ? 200 : 1000, warmupTime: quick ? 50 : 200 })
      bench.add('suggest', () => {
        const id = probe++
        search.suggest(id)
        search.onTrialComplete(id, undefined, 'errored')
      })
      await bench.run()
      const latency = bench.tasks[0]?.result
      if (latency === undefined || !('latency' in latency)) throw new Error('tinybench gave no latency')
      const mean = latency.latency.mean
      const label = `${params} ${kind}`
      const key = `${label}|${multivariate}`
      perTrial[key] = [...(perTrial[key] ?? []), mean]
      rows.push([
        size,
        label,
        multivariate ? 'multivariate' : 'univariate',
        fmt(mean, 3),
        fmt(latency.latency.p50 ?? mean, 3),
        fmt(latency.latency.p99 ?? mean, 3),
      ])
    }
  }
}
// By trials, then in the order of CASES (the sort is stable).
rows.sort((a, b) => (a[0] as number) - (b[0] as number))

const growth = Object.entries(perTrial).map(([key, means]) => {
  const [label, multivariate] = key.split('|')
  const first = means[0] as number
  const last = means.at(-1) as number
  const ratio = last / first
  const sizeRatio = (SIZES.at(-1) as number) / (SIZES[0] as number)
  return `${label} ${multivariate === 'true' ? 'multivariate' : 'univariate'}: ×${fmt(ratio, 2)} for ×${sizeRatio} trials`
})

const table: Table = {
  title: 'TPE suggestion latency (ms per suggest)',
  columns: ['finished trials', 'parameters', 'mode', 'mean ms', 'p50 ms', 'p99 ms'],
  rows,
  note: `uniform(0, 1) or randint(0, 100) parameters, default options (24 candidates). Cost grows linearly with the number of finished trials (every candidate is scored against every kernel of g): ${growth.join('; ')}. Optuna 3.1's TPE takes about ${OPTUNA_MS_1000_10_MULTI} ms per suggestion at 1,000 trials and 10 parameters (multivariate) on this machine; the goal is 2 ms.`,
}
writeResults('tpe-speed', [table])
