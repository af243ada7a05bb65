import { screen, type TextStream } from '../../terminal.ts'
import type { TrialOutput } from '../../types.ts'

/** A line this long is shown even before its newline arrives. */
const MAX_PARTIAL_CHARS = 64 * 1024

/**
 * Shows trial output on the console, each line prefixed with where it came
 * from, as Ray Tune prefixes `(pid=…)`: `(trial 3) epoch 1: loss 0.41`.
 * Lines go out whole, above the live status line (see `screen`), so trials
 * printing at once never mix within a line; a line still open is kept until
 * its newline, or the trial's run ends. Within a line, a `\r` (a progress
 * bar redrawing itself) keeps only what follows it, as a terminal would show.
 *
 * @example
 * ```ts
 * const mirror = new ConsoleMirror({ stdout: process.stdout, stderr: process.stderr })
 * mirror.write({ trialId: 3, stream: 'stdout', text: 'epoch 1\n', late: false }) // (trial 3) epoch 1
 * ```
 */
export class ConsoleMirror {
  readonly #targets: Readonly<Record<TrialOutput['stream'], TextStream>>
  /** Per source (trial or worker, stream, late or not), the line still open. */
  readonly #open = new Map<string, { readonly output: TrialOutput; text: string }>()

  constructor(targets: Readonly<Record<TrialOutput['stream'], TextStream>>) {
    this.#targets = targets
  }

  write(output: TrialOutput): void {
    const key = `${output.trialId}/${output.stream}/${output.late}`
    const text = (this.#open.get(key)?.text ?? '') + output.text
    const end = text.lastIndexOf('\n')
    const rest = text.slice(end + 1)
    if (rest === '' || rest.length >= MAX_PARTIAL_CHARS) this.#open.delete(key)
    else this.#open.set(key, { output, text: rest })
    if (rest.length >= MAX_PARTIAL_CHARS) this.#show(output, text)
    else if (end !== -1) this.#show(output, text.slice(0, end))
  }

  /** Shows the open lines of a trial (all sources when undefined): its run ended, nothing will close them. */
  end(trialId?: number): void {
    for (const [key, open] of this.#open) {
      if (trialId !== undefined && open.output.trialId !== trialId) continue
      this.#open.delete(key)
      this.#show(open.output, open.text)
    }
  }

  #show(output: TrialOutput, text: string): void {
    const prefix = output.trialId === undefined ? '(worker) ' : `(trial ${output.trialId}${output.late ? ', after its run' : ''}) `
    const lines = text.split('\n').map((line) => prefix + shown(line))
    screen.print(this.#targets[output.stream], `${lines.join('\n')}\n`)
  }
}

/** What a terminal leaves of a line that redraws itself with `\r`: the text after the last one (a CRLF's aside). */
function shown(line: string): string {
  const body = line.endsWith('\r') ? line.slice(0, -1) : line
  return body.slice(body.lastIndexOf('\r') + 1)
}
