/** A worker thread of the naive worker_threads contender: one task per message. */
import { parentPort } from 'node:worker_threads'
import { type NaiveTask, runTask } from './naive-task.ts'

parentPort?.on('message', (task: NaiveTask) => parentPort?.postMessage(runTask(task)))
