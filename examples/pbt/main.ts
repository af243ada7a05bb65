/**
 * Population Based Training with checkpoints and hyperparamMutations: every
 * 5 epochs the worst quarter of the population copies the weights
 * (checkpoint) of a trial from the best quarter and takes its learning
 * rate, explored (times 1.2 or 0.8, or redrawn). The task is noisy SGD on a
 * quadratic, where a large learning rate gets close fast but then jitters
 * at a high loss, and a small one settles lower but slowly: the best fixed
 * rate is a compromise, and PBT finds a schedule that decays instead.
 *
 *   npx tsx examples/pbt/main.ts                      # a population of 8
 *   HYPERPOOL_SAMPLES=4 npx tsx examples/pbt/main.ts  # a quick run
 */
import { loguniform, PopulationBasedTraining, Tuner } from 'hyperpool'

const EPOCHS = 60
const numSamples = Number(process.env.HYPERPOOL_SAMPLES ?? 8)
const lr = loguniform(1e-3, 0.5)

const tuner = new Tuner({
  trainable: new URL('./trainable.ts', import.meta.url),
  space: { lr },
  metric: 'loss',
  mode: 'min',
  scheduler: new PopulationBasedTraining({
    perturbationInterval: 5,
    hyperparamMutations: { lr },
  }),
  numSamples,
  concurrency: numSamples, // PBT works best with the whole population training at once
  data: { epochs: EPOCHS },
  trackers: [],
  seed: 1,
})

const results = await tuner.fit()
const best = results.best()
const spent = results.trials.reduce((sum, t) => sum + t.history.length, 0)
// The learning rates the best trial trained with: where the rate changed, it had copied a better trial and explored its rate.
const schedule = best.history
  .filter((r, i) => r.lr !== best.history[i - 1]?.lr)
  .map((r) => `epoch ${r.epoch}: ${Number(r.lr).toPrecision(2)}`)
console.log(`best final loss ${best.lastResult?.loss} with`, best.config)
console.log(`its learning rate over time: ${schedule.join(', ')}`)
console.log(`spent ${spent} epochs in ${results.trials.length} trials`)
