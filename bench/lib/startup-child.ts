/**
 * One cold start in a process of its own, for the overhead benchmark: the modules are imported first
 * (a program pays that before it calls fit()), then it times from `fit()` (or `new Piscina`) to the first
 * trial (or task) running, and prints that in ms. argv[2]: 'piscina', 'hyperpool' or 'journal'; argv[3] 'empty':
 * the task and the trainable import nothing (empty-task.ts, empty-trainable.ts), else both load the benchmarks'
 * workload modules.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Piscina } from 'piscina'
import { now } from './naive-task.ts'
import { noopTuner } from './noop-tuner.ts'
import { sibling } from './sibling.ts'

const contender = process.argv[2]
const empty = process.argv[3] === 'empty'
const threads = 2
const config = { work: 'noop' }
let readyAt: number
let startedAt: number
if (contender === 'piscina') {
  startedAt = now()
  const pool = new Piscina({
    filename: sibling(empty ? 'empty-task' : 'noop-task', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
  })
  const replies = (await Promise.all(Array.from({ length: threads }, () => pool.run(config)))) as { readyAt: number }[]
  readyAt = Math.min(...replies.map((reply) => reply.readyAt))
  await pool.destroy()
} else {
  const storageDir = mkdtempSync(join(tmpdir(), 'hyperpool-startup-'))
  try {
    const tuner = noopTuner(threads, threads, contender === 'journal' ? storageDir : false, empty ? 'empty-trainable' : 'trainable')
    startedAt = now()
    const results = await tuner.fit()
    readyAt = Math.min(...results.trials.map((trial) => (trial.history[0] as unknown as { readyAt: number }).readyAt))
  } finally {
    rmSync(storageDir, { recursive: true, force: true })
  }
}
process.stdout.write(`${readyAt - startedAt}\n`)
