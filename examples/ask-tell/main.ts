/**
 * Ask/tell: drive the loop yourself, no worker pool. Each trial is asked
 * for, evaluated here in-process, and told back; TPE learns from what it is told.
 *
 *   npx tsx examples/ask-tell/main.ts
 *   HYPERPOOL_SAMPLES=15 npx tsx examples/ask-tell/main.ts   # a quick run
 */
import { choice, loguniform, Study, TPESearch, uniform } from 'hyperpool'

const numSamples = Number(process.env.HYPERPOOL_SAMPLES ?? 60)

const space = {
  lr: loguniform(1e-4, 1),
  momentum: uniform(0, 0.99),
  schedule: choice(['constant', 'cosine']),
}

/** A stand-in for training: a loss with its optimum near lr=0.03, momentum=0.9, cosine. */
function evaluate(config: { lr: number; momentum: number; schedule: string }): number {
  const lr = (Math.log10(config.lr) - Math.log10(0.03)) ** 2
  const momentum = (config.momentum - 0.9) ** 2 * 4
  return lr + momentum + (config.schedule === 'cosine' ? 0 : 0.2)
}

const study = new Study({ space, metric: 'loss', mode: 'min', search: new TPESearch(), seed: 7, numSamples })

for (;;) {
  const trial = study.ask()
  if (trial === null) break
  study.tell(trial.trialId, evaluate(trial.config))
}

const best = study.results.best()
console.log(`best of ${study.results.trials.length} trials: loss ${best.lastResult?.loss} with`, best.config)
