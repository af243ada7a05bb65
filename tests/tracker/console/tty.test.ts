import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'

/**
 * The status line and trial output in a real terminal: a 60-column tmux pane
 * runs a small experiment (tests/fixtures/tty-driver.ts) and the test reads
 * the screen as the user would see it.
 */
const ROOT = resolve(import.meta.dirname, '../../..')
const hasTmux = spawnSync('tmux', ['-V']).status === 0
const session = `hyperpool-tty-${process.pid}`

function tmux(...args: string[]): string {
  const run = spawnSync('tmux', args, { encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${run.stderr}`)
  return run.stdout
}

/** The pane's rows, and the row the cursor is on. */
function pane(): { rows: string[]; cursor: number } {
  const rows = tmux('capture-pane', '-p', '-t', session).split('\n')
  return { rows: rows.map((row) => row.trimEnd()), cursor: Number(tmux('display', '-p', '-t', session, '#{cursor_y}').trim()) }
}

const STATUS = /^(\[hyperpool\] )?\d+\/\d+( trials)? [(|]/

afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['kill-session', '-t', session])
})

describe('the console in a real terminal (tmux)', () => {
  const test = hasTmux ? it : it.skip
  test(`keeps the status line on one row of a 60-column terminal, with trial output and warnings above it${hasTmux ? '' : ' (skipped: tmux is not installed; apt-get install -y tmux)'}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hyperpool-tty-'))
    const release = join(dir, 'release')
    const driver = `${join(ROOT, 'node_modules/.bin/tsx')} tests/fixtures/tty-driver.ts ${release} ${join(dir, 'runs')}; echo DRIVER-DONE; sleep 600`
    tmux('new-session', '-d', '-s', session, '-x', '60', '-y', '30', '-c', ROOT, `env -u NO_COLOR TERM=xterm ${driver}`)

    await vi.waitFor(
      () => {
        const { rows } = pane()
        expect(rows.filter((row) => row.startsWith('(trial '))).toHaveLength(6)
        expect(rows.some((row) => row.startsWith('[hyperpool] warn: trackers[1].'))).toBe(true)
      },
      { timeout: 60_000, interval: 200 },
    )
    const live = pane()
    const statusRow = live.rows[live.cursor] as string
    // The live line sits on the cursor's row, alone, within 59 columns; nothing else on screen is a status line.
    expect(statusRow).toMatch(STATUS)
    expect(statusRow.length).toBeLessThanOrEqual(59)
    expect(live.rows.filter((row) => STATUS.test(row))).toEqual([statusRow])
    expect(live.rows.slice(live.cursor + 1).every((row) => row === '')).toBe(true)
    // Each trial line is whole, on its own row, above the status line.
    for (const id of [0, 1, 2]) {
      for (const line of [0, 1]) {
        const row = live.rows.indexOf(`(trial ${id}) trial ${id} line ${line}`)
        expect(row, `trial ${id} line ${line} in\n${live.rows.join('\n')}`).toBeGreaterThan(-1)
        expect(row).toBeLessThan(live.cursor)
      }
    }

    writeFileSync(release, '')
    await vi.waitFor(() => expect(pane().rows).toContain('DRIVER-DONE'), { timeout: 60_000, interval: 200 })
    const end = pane()
    // The summary took the live line's place: no status line is left behind.
    expect(end.rows.some((row) => row.startsWith('[hyperpool] finished: 3 trials (3 completed)'))).toBe(true)
    expect(end.rows.filter((row) => STATUS.test(row))).toEqual([])
  }, 150_000)
})
