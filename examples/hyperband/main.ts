/**
 * HyperBand with checkpoints: trials pause at their bracket's milestones
 * and the best third resume from their checkpoints, with three times the
 * budget. Here it fits polynomials to a noisy sine by gradient descent with
 * momentum. With maxT 27 and eta 3 a band has brackets of 4, 6, 12 and 27
 * trials starting at 27, 9, 3 and 1 epochs; 49 trials fill one band.
 *
 *   npx tsx examples/hyperband/main.ts                      # 49 trials
 *   HYPERPOOL_SAMPLES=4 npx tsx examples/hyperband/main.ts  # a quick run (one bracket, no halving)
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HyperBandScheduler, loguniform, randint, Tuner, uniform } from 'hyperpool'

const MAX_EPOCHS = 27
const numSamples = Number(process.env.HYPERPOOL_SAMPLES ?? 49)

// 200 points of sin(3x) plus a fast wiggle as "noise"; every fourth point is held out.
const x = Float64Array.from({ length: 200 }, (_, i) => -1 + (2 * i) / 199)
const y = x.map((v) => Math.sin(3 * v) + 0.1 * Math.sin(97 * v))
const storageDir = mkdtempSync(join(tmpdir(), 'hyperpool-hyperband-'))

const tuner = new Tuner({
  trainable: new URL('./trainable.ts', import.meta.url),
  space: { degree: randint(1, 12), lr: loguniform(1e-3, 1), momentum: uniform(0, 0.99) },
  metric: 'mse',
  mode: 'min',
  scheduler: new HyperBandScheduler({ maxT: MAX_EPOCHS, reductionFactor: 3 }),
  numSamples,
  data: { x, y, epochs: MAX_EPOCHS },
  trackers: [],
  storageDir, // checkpoints go to <storageDir>/<name>/checkpoints
  seed: 3,
})

const results = await tuner.fit()
const best = results.best()
const spent = results.trials.reduce((sum, t) => sum + t.history.length, 0)
const resumed = results.trials.filter((t) => (t.lastResult?.runs as number) > 1).length
console.log(`best held-out mse ${best.lastResult?.mse} with`, best.config)
console.log(`spent ${spent} epochs of ${numSamples * MAX_EPOCHS}; ${resumed} trials were paused and resumed from a checkpoint`)
console.log(`checkpoints: ${join(storageDir, tuner.name, 'checkpoints')}`)
