/**
 * The same seed, the same trials, in parallel. TPE and ASHA learn from
 * results in the order threads deliver them, so two runs of one seed at
 * concurrency 2 usually differ in their trials and in which ones ASHA stops.
 * With `reproducible: true` trial k is proposed once trials 0..k-2 have
 * ended, TPE has been told exactly those, and each report is judged once the
 * trials before it have made theirs: this runs the experiment twice each way
 * and compares.
 *
 *   npx tsx examples/reproducible/main.ts                      # 30 trials per run
 *   HYPERPOOL_SAMPLES=4 npx tsx examples/reproducible/main.ts  # a quick run
 */
import { ASHAScheduler, loguniform, qrandint, randint, TPESearch, Tuner } from 'hyperpool'

const numSamples = Number(process.env.HYPERPOOL_SAMPLES ?? 30)

// Synthetic regression data, the same every run: y = X w + a wobble, 2,000 rows of 8 features.
const rows = 2000
const features = 8
const X = Array.from({ length: rows }, (_, i) => Array.from({ length: features }, (_, f) => Math.sin(0.37 * (i + 1) * (f + 1))))
const y = Float64Array.from(X, (row, i) => row.reduce((s, v, f) => s + v * (f - 3.5), 0) + 0.05 * Math.cos(i))

async function run(reproducible: boolean): Promise<string[]> {
  const results = await new Tuner({
    trainable: new URL('./trainable.ts', import.meta.url),
    space: { lr: loguniform(1e-3, 1), batch: qrandint(16, 128, 16), epochs: randint(1, 40) },
    metric: 'loss',
    mode: 'min',
    search: new TPESearch({ nStartupTrials: 8 }),
    scheduler: new ASHAScheduler({ maxT: 40, gracePeriod: 2, reductionFactor: 3 }),
    numSamples,
    concurrency: 2,
    reproducible,
    data: { X, y },
    trackers: [],
    logLevel: 'warn',
    seed: 42,
  }).fit()
  const best = results.best()
  console.log(`  reproducible ${reproducible}: best loss ${Number(best.lastResult?.loss).toPrecision(6)} (trial ${best.id})`)
  // A trial's config, and how far ASHA let it go.
  return results.trials.map((t) => `${JSON.stringify(t.config)} ${t.state} after ${t.history.length} epochs`)
}

for (const reproducible of [false, true]) {
  const [first, second] = [await run(reproducible), await run(reproducible)]
  const differ = first.filter((config, i) => config !== second[i]).length
  console.log(
    `reproducible ${reproducible}: ${differ === 0 ? 'the same trials in both runs' : `${differ} of ${first.length} trials differ`}\n`,
  )
}
