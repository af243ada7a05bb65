import { existsSync, openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { JournalWriter } from '../../src/journal/writer.ts'
import { temporaryDir } from '../helpers.ts'

describe('JournalWriter', () => {
  it('writes the events of a batch together, within batchMs of the first, or at once when flushed', async () => {
    vi.useFakeTimers()
    try {
      const path = join(temporaryDir(), 'experiment.jsonl')
      const writer = new JournalWriter(openSync(path, 'a'), 10)
      writer.append({ event: 'retry', trial_id: 1 })
      vi.advanceTimersByTime(9)
      writer.append({ event: 'retry', trial_id: 2 })
      expect(readFileSync(path, 'utf8')).toBe('')
      vi.advanceTimersByTime(1)
      expect(readFileSync(path, 'utf8')).toBe('{"event":"retry","trial_id":1}\n{"event":"retry","trial_id":2}\n')
      // A large batch goes out at once: memory stays bounded.
      writer.append({ event: 'retry', trial_id: 3, pad: 'x'.repeat(70_000) } as never)
      expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(4)
      writer.close()
    } finally {
      vi.useRealTimers()
    }
  })

  it('writes the events of a turn together at its end with batchMs 0, or at once when flushed', async () => {
    const path = join(temporaryDir(), 'experiment.jsonl')
    const writer = new JournalWriter(openSync(path, 'a'), 0)
    writer.append({ event: 'retry', trial_id: 1 })
    writer.append({ event: 'retry', trial_id: 2 })
    expect(readFileSync(path, 'utf8')).toBe('')
    await new Promise((resolve) => setImmediate(resolve))
    expect(readFileSync(path, 'utf8')).toBe('{"event":"retry","trial_id":1}\n{"event":"retry","trial_id":2}\n')
    writer.append({ event: 'retry', trial_id: 3 })
    writer.flush()
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(4)
    writer.close()
    writer.append({ event: 'retry', trial_id: 4 })
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(4)
  })

  it('keeps the first failed write, says so once, and drops what comes after', () => {
    // Writing to /dev/full fails with ENOSPC, as a full disk does.
    if (!existsSync('/dev/full')) return
    const writer = new JournalWriter(openSync('/dev/full', 'w'))
    const heard: Error[] = []
    writer.onFailure = (error) => heard.push(error)
    writer.append({ event: 'retry', trial_id: 1 })
    writer.flush()
    writer.append({ event: 'retry', trial_id: 2 })
    writer.flush()
    expect(heard.map((error) => (error as { code?: string }).code)).toEqual(['ENOSPC'])
    expect(writer.failure).toBe(heard[0])
    writer.close()
  })
})
