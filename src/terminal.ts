// Kept in the published .d.ts: its types use Node's, which newer TypeScript loads only when asked.
/// <reference types="node" preserve="true" />

/**
 * What the screen writer needs of a stream: `write`, and on a terminal
 * `isTTY` and `columns` (as Node's `tty.WriteStream` has them).
 *
 * @example
 * ```ts
 * const out: TextStream = process.stdout
 * ```
 */
export interface TextStream {
  write(text: string): unknown
  readonly isTTY?: boolean
  readonly columns?: number
}

/** Back to the start of the row, then erase the whole row. */
const ERASE_ROW = '\r\x1b[2K'
/** Up one row, then erase it. */
const ERASE_ROW_ABOVE = '\x1b[1A\x1b[2K'
/** A stream that says it is a terminal but gives no width is taken to be this wide. */
export const DEFAULT_COLUMNS = 80

/**
 * Whether `stream` is a terminal that a line can be redrawn on in place: a
 * TTY, unless `TERM=dumb` says it does not understand escape codes.
 *
 * @example
 * ```ts
 * canRedraw(process.stdout) // true in a terminal, false when piped to a file or in CI
 * ```
 */
export function canRedraw(stream: TextStream): boolean {
  return stream.isTTY === true && process.env.TERM !== 'dumb'
}

/**
 * The width a line must stay under on `stream`: its `columns`, else
 * {@link DEFAULT_COLUMNS}.
 *
 * @example
 * ```ts
 * columnsOf(process.stdout) // 120 in a 120-column terminal
 * ```
 */
export function columnsOf(stream: TextStream): number {
  const columns = stream.columns
  return typeof columns === 'number' && Number.isInteger(columns) && columns > 0 ? columns : DEFAULT_COLUMNS
}

/** Columns a string takes: one per code point (the live line is plain text). */
export function widthOf(text: string): number {
  let width = 0
  for (const _ of text) width++
  return width
}

/**
 * The process's screen: one live line (a status line redrawn in place) and
 * everything printed above it. Whoever writes to the terminal while a live
 * line shows goes through {@link Screen.print}, which erases the live line,
 * writes, and draws it again, so logger warnings, trial output and the status
 * line never run into each other. Two streams share the screen when they are
 * the same stream or both are terminals (stdout and stderr of a shell).
 *
 * @example
 * ```ts
 * screen.showLive(process.stdout, '[hyperpool] 3/10 trials (3 completed)')
 * screen.print(process.stderr, '[hyperpool] warn: something\n') // lands above the live line
 * screen.endLive(process.stdout)
 * ```
 */
export class Screen {
  #live: { readonly stream: TextStream; readonly text: string } | undefined

  /**
   * Draws `text` as the live line on `stream`, in place of the one shown
   * before. The caller fits it to the width (see `columnsOf`); on a stream
   * that cannot redraw, use {@link Screen.print} instead.
   */
  showLive(stream: TextStream, text: string): void {
    const previous = this.#live
    if (previous?.stream === stream && previous.text === text) return
    if (previous !== undefined && previous.stream !== stream) previous.stream.write(this.#erase(previous))
    stream.write(`${previous?.stream === stream ? this.#erase(previous) : ''}${text}`)
    this.#live = { stream, text }
  }

  /** Erases the live line, if `stream` shows one, and forgets it; what is printed next takes its row. */
  endLive(stream: TextStream): void {
    if (this.#live?.stream !== stream) return
    stream.write(this.#erase(this.#live))
    this.#live = undefined
  }

  /**
   * Writes `text` to `stream`, above the live line when it shares the
   * screen: the live line is erased first and drawn again after. `text`
   * should be whole lines; a missing final newline is added then, so the
   * live line keeps a row of its own.
   */
  print(stream: TextStream, text: string): void {
    const live = this.#live
    if (live === undefined || !(live.stream === stream || (canRedraw(stream) && canRedraw(live.stream)))) {
      stream.write(text)
      return
    }
    const lines = text.endsWith('\n') ? text : `${text}\n`
    if (live.stream === stream) {
      stream.write(`${this.#erase(live)}${lines}${live.text}`)
      return
    }
    live.stream.write(this.#erase(live))
    stream.write(lines)
    live.stream.write(live.text)
  }

  /**
   * The escape codes that erase what the live line took: one row, or more if
   * the terminal has since become narrower and wrapped it (terminals that
   * reflow on resize do).
   */
  #erase(live: { readonly stream: TextStream; readonly text: string }): string {
    const rows = Math.max(1, Math.ceil(widthOf(live.text) / columnsOf(live.stream)))
    return ERASE_ROW + ERASE_ROW_ABOVE.repeat(rows - 1)
  }
}

/**
 * The one screen of this process, shared by the logger's default output,
 * the ConsoleReporter and trial output shown on the console.
 *
 * @example
 * ```ts
 * screen.print(process.stderr, '[hyperpool] warn: tracker hook failed\n')
 * ```
 */
export const screen = new Screen()
