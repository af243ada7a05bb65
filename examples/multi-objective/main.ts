/**
 * Two objectives at once: the validation loss of a polynomial fit and the
 * size of the model (its number of coefficients). No single config is best;
 * `paretoFront()` gives the trials no other beats on both, the trade-off to
 * choose from. TPESearch splits trials by Pareto dominance when given
 * several metrics (multi-objective TPE).
 *
 *   npx tsx examples/multi-objective/main.ts                      # 60 trials
 *   HYPERPOOL_SAMPLES=4 npx tsx examples/multi-objective/main.ts  # a quick run
 */
import { hypervolume, loguniform, randint, TPESearch, Tuner } from 'hyperpool'

const numSamples = Number(process.env.HYPERPOOL_SAMPLES ?? 60)

// y = sin(x) with a little deterministic noise, x in [-3, 3]; every third point is held out.
const x = Float64Array.from({ length: 240 }, (_, i) => -3 + (6 * i) / 239)
const y = x.map((v, i) => Math.sin(v) + 0.05 * Math.sin(37 * i))

const tuner = new Tuner({
  trainable: new URL('./trainable.ts', import.meta.url),
  space: { degree: randint(1, 12), lr: loguniform(1e-3, 0.5), l2: loguniform(1e-6, 1e-1) },
  metric: ['loss', 'size'],
  mode: ['min', 'min'],
  search: new TPESearch(),
  numSamples,
  data: { x, y },
  trackers: [],
  seed: 7,
})

const results = await tuner.fit()
const front = results.paretoFront().sort((a, b) => (a.lastResult?.size as number) - (b.lastResult?.size as number))
console.log(`Pareto front of ${results.trials.length} trials (loss against size):`)
for (const trial of front) console.log(`  size ${trial.lastResult?.size}, loss ${Number(trial.lastResult?.loss).toFixed(4)}`, trial.config)
const points = front.map((t) => [t.lastResult?.loss as number, t.lastResult?.size as number])
console.log(`hypervolume against (1, 13): ${hypervolume(points, [1, 13]).toFixed(3)}`)
// best() needs a metric when there are several: the smallest loss, whatever its size.
console.log('lowest loss:', results.best('loss').config)
