/** A child process of the naive multiprocessing contenders: one task per message. */
import { type NaiveTask, runTask } from './naive-task.ts'

process.on('message', (task: NaiveTask) => {
  process.send?.(runTask(task))
})
