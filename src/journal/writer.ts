import { closeSync, writeSync } from 'node:fs'
import { encodeEvent, type JsonlEvent } from './codec.ts'

/** How long appended events may wait for their write, ms, by default: a busy experiment's many turns then share one. */
export const JOURNAL_BATCH_MS = 10

/** Queued text past this many characters is written at once, whatever the wait: memory stays bounded. */
const BATCH_CHARS = 64 * 1024

/**
 * Appends events to an open journal file. Events go out together in one
 * `write` at most `batchMs` after the first of them was appended (0: at the
 * end of its event-loop turn, a `setImmediate`), so a busy experiment pays one
 * system call per batch, not per event or per turn; `flush()` writes at once,
 * for the events that must be on disk before anyone outside the driver hears
 * of them (an end a tracker or a log line tells, the experiment's end). A
 * process that dies loses at most the events of its last `batchMs` (which a
 * restore re-does); the file never holds half an event except, after a crash
 * mid-write, a torn last line, which the reader skips. There is no fsync:
 * what the operating system had not yet put on the disk is lost on a power
 * cut, not on a crash of the process.
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
  readonly #batchMs: number
  #pending: string[] = []
  #chars = 0
  #scheduled: NodeJS.Immediate | NodeJS.Timeout | undefined
  #failure: Error | undefined
  #closed = false
  /** Hears of the first failed write. */
  onFailure: ((error: Error) => void) | undefined

  constructor(fd: number, batchMs = JOURNAL_BATCH_MS) {
    this.#fd = fd
    this.#batchMs = batchMs
  }

  /** The first write error, if one happened: nothing has been written since. */
  get failure(): Error | undefined {
    return this.#failure
  }

  /** Queues one event for the next write (within `batchMs`). */
  append(event: JsonlEvent): void {
    if (this.#closed || this.#failure) return
    const line = `${encodeEvent(event)}\n`
    this.#pending.push(line)
    this.#chars += line.length
    if (this.#chars >= BATCH_CHARS) this.flush()
    else this.#scheduled ??= this.#batchMs === 0 ? setImmediate(this.#flushLater) : setTimeout(this.#flushLater, this.#batchMs)
  }

  readonly #flushLater = (): void => {
    this.#scheduled = undefined
    this.flush()
  }

  /** Writes every queued event now. */
  flush(): void {
    if (this.#scheduled !== undefined) {
      if (this.#batchMs === 0) clearImmediate(this.#scheduled as NodeJS.Immediate)
      else clearTimeout(this.#scheduled as NodeJS.Timeout)
      this.#scheduled = undefined
    }
    if (this.#pending.length === 0 || this.#failure) return
    const bytes = Buffer.from(this.#pending.join(''), 'utf8')
    this.#pending = []
    this.#chars = 0
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
