/**
 * The bare piscina contender's task: the dataset reached its thread once, as
 * views over SharedArrayBuffers in `workerData`, so a task carries only its
 * config, the way a careful user of piscina alone would share data.
 */
import { workerData } from 'node:worker_threads'
import { type NaiveReply, now } from './naive-task.ts'
import { type Dataset, fitRidge, type RidgeConfig } from './ridge.ts'

const data = workerData as Dataset

export default function ridge(task: { config: RidgeConfig; work: 'ridge' | 'noop'; sentAt: number }): NaiveReply {
  const handoffMs = now() - task.sentAt
  return { loss: task.work === 'noop' ? (data.X[0] ?? 0) : fitRidge(data, task.config), handoffMs }
}
