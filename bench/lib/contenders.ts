/**
 * The six ways of running K trials that the benchmarks compare. Each one
 * starts its workers, runs every config, and shuts down; the caller times it.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { Worker } from 'node:worker_threads'
import { type Config, type Result, type Searcher, type TrialInfo, Tuner } from 'hyperpool'
import { Piscina } from 'piscina'
import { type NaiveReply, type NaiveTask, now } from './naive-task.ts'
import { type Dataset, fitRidge, type RidgeConfig } from './ridge.ts'
import { sibling } from './sibling.ts'

export interface RunInput {
  readonly data: Dataset
  readonly configs: readonly RidgeConfig[]
  readonly work: 'ridge' | 'noop'
  readonly concurrency: number
}

export type ContenderName = 'serial' | 'fork-json' | 'fork-advanced' | 'threads-copy' | 'piscina-shared' | 'hyperpool'

/** Runs every config; returns each trial's data hand-off time in ms, in trial order. */
export const CONTENDERS: Record<ContenderName, (input: RunInput) => Promise<number[]>> = {
  serial: async ({ data, configs, work }) => {
    for (const config of configs) if (work === 'ridge') fitRidge(data, config)
    return configs.map(() => 0)
  },
  'fork-json': (input) => runForked(input, 'json'),
  'fork-advanced': (input) => runForked(input, 'advanced'),
  'threads-copy': runThreads,
  'piscina-shared': runPiscina,
  hyperpool: runHyperpool,
}

/** Hands out `configs` to `workers` as each finishes, the way a naive pool does. */
async function dispatch<W>(
  workers: readonly W[],
  count: number,
  send: (worker: W, index: number) => Promise<NaiveReply>,
): Promise<number[]> {
  const handoff: number[] = []
  let next = 0
  await Promise.all(
    workers.map(async (worker) => {
      while (next < count) {
        const index = next++
        handoff[index] = (await send(worker, index)).handoffMs
      }
    }),
  )
  return handoff
}

async function runForked({ data, configs, work, concurrency }: RunInput, serialization: 'json' | 'advanced'): Promise<number[]> {
  const children: ChildProcess[] = Array.from({ length: concurrency }, () =>
    fork(sibling('fork-child', import.meta.url), { serialization }),
  )
  try {
    return await dispatch(children, configs.length, (child, i) => {
      const sentAt = now()
      // JSON IPC cannot carry typed arrays: naive code converts them to plain arrays for every task.
      const payload = serialization === 'json' ? { X: Array.from(data.X), y: Array.from(data.y) } : data
      const task: NaiveTask = { config: configs[i] as RidgeConfig, work, sentAt, ...payload }
      return new Promise<NaiveReply>((resolve, reject) => {
        child.once('message', resolve)
        child.send(task, (error) => error && reject(error))
      })
    })
  } finally {
    for (const child of children) child.kill()
  }
}

async function runThreads({ data, configs, work, concurrency }: RunInput): Promise<number[]> {
  const workers = Array.from({ length: concurrency }, () => new Worker(sibling('thread-child', import.meta.url)))
  try {
    return await dispatch(workers, configs.length, (worker, i) => {
      const task: NaiveTask = { config: configs[i] as RidgeConfig, work, X: data.X, y: data.y, sentAt: now() }
      return new Promise<NaiveReply>((resolve, reject) => {
        const fail = (error: Error) => reject(error)
        worker.once('error', fail)
        worker.once('message', (reply: NaiveReply) => {
          worker.off('error', fail)
          resolve(reply)
        })
        worker.postMessage(task) // structured clone: a full copy of the dataset per task
      })
    })
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()))
  }
}

/**
 * Bare piscina with the data copied once into shared memory and handed to every thread at its start:
 * the pool hyperpool runs on, with nothing of hyperpool's. What it cannot reach, hyperpool cannot either.
 */
async function runPiscina({ data, configs, work, concurrency }: RunInput): Promise<number[]> {
  const share = (array: Float64Array) => {
    const copy = new Float64Array(new SharedArrayBuffer(array.byteLength))
    copy.set(array)
    return copy
  }
  const pool = new Piscina({
    filename: sibling('shared-ridge-task', import.meta.url).href,
    workerData: { X: share(data.X), y: share(data.y) } satisfies Dataset,
    minThreads: concurrency,
    maxThreads: concurrency,
    idleTimeout: Number.POSITIVE_INFINITY,
  })
  try {
    return await dispatch(
      Array.from({ length: concurrency }, () => pool),
      configs.length,
      (_pool, i) => pool.run({ config: configs[i] as RidgeConfig, work, sentAt: now() }),
    )
  } finally {
    await pool.destroy()
  }
}

/** Hands the Tuner the same configs as the other contenders get. */
class ListSearch implements Searcher {
  constructor(readonly configs: readonly Config[]) {}
  setup(): void {}
  suggest(trialId: number): Config | null {
    return this.configs[trialId] ?? null
  }
  onTrialResult(_trialId: number, _result: Result): void {}
  onTrialComplete(): void {}
}

async function runHyperpool({ data, configs, work, concurrency }: RunInput): Promise<number[]> {
  // Dispatch time: the Tuner emits onTrialStart just before it hands the trial to the pool.
  const sentAt: number[] = []
  const handoff: number[] = []
  const timing = {
    onTrialStart: (trial: TrialInfo) => {
      sentAt[trial.id] = now()
    },
    onTrialResult: (trial: TrialInfo, result: Result) => {
      handoff[trial.id] = (result.readyAt as number) - (sentAt[trial.id] as number)
    },
  }
  await new Tuner({
    trainable: sibling('trainable', import.meta.url),
    space: { work },
    search: new ListSearch(configs.map((config) => ({ ...config, work }))),
    metric: 'loss',
    numSamples: configs.length,
    concurrency,
    data,
    trackers: [timing],
    storageDir: false,
    logLevel: 'warn',
    seed: 1,
  }).fit()
  return handoff
}
