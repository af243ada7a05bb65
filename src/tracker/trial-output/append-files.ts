import { appendFile, mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'

/** Pending text past this many characters is written at once rather than at the next timer. */
const MAX_PENDING_CHARS = 1 << 20

/**
 * Appends text to files in batches: what is appended waits in memory until
 * `flushMs` has passed, a megabyte is pending, or `flush` is called, then
 * goes out in one `appendFile` per file. Writes to one file happen in order;
 * folders are made on first need. A write that fails is reported to
 * `onError` and the text is dropped; nothing is thrown.
 *
 * @example
 * ```ts
 * const files = new AppendFiles({ flushMs: 1000, onError: (path, error) => log.warn(path, error) })
 * files.append('runs/a/trial_0003/stdout.log', 'epoch 1\n')
 * await files.close() // every pending text is on disk
 * ```
 */
export class AppendFiles {
  readonly #flushMs: number
  readonly #onError: (path: string, error: unknown) => void
  readonly #pending = new Map<string, string[]>()
  /** Per file, the last write in progress; later writes chain after it. */
  readonly #writing = new Map<string, Promise<void>>()
  readonly #madeDirs = new Set<string>()
  #pendingChars = 0
  #timer: NodeJS.Timeout | undefined

  constructor(options: { flushMs: number; onError: (path: string, error: unknown) => void }) {
    this.#flushMs = options.flushMs
    this.#onError = options.onError
  }

  append(path: string, text: string): void {
    const pending = this.#pending.get(path)
    if (pending === undefined) this.#pending.set(path, [text])
    else pending.push(text)
    this.#pendingChars += text.length
    if (this.#pendingChars >= MAX_PENDING_CHARS) this.flushAll()
    else if (this.#timer === undefined) {
      // Unreferenced: pending output never keeps the process alive; `close` writes it.
      this.#timer = setTimeout(() => this.flushAll(), this.#flushMs).unref()
    }
  }

  /** Starts writing what is pending for `path`. */
  flush(path: string): void {
    const pending = this.#pending.get(path)
    if (pending === undefined) return
    this.#pending.delete(path)
    const text = pending.join('')
    this.#pendingChars -= text.length
    const write = (this.#writing.get(path) ?? Promise.resolve()).then(() => this.#write(path, text))
    this.#writing.set(path, write)
    void write.then(() => {
      if (this.#writing.get(path) === write) this.#writing.delete(path)
    })
  }

  /** Starts writing everything pending. */
  flushAll(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    for (const path of [...this.#pending.keys()]) this.flush(path)
  }

  /** Writes everything pending and resolves once every write is done. */
  async close(): Promise<void> {
    this.flushAll()
    await Promise.all(this.#writing.values())
  }

  async #write(path: string, text: string): Promise<void> {
    try {
      const dir = dirname(path)
      if (!this.#madeDirs.has(dir)) {
        await mkdir(dir, { recursive: true })
        this.#madeDirs.add(dir)
      }
      await appendFile(path, text)
    } catch (error) {
      this.#onError(path, error)
    }
  }
}
