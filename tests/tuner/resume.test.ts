/**
 * Kill it at any instant, resume, and end with exactly the experiment an
 * uninterrupted run gives: real processes, real signals. Each test runs the
 * seeded, reproducible experiment of fixtures/resume-child.ts in child
 * processes, ends them at points chosen by how far the journal has grown,
 * restores, and compares the final table with an uninterrupted run's.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync, truncateSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadExperiment } from '../../src/index.ts'
import { temporaryDir } from '../helpers.ts'

const CHILD = fileURLToPath(new URL('../fixtures/resume-child.ts', import.meta.url))
const NAME = 'resume'

interface Table {
  table: Array<{ id: number; config: unknown; state: string; losses: number[] }>
  best: number
}

interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/**
 * Runs one child; with `stopAt`, sends `signal` once the journal has that many lines, and with `again`,
 * once more when the child says it got the first (signals sent together would arrive as one).
 */
function runChild(
  storageDir: string,
  mode: 'start' | 'restore',
  stopAt?: { lines: number; signal: NodeJS.Signals; again?: boolean; stall?: string },
): Promise<Exit> {
  const env = stopAt?.stall === undefined ? process.env : { ...process.env, RESUME_STALL: stopAt.stall }
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, storageDir, mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk
    if (stopAt?.again && stderr.includes(`${stopAt.signal}: ending the experiment`)) {
      stopAt.again = false
      child.kill(stopAt.signal)
    }
  })
  const journal = join(storageDir, NAME, 'experiment.jsonl')
  const lines = new LineCounter(journal)
  // A signal the child can handle waits for three lines of its own (a new journal's first two or a restore's session line,
  // then its run's): before its fit() listens, SIGINT or SIGTERM would end it unhandled, and on a busy machine the journal
  // can pass the point while the previous child stops.
  const atLeast = stopAt === undefined || stopAt.signal === 'SIGKILL' ? 0 : lines.count() + 3
  const watch =
    stopAt === undefined
      ? undefined
      : setInterval(() => {
          const count = lines.count()
          if (
            (count < stopAt.lines || count < atLeast) &&
            !(stopAt.stall !== undefined && existsSync(stopAt.stall.split(':')[1] as string))
          )
            return
          clearInterval(watch)
          child.kill(stopAt.signal)
        }, 2)
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      clearInterval(watch)
      lines.close()
      // Let the pipes drain before reading them.
      setImmediate(() => resolve({ code, signal, stdout, stderr }))
    })
  })
}

/** Counts the lines of a file that grows, reading only what was added since the last call. */
class LineCounter {
  #fd: number | undefined
  #offset = 0
  #lines = 0
  readonly #buffer = Buffer.alloc(1 << 16)

  constructor(readonly path: string) {}

  count(): number {
    try {
      this.#fd ??= openSync(this.path, 'r')
    } catch {
      return 0
    }
    for (;;) {
      const read = readSync(this.#fd, this.#buffer, 0, this.#buffer.length, this.#offset)
      if (read === 0) return this.#lines
      for (let i = 0; i < read; i++) if (this.#buffer[i] === 0x0a) this.#lines++
      this.#offset += read
    }
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd)
  }
}

function tableOf(exit: Exit): Table {
  const line = exit.stdout.trim().split('\n').at(-1)
  if (!line) throw new Error(`the child printed no table (exit ${exit.code ?? exit.signal}); stderr:\n${exit.stderr}`)
  return JSON.parse(line) as Table
}

/** What a kill in the middle of a write leaves: the journal's last line cut in two. */
function tearJournal(storageDir: string): void {
  const path = join(storageDir, NAME, 'experiment.jsonl')
  const text = readFileSync(path, 'utf8')
  const lastStart = text.lastIndexOf('\n', text.length - 2) + 1
  truncateSync(path, Buffer.byteLength(text.slice(0, lastStart + Math.floor((text.length - lastStart) / 2))))
}

/** What a kill (or power loss) in the middle of a checkpoint write leaves: the newest checkpoint of a running trial cut short. */
function tearCheckpoint(storageDir: string): boolean {
  const dir = join(storageDir, NAME)
  const events = readFileSync(join(dir, 'experiment.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.endsWith('}'))
    .map((line) => JSON.parse(line) as { event: string; trial?: { id: number }; trial_id?: number })
  const running = new Set<number>()
  for (const e of events) {
    if (e.event === 'trial_start' && e.trial) running.add(e.trial.id)
    if (e.event === 'trial_end' && e.trial) running.delete(e.trial.id)
  }
  for (const id of running) {
    const folder = join(dir, 'checkpoints', `trial_${String(id).padStart(4, '0')}`)
    const files = safeList(folder).filter((f) => f.endsWith('.ckpt'))
    const newest = files.sort().at(-1)
    if (newest === undefined) continue
    const file = join(folder, newest)
    truncateSync(file, Math.floor(statSync(file).size / 2))
    return true
  }
  return false
}

function safeList(folder: string): string[] {
  try {
    return readdirSync(folder)
  } catch {
    return []
  }
}

/** Every report of every trial is recorded once in the journal, numbered 1, 2, 3... */
async function checkJournal(storageDir: string, reference: Table): Promise<void> {
  const dir = join(storageDir, NAME)
  const lines = readFileSync(join(dir, 'experiment.jsonl'), 'utf8').trimEnd().split('\n')
  const reports = new Map<number, number[]>()
  const proposals = new Map<number, number>()
  for (const line of lines) {
    const e = JSON.parse(line) as {
      event: string
      trial_id?: number
      result?: { training_iteration: number }
      trial?: { id: number }
      relaunch?: boolean
    }
    if (e.event === 'result')
      reports.set(e.trial_id as number, [...(reports.get(e.trial_id as number) ?? []), e.result?.training_iteration as number])
    if (e.event === 'trial_start' && !e.relaunch) proposals.set(e.trial?.id as number, (proposals.get(e.trial?.id as number) ?? 0) + 1)
  }
  for (const trial of reference.table) {
    expect(reports.get(trial.id), `reports of trial ${trial.id}`).toEqual(trial.losses.map((_, i) => i + 1))
    expect(proposals.get(trial.id), `proposals of trial ${trial.id}`).toBe(1)
  }
  expect(proposals.size).toBe(reference.table.length)
  const { results } = await loadExperiment(dir)
  expect(results.trials.map((t) => [t.id, t.state, t.history.map((r) => r.loss)])).toEqual(
    reference.table.map((t) => [t.id, t.state, t.losses]),
  )
}

describe('kill and resume, in real processes', () => {
  let reference: Table
  let referenceLines: number

  beforeAll(async () => {
    const storageDir = temporaryDir('hyperpool-resume-ref-')
    const exit = await runChild(storageDir, 'start')
    reference = tableOf(exit)
    referenceLines = readFileSync(join(storageDir, NAME, 'experiment.jsonl'), 'utf8')
      .trimEnd()
      .split('\n').length
    // A table worth comparing: ASHA stopped some trials early and let others run their budget.
    expect(new Set(reference.table.map((t) => t.state))).toEqual(new Set(['completed', 'stopped']))
  }, 120_000)

  it('SIGKILLed at 22 points over the run (some mid-write), resumed each time: nothing lost or twice, the same table', async () => {
    const storageDir = temporaryDir('hyperpool-resume-kill-')
    const points = Array.from({ length: 22 }, (_, i) => Math.round((referenceLines * (i + 1)) / 23))
    let exit = await runChild(storageDir, 'start', { lines: points[0] as number, signal: 'SIGKILL' })
    let kills = 0
    let tornJournals = 0
    let tornCheckpoints = 0
    for (let i = 1; exit.signal === 'SIGKILL'; i++) {
      kills++
      if (i % 4 === 1) {
        tearJournal(storageDir)
        tornJournals++
      }
      // Whether a running trial has a checkpoint file when a kill comes is timing: try again at the next kill until one is torn.
      if ((i % 4 === 3 || tornCheckpoints === 0) && tearCheckpoint(storageDir)) tornCheckpoints++
      const next = points[i]
      exit = await runChild(storageDir, 'restore', next === undefined ? undefined : { lines: next, signal: 'SIGKILL' })
      if (exit.stderr.includes('was cut short by a crash'))
        expect(exit.stderr).toMatch(/line \d+ was cut short by a crash: it is skipped and removed/)
    }
    expect(exit.code, exit.stderr).toBe(0)
    expect(kills).toBeGreaterThanOrEqual(20)
    expect(tornJournals).toBeGreaterThanOrEqual(5)
    expect(tornCheckpoints).toBeGreaterThanOrEqual(1)
    expect(tableOf(exit)).toEqual(reference)
    await checkJournal(storageDir, reference)
  }, 900_000)

  it('killed just before a line\'s newline (the last event whole, its "\\n" missing), resumed, killed, resumed: the same table', async () => {
    const storageDir = temporaryDir('hyperpool-resume-nonl-')
    let exit = await runChild(storageDir, 'start', { lines: Math.round(referenceLines / 3), signal: 'SIGKILL' })
    expect(exit.signal).toBe('SIGKILL')
    const path = join(storageDir, NAME, 'experiment.jsonl')
    // Cut exactly at a newline boundary: the last line is complete JSON, only its '\n' is gone.
    truncateSync(path, statSync(path).size - 1)
    expect(readFileSync(path, 'utf8').endsWith('}')).toBe(true)
    exit = await runChild(storageDir, 'restore', { lines: Math.round((referenceLines * 2) / 3), signal: 'SIGKILL' })
    expect(exit.signal, exit.stderr).toBe('SIGKILL')
    exit = await runChild(storageDir, 'restore')
    expect(exit.code, exit.stderr).toBe(0)
    expect(tableOf(exit)).toEqual(reference)
    await checkJournal(storageDir, reference)
  }, 300_000)

  it('stopped by SIGINT and SIGTERM at 6 points, each a clean end that says how to resume, then resumed: the same table', async () => {
    const storageDir = temporaryDir('hyperpool-resume-int-')
    const points = Array.from({ length: 6 }, (_, i) => Math.round((referenceLines * (i + 1)) / 7))
    // Ctrl-C and a process manager's SIGTERM, taking turns.
    const signalAt = (i: number): NodeJS.Signals => (i % 2 === 0 ? 'SIGINT' : 'SIGTERM')
    let exit = await runChild(storageDir, 'start', { lines: points[0] as number, signal: signalAt(0) })
    let interrupts = 0
    for (let i = 1; exit.stderr.includes('ended early'); i++) {
      interrupts++
      // A clean end: fit() resolved (its table printed), the journal closed, and the way to go on said.
      expect(exit.code, exit.stderr).toBe(0)
      tableOf(exit)
      expect(exit.stderr).toContain(`warn: ${signalAt(i - 1)}: ending the experiment: running trials stop at their next report`)
      // The exact code: an absolute path, the data it needs again by name, and the fit() that runs it.
      expect(exit.stderr).toContain(`warn: the experiment ended early (${signalAt(i - 1)}); `)
      expect(exit.stderr).toContain(
        `the rest can be resumed. Continue it with: await (await Tuner.restore(${JSON.stringify(resolve(storageDir, NAME))}, { data: { offsets, rows } })).fit()\n`,
      )
      const next = points[i]
      exit = await runChild(storageDir, 'restore', next === undefined ? undefined : { lines: next, signal: signalAt(i) })
    }
    expect(exit.code, exit.stderr).toBe(0)
    expect(interrupts).toBeGreaterThanOrEqual(5)
    expect(tableOf(exit)).toEqual(reference)
    await checkJournal(storageDir, reference)
  }, 600_000)

  it('exits at once with 130 on a second SIGINT, and the journal it leaves still resumes to the same table', async () => {
    const storageDir = temporaryDir('hyperpool-resume-twice-')
    // Trial 12 hangs before its first report: the first SIGINT cannot end the run before the second comes.
    const stall = `12:${join(storageDir, 'stalled')}`
    const first = await runChild(storageDir, 'start', { lines: Number.POSITIVE_INFINITY, signal: 'SIGINT', again: true, stall })
    expect(first.code).toBe(130)
    // Written and released before the exit, not left to an 'exit' handler: the interrupt is on disk, the lock is gone.
    const dir = join(storageDir, NAME)
    const text = readFileSync(join(dir, 'experiment.jsonl'), 'utf8')
    expect(text.endsWith('\n')).toBe(true)
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as { event: string }).event),
    ).toContain('interrupt')
    expect(existsSync(join(dir, '.lock'))).toBe(false)
    expect(first.stderr).toContain(
      `warn: SIGINT again: exiting now; the journal is valid; resume with: await (await Tuner.restore(${JSON.stringify(resolve(dir))}, { data: { offsets, rows } })).fit()\n`,
    )
    const last = await runChild(storageDir, 'restore')
    expect(last.code, last.stderr).toBe(0)
    expect(tableOf(last)).toEqual(reference)
    await checkJournal(storageDir, reference)
  }, 300_000)
})
