/**
 * Tune a logistic regression and log every trial to MLflow: one parent run
 * for the experiment, a child run per trial with its params, its metrics per
 * epoch and its end status.
 *
 *   mlflow server --host 127.0.0.1 --port 5000          # in another terminal
 *   MLFLOW_TRACKING_URI=http://127.0.0.1:5000 npx tsx examples/mlflow/main.ts
 *   # then open http://127.0.0.1:5000, experiment "hyperpool-logreg"
 *
 * Without MLFLOW_TRACKING_URI it runs against a local stand-in server and
 * prints what it received. HYPERPOOL_SAMPLES=4 makes it quick.
 */
import { ConsoleReporter, choice, loguniform, MLflowTracker, Tuner } from 'hyperpool'
import { startStubServer } from './stub-server.ts'

const numSamples = Number(process.env.HYPERPOOL_SAMPLES ?? 16)
const EXPERIMENT = 'hyperpool-logreg'

// A synthetic binary classification set: two overlapping Gaussian blobs, made from a seeded generator.
const ROWS = 400
const FEATURES = 4
let state = 12345
const uniform01 = () => {
  state = (state * 1103515245 + 12345) % 2 ** 31
  return state / 2 ** 31
}
const gauss = () => Math.sqrt(-2 * Math.log(uniform01() + 1e-12)) * Math.cos(2 * Math.PI * uniform01())
const y = Int32Array.from({ length: ROWS }, (_, i) => i % 2)
const X = Float64Array.from({ length: ROWS * FEATURES }, (_, k) => gauss() + ((y[Math.floor(k / FEATURES)] as number) === 1 ? 0.8 : -0.8))
const holdout = Int32Array.from({ length: ROWS }, (_, i) => (i % 5 === 0 ? 1 : 0))

let trackingUri = process.env.MLFLOW_TRACKING_URI
const stub = trackingUri ? undefined : await startStubServer()
if (stub) {
  console.log(
    'MLFLOW_TRACKING_URI is not set: logging to a local stand-in server instead.\n' +
      'To see the runs in the MLflow UI: pip install mlflow; mlflow server --host 127.0.0.1 --port 5000;\n' +
      'then MLFLOW_TRACKING_URI=http://127.0.0.1:5000 npx tsx examples/mlflow/main.ts\n',
  )
  trackingUri = stub.url
}

const tuner = new Tuner({
  name: `logreg-${new Date().toISOString().slice(0, 19).replaceAll(':', '-')}`,
  trainable: new URL('./trainable.ts', import.meta.url),
  space: { lr: loguniform(1e-3, 1), l2: loguniform(1e-5, 1e-1), batch: choice([8, 32]), epochs: 10 },
  metric: 'accuracy',
  mode: 'max',
  numSamples,
  concurrency: 2,
  data: { X, y, holdout, features: FEATURES },
  seed: 42,
  trackers: [new ConsoleReporter(), new MLflowTracker({ trackingUri, experimentName: EXPERIMENT })],
})

const results = await tuner.fit()
const best = results.best()
console.log(`\nbest of ${results.trials.length} trials: accuracy ${best.lastResult?.accuracy} with`, best.config)
if (stub) {
  const { requests, runs, metrics, params, tags } = stub.counts
  console.log(`stand-in server received ${requests} requests: ${runs} runs, ${metrics} metric points, ${params} params, ${tags} tags`)
  await stub.close()
} else {
  console.log(`MLflow: ${trackingUri}, experiment "${EXPERIMENT}", parent run "${tuner.name}"`)
}
