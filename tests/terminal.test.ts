import { afterEach, describe, expect, it, vi } from 'vitest'
import { canRedraw, columnsOf, Screen, widthOf } from '../src/terminal.ts'
import { VirtualTerminal } from './virtual-terminal.ts'

/** A stream that is not a terminal (a pipe, a file): it keeps what it gets. */
function pipe(): { write(text: string): boolean; text: string } {
  return {
    text: '',
    write(text: string) {
      this.text += text
      return true
    },
  }
}

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('Screen', () => {
  it('prints lines above the live line and draws it again below them', () => {
    const tty = new VirtualTerminal(40)
    const screen = new Screen()
    tty.write('before\n')
    screen.showLive(tty, 'live 1')
    screen.print(tty, 'a warning\n')
    screen.print(tty, 'two\nlines\n')
    screen.showLive(tty, 'live 2')
    expect(tty.screen()).toEqual(['before', 'a warning', 'two', 'lines', 'live 2'])
  })

  it('redraws a shorter live line without leaving the end of the longer one', () => {
    const tty = new VirtualTerminal(40)
    const screen = new Screen()
    screen.showLive(tty, 'a rather long status line here')
    screen.showLive(tty, 'short')
    expect(tty.screen()).toEqual(['short'])
  })

  it('adds the missing newline of a printed text, so the live line keeps its own row', () => {
    const tty = new VirtualTerminal(40)
    const screen = new Screen()
    screen.showLive(tty, 'live')
    screen.print(tty, 'no newline')
    expect(tty.screen()).toEqual(['no newline', 'live'])
  })

  it('treats two terminals (stdout and stderr of a shell) as one screen, but not a pipe', () => {
    const out = new VirtualTerminal(40)
    const screen = new Screen()
    // stderr writes to the same screen; here it records what it got so the order can be checked.
    const err = { isTTY: true, columns: 40, write: (text: string) => out.write(text) }
    screen.showLive(out, 'live')
    screen.print(err, 'warn: from stderr\n')
    expect(out.screen()).toEqual(['warn: from stderr', 'live'])
    const piped = pipe()
    screen.print(piped, 'to a file\n')
    expect(piped.text).toBe('to a file\n')
    expect(out.screen()).toEqual(['warn: from stderr', 'live'])
  })

  it('endLive erases the live line, and print writes plainly afterwards', () => {
    const tty = new VirtualTerminal(40)
    const screen = new Screen()
    screen.showLive(tty, 'live')
    screen.endLive(tty)
    screen.print(tty, 'summary\n')
    expect(tty.screen()).toEqual(['summary', ''])
  })

  it('erases every row of a live line that a narrower terminal has wrapped', () => {
    const tty = new VirtualTerminal(40)
    const screen = new Screen()
    screen.showLive(tty, 'x'.repeat(30))
    tty.columns = 20 // resized: a terminal that reflows now shows the line on two rows
    const before = tty.raw.length
    screen.showLive(tty, 'new')
    expect(tty.raw.slice(before)).toBe('\r\x1b[2K\x1b[1A\x1b[2Knew')
  })

  it('skips a redraw that would draw the same text', () => {
    const tty = new VirtualTerminal(40)
    const screen = new Screen()
    screen.showLive(tty, 'same')
    const raw = tty.raw
    screen.showLive(tty, 'same')
    expect(tty.raw).toBe(raw)
  })
})

describe('terminal helpers', () => {
  it('redraws only on a TTY, and not when TERM=dumb', () => {
    expect(canRedraw({ isTTY: true, write: () => true })).toBe(true)
    expect(canRedraw(pipe())).toBe(false)
    vi.stubEnv('TERM', 'dumb')
    expect(canRedraw({ isTTY: true, write: () => true })).toBe(false)
  })

  it('reads the width from columns, else 80', () => {
    expect(columnsOf({ columns: 60, write: () => true })).toBe(60)
    expect(columnsOf(pipe())).toBe(80)
    expect(columnsOf({ columns: 0, write: () => true })).toBe(80)
  })

  it('counts code points, not UTF-16 units', () => {
    expect(widthOf('loss=0.1 ✓')).toBe(10)
    expect(widthOf('𝛼=1')).toBe(3)
  })
})
