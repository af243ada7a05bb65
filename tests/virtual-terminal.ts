/**
 * A small terminal for tests: it understands what hyperpool writes (`\r`,
 * `\n`, erase line `ESC[2K`, cursor up `ESC[nA`) and wraps long lines as a
 * real terminal does, so a test can look at the screen a user would see
 * rather than at escape codes. Any other escape sequence fails the test.
 */
export class VirtualTerminal {
  readonly isTTY = true
  columns: number
  /** Every row written so far, the scrollback included. */
  readonly rows: string[][] = [[]]
  #row = 0
  #col = 0
  /** Set once a row is full: the next character wraps first (as xterm's pending wrap). */
  #pendingWrap = false
  /** How many times a printable character went past the last column. */
  wraps = 0
  /** Everything written, as written. */
  raw = ''

  constructor(columns: number) {
    this.columns = columns
  }

  write(text: string): boolean {
    this.raw += text
    for (let i = 0; i < text.length; i++) {
      const ch = text[i] as string
      if (ch === '\x1b') {
        const match = /^.\[(\d*)([A-Za-z])/.exec(text.slice(i))
        if (!match) throw new Error(`VirtualTerminal: unknown escape at ${JSON.stringify(text.slice(i, i + 8))}`)
        const [sequence, count, code] = match as unknown as [string, string, string]
        if (code === 'K' && count === '2') this.#currentRow().length = 0
        else if (code === 'A') {
          this.#row = Math.max(0, this.#row - Number(count || '1'))
          this.#pendingWrap = false
        } else throw new Error(`VirtualTerminal: unsupported escape ${JSON.stringify(sequence)}`)
        i += sequence.length - 1
      } else if (ch === '\r') {
        this.#col = 0
        this.#pendingWrap = false
      } else if (ch === '\n') {
        this.#newRow()
        this.#col = 0
      } else {
        if (this.#pendingWrap) {
          this.wraps++
          this.#newRow()
          this.#col = 0
        }
        const row = this.#currentRow()
        while (row.length < this.#col) row.push(' ')
        row[this.#col] = ch
        if (this.#col === this.columns - 1) this.#pendingWrap = true
        else this.#col++
      }
    }
    return true
  }

  /** The rows with their trailing blanks trimmed; the last one is where the cursor is. */
  screen(): string[] {
    return this.rows.map((row) => row.join('').trimEnd())
  }

  #currentRow(): string[] {
    return this.rows[this.#row] as string[]
  }

  #newRow(): void {
    this.#pendingWrap = false
    this.#row++
    if (this.rows.length <= this.#row) this.rows.push([])
  }
}
