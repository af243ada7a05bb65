import { randomBytes } from 'node:crypto'
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { errnoCode } from '../errno.ts'
import type { ConfigError } from '../errors.ts'
import { optionAt, type Place, problemAt } from '../options/index.ts'

/** The lock file's name inside an experiment's folder. */
export const LOCK_FILE = '.lock'

/** A Tuner's folder, the place lock errors name unless the caller says otherwise. */
const STORAGE_DIR = optionAt('Tuner', 'storageDir')

/**
 * The tokens of the locks this process holds now. A lock naming this pid with
 * another token is not ours: it was left by an earlier process that had the
 * same pid (a container restarted, pids counted from 1 again), so it is stale.
 */
const HELD = new Set<string>()

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
 * throws a {@link ConfigError} naming the holder, at `at` (the caller's input:
 * a Tuner's `storageDir`, or the `dir` of `Tuner.restore`). Returns the release
 * function, which removes the lock only while it is still ours.
 *
 * @example
 * ```ts
 * const release = acquireLock('runs/exp1', (stale) => logger.info(`took over the lock of dead process ${stale.pid}`))
 * try { await run() } finally { release() }
 * ```
 */
export function acquireLock(dir: string, onTakeOver: (stale: LockHolder) => void, at: Place = STORAGE_DIR): () => void {
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
        if (errnoCode(error) !== 'EEXIST' || stale !== undefined) throw inUse(at, dir, readHolder(path), error)
      }
      const holder = readHolder(path)
      if (holder === undefined || isAlive(holder)) throw inUse(at, dir, holder)
      // Move the stale lock aside, then check it was the one judged dead: another process may have taken over first.
      const aside = join(dir, `${LOCK_FILE}.stale.${mine.token}`)
      try {
        renameSync(path, aside)
      } catch (error) {
        // Another process moved the stale lock first: race it for the free folder again.
        if (errnoCode(error) === 'ENOENT') continue
        throw error
      }
      const moved = readHolder(aside)
      if (moved?.token !== holder.token) {
        // We moved a live process's fresh lock: put it back, unless yet another lock took its place (never overwrite one).
        putBack(aside, path)
        throw inUse(at, dir, moved)
      }
      unlinkSync(aside)
      stale = holder
    }
  } finally {
    unlinkSync(draft)
  }
  HELD.add(mine.token)
  if (stale !== undefined) onTakeOver(stale)
  return () => {
    HELD.delete(mine.token)
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
 * checkUnlocked('runs/exp1', argumentAt('Tuner.restore', 'dir')) // ConfigError if process 4242 still runs it
 * ```
 */
export function checkUnlocked(dir: string, at: Place): void {
  const holder = liveLock(dir)
  if (holder !== undefined) throw inUse(at, dir, holder)
}

/**
 * The holder of `<dir>/.lock` when it may still run (see {@link acquireLock}: a process alive on this
 * host, or any on another host, which cannot be checked from here); undefined when there is no lock, or
 * its process is gone (a stale lock: the experiment is not running, whatever its journal says).
 *
 * @example
 * ```ts
 * const holder = liveLock('runs/exp1') // { pid: 4242, ... } while process 4242 runs it; undefined once it died
 * ```
 */
export function liveLock(dir: string): LockHolder | undefined {
  const holder = readLock(dir)
  return holder !== undefined && isAlive(holder) ? holder : undefined
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

/** Moves `aside` back to `path` without overwriting a lock that appeared there meanwhile. */
function putBack(aside: string, path: string): void {
  try {
    linkSync(aside, path)
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error
  }
  unlinkSync(aside)
}

/**
 * Whether the holder may still run: certainly when on another host, whose
 * processes cannot be seen from here; for this very process, only if it
 * holds that lock now.
 */
function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true
  if (holder.pid === process.pid) return HELD.has(holder.token)
  try {
    process.kill(holder.pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return errnoCode(error) === 'EPERM'
  }
}

/** The error for a folder held by another: a new Tuner can go elsewhere; anything else (a restore) can only wait or clear a dead lock. */
function inUse(at: Place, dir: string, holder: LockHolder | undefined, cause?: unknown): ConfigError {
  const lock = join(dir, LOCK_FILE)
  const newTuner = at === STORAGE_DIR
  if (holder === undefined) {
    return problemAt(
      at,
      `${dir} is locked by another Tuner (${lock} exists but cannot be read); if no Tuner runs this experiment, delete ${lock}`,
      cause,
    )
  }
  const who =
    holder.pid === process.pid && holder.host === hostname()
      ? `another Tuner of this process (pid ${holder.pid})`
      : `process ${holder.pid} on host ${holder.host}`
  const advice = newTuner
    ? `wait for it to end, or give this Tuner another name. If that process is gone (another host's cannot be checked from here), delete ${lock}`
    : `wait for pid ${holder.pid} to end, or delete ${lock} if that process is gone (another host's cannot be checked from here)`
  return problemAt(at, `${dir} is in use by ${who} since ${holder.since}; ${advice}`, cause)
}
