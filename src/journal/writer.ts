import { closeSync, writeSync } from 'node:fs'
import { encodeEvent, type JsonlEvent } from './codec.ts'

/**
 * Appends events to an open journal file. Events of one turn of the event
 * loop go out in one `write` at its end (a `setImmediate`), so a busy
 * experiment pays one system call per turn, not per event; `flush()` writes
 * at once, for the events that must be on disk before anyone outside the
 * driver hears of them (a trial's end, the experiment's end). A process that
 * dies loses at most the events of its last turn; the file never holds half
 * an event except, after a crash mid-write, a torn last line, which the
 * reader skips. There is no fsync: what the operating system had not yet
 * put on the disk is lost on a power cut, not on a crash of the process.
 *
 * A write that fails (disk full, file gone) is kept: `failure` says what it
 * was, later appends are dropped, and `onFailure` hears of it once, so the
 * experiment can stop instead of running on unrecorded.
 *
 * @example
 * ```ts
 * const writer = new JournalWriter(openSync('runs/exp1/experiment.jsonl', 'a'))
 * writer.append({ event: 'retry', trial_id: 3 })
 * writer.flush()
 * writer.close()
 * ```
 */
export class JournalWriter {
  readonly #fd: number
  #pending: string[] = []
  #scheduled: NodeJS.Immediate | undefined
  #failure: Error | undefined
  #closed = false
  /** Hears of the first failed write. */
  onFailure: ((error: Error) => void) | undefined

  constructor(fd: number) {
    this.#fd = fd
  }

  /** The first write error, if one happened: nothing has been written since. */
  get failure(): Error | undefined {
    return this.#failure
  }

  /** Queues one event for the write at the end of this turn. */
  append(event: JsonlEvent): void {
    if (this.#closed || this.#failure) return
    this.#pending.push(`${encodeEvent(event)}\n`)
    this.#scheduled ??= setImmediate(() => this.flush())
  }

  /** Writes every queued event now. */
  flush(): void {
    if (this.#scheduled !== undefined) {
      clearImmediate(this.#scheduled)
      this.#scheduled = undefined
    }
    if (this.#pending.length === 0 || this.#failure) return
    const bytes = Buffer.from(this.#pending.join(''), 'utf8')
    this.#pending = []
    try {
      // writeSync may write less than asked (a full pipe, a signal); go on from where it stopped.
      for (let offset = 0; offset < bytes.length; ) offset += writeSync(this.#fd, bytes, offset)
    } catch (error) {
      this.#failure = error as Error
      this.onFailure?.(this.#failure)
    }
  }

  /** Flushes and closes the file; later appends are dropped. */
  close(): void {
    if (this.#closed) return
    this.flush()
    this.#closed = true
    closeSync(this.#fd)
  }
}
