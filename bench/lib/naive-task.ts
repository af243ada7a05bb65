/**
 * What the naive contenders run for one task: rebuild the dataset from the
 * message (as naive code does), then the workload.
 */
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

export function runTask(task: NaiveTask): NaiveReply {
  const data: Dataset = {
    X: task.X instanceof Float64Array ? task.X : Float64Array.from(task.X),
    y: task.y instanceof Float64Array ? task.y : Float64Array.from(task.y),
  }
  const handoffMs = now() - task.sentAt
  return { loss: task.work === 'noop' ? (data.X[0] ?? 0) : fitRidge(data, task.config), handoffMs }
}
