import { writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/errors.ts'
import { acquireLock, checkUnlocked, LOCK_FILE, readLock } from '../../src/journal/lock.ts'
import { temporaryDir } from '../helpers.ts'

/** A pid no process has: far above the default pid_max. */
const DEAD_PID = 2 ** 30

describe('the experiment lock', () => {
  it('is held by one Tuner at a time, and released only by its holder', () => {
    const dir = temporaryDir()
    const release = acquireLock(dir, () => {})
    expect(readLock(dir)?.pid).toBe(process.pid)
    expect(() => acquireLock(dir, () => {})).toThrow(/^Tuner\(\{ storageDir \}\): .* is in use by another Tuner of this process/)
    expect(() => checkUnlocked(dir)).toThrow(ConfigError)
    release()
    expect(readLock(dir)).toBeUndefined()
    checkUnlocked(dir)
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
    checkUnlocked(dir)
    const taken: number[] = []
    const release = acquireLock(dir, (stale) => taken.push(stale.pid))
    expect(taken).toEqual([DEAD_PID])
    release()
    writeFileSync(path, JSON.stringify({ pid: DEAD_PID, host: 'elsewhere', since: 'then', token: 'old' }))
    expect(() => acquireLock(dir, () => {})).toThrow(`is in use by process ${DEAD_PID} on host elsewhere since then`)
    writeFileSync(path, 'not json')
    expect(() => acquireLock(dir, () => {})).toThrow(/is locked by another Tuner \(.*\.lock exists but cannot be read\)/)
  })
})
