/**
 * A stand-in MLflow tracking server for tests: node:http on 127.0.0.1, the
 * REST endpoints MLflowTracker uses (as documented at
 * mlflow.org/docs/latest/rest-api.html), an in-memory store, and every
 * request recorded. It can fail or slow down the next requests, refuse
 * values, require a token, and stop and start again on the same port with
 * its store kept (a server restart with its database).
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordedRequest {
  readonly method: string
  /** The endpoint after `/api/2.0/mlflow/`, e.g. `runs/log-batch`. */
  readonly endpoint: string
  readonly query: Record<string, string>
  // biome-ignore lint/suspicious/noExplicitAny: request bodies are asserted on field by field
  readonly body: any
  readonly bytes: number
  readonly authorization: string | undefined
  readonly contentType: string | undefined
  /** The status answered; 0 when the request was dropped without an answer. */
  status: number
}

export interface FakeMetric {
  readonly key: string
  readonly value: number
  readonly timestamp: number
  readonly step: number
}

export interface FakeRun {
  readonly info: {
    run_id: string
    experiment_id: string
    run_name: string
    status: string
    start_time: number
    end_time?: number
    lifecycle_stage: string
  }
  readonly tags: Map<string, string>
  readonly params: Map<string, string>
  readonly metrics: FakeMetric[]
}

export interface FakeExperiment {
  readonly experiment_id: string
  readonly name: string
  lifecycle_stage: 'active' | 'deleted'
}

/** MLflow's key rule: alphanumerics, `_ - . /` and space, not a path that normalises to something else. */
const KEY = /^[A-Za-z0-9_\-. /]+$/
const LIMITS = { metrics: 1000, params: 100, tags: 100, items: 1000, bytes: 1_000_000 }

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export class FakeMlflow {
  readonly requests: RecordedRequest[] = []
  readonly experiments = new Map<string, FakeExperiment>()
  readonly runs = new Map<string, FakeRun>()
  /** When set, requests without `Authorization: Bearer <token>` get 401. */
  requiredToken: string | undefined
  /** A metric this returns true for makes its log-batch a 400 INVALID_PARAMETER_VALUE. */
  refuseMetric: ((metric: FakeMetric) => boolean) | undefined
  private failures: Array<{ status: number; endpoint?: string }> = []
  private slow: number[] = []
  private hanging = 0
  private lostAnswers: string[] = []
  private server: Server | undefined
  private port = 0
  private nextExperiment = 1

  /** Starts listening: on a free port the first time, on the same port after `stop()`. */
  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, '127.0.0.1', () => resolve())
    })
    this.server = server
    this.port = (server.address() as AddressInfo).port
  }

  /** The server is gone: connections cut, the port closed; `start()` brings it back with its data. */
  async stop(): Promise<void> {
    const server = this.server
    if (server === undefined) return
    this.server = undefined
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  /** The next `n` requests (to `endpoint` if given) answer `status` with an MLflow error body. */
  failNext(n: number, status = 503, endpoint?: string): void {
    for (let i = 0; i < n; i++) this.failures.push(endpoint === undefined ? { status } : { status, endpoint })
  }

  /** The next requests wait these many ms each before they are handled. */
  slowNext(...delaysMs: number[]): void {
    this.slow.push(...delaysMs)
  }

  /** The next `n` requests are never answered: each hangs until the client gives up on it. */
  hangNext(n: number): void {
    this.hanging += n
  }

  /** The next request to `endpoint` is carried out, but its connection is cut before the answer: the client cannot know it landed. */
  loseAnswerNext(endpoint: string): void {
    this.lostAnswers.push(endpoint)
  }

  /** Requests to one endpoint that the server answered with 200. */
  ok(endpoint: string): RecordedRequest[] {
    return this.requests.filter((r) => r.endpoint === endpoint && r.status === 200)
  }

  /** The run of a run name (trial_0003 or the experiment's name). */
  runNamed(name: string): FakeRun | undefined {
    return [...this.runs.values()].find((run) => run.info.run_name === name)
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const raw = Buffer.concat(chunks)
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const endpoint = url.pathname.replace(/^\/api\/2\.0\/mlflow\//, '')
    let body: unknown
    try {
      body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'))
    } catch {
      body = undefined
    }
    const record: RecordedRequest = {
      method: req.method ?? '',
      endpoint,
      query: Object.fromEntries(url.searchParams),
      body,
      bytes: raw.length,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      status: 0,
    }
    this.requests.push(record)
    if (this.hanging > 0) {
      this.hanging--
      return
    }
    const delay = this.slow.shift()
    if (delay !== undefined) await new Promise((resolve) => setTimeout(resolve, delay))
    if (res.destroyed) return
    const failure = this.failures.findIndex((f) => f.endpoint === undefined || f.endpoint === endpoint)
    let status = 200
    let answer: unknown
    if (failure >= 0) {
      status = this.failures[failure]?.status ?? 503
      this.failures.splice(failure, 1)
      answer = { error_code: status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST', message: 'injected failure' }
    } else if (this.requiredToken !== undefined && req.headers.authorization !== `Bearer ${this.requiredToken}`) {
      status = 401
      answer = { error_code: 'UNAUTHENTICATED', message: 'missing or wrong token' }
    } else {
      try {
        if (!url.pathname.startsWith('/api/2.0/mlflow/')) throw new HttpError(404, '', 'not found')
        if (body === undefined) throw new HttpError(400, 'MALFORMED_REQUEST', 'body is not JSON')
        if (req.method === 'POST' && req.headers['content-type'] !== 'application/json')
          throw new HttpError(400, 'MALFORMED_REQUEST', 'POST needs content type application/json')
        answer = this.route(req.method ?? '', endpoint, url.searchParams, body as Record<string, unknown>, raw.length)
      } catch (error) {
        if (!(error instanceof HttpError)) throw error
        status = error.status
        answer = error.code === '' ? undefined : { error_code: error.code, message: error.message }
      }
    }
    const lost = this.lostAnswers.indexOf(endpoint)
    if (lost >= 0 && status === 200) {
      this.lostAnswers.splice(lost, 1)
      res.destroy()
      return
    }
    record.status = status
    if (answer === undefined) {
      res.writeHead(status, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>')
      return
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
  }

  private route(method: string, endpoint: string, query: URLSearchParams, body: Record<string, unknown>, bytes: number): unknown {
    const route = `${method} ${endpoint}`
    switch (route) {
      case 'GET experiments/get-by-name': {
        const name = query.get('experiment_name') ?? ''
        const experiment = [...this.experiments.values()].find((e) => e.name === name)
        if (experiment === undefined) throw new HttpError(404, 'RESOURCE_DOES_NOT_EXIST', `Could not find experiment with name '${name}'`)
        return { experiment }
      }
      case 'POST experiments/create': {
        const name = body.name
        if (typeof name !== 'string' || name === '')
          throw new HttpError(400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'")
        if ([...this.experiments.values()].some((e) => e.name === name))
          throw new HttpError(400, 'RESOURCE_ALREADY_EXISTS', `Experiment '${name}' already exists.`)
        const experiment: FakeExperiment = { experiment_id: String(this.nextExperiment++), name, lifecycle_stage: 'active' }
        this.experiments.set(experiment.experiment_id, experiment)
        return { experiment_id: experiment.experiment_id }
      }
      case 'POST runs/create': {
        const experimentId = String(body.experiment_id)
        if (!this.experiments.has(experimentId)) throw new HttpError(404, 'RESOURCE_DOES_NOT_EXIST', `No experiment ${experimentId}`)
        const tags = keyValues(body.tags, 'tags')
        const run: FakeRun = {
          info: {
            run_id: randomUUID().replaceAll('-', ''),
            experiment_id: experimentId,
            run_name: typeof body.run_name === 'string' ? body.run_name : '',
            status: 'RUNNING',
            start_time: integer(body.start_time, 'start_time'),
            lifecycle_stage: 'active',
          },
          tags: new Map(tags.map((t) => [t.key, t.value])),
          params: new Map(),
          metrics: [],
        }
        this.runs.set(run.info.run_id, run)
        return { run: { info: run.info, data: { tags } } }
      }
      case 'POST runs/search': {
        // Only the filter MLflowTracker sends: one tag equal to a value.
        const filter = /^tags\.`([^`]+)` = '([^']*)'$/.exec(String(body.filter ?? ''))
        if (filter === null) throw new HttpError(400, 'INVALID_PARAMETER_VALUE', `unsupported filter ${String(body.filter)}`)
        const experiments = Array.isArray(body.experiment_ids) ? body.experiment_ids.map(String) : []
        const runs = [...this.runs.values()].filter(
          (run) => experiments.includes(run.info.experiment_id) && run.tags.get(filter[1] as string) === filter[2],
        )
        return runs.length === 0 ? {} : { runs: runs.map((run) => ({ info: run.info })) }
      }
      case 'POST runs/log-batch': {
        const run = this.run(body.run_id)
        const metrics = Array.isArray(body.metrics) ? (body.metrics as Record<string, unknown>[]) : []
        const params = keyValues(body.params, 'params')
        const tags = keyValues(body.tags, 'tags')
        if (bytes > LIMITS.bytes) throw new HttpError(400, 'INVALID_PARAMETER_VALUE', `Batch of ${bytes} bytes is over 1 MB`)
        if (metrics.length > LIMITS.metrics)
          throw new HttpError(
            400,
            'INVALID_PARAMETER_VALUE',
            `A batch logging request can contain at most 1000 metrics. Got ${metrics.length} metrics.`,
          )
        if (params.length > LIMITS.params) throw new HttpError(400, 'INVALID_PARAMETER_VALUE', `At most 100 params. Got ${params.length}.`)
        if (tags.length > LIMITS.tags) throw new HttpError(400, 'INVALID_PARAMETER_VALUE', `At most 100 tags. Got ${tags.length}.`)
        if (metrics.length + params.length + tags.length > LIMITS.items)
          throw new HttpError(400, 'INVALID_PARAMETER_VALUE', 'At most 1000 metrics, params and tags in total.')
        const parsed = metrics.map(parseMetric)
        for (const m of parsed) {
          if (this.refuseMetric?.(m))
            throw new HttpError(400, 'INVALID_PARAMETER_VALUE', `Got invalid value ${m.value} for metric '${m.key}'`)
        }
        const seen = new Map<string, string>()
        for (const p of params) {
          const old = run.params.get(p.key) ?? seen.get(p.key)
          if (old !== undefined && old !== p.value)
            throw new HttpError(
              400,
              'INVALID_PARAMETER_VALUE',
              `Changing param values is not allowed. Param with key='${p.key}' was already logged`,
            )
          if (p.value.length > 6000) throw new HttpError(400, 'INVALID_PARAMETER_VALUE', `Param value for '${p.key}' is too long`)
          seen.set(p.key, p.value)
        }
        for (const t of tags)
          if (Buffer.byteLength(t.value) > 8000) throw new HttpError(400, 'INVALID_PARAMETER_VALUE', `Tag '${t.key}' too long`)
        for (const [key, value] of seen) run.params.set(key, value)
        for (const t of tags) run.tags.set(t.key, t.value)
        run.metrics.push(...parsed)
        return {}
      }
      case 'POST runs/update': {
        const run = this.run(body.run_id)
        const status = body.status
        if (!['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'].includes(String(status)))
          throw new HttpError(400, 'INVALID_PARAMETER_VALUE', `Invalid status ${String(status)}`)
        run.info.status = String(status)
        if (body.end_time !== undefined) run.info.end_time = integer(body.end_time, 'end_time')
        return { run_info: run.info }
      }
      default:
        throw new HttpError(404, 'ENDPOINT_NOT_FOUND', `No endpoint ${route}`)
    }
  }

  private run(id: unknown): FakeRun {
    const run = this.runs.get(String(id))
    if (run === undefined) throw new HttpError(404, 'RESOURCE_DOES_NOT_EXIST', `Run '${String(id)}' not found`)
    return run
  }
}

function keyValues(value: unknown, field: string): Array<{ key: string; value: string }> {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw new HttpError(400, 'INVALID_PARAMETER_VALUE', `${field} must be a list`)
  return value.map((item: Record<string, unknown>) => {
    if (typeof item?.value !== 'string') throw new HttpError(400, 'INVALID_PARAMETER_VALUE', `${field} value must be a string`)
    return { key: validKey(item.key, field), value: item.value }
  })
}

function validKey(key: unknown, field: string): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 250 || !KEY.test(key))
    throw new HttpError(400, 'INVALID_PARAMETER_VALUE', `Invalid ${field} name: '${String(key)}'`)
  const segments = key.split('/')
  if (segments.some((s) => s === '' || s === '.' || s === '..'))
    throw new HttpError(400, 'INVALID_PARAMETER_VALUE', `Invalid ${field} name: '${key}'`)
  return key
}

function parseMetric(metric: Record<string, unknown>): FakeMetric {
  const key = validKey(metric.key, 'metric')
  const raw = metric.value
  // The proto3 JSON mapping: a double is a number, or "NaN", "Infinity", "-Infinity".
  const value = typeof raw === 'number' ? raw : raw === 'NaN' || raw === 'Infinity' || raw === '-Infinity' ? Number(raw) : undefined
  if (value === undefined) throw new HttpError(400, 'INVALID_PARAMETER_VALUE', `Got invalid value ${String(raw)} for metric '${key}'`)
  return { key, value, timestamp: integer(metric.timestamp, 'timestamp'), step: integer(metric.step ?? 0, 'step') }
}

function integer(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new HttpError(400, 'INVALID_PARAMETER_VALUE', `${field} must be an integer`)
  return value
}

/** A started fake server. */
export async function startFakeMlflow(): Promise<FakeMlflow> {
  const fake = new FakeMlflow()
  await fake.start()
  return fake
}
