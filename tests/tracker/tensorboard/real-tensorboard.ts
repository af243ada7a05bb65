/**
 * The real TensorBoard, for the tests that check the tracker's files with it:
 * finding a Python that has it, reading a logdir with its event reader
 * (tests/fixtures/read_tensorboard.py), and running its server.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

/** Set by `.ci/run` to the Python of a venv it made from the wheel folder. */
export const PYTHON_ENV = 'HYPERPOOL_TENSORBOARD_PYTHON'

const READER = fileURLToPath(new URL('../../fixtures/read_tensorboard.py', import.meta.url))

/**
 * A Python that imports `tensorboard`: the one `HYPERPOOL_TENSORBOARD_PYTHON`
 * names (an error when it cannot, so CI never skips silently), else `python3`
 * if it can; otherwise why the tests skip.
 */
export function findTensorBoardPython(): { python: string; version: string } | { skip: string } {
  const probe = (python: string) => spawnSync(python, ['-c', 'import tensorboard; print(tensorboard.__version__)'], { encoding: 'utf8' })
  const named = process.env[PYTHON_ENV]
  if (named) {
    const run = probe(named)
    if (run.status !== 0) throw new Error(`${PYTHON_ENV}=${named} cannot import tensorboard: ${run.error?.message ?? run.stderr.trim()}`)
    return { python: named, version: run.stdout.trim() }
  }
  const run = probe('python3')
  if (run.status === 0) return { python: 'python3', version: run.stdout.trim() }
  return {
    skip:
      `skipped: no Python with TensorBoard (${PYTHON_ENV} is not set and python3 cannot import tensorboard). ` +
      `.ci/run sets it when the wheels are on the machine; by hand: ${PYTHON_ENV}=/path/to/venv/bin/python npm test`,
  }
}

/** What TensorBoard's own reader found in a logdir: HParams messages as protobuf JSON, scalars as [step, value]. */
export interface TensorBoardReadout {
  version: string
  experiments: Record<string, unknown>
  sessionStarts: Record<string, { hparams: Record<string, unknown>; startTimeSecs: number }>
  sessionEnds: Record<string, { status: string; endTimeSecs: number }>
  scalars: Record<string, Record<string, Array<[number, number]>>>
}

export async function readWithTensorBoard(python: string, logdir: string): Promise<TensorBoardReadout> {
  const { stdout } = await promisify(execFile)(python, [READER, logdir], { maxBuffer: 64 * 1024 * 1024 })
  return JSON.parse(stdout) as TensorBoardReadout
}

/** A running `tensorboard` server. */
export interface TensorBoardServer {
  readonly url: string
  /** POSTs `body` as the HParams dashboard does (JSON text) and returns the parsed answer. */
  post(path: string, body: unknown): Promise<unknown>
  get(path: string): Promise<unknown>
  /** Ends the server's process (SIGTERM, then SIGKILL if it lingers) and waits for it. */
  stop(): Promise<void>
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

/**
 * Starts `tensorboard` on 127.0.0.1 and a port the system picks (`--port 0`),
 * with the pure-Python loader (`--load_fast=false`), and resolves once it
 * says where it listens. The server loads the logdir in the background: poll
 * for the data. Always `stop()` it.
 */
export async function startTensorBoard(python: string, logdir: string, deadlineMs = 120_000): Promise<TensorBoardServer> {
  const child = spawn(python, ['-m', 'tensorboard.main', '--logdir', logdir, '--host', '127.0.0.1', '--port', '0', '--load_fast=false'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tensorboard did not start within ${deadlineMs} ms:\n${output}`)), deadlineMs)
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      const found = /TensorBoard \S+ at (http:\/\/127\.0\.0\.1:\d+)\//.exec(output)
      if (found?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(found[1])
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`tensorboard exited with ${code} before it listened:\n${output}`))
    })
  }).catch(async (error: unknown) => {
    await stopProcess(child)
    throw error
  })
  const answer = async (response: Response) => {
    if (!response.ok) throw new Error(`${response.url}: HTTP ${response.status}: ${await response.text()}`)
    return response.json() as Promise<unknown>
  }
  return {
    url,
    post: async (path, body) =>
      answer(await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(body) })),
    get: async (path) => answer(await fetch(`${url}${path}`)),
    stop: () => stopProcess(child),
  }
}

/** Calls `probe` until it returns something other than undefined, at most until the deadline. */
export async function poll<T>(what: string, probe: () => Promise<T | undefined>, deadlineMs = 120_000): Promise<T> {
  const deadline = Date.now() + deadlineMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${deadlineMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}
