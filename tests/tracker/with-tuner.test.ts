import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Tracker, Tuner, uniform } from '../../src/index.ts'
import { CsvTracker } from '../../src/tracker/csv/csv.ts'
import { MLflowTracker } from '../../src/tracker/mlflow/mlflow.ts'
import { TensorBoardTracker } from '../../src/tracker/tensorboard/tensorboard.ts'
import { BEHAVIOURS, memoryLogger } from '../helpers.ts'
import { type FakeMlflow, startFakeMlflow } from './mlflow/fake-mlflow.ts'
import { readEvents } from './tensorboard/tfrecord-reader.ts'

let dir: string
let server: FakeMlflow
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hyperpool-trackers-'))
  server = await startFakeMlflow()
})
afterEach(async () => {
  await server.stop()
  await rm(dir, { recursive: true, force: true })
})

const space = { behaviour: 'curve', x: uniform(-1, 1), epochs: 4 }

describe('the built-in trackers under a Tuner', () => {
  it('record every report of every trial, with a flaky MLflow server', async () => {
    server.failNext(4, 503)
    const logger = memoryLogger()
    const mlflow = new MLflowTracker({ trackingUri: server.url, logger, retry: { baseDelayMs: 1, maxDelayMs: 10 } })
    const results = await new Tuner({
      trainable: BEHAVIOURS,
      space,
      metric: 'loss',
      numSamples: 5,
      concurrency: 2,
      seed: 3,
      name: 'with-tuner',
      storageDir: dir,
      logger,
      trackers: [mlflow, new CsvTracker(join(dir, 'csv')), new TensorBoardTracker(join(dir, 'tb'))],
    }).fit()
    expect(logger.lines.filter((line) => line.startsWith('warn'))).toEqual([])

    for (const trial of results.trials) {
      const name = `trial_000${trial.id}`
      const losses = trial.history.map((r) => r.loss)
      const run = server.runNamed(name)
      expect(run?.info.status).toBe('FINISHED')
      expect(run?.params.get('x')).toBe(String(trial.config.x))
      expect(run?.metrics.filter((m) => m.key === 'loss').map((m) => m.value)).toEqual(losses)

      const events = readEvents(join(dir, 'tb', name, (await readdir(join(dir, 'tb', name)))[0] as string))
      const reports = events.filter((e) => e.scalars.length > 0)
      expect(reports.map((e) => e.scalars.find((s) => s.tag === 'loss')?.value)).toEqual(losses.map((l) => Math.fround(l as number)))

      const progress = (await readFile(join(dir, 'csv', name, 'progress.csv'), 'utf8')).trimEnd().split('\r\n')
      expect(progress).toHaveLength(1 + losses.length)
    }
    expect(server.runNamed('with-tuner')?.tags.get('hyperpool.best_trial')).toBe(`trial_000${results.best().id}`)
    const summary = (await readFile(join(dir, 'csv', 'results.csv'), 'utf8')).trimEnd().split('\r\n')
    expect(summary).toHaveLength(1 + 5)
  })

  it('does not slow the trials or fail the experiment when the MLflow server is down', async () => {
    await server.stop()
    const logger = memoryLogger()
    const slow: Tracker = {
      // A custom tracker that takes its time: the hub queues its events, in order.
      async onTrialResult() {
        await new Promise((resolve) => setTimeout(resolve, 5))
      },
    }
    const results = await new Tuner({
      trainable: BEHAVIOURS,
      space,
      metric: 'loss',
      numSamples: 3,
      concurrency: 3,
      seed: 3,
      storageDir: false,
      logger,
      trackers: [new MLflowTracker({ trackingUri: server.url, logger, flushTimeoutMs: 50, retry: { baseDelayMs: 1 } }), slow],
    }).fit()
    expect(results.trials.every((t) => t.state === 'completed')).toBe(true)
    const warnings = logger.lines.filter((line) => line.startsWith('warn'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/MLflowTracker: not delivered .* 4 runs, 4 run statuses/)
  })

  it('names a plain-object tracker that throws by its place in the trackers option', async () => {
    const logger = memoryLogger()
    const quiet: Tracker = {}
    const broken: Tracker = {
      onTrialStart() {
        throw new Error('on purpose')
      },
    }
    await new Tuner({
      trainable: BEHAVIOURS,
      space,
      metric: 'loss',
      numSamples: 1,
      storageDir: false,
      logger,
      trackers: [quiet, broken],
    }).fit()
    expect(logger.lines).toContain('warn: trackers[1].onTrialStart failed: on purpose (further failures of this hook are not shown)')
  })
})
