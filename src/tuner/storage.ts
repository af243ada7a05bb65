import { mkdirSync, openSync, statSync, truncateSync, writeSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { errnoCode } from '../errno.ts'
import { type ConfigError, HyperpoolError } from '../errors.ts'
import { EXPERIMENT_FILE, type JournalHeader, type JsonlEvent } from '../journal/codec.ts'
import { acquireLock } from '../journal/lock.ts'
import { type JournalFile, readJournal } from '../journal/read.ts'
import { JournalWriter } from '../journal/writer.ts'
import type { Logger } from '../logger.ts'
import { optionAt, type Place, problemAt } from '../options/index.ts'
import { resumeCode } from './restore.ts'

/**
 * An experiment's folder, open for this process: the journal's writer, and
 * the lock that keeps other Tuners out until `close()`. If the process exits
 * while it is open (an uncaught error elsewhere, `process.exit`, a second
 * Ctrl-C), the journal's last events are still written and the lock released.
 *
 * @example
 * ```ts
 * const store = createStore('runs/exp1', [header, start], logger)
 * store.writer.append(event)
 * store.close()
 * ```
 */
export interface ExperimentStore {
  readonly dir: string
  readonly writer: JournalWriter
  /** Writes what is queued, closes the journal and releases the lock. */
  close(): void
}

/**
 * Creates the folder of a new experiment and its journal, starting with
 * `first` (the header and `experiment_start`), before any trial runs. A
 * folder that cannot be written, one in use by another live Tuner, and one
 * that already holds an experiment each fail with a {@link ConfigError}
 * saying what to do.
 *
 * @example
 * ```ts
 * const store = createStore(join(storageDir, name), [header, { event: 'experiment_start', experiment }], logger)
 * ```
 */
export function createStore(dir: string, first: readonly JsonlEvent[], logger: Logger): ExperimentStore {
  const release = writable(dir, () => {
    mkdirSync(dir, { recursive: true })
    return lock(dir, logger)
  })
  let fd: number
  try {
    fd = openSync(join(dir, EXPERIMENT_FILE), 'wx')
  } catch (error) {
    release()
    if (errnoCode(error) === 'EEXIST') {
      throw problemAt(
        optionAt('Tuner', 'storageDir'),
        `${dir} already holds an experiment (${EXPERIMENT_FILE}); continue it with ${resumeCode(dir, dataOf(first))}, or give this Tuner another name`,
        error,
      )
    }
    throw unwritable(dir, error)
  }
  const store = open(dir, fd, release)
  for (const event of first) store.writer.append(event)
  store.writer.flush()
  return store
}

/**
 * Opens an existing experiment's folder to continue it: takes the lock, then
 * reads the journal (under the lock, so no other Tuner is adding to it); a
 * torn last line is cut off with a warning, and a whole last line missing its
 * '\n' gets one, so what is appended starts on a line of its own.
 *
 * @example
 * ```ts
 * const { store, journal } = await reopenStore('runs/exp1', logger, argumentAt('Tuner.restore', 'dir'))
 * ```
 */
export async function reopenStore(dir: string, logger: Logger, at: Place): Promise<{ store: ExperimentStore; journal: JournalFile }> {
  const release = writable(dir, () => lock(dir, logger, at))
  try {
    const journal = await readJournal(dir, at)
    if (journal.torn !== undefined) {
      logger.warn(
        `${journal.path} line ${journal.torn} was cut short by a crash: it is skipped and removed; the restore re-runs what it held`,
      )
      truncateSync(journal.path, journal.validBytes)
    }
    const fd = openSync(journal.path, 'a')
    // The last event is whole but its newline never reached the file: end its line, or ours would be glued onto it.
    if (journal.unterminated) writeSync(fd, '\n')
    return { store: open(dir, fd, release), journal }
  } catch (error) {
    release()
    throw error
  }
}

/**
 * A folder of its own under `root` for an experiment with a default name:
 * `name` if that folder is free, else `name-1`, `name-2`... Creating the
 * folder claims it, so two Tuners started in the same second (their default
 * names equal) never share one. Returns the name used.
 *
 * @example
 * ```ts
 * claimFolder('runs', 'hyperpool_2026-11-27_14-03-09') // 'hyperpool_2026-11-27_14-03-09-1' if the first is taken
 * ```
 */
export function claimFolder(root: string, name: string): string {
  return writable(join(root, name), () => {
    mkdirSync(root, { recursive: true })
    for (let n = 0; ; n++) {
      const candidate = n === 0 ? name : `${name}-${n}`
      try {
        mkdirSync(join(root, candidate))
        return candidate
      } catch (error) {
        if (errnoCode(error) !== 'EEXIST') throw error
      }
    }
  })
}

/** The data fingerprint of the journal header among `events`, null when there is none. */
function dataOf(events: readonly JsonlEvent[]): JournalHeader['data'] {
  for (const event of events) if (event.event === 'journal') return event.data
  return null
}

function lock(dir: string, logger: Logger, at?: Place): () => void {
  return acquireLock(dir, (stale) => logger.info(`${dir}: took over the lock of process ${stale.pid}, which is gone`), at)
}

function open(dir: string, fd: number, release: () => void): ExperimentStore {
  const writer = new JournalWriter(fd)
  let closed = false
  const close = () => {
    if (closed) return
    closed = true
    process.removeListener('exit', close)
    try {
      writer.close()
    } finally {
      release()
    }
  }
  process.on('exit', close)
  return { dir, writer, close }
}

/** Runs a first write into `dir`, turning a file-system refusal into one clear error. */
function writable<T>(dir: string, attempt: () => T): T {
  try {
    return attempt()
  } catch (error) {
    if (error instanceof HyperpoolError) throw error
    throw unwritable(dir, error)
  }
}

function unwritable(dir: string, error: unknown): ConfigError {
  const code = errnoCode(error)
  const message = (error as { message?: string } | undefined)?.message
  const file = fileInTheWay(dir)
  const why = file === undefined ? `${code ?? 'error'}: ${message}` : `${file} is a file, not a folder`
  return problemAt(
    optionAt('Tuner', 'storageDir'),
    `cannot write the experiment's folder ${dir} (${why}); give a storageDir this process can write, or storageDir: false to keep nothing on disk`,
    error,
  )
}

/** The file, if any, that stands where `dir` or one of its parents should be a folder. */
function fileInTheWay(dir: string): string | undefined {
  for (let path = resolve(dir); ; path = dirname(path)) {
    try {
      return statSync(path).isDirectory() ? undefined : path
    } catch {
      // Missing, or under a file: look one level up.
    }
    if (dirname(path) === path) return undefined
  }
}
