/**
 * Peak resident memory of this process and its child processes, sampled
 * from /proc every few milliseconds (Linux). Threads share the process's RSS.
 */
import { readdirSync, readFileSync } from 'node:fs'

const PAGE = 4096

function rssBytes(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')
    return Number(fields[1]) * PAGE
  } catch {
    return 0 // the process ended between listing and reading
  }
}

function children(pid: number): number[] {
  try {
    const tasks = readdirSync(`/proc/${pid}/task`)
    return tasks.flatMap((tid) => readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number))
  } catch {
    return []
  }
}

function treeRss(pid: number): number {
  return rssBytes(pid) + children(pid).reduce((sum, child) => sum + treeRss(child), 0)
}

/** Starts sampling; `stop()` returns the peak in bytes. */
export function samplePeakRss(intervalMs = 5): { stop(): number } {
  let peak = treeRss(process.pid)
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRss(process.pid))
  }, intervalMs)
  return {
    stop() {
      clearInterval(timer)
      return Math.max(peak, treeRss(process.pid))
    },
  }
}
