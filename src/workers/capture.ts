/**
 * Worker side of trial output: this thread's `process.stdout` and
 * `process.stderr` (and so `console.*`, which writes through them) stop going
 * to the driver's terminal and are sent to the driver in batches, each tagged
 * with the trial running on the thread, so the driver decides where they go.
 */
import { StringDecoder } from 'node:string_decoder'
import type { TrialOutput } from '../types.ts'
import type { OutputMessage } from './protocol.ts'

type Stream = TrialOutput['stream']

/** A batch leaves as soon as it holds this many characters, so a trainable that prints in a busy loop cannot pile up memory. */
const FLUSH_CHARS = 64 * 1024

/**
 * Collects what the thread writes and posts it as {@link OutputMessage}s: at
 * the end of the event-loop turn that wrote it, when a batch grows past 64 K
 * characters, and when a trial's run begins or ends. Output written between
 * runs (a timer that outlived its trial) is tagged `late` with the last run.
 *
 * @example
 * ```ts
 * const capture = new OutputCapture((message) => link.postMessage(message))
 * capture.install()
 * capture.begin(run, trialId)
 * // … the trainable runs and prints …
 * const outputBatches = capture.end()
 * ```
 */
export class OutputCapture {
  readonly #post: (message: OutputMessage) => void
  readonly #heard: ((text: string) => void) | undefined
  #run: number | undefined
  #trialId: number | undefined
  #late = false
  #batches = 0
  #chunks: [Stream, string][] = []
  #chars = 0
  /** The end of the turn that wrote the pending chunks: cleared when they leave sooner, so a finished run leaves no Immediate behind (see drain.ts). */
  #scheduled: NodeJS.Immediate | undefined

  /** `heard`: told every write as it is made, before it is batched (what a module prints as it loads, see load-watch.ts). */
  constructor(post: (message: OutputMessage) => void, heard?: (text: string) => void) {
    this.#post = post
    this.#heard = heard
  }

  /** Sends this thread's stdout and stderr here from now on. */
  install(): void {
    redirect(process.stdout, 'stdout', this)
    redirect(process.stderr, 'stderr', this)
  }

  /** A trial's run starts on this thread: what is written from now on is its output. */
  begin(run: number, trialId: number): void {
    this.flush()
    this.#run = run
    this.#trialId = trialId
    this.#late = false
    this.#batches = 0
  }

  /** The run ended: sends what it wrote and returns how many batches that took; later output is `late`. */
  end(): number {
    this.flush()
    this.#late = true
    return this.#batches
  }

  add(stream: Stream, text: string): void {
    if (text === '') return
    this.#heard?.(text)
    const last = this.#chunks.at(-1)
    if (last?.[0] === stream) last[1] += text
    else this.#chunks.push([stream, text])
    this.#chars += text.length
    if (this.#chars >= FLUSH_CHARS) this.flush()
    else this.#scheduled ??= setImmediate(() => this.flush())
  }

  flush(): void {
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled)
    this.#scheduled = undefined
    if (this.#chunks.length === 0) return
    this.#post({ type: 'output', run: this.#run, trialId: this.#trialId, late: this.#late, chunks: this.#chunks })
    if (!this.#late) this.#batches++
    this.#chunks = []
    this.#chars = 0
  }
}

/** Replaces `stream.write` so every write, `console.*` included, goes to `capture` instead of the driver's terminal. */
function redirect(stream: NodeJS.WriteStream, name: Stream, capture: OutputCapture): void {
  // Bytes may split a character between two writes: the decoder keeps the partial one for the next.
  const decoder = new StringDecoder('utf8')
  const write = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    const done = typeof encoding === 'function' ? encoding : callback
    capture.add(name, toText(chunk, encoding, decoder))
    if (typeof done === 'function') process.nextTick(done as () => void)
    return true
  }
  stream.write = write as NodeJS.WriteStream['write']
}

function toText(chunk: unknown, encoding: unknown, decoder: StringDecoder): string {
  if (typeof chunk === 'string') {
    const foreign = typeof encoding === 'string' && Buffer.isEncoding(encoding) && !/^utf-?8$/i.test(encoding)
    return foreign ? Buffer.from(chunk, encoding).toString() : chunk
  }
  if (chunk instanceof Uint8Array) return decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))
  return String(chunk)
}
