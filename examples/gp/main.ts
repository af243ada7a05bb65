/**
 * Gaussian-process search: a few dozen trials, each a whole fit, over two
 * log-scale parameters and an integer one. GPSearch models the validation
 * loss as a function of the parameters and asks for the point with the
 * best expected improvement, so it needs fewer trials than random search
 * for the same loss: this runs both, and GPSearch with `warpValues: true`,
 * with the same budget and seed.
 *
 *   npx tsx examples/gp/main.ts                      # 30 trials per searcher
 *   HYPERPOOL_SAMPLES=4 npx tsx examples/gp/main.ts  # a quick run
 */
import { GPSearch, loguniform, qrandint, RandomSearch, type Searcher, Tuner } from 'hyperpool'

const numSamples = Number(process.env.HYPERPOOL_SAMPLES ?? 30)

// A wiggly function of two inputs plus a little noise, 600 rows, the same every run.
const rows = 600
const X = Array.from({ length: rows }, (_, i) => [Math.sin(1.7 * i) * 3, Math.cos(0.61 * i) * 3])
const y = Float64Array.from(X, ([a = 0, b = 0], i) => Math.sin(a) * Math.cos(b) + 0.3 * Math.sin(2 * a + b) + 0.05 * Math.sin(97 * i))

async function tune(label: string, search: Searcher): Promise<number> {
  const results = await new Tuner({
    trainable: new URL('./trainable.ts', import.meta.url),
    space: { gamma: loguniform(1e-3, 1e2), alpha: loguniform(1e-6, 1), features: qrandint(8, 128, 8) },
    metric: 'loss',
    mode: 'min',
    search,
    numSamples,
    concurrency: 2,
    data: { X, y },
    trackers: [],
    logLevel: 'warn',
    seed: 3,
  }).fit()
  const best = results.best()
  console.log(`${label}: best validation MSE ${Number(best.lastResult?.loss).toPrecision(4)} with`, best.config)
  return Number(best.lastResult?.loss)
}

// Five random trials first, then the GP; with 2 trials running at once, the pending one is a "believed" observation.
// `features` takes 16 values, few enough that the loss moves in steps with it, so by default (warpValues 'auto')
// the GP models the losses as they are, with a noise floor of 1e-8 (docs/search.md, "Spaces of few values").
await tune('GPSearch', new GPSearch({ nStartupTrials: 5 }))
// The same after a power transform fitted to the losses, which spreads out the good end of skewed ones: the
// default on spaces without such a parameter (docs/search.md, "Value warping").
await tune('GPSearch, values warped', new GPSearch({ nStartupTrials: 5, warpValues: true }))
await tune('RandomSearch', new RandomSearch())
