/**
 * A stand-in for an MLflow tracking server, so the example runs where no
 * MLflow is installed (CI): the REST endpoints MLflowTracker calls, an
 * in-memory store, and counts to print. Not a real server: no UI, nothing kept.
 */
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface StubServer {
  readonly url: string
  readonly counts: { requests: number; runs: number; metrics: number; params: number; tags: number }
  close(): Promise<void>
}

export async function startStubServer(): Promise<StubServer> {
  const experiments = new Map<string, string>()
  const counts = { requests: 0, runs: 0, metrics: 0, params: 0, tags: 0 }
  const server = createServer(async (req, res) => {
    let text = ''
    for await (const chunk of req) text += chunk
    counts.requests++
    const url = new URL(req.url ?? '/', 'http://stub')
    const body = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown[] | string | undefined>
    const reply = (status: number, answer: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
    switch (url.pathname.replace('/api/2.0/mlflow/', '')) {
      case 'experiments/get-by-name': {
        const id = experiments.get(url.searchParams.get('experiment_name') ?? '')
        if (id === undefined) return reply(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no such experiment' })
        return reply(200, { experiment: { experiment_id: id, lifecycle_stage: 'active' } })
      }
      case 'experiments/create': {
        const id = String(experiments.size + 1)
        experiments.set(String(body.name), id)
        return reply(200, { experiment_id: id })
      }
      case 'runs/create':
        counts.runs++
        return reply(200, { run: { info: { run_id: randomUUID().replaceAll('-', '') } } })
      case 'runs/log-batch':
        counts.metrics += body.metrics?.length ?? 0
        counts.params += body.params?.length ?? 0
        counts.tags += body.tags?.length ?? 0
        return reply(200, {})
      case 'runs/update':
        return reply(200, {})
      default:
        return reply(404, { error_code: 'ENDPOINT_NOT_FOUND', message: url.pathname })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
