import { randomBytes } from 'node:crypto'
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import type { ConfigError } from '../errors.ts'
import { optionAt, problemAt } from '../options/index.ts'

/** The lock file's name inside an experiment's folder. */
export const LOCK_FILE = '.lock'

/**
 * Who holds an experiment's folder: the process, its host, since when.
 *
 * @example
 * ```ts
 * const holder: LockHolder = { pid: 4242, host: 'gpu-1', since: '2026-11-28T09:00:00.000Z', token: 'a1b2' }
 * ```
 */
export interface LockHolder {
  readonly pid: number
  readonly host: string
  readonly since: string
  /** Tells this lock from a later one of the same process (two Tuners of one process). */
  readonly token: string
}

/**
 * Takes `<dir>/.lock` for this process, so a second live Tuner on the same
 * experiment fails at once instead of interleaving its events with ours. The
 * file is created whole and linked into place, which fails if it exists: two
 * processes racing for the folder cannot both win. A lock whose process is
 * dead on this host is taken over (`onTakeOver` hears of it); a lock held by a
 * live process, or by another host (whose processes this one cannot see),
 * throws a {@link ConfigError} naming the holder. Returns the release
 * function, which removes the lock only while it is still ours.
 *
 * @example
 * ```ts
 * const release = acquireLock('runs/exp1', (stale) => logger.info(`took over the lock of dead process ${stale.pid}`))
 * try { await run() } finally { release() }
 * ```
 */
export function acquireLock(dir: string, onTakeOver: (stale: LockHolder) => void): () => void {
  const path = join(dir, LOCK_FILE)
  const mine: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), token: randomBytes(8).toString('hex') }
  const draft = join(dir, `${LOCK_FILE}.${mine.token}`)
  writeFileSync(draft, `${JSON.stringify(mine)}\n`)
  let stale: LockHolder | undefined
  try {
    for (;;) {
      try {
        linkSync(draft, path)
        break
      } catch (error) {
        if ((error as { code?: string }).code !== 'EEXIST' || stale !== undefined) throw inUse(dir, readHolder(path), error)
      }
      const holder = readHolder(path)
      if (holder === undefined || isAlive(holder)) throw inUse(dir, holder)
      // Move the stale lock aside, then check it was the one judged dead: another process may have taken over first.
      const aside = join(dir, `${LOCK_FILE}.stale.${mine.token}`)
      renameSync(path, aside)
      const moved = readHolder(aside)
      if (moved?.token !== holder.token) {
        renameSync(aside, path)
        throw inUse(dir, moved)
      }
      unlinkSync(aside)
      stale = holder
    }
  } finally {
    unlinkSync(draft)
  }
  if (stale !== undefined) onTakeOver(stale)
  return () => {
    if (readHolder(path)?.token === mine.token) unlinkSync(path)
  }
}

/**
 * The holder of `<dir>/.lock`, or undefined when there is no lock (or it
 * cannot be read).
 *
 * @example
 * ```ts
 * const holder = readLock('runs/exp1') // { pid: 4242, host: 'gpu-1', ... } while a Tuner runs it
 * ```
 */
export function readLock(dir: string): LockHolder | undefined {
  return readHolder(join(dir, LOCK_FILE))
}

/**
 * Throws the same error as {@link acquireLock} when a live process holds `dir`;
 * a check for a restore, which takes the lock only when it runs.
 *
 * @example
 * ```ts
 * checkUnlocked('runs/exp1') // ConfigError if process 4242 still runs it
 * ```
 */
export function checkUnlocked(dir: string): void {
  const holder = readLock(dir)
  if (holder !== undefined && isAlive(holder)) throw inUse(dir, holder)
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>
    if (typeof holder.pid !== 'number' || typeof holder.host !== 'string') return undefined
    return { pid: holder.pid, host: holder.host, since: String(holder.since), token: String(holder.token) }
  } catch {
    return undefined
  }
}

/** Whether the holder may still run: certainly when on another host, whose processes cannot be seen from here. */
function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true
  try {
    process.kill(holder.pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as { code?: string }).code === 'EPERM'
  }
}

function inUse(dir: string, holder: LockHolder | undefined, cause?: unknown): ConfigError {
  const lock = join(dir, LOCK_FILE)
  if (holder === undefined) {
    return problemAt(
      optionAt('Tuner', 'storageDir'),
      `${dir} is locked by another Tuner (${lock} exists but cannot be read); if no Tuner runs this experiment, delete ${lock}`,
      cause,
    )
  }
  const who =
    holder.pid === process.pid && holder.host === hostname()
      ? `another Tuner of this process (pid ${holder.pid})`
      : `process ${holder.pid} on host ${holder.host}`
  return problemAt(
    optionAt('Tuner', 'storageDir'),
    `${dir} is in use by ${who} since ${holder.since}; wait for it to end, or give this Tuner another name. If that process is gone (another host's cannot be checked from here), delete ${lock}`,
    cause,
  )
}
