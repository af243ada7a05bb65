import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ConfigError } from '../../../src/errors.ts'
import { BATCH_LIMITS, joinWithin, mlflowKey, nextBatch, truncateUtf8, uniqueKey } from '../../../src/tracker/mlflow/batch.ts'
import { MlflowRequestError } from '../../../src/tracker/mlflow/http.ts'
import { MLflowTracker, type MLflowTrackerOptions } from '../../../src/tracker/mlflow/mlflow.ts'
import { Retrier } from '../../../src/tracker/mlflow/retry.ts'
import type { Result } from '../../../src/types.ts'
import { memoryLogger } from '../../helpers.ts'
import { experiment, play, result, SCRIPTS, summary, TWO_OBJECTIVES, trialInfo, twoObjectives } from '../story.ts'
import { type FakeMlflow, startFakeMlflow } from './fake-mlflow.ts'

let server: FakeMlflow
let log: ReturnType<typeof memoryLogger>

beforeEach(async () => {
  server = await startFakeMlflow()
  log = memoryLogger()
})
afterEach(async () => {
  await server.stop()
})

/** A tracker on the fake server with tiny backoff delays, so failure tests run fast. */
function tracker(options: MLflowTrackerOptions = {}): MLflowTracker {
  return new MLflowTracker({
    trackingUri: server.url,
    logger: log,
    retry: { baseDelayMs: 1, maxDelayMs: 20 },
    random: () => 0.5,
    flushTimeoutMs: 5000,
    ...options,
  })
}

const warnings = () => log.lines.filter((line) => line.startsWith('warn'))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** Waits until `check` holds; tests never assert on time, only on what arrives. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !check(); i++) await sleep(5)
  expect(check()).toBe(true)
}

/** An MLflow refusal: the status, `error_code` and message a real server answers with. */
interface Refusal {
  readonly status: number
  readonly code: string
  readonly message: string
}

/**
 * A fetch to the fake server that answers some requests itself, as a real
 * server with other data would; `refused` records what it answered.
 */
function intercept(answer: (endpoint: string, body: Record<string, unknown>) => Refusal | undefined) {
  const refused: string[] = []
  const wrapped: typeof fetch = async (input, init) => {
    const endpoint = new URL(String(input)).pathname.replace(/^\/api\/2\.0\/mlflow\//, '')
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {}
    const refusal = answer(endpoint, body)
    if (refusal === undefined) return fetch(input, init)
    refused.push(endpoint)
    // An answer comes from I/O, never within the same turn: a request loop cannot starve the timers.
    await new Promise((resolve) => setImmediate(resolve))
    return new Response(JSON.stringify({ error_code: refusal.code, message: refusal.message }), {
      status: refusal.status,
      headers: { 'content-type': 'application/json' },
    })
  }
  return { fetch: wrapped, refused }
}

/** Whether a request body is for the run of `name` on the fake server. */
const forRun = (body: Record<string, unknown>, name: string) => server.runs.get(String(body.run_id))?.info.run_name === name

/** A trial reporting `n` results of `loss`, each with its step. */
function reports(tracker: MLflowTracker, id: number, n: number, extra: (i: number) => Record<string, unknown> = () => ({})): void {
  const history: Result[] = []
  for (let i = 0; i < n; i++) {
    const r = result(id, i, { loss: 1 / (i + 1), ...extra(i) })
    history.push(r)
    tracker.onTrialResult(trialInfo(id, {}, 'running', history), r)
  }
}

describe('MLflowTracker: what reaches the server', () => {
  it('creates the experiment, a parent run and a child run per trial, with params, metrics and statuses', async () => {
    await play(tracker({ token: 's3cret' }))
    expect(warnings()).toEqual([])

    // Get-or-create: the lookup misses, then the experiment is created by name.
    const [lookup, create] = server.requests
    expect(lookup).toMatchObject({ method: 'GET', endpoint: 'experiments/get-by-name', query: { experiment_name: 'exp' }, status: 404 })
    expect(create).toMatchObject({ method: 'POST', endpoint: 'experiments/create', body: { name: 'exp' }, status: 200 })
    expect(server.requests.every((r) => r.authorization === 'Bearer s3cret')).toBe(true)
    expect(server.requests.filter((r) => r.method === 'POST').every((r) => r.contentType === 'application/json')).toBe(true)

    const parent = server.runNamed('exp')
    expect(parent?.info).toMatchObject({ status: 'FINISHED', experiment_id: '1' })
    expect(parent?.params.get('metric')).toBe('loss')
    expect(parent?.params.get('seed')).toBe('7')
    expect(parent?.tags.get('hyperpool.best_trial')).toBe('trial_0000')
    expect(parent?.metrics.find((m) => m.key === 'best_loss')?.value).toBe(0.3)
    expect(parent?.info.end_time).toBeTypeOf('number')

    const runs = SCRIPTS.map((s) => server.runNamed(`trial_000${s.id}`))
    for (const run of runs) {
      expect(run?.tags.get('mlflow.parentRunId')).toBe(parent?.info.run_id)
      expect(run?.info.experiment_id).toBe('1')
    }
    const [done, stopped, errored] = runs
    expect(Object.fromEntries(done?.params ?? [])).toEqual({ 'opt/lr': '0.01', 'opt/name': 'adam', layers: '[64,32]' })
    expect(done?.metrics.filter((m) => m.key === 'loss').map((m) => [m.step, m.value])).toEqual([
      [1, 0.5],
      [2, 0.3],
    ])
    expect(done?.metrics.every((m) => Number.isInteger(m.timestamp) && m.timestamp > 1.6e12)).toBe(true)
    expect(done?.metrics.map((m) => m.key).sort()).toEqual(['acc', 'loss', 'loss', 'time_total_s', 'time_total_s'])
    expect(done?.info.status).toBe('FINISHED')

    // NaN and Infinity go as the proto3 JSON strings; the string metric is skipped.
    expect(stopped?.info.status).toBe('KILLED')
    expect(stopped?.metrics.find((m) => m.key === 'loss' && m.step === 2)?.value).toBeNaN()
    expect(stopped?.metrics.find((m) => m.key === 'val/acc')?.value).toBe(Number.POSITIVE_INFINITY)
    expect(stopped?.metrics.some((m) => m.key === 'note')).toBe(false)
    const batches = server.ok('runs/log-batch').flatMap((r) => r.body.metrics as Array<{ value: unknown }>)
    expect(batches.some((m) => m.value === 'NaN')).toBe(true)

    expect(errored?.info.status).toBe('FAILED')
    expect(errored?.tags.get('hyperpool.error')).toBe('TrialError: trainable threw: out of patience')
  })

  it('with several objectives, logs the best by each objective and the Pareto front on the parent run', async () => {
    await play(tracker(), TWO_OBJECTIVES, 'mo', twoObjectives('mo'))
    const parent = server.runNamed('mo')
    const metric = (key: string) => parent?.metrics.find((m) => m.key === key)?.value
    expect([metric('best_loss'), metric('best_acc'), metric('pareto_front_size')]).toEqual([0.1, 0.9, 2])
    expect(parent?.tags.get('hyperpool.best_trial.loss')).toBe('trial_0003')
    expect(parent?.tags.get('hyperpool.best_trial.acc')).toBe('trial_0000')
    expect(parent?.tags.get('hyperpool.pareto_front')).toBe('trial_0000,trial_0001')
    // No single best trial: the one-objective tag would name the first objective's leader as if it were.
    expect(parent?.tags.has('hyperpool.best_trial')).toBe(false)
  })

  it('ends a Pareto front too long for a tag at a whole run name, saying how many were left out', async () => {
    // 460 trials all on the front (loss and acc both rise): 460 names of 11 bytes each pass MLflow's 5000.
    const scripts = Array.from({ length: 460 }, (_, id) => ({
      id,
      config: { x: id },
      metrics: [{ loss: id, acc: id }],
      state: 'completed' as const,
    }))
    await play(tracker(), scripts, 'wide', twoObjectives('wide'))
    const value = server.runNamed('wide')?.tags.get('hyperpool.pareto_front') as string
    expect(Buffer.byteLength(value)).toBeLessThanOrEqual(5000)
    const names = value.split(',')
    const marker = names.pop()
    expect(names).toEqual(Array.from({ length: names.length }, (_, i) => `trial_${String(i).padStart(4, '0')}`))
    expect(marker).toBe(`… and ${460 - names.length} more`)
    expect(names.length).toBeGreaterThan(400)
  })

  it('sends each run status after the run’s metrics, and the parent’s last', async () => {
    await play(tracker())
    const order = server.requests.filter((r) => r.status === 200).map((r) => [r.endpoint, r.body?.run_id as string | undefined] as const)
    const parentId = server.runNamed('exp')?.info.run_id
    const lastUpdate = order.map(([endpoint]) => endpoint).lastIndexOf('runs/update')
    expect(order[lastUpdate]?.[1]).toBe(parentId)
    for (const run of server.runs.values()) {
      const update = order.findIndex(([endpoint, id]) => endpoint === 'runs/update' && id === run.info.run_id)
      const lastBatch = order.findLastIndex(([endpoint, id]) => endpoint === 'runs/log-batch' && id === run.info.run_id)
      expect(update).toBeGreaterThan(lastBatch)
    }
  })

  it('reuses an existing experiment and honours experimentName and extra tags', async () => {
    await server.experiments.set('9', { experiment_id: '9', name: 'shared', lifecycle_stage: 'active' })
    await play(tracker({ experimentName: 'shared', tags: { team: 'vision', 'bad key!': 'x' } }))
    expect(server.requests.some((r) => r.endpoint === 'experiments/create')).toBe(false)
    const parent = server.runNamed('exp')
    expect(parent?.info.experiment_id).toBe('9')
    expect(parent?.tags.get('team')).toBe('vision')
    expect(parent?.tags.get('bad key_')).toBe('x')
  })

  it('takes the URI and token from MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN', async () => {
    const saved = { uri: process.env.MLFLOW_TRACKING_URI, token: process.env.MLFLOW_TRACKING_TOKEN }
    process.env.MLFLOW_TRACKING_URI = `${server.url}/`
    process.env.MLFLOW_TRACKING_TOKEN = 'from-env'
    try {
      const fromEnv = new MLflowTracker({ logger: log, retry: { baseDelayMs: 1 } })
      expect(fromEnv.trackingUri).toBe(server.url)
      await play(fromEnv)
      expect(server.requests[0]?.authorization).toBe('Bearer from-env')
      expect(server.runs.size).toBe(4)
    } finally {
      for (const [key, value] of [
        ['MLFLOW_TRACKING_URI', saved.uri],
        ['MLFLOW_TRACKING_TOKEN', saved.token],
      ] as const) {
        if (value === undefined) delete process.env[key]
        else process.env[key] = value
      }
    }
  })

  it('rejects a missing or non-http URI and bad options before any trial runs', () => {
    const saved = process.env.MLFLOW_TRACKING_URI
    delete process.env.MLFLOW_TRACKING_URI
    try {
      expect(() => new MLflowTracker()).toThrow(ConfigError)
      expect(() => new MLflowTracker()).toThrow(/MLFLOW_TRACKING_URI/)
      expect(() => new MLflowTracker({ trackingUri: 'file:///tmp/mlruns' })).toThrow(/http\(s\) URL/)
      expect(() => new MLflowTracker({ trackingUri: server.url, flushTimeoutMs: -1 })).toThrow(/flushTimeoutMs/)
      expect(() => new MLflowTracker({ trackingUri: server.url, maxBufferedItems: 0 })).toThrow(/maxBufferedItems/)
    } finally {
      if (saved !== undefined) process.env.MLFLOW_TRACKING_URI = saved
    }
  })

  it('cuts long param values to 500 bytes and makes keys MLflow accepts', async () => {
    const t = tracker()
    t.onExperimentStart(experiment())
    t.onTrialStart(trialInfo(0, { notes: 'é'.repeat(400), 'acc@1': 1, nested: { '': 2 } }, 'running'))
    t.onTrialResult(trialInfo(0, {}, 'running'), result(0, 0, { 'top-1 acc%': 0.5 }))
    t.onTrialEnd(trialInfo(0, {}, 'completed'))
    await t.onExperimentEnd(experiment(), summary(1))
    expect(warnings()).toEqual([])
    const run = server.runNamed('trial_0000')
    const notes = run?.params.get('notes') ?? ''
    expect(Buffer.byteLength(notes)).toBeLessThanOrEqual(500)
    expect(notes.endsWith('...')).toBe(true)
    expect(run?.params.get('acc_1')).toBe('1')
    expect(run?.params.get('nested/_')).toBe('2')
    expect(run?.metrics.some((m) => m.key === 'top-1 acc_')).toBe(true)
  })

  it('keeps a paused trial in one run and ends it only when it really ends', async () => {
    const t = tracker()
    t.onExperimentStart(experiment())
    const first = result(0, 0, { loss: 1 })
    t.onTrialStart(trialInfo(0, { lr: 1 }, 'running'))
    t.onTrialResult(trialInfo(0, { lr: 1 }, 'running', [first]), first)
    t.onTrialEnd(trialInfo(0, { lr: 1 }, 'paused', [first]))
    t.onTrialStart(trialInfo(0, { lr: 2 }, 'running', [first])) // PBT gave it a new config
    const second = result(0, 1, { loss: 0.5 })
    t.onTrialResult(trialInfo(0, { lr: 2 }, 'running', [first, second]), second)
    t.onTrialEnd(trialInfo(0, { lr: 2 }, 'completed', [first, second]))
    await t.onExperimentEnd(experiment(), summary(1))
    expect(server.ok('runs/create')).toHaveLength(2) // parent and one trial
    const run = server.runNamed('trial_0000')
    expect(run?.info.status).toBe('FINISHED')
    expect(run?.params.get('lr')).toBe('1')
    expect(run?.tags.get('hyperpool.config')).toBe('{"lr":2}')
    expect(run?.metrics.filter((m) => m.key === 'loss').map((m) => m.step)).toEqual([1, 2])
  })

  it('skips NaN and Infinity when skipNonFinite is set', async () => {
    await play(tracker({ skipNonFinite: true }))
    const stopped = server.runNamed('trial_0001')
    expect(stopped?.metrics.filter((m) => m.key === 'loss').map((m) => m.value)).toEqual([0.9])
    expect(stopped?.metrics.some((m) => m.key === 'val/acc')).toBe(false)
  })
})

describe('MLflowTracker: batching', () => {
  it('never waits for the network in a hook', async () => {
    server.slowNext(50, 50, 50)
    const t = tracker()
    expect(t.onExperimentStart(experiment())).toBeUndefined()
    expect(t.onTrialStart(trialInfo(0, { lr: 1 }, 'running'))).toBeUndefined()
    expect(t.onTrialResult(trialInfo(0, {}, 'running'), result(0, 0, { loss: 1 }))).toBeUndefined()
    expect(t.onTrialEnd(trialInfo(0, {}, 'completed'))).toBeUndefined()
    expect(server.runs.size).toBe(0) // nothing arrived yet: the hooks only queued
    await t.onExperimentEnd(experiment(), summary(1))
    expect(server.runNamed('trial_0000')?.metrics.filter((m) => m.key === 'loss')).toHaveLength(1)
  })

  it('splits many metrics, params and tags into log-batch calls within every limit, losing nothing', async () => {
    const t = tracker()
    t.onExperimentStart(experiment())
    const config = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`p${i}`, i]))
    t.onTrialStart(trialInfo(0, config, 'running'))
    // 2,500 reports of 2 metrics each (loss and time_total_s): 5,000 points.
    reports(t, 0, 2500)
    t.onTrialEnd(trialInfo(0, config, 'completed'))
    await t.onExperimentEnd(experiment(), summary(1))
    expect(warnings()).toEqual([])
    const batches = server.ok('runs/log-batch')
    for (const { body, bytes } of batches) {
      expect(body.metrics.length).toBeLessThanOrEqual(BATCH_LIMITS.metrics)
      expect(body.params.length).toBeLessThanOrEqual(BATCH_LIMITS.params)
      expect(body.tags.length).toBeLessThanOrEqual(BATCH_LIMITS.tags)
      expect(body.metrics.length + body.params.length + body.tags.length).toBeLessThanOrEqual(BATCH_LIMITS.items)
      expect(bytes).toBeLessThanOrEqual(BATCH_LIMITS.bytes)
    }
    const run = server.runNamed('trial_0000')
    expect(run?.params.size).toBe(250)
    expect(run?.metrics.filter((m) => m.key === 'loss').map((m) => m.step)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1))
    expect(run?.metrics).toHaveLength(5000)
    expect(batches.length).toBeLessThan(60) // batched, not a request per point
  })

  it('keeps a batch under 1 MB when values are large', () => {
    const tags = Array.from({ length: 100 }, (_, i) => ({ key: `t${i}`, value: 'x'.repeat(5000) }))
    const params = Array.from({ length: 100 }, (_, i) => ({ key: `p${i}`, value: 'y'.repeat(6000) }))
    const pending = { metrics: [], params, tags }
    const { body, counts } = nextBatch('r', pending)
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(BATCH_LIMITS.bytes)
    expect(counts.params + counts.tags).toBeGreaterThan(0)
    expect(counts.params + counts.tags).toBeLessThan(200)
  })

  it('truncates on character boundaries and cleans keys', () => {
    expect(truncateUtf8('abcdef', 5)).toBe('ab...')
    expect(truncateUtf8('ééé', 6)).toBe('ééé')
    expect(truncateUtf8('éééé', 6)).toBe('é...')
    expect(truncateUtf8('😀😀', 5)).toBe('...')
    expect(truncateUtf8('aéééé', 7)).toBe('aé...')
    expect(mlflowKey('acc@top-1')).toBe('acc_top-1')
    expect(mlflowKey('val//loss')).toBe('val/_/loss')
    expect(mlflowKey('../x')).toBe('_/x')
    expect(mlflowKey('k'.repeat(300))).toHaveLength(250)
  })

  it('joins a list within a byte limit at whole items, the rest counted', () => {
    const items = ['trial_0000', 'trial_0001', 'trial_0002']
    expect(joinWithin(items, ',', 32)).toBe('trial_0000,trial_0001,trial_0002')
    expect(joinWithin(items, ',', 30)).toBe('trial_0000,… and 2 more')
    // "…" is 3 bytes of UTF-8: 'trial_0000,' (11) and '… and 2 more' (14) fit in 25, not in 24.
    expect(joinWithin(items, ',', 25)).toBe('trial_0000,… and 2 more')
    expect(joinWithin(items, ',', 24)).toBe('… and 3 more')
    // Items are measured in bytes too: 'é' is 2.
    expect(joinWithin(Array(10).fill('é'), ',', 20)).toBe('é,é,… and 8 more')
  })
})

describe('MLflowTracker: a server that fails', () => {
  it('retries 5xx answers with backoff and delivers everything', async () => {
    server.failNext(3, 503)
    server.failNext(2, 500, 'runs/log-batch')
    server.failNext(1, 429, 'runs/update')
    await play(tracker())
    expect(warnings()).toEqual([])
    expect(server.requests.filter((r) => r.status >= 500 || r.status === 429)).toHaveLength(6)
    expect(server.runNamed('trial_0000')?.metrics.filter((m) => m.key === 'loss')).toHaveLength(2)
    expect([...server.runs.values()].map((r) => r.info.status).sort()).toEqual(['FAILED', 'FINISHED', 'FINISHED', 'KILLED'])
    expect(log.lines.some((line) => line.startsWith('info') && line.includes('retrying in the background'))).toBe(true)
  })

  it('creates no twin run when the answer to runs/create is lost: the retry finds the run by its key', async () => {
    server.loseAnswerNext('runs/create') // the parent run
    server.loseAnswerNext('runs/create') // the first trial's run
    await play(tracker())
    expect(warnings()).toEqual([])
    expect([...server.runs.values()].map((r) => r.info.run_name).sort()).toEqual(['exp', 'trial_0000', 'trial_0001', 'trial_0002'])
    expect(server.ok('runs/search')).toHaveLength(2)
    const keys = [...server.runs.values()].map((r) => r.tags.get('hyperpool.run_key'))
    expect(new Set(keys).size).toBe(4)
    expect(server.runNamed('trial_0000')?.metrics.filter((m) => m.key === 'loss').length).toBeGreaterThan(0)
    expect(server.runNamed('trial_0000')?.tags.get('mlflow.parentRunId')).toBe(server.runNamed('exp')?.info.run_id)
  })

  it('falls back to a plain retry when the server refuses the search', async () => {
    server.loseAnswerNext('runs/create') // the parent run: it exists, but the tracker cannot find it
    server.failNext(1, 400, 'runs/search')
    await play(tracker())
    expect(warnings()).toEqual([])
    // The parent was made twice, the first left empty and RUNNING; the trials went to the second.
    expect([...server.runs.values()].filter((r) => r.info.run_name === 'exp')).toHaveLength(2)
    expect(server.runNamed('trial_0000')?.info.status).toBe('FINISHED')
  })

  it('retries a request that times out on a slow server', async () => {
    server.hangNext(2) // the experiment lookup, twice: each answered only by the client's timeout
    await play(tracker({ requestTimeoutMs: 150 }))
    expect(warnings()).toEqual([])
    expect(server.requests.slice(0, 3).map((r) => r.endpoint)).toEqual(Array(3).fill('experiments/get-by-name'))
    expect(server.runNamed('trial_0000')?.info.status).toBe('FINISHED')
    expect(server.runNamed('trial_0002')?.info.status).toBe('FAILED')
  })

  it('buffers while the server is down, and delivers when it comes back mid-run', async () => {
    await server.stop()
    const t = tracker()
    t.onExperimentStart(experiment())
    t.onTrialStart(trialInfo(0, { lr: 1 }, 'running'))
    reports(t, 0, 50)
    await sleep(50) // the sender is retrying against a closed port meanwhile
    await server.start() // same port, same store
    reports(t, 1, 0)
    t.onTrialStart(trialInfo(1, { lr: 2 }, 'running'))
    reports(t, 1, 30)
    t.onTrialEnd(trialInfo(0, {}, 'completed'))
    t.onTrialEnd(trialInfo(1, {}, 'stopped'))
    await t.onExperimentEnd(experiment(), summary(2))
    expect(warnings()).toEqual([])
    expect(server.runNamed('trial_0000')?.metrics.filter((m) => m.key === 'loss')).toHaveLength(50)
    expect(server.runNamed('trial_0001')?.metrics.filter((m) => m.key === 'loss')).toHaveLength(30)
    expect(server.runNamed('trial_0001')?.info.status).toBe('KILLED')
  })

  it('survives a server that dies mid-run and restarts, losing no result', async () => {
    const t = tracker()
    t.onExperimentStart(experiment())
    t.onTrialStart(trialInfo(0, { lr: 1 }, 'running'))
    reports(t, 0, 20)
    await until(() => (server.runNamed('trial_0000')?.metrics.length ?? 0) >= 40)
    await server.stop()
    const history: Result[] = []
    for (let i = 20; i < 60; i++) {
      const r = result(0, i, { loss: i })
      history.push(r)
      t.onTrialResult(trialInfo(0, {}, 'running', history), r)
    }
    await sleep(30)
    await server.start()
    t.onTrialEnd(trialInfo(0, {}, 'completed'))
    await t.onExperimentEnd(experiment(), summary(1))
    expect(warnings()).toEqual([])
    const steps =
      server
        .runNamed('trial_0000')
        ?.metrics.filter((m) => m.key === 'loss')
        .map((m) => m.step) ?? []
    // At least once: a batch cut off with the connection may arrive twice, never zero times.
    expect(new Set(steps)).toEqual(new Set(Array.from({ length: 60 }, (_, i) => i + 1)))
    expect(server.runNamed('trial_0000')?.info.status).toBe('FINISHED')
  })

  it('gives up at the flush deadline when the server stays down, and warns once with what was not delivered', async () => {
    await server.stop()
    const t = tracker({ flushTimeoutMs: 100 })
    await play(t)
    const [warning, ...more] = warnings()
    expect(more).toEqual([])
    expect(warning).toContain(`not delivered to ${server.url}`)
    // 12 trial metrics + best_loss + 6 trials_<state> on the parent; 9 trial params + 7 experiment settings.
    expect(warning).toContain(': 19 metrics, 16 params, 4 tags, 4 runs, 4 run statuses;')
    expect(warning).toMatch(/last error: .*(ECONNREFUSED|fetch failed)/)
  })

  it('says once, before it waits for a server that never answered, how long it waits and for how many writes', async () => {
    await server.stop()
    const t = tracker({ flushTimeoutMs: 100 })
    await play(t)
    const waiting = log.lines.filter((line) => line.includes('waiting up to'))
    expect(waiting).toEqual([
      `info: MLflowTracker: waiting up to 0.1 s (flushTimeoutMs) for MLflow at ${server.url} to take 47 queued writes (it has not answered yet)`,
    ])
    // The 47 are what the warning then counts as not delivered: 19 metrics, 16 params, 4 tags, 4 runs, 4 run statuses.
    // Said before the wait, so before the warning the wait ends with.
    expect(log.lines.indexOf(waiting[0] as string)).toBeLessThan(log.lines.findIndex((line) => line.startsWith('warn')))
  })

  it('names the last error in that line once a request failed, and says nothing of waiting while the server answers', async () => {
    await server.stop()
    const down = tracker({ flushTimeoutMs: 50 })
    down.onExperimentStart(experiment())
    await until(() => log.lines.some((line) => line.includes('retrying in the background')))
    await down.onExperimentEnd(experiment(), summary(0))
    expect(log.lines.filter((line) => line.includes('waiting up to'))).toEqual([
      expect.stringMatching(
        /^info: MLflowTracker: waiting up to 0\.05 s .* to take \d+ queued writes \(last error: .*(ECONNREFUSED|fetch failed).*\)$/,
      ),
    ])

    await server.start()
    log.lines.length = 0
    const up = tracker()
    up.onExperimentStart(experiment())
    await until(() => server.runNamed('exp') !== undefined)
    reports(up, 0, 3)
    await up.onExperimentEnd(experiment(), summary(1))
    expect(log.lines.filter((line) => line.includes('waiting up to'))).toEqual([])
  })

  it('bounds the buffer while the server is down and says how much was dropped', async () => {
    await server.stop()
    const t = tracker({ maxBufferedItems: 50, flushTimeoutMs: 50 })
    t.onExperimentStart(experiment())
    t.onTrialStart(trialInfo(0, { lr: 1 }, 'running'))
    reports(t, 0, 100) // 200 points
    await t.onExperimentEnd(experiment(), summary(1))
    const [warning, ...more] = warnings()
    expect(more).toEqual([])
    expect(warning).toMatch(/items were dropped because the buffer was full/)
    expect(warning).toMatch(/\b2\d\d metrics\b/)
  })

  it('drops only the value a server refuses, not the batch around it', async () => {
    server.refuseMetric = (m) => m.key === 'loss' && m.step === 7
    const t = tracker()
    t.onExperimentStart(experiment())
    t.onTrialStart(trialInfo(0, { lr: 1 }, 'running'))
    reports(t, 0, 40)
    t.onTrialEnd(trialInfo(0, {}, 'completed'))
    await t.onExperimentEnd(experiment(), summary(1))
    const steps = server
      .runNamed('trial_0000')
      ?.metrics.filter((m) => m.key === 'loss')
      .map((m) => m.step)
    expect(steps).toHaveLength(39)
    expect(steps).not.toContain(7)
    const [warning, ...more] = warnings()
    expect(more).toEqual([])
    expect(warning).toMatch(/1 metric;|1 metric,|: 1 metric/)
    expect(warning).toContain('INVALID_PARAMETER_VALUE')
  })

  it('stops at once on an auth error instead of retrying', async () => {
    server.requiredToken = 'right'
    await play(tracker({ token: 'wrong' }))
    expect(server.requests).toHaveLength(1)
    const [warning, ...more] = warnings()
    expect(more).toEqual([])
    expect(warning).toContain('HTTP 401')
    expect(warning).toMatch(/4 runs/)
  })

  it('says so when the URI is not an MLflow server', async () => {
    await play(tracker({ trackingUri: `${server.url}/not-mlflow` }))
    expect(server.requests).toHaveLength(1)
    expect(warnings()[0]).toContain('HTTP 404')
  })

  it('does not log into a deleted experiment', async () => {
    server.experiments.set('3', { experiment_id: '3', name: 'exp', lifecycle_stage: 'deleted' })
    await play(tracker())
    expect(server.runs.size).toBe(0)
    expect(warnings()[0]).toContain('is deleted')
  })

  it('finds the experiment another process created between lookup and create', async () => {
    // The lookup misses; before the create lands, someone else creates it.
    server.slowNext(0, 0)
    const t = tracker()
    t.onExperimentStart(experiment())
    server.experiments.set('5', { experiment_id: '5', name: 'exp', lifecycle_stage: 'active' })
    await t.onExperimentEnd(experiment(), summary(0))
    expect(server.runNamed('exp')?.info.experiment_id).toBe('5')
  })
})

describe('Retrier', () => {
  const failing = (retryable: boolean, times: number) => {
    let calls = 0
    const request = async () => {
      calls++
      if (calls <= times) throw new MlflowRequestError('HTTP 503', { status: 503, retryable })
      return 'ok'
    }
    return { request, calls: () => calls }
  }
  const retrier = (signal = new AbortController().signal, seen: string[] = []) =>
    new Retrier({
      baseDelayMs: 1,
      maxDelayMs: 4,
      random: () => 0,
      signal,
      onFailure: (e) => seen.push(e.message),
      onRecovery: () => {},
    })

  it('retries retryable failures until one succeeds, telling each failure', async () => {
    const seen: string[] = []
    const { request, calls } = failing(true, 5)
    await expect(retrier(undefined, seen).call(request)).resolves.toBe('ok')
    expect(calls()).toBe(6)
    expect(seen).toHaveLength(5)
  })

  it('does not retry a refusal', async () => {
    const { request, calls } = failing(false, 1)
    await expect(retrier().call(request)).rejects.toThrow('HTTP 503')
    expect(calls()).toBe(1)
  })

  it('stops waiting and gives up when aborted', async () => {
    const controller = new AbortController()
    const r = new Retrier({
      baseDelayMs: 60_000,
      maxDelayMs: 60_000,
      random: () => 0,
      signal: controller.signal,
      onFailure: () => controller.abort(),
      onRecovery: () => {},
    })
    const { request, calls } = failing(true, 100)
    await expect(r.call(request)).rejects.toThrow()
    expect(calls()).toBe(1)
  })
})

describe('MLflowTracker: review fixes', () => {
  const deleted = (body: Record<string, unknown>): Refusal => ({
    status: 400,
    code: 'INVALID_PARAMETER_VALUE',
    message: `The run ${String(body.run_id)} must be in the 'active' state. Current state is deleted.`,
  })
  const purged = (body: Record<string, unknown>): Refusal => ({
    status: 404,
    code: 'RESOURCE_DOES_NOT_EXIST',
    message: `Run '${String(body.run_id)}' not found`,
  })

  for (const [what, refusal] of [
    ['not active (deleted)', deleted],
    ['unknown (purged)', purged],
  ] as const) {
    it(`gives up a run the server says is ${what} with one request, not one per item`, async () => {
      const { fetch, refused } = intercept((endpoint, body) =>
        endpoint.startsWith('runs/') && forRun(body, 'trial_0000') ? refusal(body) : undefined,
      )
      const t = tracker({ fetch })
      t.onExperimentStart(experiment())
      t.onTrialStart(trialInfo(0, { lr: 1 }, 'running'))
      reports(t, 0, 300) // 600 points waiting when the first batch goes
      t.onTrialStart(trialInfo(1, { lr: 2 }, 'running'))
      reports(t, 1, 10)
      t.onTrialEnd(trialInfo(0, {}, 'completed'))
      t.onTrialEnd(trialInfo(1, {}, 'completed'))
      await t.onExperimentEnd(experiment(), summary(2))
      expect(refused).toEqual(['runs/log-batch'])
      expect(server.runNamed('trial_0001')?.metrics.filter((m) => m.key === 'loss')).toHaveLength(10)
      expect(server.runNamed('trial_0001')?.info.status).toBe('FINISHED')
      const [warning, ...more] = warnings()
      expect(more).toEqual([])
      expect(warning).toContain(': 600 metrics, 1 param, 1 run status;')
      expect(warning).toContain(refusal({ run_id: '' }).code)
    })
  }

  it('gives up a run after 3 single items refused in a row, whatever the wording', async () => {
    const { fetch, refused } = intercept((endpoint, body) =>
      endpoint === 'runs/log-batch' && forRun(body, 'trial_0000')
        ? { status: 400, code: 'INVALID_PARAMETER_VALUE', message: 'something this tracker has never seen' }
        : undefined,
    )
    const t = tracker({ fetch })
    t.onExperimentStart(experiment())
    t.onTrialStart(trialInfo(0, { lr: 1 }, 'running'))
    reports(t, 0, 300)
    t.onTrialEnd(trialInfo(0, {}, 'completed'))
    await t.onExperimentEnd(experiment(), summary(1))
    // Halving 601 items down to one (10 requests), then 3 single items: not 601 requests.
    expect(refused.length).toBeLessThanOrEqual(13)
    expect(refused.length).toBeGreaterThanOrEqual(3)
    const [warning, ...more] = warnings()
    expect(more).toEqual([])
    expect(warning).toContain(': 600 metrics, 1 param, 1 run status;')
    expect(warning).toContain('something this tracker has never seen')
  })

  it('stops after 2 rounds when get-by-name says missing and create says it exists, and says why', async () => {
    const { fetch, refused } = intercept((endpoint) =>
      endpoint === 'experiments/get-by-name'
        ? { status: 404, code: 'RESOURCE_DOES_NOT_EXIST', message: "Could not find experiment with name 'exp'" }
        : endpoint === 'experiments/create'
          ? { status: 400, code: 'RESOURCE_ALREADY_EXISTS', message: "Experiment 'exp' already exists." }
          : undefined,
    )
    let draws = 0
    const random = () => {
      draws++
      return 0.5
    }
    await play(tracker({ fetch, random }))
    expect(refused).toEqual(['experiments/get-by-name', 'experiments/create', 'experiments/get-by-name', 'experiments/create'])
    expect(draws).toBeGreaterThanOrEqual(1) // a backoff between the rounds
    expect(server.requests).toHaveLength(0)
    const [warning, ...more] = warnings()
    expect(more).toEqual([])
    expect(warning).toMatch(/4 runs/)
    expect(warning).toMatch(
      /last error: experiment "exp": experiments\/get-by-name answered RESOURCE_DOES_NOT_EXIST and experiments\/create answered RESOURCE_ALREADY_EXISTS, 2 times/,
    )
  })

  it('rejects bad options with a ConfigError naming the option, the rule and the value', () => {
    const bad: Array<[MLflowTrackerOptions, RegExp]> = [
      [
        { flushTimeoutMs: 30_000 },
        /^MLflowTracker\(\{ flushTimeoutMs \}\): must be a number in \[0, 30000\) \(the Tuner waits 30 s.*got 30000$/,
      ],
      [{ flushTimeoutMs: Number.NaN }, /flushTimeoutMs.*got NaN/],
      [{ flushTimeoutMs: -1 }, /flushTimeoutMs.*\[0, 30000\).*got -1/],
      [{ retry: { baseDelayMs: 0 } }, /^MLflowTracker\(\{ retry\.baseDelayMs \}\): must be a finite number >= 1, got 0$/],
      [
        { retry: { baseDelayMs: 100, maxDelayMs: 50 } },
        /^MLflowTracker\(\{ retry\.maxDelayMs \}\): must be a finite number >= retry\.baseDelayMs \(100\), got 50$/,
      ],
      [{ retry: { maxDelayMs: Number.POSITIVE_INFINITY } }, /retry\.maxDelayMs.*got Infinity/],
      [
        { retry: { maxDelay: 5 } as MLflowTrackerOptions['retry'] },
        /\{ retry\.maxDelay \}\): unknown option \(did you mean maxDelayMs\?\), got 5/,
      ],
      [{ retry: 5 as unknown as MLflowTrackerOptions['retry'] }, /\{ retry \}\): must be an object.*got 5$/],
      [{ retry: null as unknown as MLflowTrackerOptions['retry'] }, /\{ retry \}\): must be an object.*got null$/],
      [{ tags: { team: 3 } as unknown as Record<string, string> }, /^MLflowTracker\(\{ tags\.team \}\): must be a string, got 3$/],
      [{ tags: ['x'] as unknown as Record<string, string> }, /\{ tags \}\): must be a plain object of string values, got \["x"\]$/],
      [{ tags: new Map() as unknown as Record<string, string> }, /\{ tags \}\): must be a plain object.*a Map instance$/],
      [{ experimentName: '' }, /\{ experimentName \}\): must be a non-empty string, got ""$/],
      [{ experimentName: 7 as unknown as string }, /experimentName.*got 7/],
      [{ token: 42 as unknown as string }, /\{ token \}\): must be a string, got 42$/],
      [{ skipNonFinite: 'yes' as unknown as boolean }, /\{ skipNonFinite \}\): must be a boolean, got "yes"$/],
      [{ logger: { warn: () => {} } as unknown as MLflowTrackerOptions['logger'] }, /\{ logger \}\).*missing debug, info, error\)$/],
      [{ logger: console.log as unknown as MLflowTrackerOptions['logger'] }, /\{ logger \}\): must be a Logger/],
      [{ trackingUri: `${server.url}/?token=x` }, /\{ trackingUri \}\): must be an http\(s\) URL without query or fragment/],
      [{ trackingUri: `${server.url}#frag` }, /without query or fragment/],
      [{ trackingUri: 5 as unknown as string }, /\{ trackingUri \}\): must be an http\(s\) URL.*got 5$/],
      [{ trackinUri: server.url } as MLflowTrackerOptions, /\{ trackinUri \}\): unknown option \(did you mean trackingUri\?\)/],
    ]
    for (const [options, message] of bad) {
      const build = () => new MLflowTracker({ trackingUri: server.url, logger: log, ...options })
      expect(build, JSON.stringify(options)).toThrow(ConfigError)
      expect(build, JSON.stringify(options)).toThrow(message)
    }
    // Edges that are fine.
    expect(() => new MLflowTracker({ trackingUri: server.url, flushTimeoutMs: 0, retry: { baseDelayMs: 1, maxDelayMs: 1 } })).not.toThrow()
    expect(() => new MLflowTracker({ trackingUri: server.url, flushTimeoutMs: 29_999, retry: { baseDelayMs: 60_000 } })).not.toThrow()
  })

  it('does not let the flush deadline keep the process alive', async () => {
    const real = globalThis.setTimeout
    const timers: Array<{ ms: number | undefined; timer: NodeJS.Timeout }> = []
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      const timer = real(fn, ms)
      timers.push({ ms, timer })
      return timer
    }) as typeof setTimeout)
    try {
      await server.stop()
      await play(tracker({ flushTimeoutMs: 97 }))
    } finally {
      spy.mockRestore()
    }
    const deadline = timers.filter((t) => t.ms === 97)
    expect(deadline).toHaveLength(1)
    expect(deadline[0]?.timer.hasRef()).toBe(false)
  })

  it('sends params whose keys clean alike once, keeping the first and warning once per pair', async () => {
    const t = tracker()
    t.onExperimentStart(experiment())
    t.onTrialStart(trialInfo(0, { 'lr@1': 0.1, lr_1: 0.2 }, 'running'))
    t.onTrialStart(trialInfo(1, { 'lr@1': 0.3, lr_1: 0.4 }, 'running'))
    t.onTrialEnd(trialInfo(0, {}, 'completed'))
    t.onTrialEnd(trialInfo(1, {}, 'completed'))
    await t.onExperimentEnd(experiment(), summary(2))
    for (const { body } of server.ok('runs/log-batch')) {
      const keys = (body.params as Array<{ key: string }>).map((p) => p.key)
      expect(new Set(keys).size).toBe(keys.length)
    }
    expect(server.runNamed('trial_0000')?.params.get('lr_1')).toBe('0.1')
    expect(server.runNamed('trial_0001')?.params.get('lr_1')).toBe('0.3')
    expect(warnings()).toEqual([
      'warn: MLflowTracker: config keys "lr@1" and "lr_1" both become the MLflow param "lr_1"; only "lr@1" is logged',
    ])
  })

  it('gives metric keys that clean alike distinct names, the first keeping the plain one, the same in every run', async () => {
    const t = tracker()
    t.onExperimentStart(experiment())
    t.onTrialStart(trialInfo(0, {}, 'running'))
    t.onTrialResult(trialInfo(0, {}, 'running'), result(0, 0, { 'acc@1': 0.1, acc_1: 0.2, 'acc#1': 0.3 }))
    t.onTrialStart(trialInfo(1, {}, 'running'))
    t.onTrialResult(trialInfo(1, {}, 'running'), result(1, 0, { acc_1: 0.4 }))
    t.onTrialEnd(trialInfo(0, {}, 'completed'))
    t.onTrialEnd(trialInfo(1, {}, 'completed'))
    await t.onExperimentEnd(experiment(), summary(2))
    const values = (name: string) => Object.fromEntries(server.runNamed(name)?.metrics.map((m) => [m.key, m.value]) ?? [])
    expect(values('trial_0000')).toMatchObject({ acc_1: 0.1, acc_1_2: 0.2, acc_1_3: 0.3 })
    expect(values('trial_0001')).toMatchObject({ acc_1_2: 0.4 })
    expect(values('trial_0001')).not.toHaveProperty('acc_1')
    expect(warnings()).toHaveLength(2) // one per renamed key
    expect(warnings()[0]).toContain('"acc@1" and "acc_1" both become "acc_1"; "acc_1" is logged as "acc_1_2"')
  })

  it('cleans a key again after cutting it to 250 characters', async () => {
    const slash = `${'a'.repeat(249)}/x` // cut right after the slash
    const dot = `${'b'.repeat(248)}/.hidden` // cut to a "." segment
    const dots = `${'c'.repeat(247)}/..x` // cut to a ".." segment
    expect(mlflowKey(slash)).toBe('a'.repeat(249))
    expect(mlflowKey(dot)).toBe('b'.repeat(248))
    expect(mlflowKey(dots)).toBe('c'.repeat(247))
    expect(mlflowKey(`x/${'d'.repeat(300)}`)).toBe(`x/${'d'.repeat(248)}`)
    const long = 'k'.repeat(250)
    expect(uniqueKey(long, new Set([long]))).toBe(`${'k'.repeat(248)}_2`)
    expect(uniqueKey(`${'e'.repeat(247)}/.z`, new Set([`${'e'.repeat(247)}/.z`]))).toBe(`${'e'.repeat(247)}_2`)
    const t = tracker()
    t.onExperimentStart(experiment())
    t.onTrialStart(trialInfo(0, { [slash]: 1, [dot]: 2 }, 'running'))
    t.onTrialResult(trialInfo(0, {}, 'running'), result(0, 0, { [dots]: 3, [`${dots}y`]: 4 }))
    t.onTrialEnd(trialInfo(0, {}, 'completed'))
    await t.onExperimentEnd(experiment(), summary(1))
    expect(warnings().filter((w) => w.includes('not delivered'))).toEqual([])
    const run = server.runNamed('trial_0000')
    expect(run?.params.get('a'.repeat(249))).toBe('1')
    expect(run?.params.get('b'.repeat(248))).toBe('2')
    expect(run?.metrics.map((m) => m.key)).toEqual(expect.arrayContaining(['c'.repeat(247), `${'c'.repeat(247)}_2`]))
  })

  it('sends each parent tag key once: the first of your tags that clean alike, yours over a built-in one', async () => {
    await play(tracker({ tags: { 'team@1': 'vision', team_1: 'nlp', 'mlflow.user': 'ci-bot' } }))
    const created = server.ok('runs/create').find((r) => r.body.run_name === 'exp')
    const keys = ((created?.body.tags ?? []) as Array<{ key: string }>).map((t) => t.key)
    expect(new Set(keys).size).toBe(keys.length)
    const parent = server.runNamed('exp')
    expect(parent?.tags.get('team_1')).toBe('vision')
    expect(parent?.tags.get('mlflow.user')).toBe('ci-bot')
    expect(warnings()).toEqual([
      'warn: MLflowTracker: tags "team@1" and "team_1" both become the MLflow tag "team_1"; only "team@1" is logged',
    ])
  })

  it('caps the wait between retries at min(backoff, 1 s) while flushing', () => {
    const make = (baseDelayMs: number) =>
      new Retrier({
        baseDelayMs,
        maxDelayMs: 60_000,
        random: () => 0,
        signal: new AbortController().signal,
        onFailure: () => {},
        onRecovery: () => {},
      })
    const slow = make(5000)
    expect(slow.delay(1)).toBe(2500) // 5000 × jitter 0.5
    slow.hurry()
    expect(slow.delay(1)).toBe(500) // 1000 × 0.5, not 5000 × 0.5
    const fast = make(100)
    fast.hurry()
    expect(fast.delay(1)).toBe(50)
    expect(fast.delay(3)).toBe(200)
    expect(fast.delay(10)).toBe(500)
  })

  it('tags each trial run with its attempt, and a retried trial goes on in the same run', async () => {
    const t = tracker()
    t.onExperimentStart(experiment())
    const first = result(0, 0, { loss: 0.1 })
    t.onTrialStart(trialInfo(0, { lr: 1 }, 'running'))
    t.onTrialResult(trialInfo(0, { lr: 1 }, 'running', [first]), first)
    // The attempt failed; the Tuner starts the trial over as attempt 2, without an end in between.
    t.onTrialStart({ ...trialInfo(0, { lr: 1 }, 'running'), attempt: 2 })
    const again = result(0, 0, { loss: 0.5 })
    t.onTrialResult({ ...trialInfo(0, { lr: 1 }, 'running', [again]), attempt: 2 }, again)
    t.onTrialEnd({ ...trialInfo(0, { lr: 1 }, 'completed', [again]), attempt: 2 })
    t.onTrialStart(trialInfo(1, { lr: 2 }, 'running')) // no attempt field: the first
    t.onTrialEnd(trialInfo(1, { lr: 2 }, 'completed'))
    await t.onExperimentEnd(experiment(), summary(2))
    expect(warnings()).toEqual([])
    const created = server.ok('runs/create').find((r) => r.body.run_name === 'trial_0000')
    expect(created?.body.tags).toContainEqual({ key: 'hyperpool.attempt', value: '1' })
    const run = server.runNamed('trial_0000')
    expect(run?.tags.get('hyperpool.attempt')).toBe('2')
    expect(run?.metrics.filter((m) => m.key === 'loss').map((m) => m.value)).toEqual([0.1, 0.5]) // both attempts, one run
    expect(server.runNamed('trial_0001')?.tags.get('hyperpool.attempt')).toBe('1')
    // The failed attempt's better loss no longer counts as the trial's last value.
    expect(server.runNamed('exp')?.metrics.find((m) => m.key === 'best_loss')?.value).toBe(0.5)
  })
})
