/**
 * What the naive contenders run for one task: rebuild the dataset from the
 * message (as naive code does), then the workload.
 */
import { readFileSync } from 'node:fs'
import { type Dataset, fitRidge, type RidgeConfig } from './ridge.ts'

export interface NaiveTask {
  readonly config: RidgeConfig
  readonly work: 'ridge' | 'noop'
  /** JSON-serialised contenders send plain arrays; the others send typed arrays. */
  readonly X: Float64Array | number[]
  readonly y: Float64Array | number[]
  /** When the driver began sending this task (epoch ms, sub-ms precision). */
  readonly sentAt: number
}

/** The reply: the trial's loss, and how long the data took to arrive and be usable. */
export interface NaiveReply {
  readonly loss: number
  readonly handoffMs: number
}

/** Epoch milliseconds with sub-millisecond precision, comparable across threads and processes. */
export const now = () => performance.timeOrigin + performance.now()

let startupTaken = false

/**
 * The CPU time this thread had used when its first task began, ms: its start-up (thread boot, module
 * loading), which a busy machine changes much less than the wall clock. Given once per thread (the
 * first caller), from Linux's per-thread scheduler statistics; undefined after, and where they are absent.
 * Here because every task module of the start-up comparison already imports this file, so it adds no module to any.
 */
export function startupCpuMs(): number | undefined {
  if (startupTaken) return undefined
  startupTaken = true
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6
  } catch {
    return undefined
  }
}

export function runTask(task: NaiveTask): NaiveReply {
  const data: Dataset = {
    X: task.X instanceof Float64Array ? task.X : Float64Array.from(task.X),
    y: task.y instanceof Float64Array ? task.y : Float64Array.from(task.y),
  }
  const handoffMs = now() - task.sentAt
  return { loss: task.work === 'noop' ? (data.X[0] ?? 0) : fitRidge(data, task.config), handoffMs }
}
