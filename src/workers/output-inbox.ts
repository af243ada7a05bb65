import type { TrialOutput } from '../types.ts'
import type { OutputMessage } from './protocol.ts'

interface Counted {
  received: number
  expected: number | undefined
  arrived: (() => void) | undefined
}

/**
 * Driver side of trial output: hands each {@link OutputMessage} chunk to the
 * sink, and lets a run's end wait for its output. A worker's output batches
 * and its task result travel on different ports, so the result can arrive
 * first; the run's end waits until as many batches as the worker says it
 * sent have arrived, so a trial's output is all in before its end is seen.
 *
 * @example
 * ```ts
 * const inbox = new OutputInbox((output) => console.log(output.trialId, output.text))
 * inbox.open(run)
 * pool.on('message', (m) => isOutputMessage(m) && inbox.receive(m))
 * await inbox.settled(run, result.outputBatches)
 * ```
 */
export class OutputInbox {
  readonly #sink: (output: TrialOutput) => void
  /** Runs that have not ended yet: their batches are counted. */
  readonly #runs = new Map<number, Counted>()

  constructor(sink: (output: TrialOutput) => void) {
    this.#sink = sink
  }

  /** A run starts: count its batches from now on. */
  open(run: number): void {
    this.#runs.set(run, { received: 0, expected: undefined, arrived: undefined })
  }

  receive(message: OutputMessage): void {
    for (const [stream, text] of message.chunks) this.#sink({ trialId: message.trialId, stream, text, late: message.late })
    const waiting = message.run === undefined || message.late ? undefined : this.#runs.get(message.run)
    if (waiting === undefined) return
    waiting.received++
    if (waiting.expected !== undefined && waiting.received >= waiting.expected) waiting.arrived?.()
  }

  /** Resolves once `batches` batches of `run` have arrived; the run is then no longer counted. */
  async settled(run: number, batches: number): Promise<void> {
    const waiting = this.#runs.get(run)
    if (waiting !== undefined && waiting.received < batches) {
      waiting.expected = batches
      await new Promise<void>((resolve) => {
        waiting.arrived = resolve
      })
    }
    this.#runs.delete(run)
  }

  /** A run ended without a result (its thread died): whatever of its output still arrives goes to the sink, uncounted. */
  forget(run: number): void {
    this.#runs.delete(run)
  }
}
