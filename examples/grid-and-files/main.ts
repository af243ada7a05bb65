/**
 * Grid search, and every file tracker at once: the whole grid of learning
 * rates × batch sizes, logged as JSON lines (read back at the end with
 * loadExperiment), as CSV (results.csv + a progress.csv per trial), and as
 * TensorBoard event files. What each trial prints lands in its own
 * runs/grid-and-files/trial_<id>/stdout.log.
 *
 *   npx tsx examples/grid-and-files/main.ts
 *   tensorboard --logdir runs/grid-and-files/tensorboard      # if you have TensorBoard
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConsoleReporter, CsvTracker, GridSearch, grid, JsonlTracker, loadExperiment, TensorBoardTracker, Tuner } from 'hyperpool'

// HYPERPOOL_SAMPLES only makes the CI run small: fewer epochs, the same grid.
const epochs = process.env.HYPERPOOL_SAMPLES === undefined ? 40 : 5
const dir = join('runs', 'grid-and-files')

// 1,000 points on y = 3x - 2, with noise from a fixed generator.
const x = Float64Array.from({ length: 1000 }, (_, i) => i / 1000)
const y = Float64Array.from(x, (v, i) => 3 * v - 2 + 0.1 * Math.sin(i * 12.9898))

const tuner = new Tuner({
  trainable: new URL('./trainable.ts', import.meta.url),
  space: { lr: grid([0.01, 0.1, 0.5]), batch: grid([10, 100]), epochs },
  search: new GridSearch(),
  metric: 'mse',
  mode: 'min',
  name: 'grid-and-files', // the experiment folder: runs/grid-and-files, where trial logs go too
  data: { x, y },
  trackers: [
    new ConsoleReporter(),
    new JsonlTracker(join(dir, 'jsonl')),
    new CsvTracker(join(dir, 'csv')),
    new TensorBoardTracker(join(dir, 'tensorboard')),
  ],
  seed: 3,
})

const results = await tuner.fit()
console.table(results.rows().map((row) => ({ trial: row.trial_id, lr: row['config/lr'], batch: row['config/batch'], mse: row.mse })))

const stored = await loadExperiment(join(dir, 'jsonl'))
console.log(
  `read back from ${join(dir, 'jsonl')}: ${stored.results.trials.length} trials, best ${JSON.stringify(stored.results.best().config)}`,
)
console.log(`CSV: ${join(dir, 'csv', 'results.csv')}; TensorBoard: ${join(dir, 'tensorboard')}`)
const log = join(dir, 'trial_0000', 'stdout.log')
console.log(`what trial 0 printed (${log}):\n${readFileSync(log, 'utf8').trimEnd()}`)
