/**
 * Warm start: a second experiment that begins where a first one left off.
 * The first run's journal is read back with `loadExperiment`; TPE learns from
 * its finished trials as if they had run (`warmStart`, not run again) and
 * tries the first run's best config again first (`pointsToEvaluate`), then
 * models from its very first own suggestion instead of drawing 10 at random.
 *
 *   npx tsx examples/warm-start/main.ts                      # 40 trials per run
 *   HYPERPOOL_SAMPLES=6 npx tsx examples/warm-start/main.ts  # a quick run
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadExperiment, type Searcher, TPESearch, Tuner, uniform } from 'hyperpool'

const numSamples = Number(process.env.HYPERPOOL_SAMPLES ?? 40)
const storageDir = mkdtempSync(join(tmpdir(), 'hyperpool-warm-start-'))
const space = { x: uniform(-5, 10), y: uniform(0, 15) }

async function run(name: string, search: Searcher, seed: number) {
  const results = await new Tuner({
    trainable: new URL('./trainable.ts', import.meta.url),
    space,
    metric: 'loss',
    mode: 'min',
    search,
    numSamples,
    concurrency: 2,
    reproducible: true,
    seed,
    storageDir,
    name,
    trackers: [],
    logLevel: 'warn',
  }).fit()
  const losses = results.trials.map((t) => t.lastResult?.loss as number)
  const firstBelow = losses.findIndex((loss) => loss < 0.5)
  console.log(
    `${name}: best loss ${Math.min(...losses).toFixed(4)}; first trial below 0.5: ${firstBelow < 0 ? 'none' : `#${firstBelow + 1}`}`,
  )
}

await run('first', new TPESearch(), 1)

// The first run's trials, from its journal: what a second run continues from.
const { results: first } = await loadExperiment(join(storageDir, 'first'))
const best = first.best().config
await run('warm', new TPESearch({ warmStart: first.trials, pointsToEvaluate: [best] }), 2)
await run('cold', new TPESearch(), 2)
