/**
 * A neural network on real data: a multilayer perceptron (plain TypeScript,
 * ./mlp.ts) tuned by TPE, with ASHA stopping poor trials early, on two data
 * sets shipped in npm packages: iris (150 flowers, 3 species) and the Palmer
 * penguins (342 birds, 3 species). Each trial trains one configuration and
 * reports its validation loss once an epoch; the search optimises that, and
 * the test accuracy of the chosen trial is printed beside it.
 *
 *   npx tsx examples/mlp/main.ts                                      # 40 trials of up to 60 epochs per data set
 *   HYPERPOOL_SAMPLES=8 npx tsx examples/mlp/main.ts                  # fewer trials
 *   HYPERPOOL_CI=1 HYPERPOOL_SAMPLES=4 npx tsx examples/mlp/main.ts   # CI: 4 trials of up to 9 epochs
 *
 * Each experiment is stored in runs/mlp-<data set>/ (the journal the default
 * JsonlTracker writes, per-trial logs) with results.csv, a row per trial.
 *
 * One full run on a 2-core machine shared with other jobs (34 s in all):
 * iris, best validation loss 0.025, test accuracy 0.967, ASHA trained 529 of
 * the 2,400 epochs; penguins, 0.032 and 0.986, 405 of 2,400. TPE in parallel
 * learns from results in the order trials finish, so another run can pick
 * another trial; `reproducible: true` with a fixed `concurrency` repeats one.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ASHAScheduler, TPESearch, Tuner } from 'hyperpool'
import { type Dataset, loadIris, loadPenguins } from './datasets.ts'
import { mlpSpace } from './space.ts'

const numSamples = Number(process.env.HYPERPOOL_SAMPLES ?? 40)
// CI runs every example at a small budget: fewer epochs too (ASHA's rungs at 1, 3 and 9 still apply).
const EPOCHS = process.env.HYPERPOOL_CI ? 9 : 60

for (const dataset of [loadIris(), await loadPenguins()]) await tune(dataset)

async function tune(dataset: Dataset): Promise<void> {
  const { name, X, y, split, classes, features } = dataset
  console.log(`\n${name}: ${X.length} rows, ${features.length} features (${features.join(', ')}), classes ${classes.join(' / ')}`)
  const tuner = new Tuner({
    trainable: new URL('./trainable.ts', import.meta.url),
    space: mlpSpace,
    metric: 'val_loss',
    mode: 'min',
    search: new TPESearch(),
    // Rungs at 1, 3, 9 and 27 epochs keep the best third of the trials that reach them.
    scheduler: new ASHAScheduler({ maxT: EPOCHS, gracePeriod: 1, reductionFactor: 3 }),
    numSamples,
    data: { X, y, split, classes: classes.length, epochs: EPOCHS },
    name: `mlp-${name}`,
    seed: 3,
  })
  const results = await tuner.fit()

  const best = results.best()
  const epochs = results.trials.reduce((sum, t) => sum + t.history.length, 0)
  const stopped = results.trials.filter((t) => t.state === 'stopped').length
  const last = best.lastResult
  console.log(`${name}: best of ${results.trials.length} trials (trial ${best.id}, ${best.history.length} epochs):`, best.config)
  console.log(
    `${name}: validation loss ${format(last?.val_loss)}, validation accuracy ${format(last?.val_accuracy)}, test accuracy ${format(last?.test_accuracy)}`,
  )
  console.log(
    `${name}: ASHA stopped ${stopped} trials early; ${epochs} epochs trained of the ${numSamples * EPOCHS} that running all to the end takes`,
  )

  const dir = join('runs', tuner.name)
  await writeFile(join(dir, 'results.csv'), results.toCSV())
  console.log(`${name}: every report in ${dir}/experiment.jsonl, a row per trial in ${dir}/results.csv`)
}

function format(value: unknown): string {
  return typeof value === 'number' ? value.toFixed(3) : String(value)
}
