import { spawn } from 'node:child_process'
import { appendFile, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FIFOScheduler, RandomSearch, type ReportWritten, watchReport } from '../../src/index.ts'
import { LOCK_FILE } from '../../src/journal/lock.ts'
import { runExperiment, SPACE } from './experiment.ts'

let root: string
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'hyperpool-watch-'))
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

/** The trial count a report's header states, or undefined for a document that is not whole. */
function trialsIn(html: string): number | undefined {
  if (!html.startsWith('<!doctype html>') || !html.endsWith('</html>\n')) return undefined
  const match = /<header data-trials="(\d+)"/.exec(html)
  return match ? Number(match[1]) : undefined
}

describe('watchReport', () => {
  it('rewrites the report as a live run grows, always as a whole document, and stops on abort', async () => {
    const dir = join(root, 'exp')
    const out = join(dir, 'report.html')
    const stop = new AbortController()
    const writes: ReportWritten[] = []
    const errors: Error[] = []
    // Started before the run: the folder has no journal yet, so the watch waits for it.
    const watching = watchReport(dir, {
      signal: stop.signal,
      debounceMs: 20,
      pollMs: 20,
      onWrite: (written) => writes.push(written),
      onError: (error) => errors.push(error),
    })
    // A reader that keeps opening the file as a browser would, while the run goes on.
    const seen: (number | undefined)[] = []
    let reloadedWhileRunning = false
    let reading = true
    const reader = (async () => {
      while (reading) {
        const html = await readFile(out, 'utf8').catch(() => '')
        if (html !== '') seen.push(trialsIn(html))
        if (html.includes('data-ended="false"')) reloadedWhileRunning ||= html.includes('<meta http-equiv="refresh" content="5"')
        await new Promise((resolve) => setTimeout(resolve, 2))
      }
    })()
    await runExperiment(root, {
      numSamples: 8,
      concurrency: 1,
      space: { ...SPACE, epochs: 3, pauseMs: 40 },
      search: new RandomSearch(),
      scheduler: new FIFOScheduler(),
    })
    // The run has ended; wait for the rewrite that shows its end.
    while (!writes.some((w) => w.ended)) await new Promise((resolve) => setTimeout(resolve, 10))
    reading = false
    await reader
    stop.abort()
    const last = await watching

    expect(last).toMatchObject({ path: out, trials: 8, ended: true })
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.filter((n) => n === undefined)).toEqual([]) // never a torn file
    const counts = writes.map((w) => w.trials)
    expect(new Set(counts).size).toBeGreaterThanOrEqual(2) // rewritten as trials were added
    expect(counts).toEqual([...counts].sort((a, b) => a - b))
    expect(counts.at(-1)).toBe(8)
    // No journal yet is waited for quietly; one without its first line yet fails a read: the watch says so and goes on.
    for (const error of errors) expect(error.message).toMatch(/has no "experiment_start" event/)
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([])
    // A page of the running experiment reloaded itself; the ended one does not.
    expect(reloadedWhileRunning).toBe(true)
    expect(await readFile(out, 'utf8')).not.toContain('http-equiv="refresh"')
  })

  it('ends at once, with nothing written, when aborted before any change', async () => {
    const stop = new AbortController()
    stop.abort()
    await expect(watchReport(join(root, 'none'), { signal: stop.signal })).resolves.toBeUndefined()
    expect(await readdir(root)).toEqual([])
  })

  it('waits for a journal that is not there yet, then ends with the error of a failed read when nobody takes it', async () => {
    let settled = false
    const watching = watchReport(root, { pollMs: 10, debounceMs: 5 })
    watching.then(
      () => (settled = true),
      () => (settled = true),
    )
    // Many polls find no journal: that is a run not yet started, not an error.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(settled).toBe(false)
    // Put in place whole, so the read that fails is of this line and not of an empty file.
    await writeFile(join(root, 'journal.tmp'), 'not json\n')
    await rename(join(root, 'journal.tmp'), join(root, 'experiment.jsonl'))
    await expect(watching).rejects.toThrow(/experiment\.jsonl" has no "experiment_start" event/)
  })

  it('writes the finished experiment once, stays quiet while only other files change, and rewrites when the journal grows', async () => {
    const dir = await runExperiment(root, { numSamples: 4, concurrency: 1, search: new RandomSearch(), scheduler: new FIFOScheduler() })
    const stop = new AbortController()
    const writes: ReportWritten[] = []
    const watching = watchReport(dir, { signal: stop.signal, debounceMs: 5, pollMs: 10, onWrite: (w) => writes.push(w) })
    while (writes.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    // Many polls go by; neither its own rewrites nor other files in the folder (trial logs) count as changes.
    await mkdir(join(dir, 'trial_0000'), { recursive: true })
    await writeFile(join(dir, 'trial_0000', 'stdout.log'), 'epoch 1\n')
    await writeFile(join(dir, 'notes.txt'), 'not the journal')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(writes).toHaveLength(1)
    expect(writes[0]).toMatchObject({ trials: 4, ended: true })
    // The journal growing (here by an empty line, which readers skip) does.
    await appendFile(join(dir, 'experiment.jsonl'), '\n')
    while (writes.length === 1) await new Promise((resolve) => setTimeout(resolve, 5))
    stop.abort()
    await watching
    expect(writes).toHaveLength(2)
  })
})

describe('watchReport of a run whose process dies', () => {
  it('rewrites the page once the process holding the lock is gone, though the journal did not change', async () => {
    const dir = await runExperiment(root, { numSamples: 3, concurrency: 1 })
    // The journal as it stood while trial 2 ran: no end for it, none for the experiment.
    const path = join(dir, 'experiment.jsonl')
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n')
    const open = lines.filter((line) => {
      const event = JSON.parse(line) as { event: string; trial?: { id: number } }
      return event.event !== 'experiment_end' && !(event.event === 'trial_end' && event.trial?.id === 2)
    })
    await writeFile(path, `${open.join('\n')}\n`)
    // A real process holds the lock, and dies by a real signal, as a run killed for memory would: it writes nothing.
    const holder = spawn('sleep', ['60'], { stdio: 'ignore' })
    const stop = new AbortController()
    try {
      await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: holder.pid, host: hostname(), since: 'T0', token: 'live' }))
      const out = join(dir, 'report.html')
      const watching = watchReport(dir, { signal: stop.signal, debounceMs: 20, pollMs: 30 })
      const page = async (text: string) => {
        for (;;) {
          const html = await readFile(out, 'utf8').catch(() => '')
          if (html.includes(text)) return html
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
      }
      expect(await page(`running (locked by pid ${holder.pid} since T0)`)).toContain('data-trial="2" data-state="running"')
      const exited = new Promise((resolve) => holder.once('exit', resolve))
      holder.kill('SIGKILL')
      await exited
      expect(await page('no live process holds it')).toContain('data-trial="2" data-state="paused"')
      stop.abort()
      await watching
    } finally {
      stop.abort()
      holder.kill('SIGKILL')
    }
  })
})
