import { type FSWatcher, watch } from 'node:fs'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { EXPERIMENT_FILE } from '../journal/codec.ts'
import { liveLock } from '../journal/lock.ts'
import { argumentAt, check, PATH } from '../options/index.ts'
import { type ReportWritten, WATCH_REPORT_OPTIONS, type WatchReportOptions } from './options.ts'
import { REPORT_FILE, renderReport } from './write.ts'

/**
 * Writes the report of the experiment in `dir`, then rewrites it each time
 * the experiment's journal grows, until `signal` aborts: for watching a
 * live run in a browser. Only the journal counts (not trial logs, checkpoints
 * or the report itself). Changes are noticed from the file system's events
 * and, as a fallback, by checking the journal every `pollMs`; a burst of
 * changes within `debounceMs` makes one rewrite. Each rewrite replaces the
 * file whole, by a rename, so a browser never reads half of it; while the
 * experiment has not ended the page reloads itself every `refreshS`. A
 * folder with no journal yet (a run about to start) is waited for: the first
 * report is written once the journal appears.
 *
 * Resolves with the last write (undefined if there was none) once aborted
 * and any write under way has finished; rejects with the first failed read
 * or write unless `onError` takes it. Bad options throw a `ConfigError` at once.
 *
 * @example
 * ```ts
 * import { watchReport } from 'hyperpool'
 * const stop = new AbortController()
 * process.once('SIGINT', () => stop.abort())
 * await watchReport('runs/exp1', { signal: stop.signal, onError: (e) => console.error(e.message) })
 * ```
 */
export async function watchReport(dir: string, options: WatchReportOptions = {}): Promise<ReportWritten | undefined> {
  const read = WATCH_REPORT_OPTIONS.read(options)
  const folder = check(PATH.required(), dir, argumentAt('watchReport', 'dir'))
  const out = read.out ?? join(folder, REPORT_FILE)
  const { signal, debounceMs, pollMs, onWrite, onError } = read

  let dirty = true
  let wake: () => void = () => {}
  const changed = () => {
    dirty = true
    wake()
  }
  // Trial logs, checkpoints and the report's own rewrites share the folder; only the journal says the experiment moved.
  const watcher = watchFolder(folder, (name) => {
    if (name === null || name === EXPERIMENT_FILE) changed()
  })
  let lastSeen = ''
  let polling = false
  const poll = setInterval(() => {
    if (polling) return
    polling = true
    fingerprint(folder)
      .then((seen) => {
        if (seen !== lastSeen) changed()
        lastSeen = seen
      })
      .finally(() => {
        polling = false
      })
  }, pollMs)
  const onAbort = () => wake()
  signal?.addEventListener('abort', onAbort, { once: true })

  let last: ReportWritten | undefined
  let first = true
  try {
    while (!signal?.aborted) {
      if (!dirty) await new Promise<void>((done) => (wake = done))
      if (signal?.aborted) break
      // Let a burst of changes settle into one rewrite (the first write goes at once).
      if (!first) await sleep(debounceMs, signal)
      if (signal?.aborted) break
      first = false
      dirty = false
      lastSeen = await fingerprint(folder)
      // No journal yet: the experiment has not started; its first line is a change like any other.
      if (lastSeen === '') continue
      try {
        last = await renderReport(folder, { out, title: read.title, signal: undefined, refreshS: read.refreshS })
        onWrite?.(last)
      } catch (error) {
        if (onError === undefined) throw error
        onError(error instanceof Error ? error : new Error(String(error)))
      }
    }
  } finally {
    watcher?.close()
    clearInterval(poll)
    signal?.removeEventListener('abort', onAbort)
  }
  return last
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(finish, ms)
    signal?.addEventListener('abort', finish, { once: true })
    function finish(): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', finish)
      done()
    }
  })
}

/** Events for `folder`'s entries, or undefined where the folder cannot be watched (missing yet, or no support): polling covers it. */
function watchFolder(folder: string, onChange: (name: string | null) => void): FSWatcher | undefined {
  try {
    const watcher = watch(folder, { persistent: false }, (_event, name) => onChange(name === null ? null : String(name)))
    watcher.on('error', () => watcher.close())
    return watcher
  } catch {
    return undefined
  }
}

/**
 * The journal's size, change time and inode, and the live lock's token, as one string that changes when the
 * journal grows or is replaced ('' while it is missing), and when the run holding the folder ends: a process
 * that dies (killed, out of memory) writes nothing, and its page would go on saying it runs.
 */
async function fingerprint(folder: string): Promise<string> {
  const info = await stat(join(folder, EXPERIMENT_FILE)).catch(() => undefined)
  return info === undefined ? '' : `${info.ino}:${info.size}:${info.mtimeMs}:${liveLock(folder)?.token ?? ''}`
}
