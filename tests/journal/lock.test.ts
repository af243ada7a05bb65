import { readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { ConfigError } from '../../src/errors.ts'
import { acquireLock, checkUnlocked, LOCK_FILE, readLock } from '../../src/journal/lock.ts'
import { argumentAt } from '../../src/options/index.ts'
import { temporaryDir } from '../helpers.ts'

/** Runs once just before the next renameSync: what another process does between our look at a stale lock and our move of it. */
const race = vi.hoisted(() => ({ beforeRename: undefined as (() => void) | undefined }))
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>()
  return {
    ...fs,
    renameSync: (from: string, to: string) => {
      const step = race.beforeRename
      race.beforeRename = undefined
      step?.()
      fs.renameSync(from, to)
    },
  }
})

const RESTORE_DIR = argumentAt('Tuner.restore', 'dir')

/** A pid no process has: far above the default pid_max. */
const DEAD_PID = 2 ** 30

describe('the experiment lock', () => {
  it('is held by one Tuner at a time, and released only by its holder', () => {
    const dir = temporaryDir()
    const release = acquireLock(dir, () => {})
    expect(readLock(dir)?.pid).toBe(process.pid)
    expect(() => acquireLock(dir, () => {})).toThrow(/^Tuner\(\{ storageDir \}\): .* is in use by another Tuner of this process/)
    expect(() => checkUnlocked(dir, RESTORE_DIR)).toThrow(ConfigError)
    release()
    expect(readLock(dir)).toBeUndefined()
    checkUnlocked(dir, RESTORE_DIR)
    // A release after another Tuner took the lock leaves that one's lock alone.
    const next = acquireLock(dir, () => {})
    release()
    expect(readLock(dir)?.pid).toBe(process.pid)
    next()
  })

  it("takes over a dead process's lock, saying so; refuses another host's and an unreadable one", () => {
    const dir = temporaryDir()
    const path = join(dir, LOCK_FILE)
    writeFileSync(path, JSON.stringify({ pid: DEAD_PID, host: hostname(), since: 'then', token: 'old' }))
    checkUnlocked(dir, RESTORE_DIR)
    const taken: number[] = []
    const release = acquireLock(dir, (stale) => taken.push(stale.pid))
    expect(taken).toEqual([DEAD_PID])
    release()
    writeFileSync(path, JSON.stringify({ pid: DEAD_PID, host: 'elsewhere', since: 'then', token: 'old' }))
    expect(() => acquireLock(dir, () => {})).toThrow(`is in use by process ${DEAD_PID} on host elsewhere since then`)
    writeFileSync(path, 'not json')
    expect(() => acquireLock(dir, () => {})).toThrow(/is locked by another Tuner \(.*\.lock exists but cannot be read\)/)
  })

  it('names Tuner.restore(dir) and gives advice a restore can follow (no rename) when the restore is refused', () => {
    const dir = temporaryDir()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 77, host: 'elsewhere', since: 'then', token: 'x' }))
    const advice = `Tuner.restore(dir): ${dir} is in use by process 77 on host elsewhere since then; wait for pid 77 to end, or delete ${join(dir, LOCK_FILE)} if that process is gone (another host's cannot be checked from here)`
    expect(() => checkUnlocked(dir, RESTORE_DIR)).toThrow(advice)
    expect(() => acquireLock(dir, () => {}, RESTORE_DIR)).toThrow(advice)
    expect(() => acquireLock(dir, () => {})).toThrow(/^Tuner\(\{ storageDir \}\): .*give this Tuner another name/)
  })

  it("takes over a lock naming this process's pid with a token it does not hold (a restarted container reuses pids)", () => {
    const dir = temporaryDir()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), since: 'before the restart', token: 'old' }))
    checkUnlocked(dir, RESTORE_DIR)
    const taken: string[] = []
    const release = acquireLock(dir, (stale) => taken.push(stale.since))
    expect(taken).toEqual(['before the restart'])
    release()
  })

  it('leaves alone a fresh lock that replaced the stale one while it looked, and races again when the stale one vanished', () => {
    const dir = temporaryDir()
    const path = join(dir, LOCK_FILE)
    const fresh = JSON.stringify({ pid: 1, host: 'elsewhere', since: 'just now', token: 'fresh' })
    writeFileSync(path, JSON.stringify({ pid: DEAD_PID, host: hostname(), since: 'then', token: 'old' }))
    // A third process takes the stale lock over between our read and our move: ours moves its fresh lock aside.
    race.beforeRename = () => writeFileSync(path, fresh)
    expect(() => acquireLock(dir, () => {})).toThrow('is in use by process 1 on host elsewhere since just now')
    expect(readFileSync(path, 'utf8')).toBe(fresh)
    // A third process removed the stale lock first: the folder is free, so take it, not fail with "cannot write".
    writeFileSync(path, JSON.stringify({ pid: DEAD_PID, host: hostname(), since: 'then', token: 'old' }))
    race.beforeRename = () => unlinkSync(path)
    const release = acquireLock(dir, () => {})
    expect(readLock(dir)?.pid).toBe(process.pid)
    release()
  })
})
