import { execFile, spawn } from 'node:child_process'
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildModules } from '../../scripts/build.ts'
import { loadExperiment } from '../../src/index.ts'
import { cli } from '../helpers.ts'

/**
 * The `hyperpool` command. The real binary (built from this source as `npm pack`
 * ships it, into a folder of the checkout so its dependencies resolve) runs an experiment and summarises it in
 * child processes; the rest of the command line is driven in-process
 * through `runCli`, with its output captured.
 */

const ROOT = resolve(import.meta.dirname, '../..')
// Not dist/ itself: a test run must not overwrite what `npm run bench` and the package's own import load.
const BUILD = mkdtempSync(join(ROOT, 'tests/.build-cli-'))
const BIN = join(BUILD, 'bin.js')
const EXPERIMENT = join(ROOT, 'tests/fixtures/cli-experiment.ts')
const NOT_OPTIONS = join(ROOT, 'tests/fixtures/cli-not-options.js')
const JS_EXPERIMENT = join(ROOT, 'tests/fixtures/cli-experiment.js')
const SLOW_EXPERIMENT = join(ROOT, 'tests/fixtures/cli-slow-experiment.ts')
const storage = mkdtempSync(join(tmpdir(), 'hyperpool-cli-'))
const exec = promisify(execFile)

/** Runs the built binary; resolves with its exit code and output whatever the code. */
async function hyperpool(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { cwd: ROOT })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

/** The built binary as a child process whose output is collected as it comes; `exit` settles when it ends. */
function startHyperpool(...args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  const output = { stdout: '', stderr: '' }
  child.stdout.on('data', (chunk: Buffer) => {
    output.stdout += chunk
  })
  child.stderr.on('data', (chunk: Buffer) => {
    output.stderr += chunk
  })
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code, signal) => setImmediate(() => resolve({ code, signal })))
  })
  return { child, output, exit }
}

/** Resolves once `ready()` holds, checking every 10 ms (no fixed wait: the machine's speed does not matter). */
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((resolve) => setTimeout(resolve, 10))
}

/** The events of an experiment's journal, one object a line (a last line still being written is left out). */
function journalEvents(dir: string): { event: string; trial_id?: number; trial?: { id: number } }[] {
  const path = join(dir, 'experiment.jsonl')
  if (!existsSync(path)) return []
  const lines = readFileSync(path, 'utf8').split('\n')
  lines.pop()
  return lines.map((line) => JSON.parse(line) as { event: string })
}

afterAll(() => rmSync(BUILD, { recursive: true, force: true }))

beforeAll(async () => {
  // The binary as shipped: built from this source (its JavaScript; the declarations play no part here).
  await buildModules(BUILD)
  const ran = await hyperpool(
    'run',
    EXPERIMENT,
    '--samples',
    '4',
    '--concurrency',
    '2',
    '--seed',
    '7',
    '--name',
    'cli',
    '--storage',
    storage,
  )
  expect(ran.stderr).toBe('')
  expect(ran.code).toBe(0)
}, 120_000)

describe('the hyperpool binary', () => {
  it('runs an experiment module with the flags on top of its options, and stores it where --storage and --name say', async () => {
    const { experiment } = await loadExperiment(join(storage, 'cli'))
    expect(experiment).toMatchObject({ numSamples: 4, concurrency: 2, seed: 7, name: 'cli' })
  })

  it('summarises it as JSON: the trials ranked best first by the metric', async () => {
    const { code, stdout } = await hyperpool('summary', join(storage, 'cli'), '--json')
    expect(code).toBe(0)
    const summary = JSON.parse(stdout) as {
      experiment: { metric: string }
      trials: { rank: number; score: number; config: { x: number } }[]
    }
    expect(summary.experiment.metric).toBe('loss')
    expect(summary.trials.map((t) => t.rank)).toEqual([1, 2, 3, 4])
    const scores = summary.trials.map((t) => t.score)
    expect(scores).toEqual([...scores].sort((a, b) => a - b))
    // The curve fixture's last loss is x² + 1/3.
    for (const t of summary.trials) expect(t.score).toBeCloseTo(t.config.x ** 2 + 1 / 3, 10)
  })

  it('ends quietly with 0 when its reader closes the pipe early (`hyperpool summary dir | head -1`)', async () => {
    const started = startHyperpool('summary', join(storage, 'cli'))
    // The reader takes the first chunk and goes, as head does: the rest of the writes meet a closed pipe.
    started.child.stdout.once('data', () => started.child.stdout.destroy())
    expect(await started.exit).toEqual({ code: 0, signal: null })
    expect(started.output.stderr).toBe('')
  })

  it('exits with 2 and says what to do for a path that is not an experiment', async () => {
    const { code, stderr } = await hyperpool('summary', join(storage, 'nothing-here'))
    expect(code).toBe(2)
    expect(stderr).toContain('no folder')
    expect(stderr).toContain('hyperpool summary --help')
  })

  it('prints its help and version', async () => {
    expect((await hyperpool('--help')).stdout).toContain('Usage: hyperpool <command>')
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
    expect((await hyperpool('--version')).stdout.trim()).toBe(version)
  })
})

describe('hyperpool run', () => {
  it('takes the options from a function, possibly async, and prints the best trial and where it is stored', async () => {
    const { code, stdout } = await cli('run', JS_EXPERIMENT, '--samples', '2', '--concurrency', '1', '--name', 'js', '--storage', storage)
    expect(code).toBe(0)
    expect(stdout).toMatch(/^best trial \d: loss=[\d.]+ config=\{"behaviour":"curve","x":-?[\d.]+,"epochs":2\}\n/)
    expect(stdout).toContain(`hyperpool summary ${storage}/js`)
    const summary = JSON.parse((await cli('summary', join(storage, 'js'), '--json')).stdout) as { trials: unknown[] }
    expect(summary.trials).toHaveLength(2)
  })

  it('sends what trials print where --trial-output says, and says the folder the experiment was stored in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hyperpool-cli-output-'))
    writeFileSync(
      join(dir, 'trainable.mjs'),
      "export default (config) => { console.log('hello from', config.x); return { loss: config.x } }\n",
    )
    const options = "{ trainable: new URL('./trainable.mjs', import.meta.url), space: { x: 5 }, metric: 'loss', numSamples: 1 }"
    writeFileSync(join(dir, 'experiment.mjs'), `export default ${options}\n`)
    const run = (where: string) => hyperpool('run', join(dir, 'experiment.mjs'), '--storage', join(dir, 'runs'), '--trial-output', where)
    const both = await run('both')
    expect(both.code).toBe(0)
    expect(both.stdout).toContain('(trial 0) hello from 5')
    // No --name: the folder is the default name fit() claimed (tuner.dir), and the trial's output is there too.
    const stored = /stored in (\S+):/.exec(both.stdout)?.[1] as string
    expect(readFileSync(join(stored, 'trial_0000', 'stdout.log'), 'utf8')).toBe('hello from 5\n')
    const none = await run('none')
    expect(none.stdout).not.toContain('hello')
  })

  it('ends a multi-objective run with its Pareto front, every objective on each line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hyperpool-cli-front-'))
    writeFileSync(join(dir, 'trainable.mjs'), 'export default (config) => ({ a: config.x, b: (1 - config.x) ** 2 })\n')
    const options =
      "{ trainable: new URL('./trainable.mjs', import.meta.url), space: { x: { $domain: 'uniform', low: 0, high: 1 } }, metric: ['a', 'b'], mode: ['min', 'min'] }"
    writeFileSync(join(dir, 'experiment.mjs'), `export default ${options}\n`)
    const { code, stdout } = await cli(
      'run',
      join(dir, 'experiment.mjs'),
      '--samples',
      '5',
      '--concurrency',
      '1',
      '--storage',
      join(dir, 'runs'),
    )
    expect(code).toBe(0)
    // a and b pull x opposite ways: every trial is on the front.
    expect(stdout).toMatch(/^Pareto front, 5 trials:\n(trial \d: a=[\d.e-]+ b=[\d.e-]+ config=\{"x":[\d.e-]+\}\n){5}/)
  })

  it('lets an error of the module itself through, with its stack, rather than dressing it as a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hyperpool-cli-throws-'))
    writeFileSync(join(dir, 'experiment.mjs'), "throw new Error('the module failed to load')\n")
    await expect(cli('run', join(dir, 'experiment.mjs'))).rejects.toThrow('the module failed to load')
  })
})

describe('hyperpool resume', () => {
  it('restores a stored experiment with the data and trainable of --module, and runs it to its end', async () => {
    const { code, stdout } = await cli('resume', join(storage, 'js'), '--module', JS_EXPERIMENT, '--concurrency', '1')
    expect(code).toBe(0)
    expect(stdout).toMatch(/^best trial \d: loss=[\d.]+ config=\{"behaviour":"curve"/)
    const summary = JSON.parse((await cli('summary', join(storage, 'js'), '--json')).stdout) as { trials: unknown[]; ended: boolean }
    expect(summary).toMatchObject({ ended: true })
    expect(summary.trials).toHaveLength(2)
  })

  it('continues a run interrupted by SIGINT: it says the command, and the resume ends with every trial, none run again', async () => {
    const slowStorage = mkdtempSync(join(tmpdir(), 'hyperpool-cli-interrupted-'))
    const dir = join(slowStorage, 'slow')
    const started = startHyperpool('run', SLOW_EXPERIMENT, '--seed', '5', '--name', 'slow', '--storage', slowStorage)
    // Interrupted once two trials have ended (of 8, two at a time): read from the journal, not timed.
    await until(() => journalEvents(dir).filter((e) => e.event === 'trial_end').length >= 2)
    started.child.kill('SIGINT')
    expect(await started.exit).toEqual({ code: 130, signal: null })
    expect(started.output.stderr).toContain('the experiment ended early (SIGINT)')
    expect(started.output.stderr).toContain(
      `hyperpool: SIGINT ended the run early; continue it with: hyperpool resume ${dir} --module ${SLOW_EXPERIMENT}\n`,
    )
    const endedBefore = new Set(journalEvents(dir).flatMap((e) => (e.event === 'trial_end' ? [e.trial?.id] : [])))
    const startsBefore = journalEvents(dir).filter((e) => e.event === 'trial_start').length
    expect(endedBefore.size).toBeLessThan(8)
    expect((await hyperpool('summary', dir)).stdout).toContain(`, interrupted (SIGINT): hyperpool resume ${dir} --module`)
    expect(JSON.parse((await hyperpool('summary', dir, '--json')).stdout)).toMatchObject({
      ended: true,
      interrupted: true,
      resumable: true,
    })

    const resumed = await hyperpool('resume', dir, '--module', SLOW_EXPERIMENT)
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(resumed.stdout).toMatch(/^best trial \d: loss=/m)
    const summary = JSON.parse((await hyperpool('summary', dir, '--json')).stdout) as {
      ended: boolean
      interrupted: boolean
      states: Record<string, number>
      trials: { id: number; reports: number }[]
    }
    expect(summary).toMatchObject({ ended: true, interrupted: false })
    expect(summary.states).toEqual({ completed: 8 })
    expect(summary.trials.map((t) => t.id).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    // Each trial reported its 5 epochs once: none started over, none ran twice.
    expect(summary.trials.map((t) => t.reports)).toEqual(Array(8).fill(5))
    const events = journalEvents(dir)
    const later = events.filter((e) => e.event === 'trial_start').slice(startsBefore)
    for (const start of later) expect(endedBefore.has(start.trial?.id)).toBe(false)
    const results = new Map<number, number>()
    for (const e of events) if (e.event === 'result') results.set(e.trial_id as number, (results.get(e.trial_id as number) ?? 0) + 1)
    expect([...results.values()]).toEqual(Array(8).fill(5))
  }, 120_000)

  it('says what to give for a folder that is not an experiment', async () => {
    const { code, stderr } = await cli('resume', join(storage, 'missing'))
    expect(code).toBe(2)
    expect(stderr).toContain('resume: no folder')
  })
})

describe('hyperpool report', () => {
  it('writes one self-contained HTML file for a real experiment, where --out says, and prints its path', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'hyperpool-cli-report-')), 'exp.html')
    const { code, stdout, stderr } = await hyperpool('report', join(storage, 'cli'), '--out', out, '--title', 'CLI test')
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout).toMatch(new RegExp(`^${out.replaceAll('.', '\\.')}: 4 trials, \\d+ bytes\\n$`))
    expect(readdirSync(join(out, '..'))).toEqual(['exp.html'])
    const html = readFileSync(out, 'utf8')
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).toContain('<title>CLI test — hyperpool report</title>')
    // Self-contained: no script or stylesheet fetched from anywhere.
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet/)
  })

  it('writes <dir>/report.html by default', async () => {
    const { code, stdout } = await cli('report', join(storage, 'cli'))
    expect(code).toBe(0)
    expect(stdout).toContain(`${join(storage, 'cli', 'report.html')}: 4 trials`)
    expect(existsSync(join(storage, 'cli', 'report.html'))).toBe(true)
  })

  it('with --watch rewrites the report as the journal grows, and stops cleanly on SIGINT', async () => {
    // A live experiment, played back: watched before it starts, then the first half of a real journal, then the rest.
    const dir = join(mkdtempSync(join(tmpdir(), 'hyperpool-cli-watch-')), 'live')
    const lines = readFileSync(join(storage, 'cli', 'experiment.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
    const firstEnd = lines.findIndex((line) => line.includes('"event":"trial_end"'))
    const out = join(dir, 'live.html')
    const watching = startHyperpool('report', dir, '--watch', '--out', out)
    await until(() => watching.output.stdout.includes('no experiment there yet'))
    mkdirSync(dir)
    writeFileSync(join(dir, 'experiment.jsonl'), `${lines.slice(0, firstEnd + 1).join('\n')}\n`)
    await until(() => watching.output.stdout.includes('(the experiment has not ended)'))
    const before = readFileSync(out, 'utf8')
    appendFileSync(join(dir, 'experiment.jsonl'), `${lines.slice(firstEnd + 1).join('\n')}\n`)
    await until(() => /: 4 trials, \d+ bytes\n/.test(watching.output.stdout))
    expect(readFileSync(out, 'utf8')).not.toBe(before)
    watching.child.kill('SIGINT')
    expect(await watching.exit).toEqual({ code: 0, signal: null })
    expect(watching.output.stdout).toMatch(
      /^watching .*live \(no experiment there yet: the first report is written when its journal, .*experiment\.jsonl, appears\): the report is rewritten as the experiment's journal grows; Ctrl-C stops\n/,
    )
    expect(watching.output.stdout).toContain(`stopped watching: ${out}\n`)
    expect(watching.output.stderr).toBe('')
  }, 60_000)

  it('says what to do for a path that is not an experiment, and refuses an unknown flag with a guess', async () => {
    const missing = await hyperpool('report', join(storage, 'missing'))
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('report: no folder')
    expect(missing.stderr).toContain('(hyperpool report --help for usage)')
    const typo = await cli('report', join(storage, 'cli'), '--wach')
    expect(typo.code).toBe(2)
    expect(typo.stderr).toContain('unknown flag --wach (did you mean --watch?)')
  })

  it('reports a HyperpoolError from the library with exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hyperpool-cli-bad-report-'))
    writeFileSync(join(dir, 'experiment.jsonl'), 'not json\n{"type":"x"}\n')
    const { code, stderr } = await cli('report', dir)
    expect(code).toBe(1)
    expect(stderr).toMatch(/^hyperpool: JournalError: .*experiment\.jsonl" line 1: not a valid event/)
  })
})

describe('hyperpool summary', () => {
  it('prints a table of the best trials, best first, the config in columns', async () => {
    const { code, stdout } = await cli('summary', join(storage, 'cli'))
    expect(code).toBe(0)
    const lines = stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^experiment cli: loss \(min\), 4 trials \(4 completed\)$/)
    expect(lines[1]?.split(/\s+/)).toEqual(['rank', 'trial', 'state', 'loss', 'reports', 'behaviour', 'x', 'epochs'])
    expect(lines.slice(2).map((line) => line.split(/\s+/)[0])).toEqual(['1', '2', '3', '4'])
  })

  it('shows --top rows and says how many more there are; status is the same command', async () => {
    const { stdout } = await cli('status', join(storage, 'cli'), '--top', '1')
    expect(stdout.trim().split('\n')).toHaveLength(4)
    expect(stdout).toContain('(3 more: --top 4 shows all)')
  })

  it('writes CSV, one row per trial', async () => {
    const { stdout } = await cli('summary', join(storage, 'cli'), '--csv')
    const lines = stdout.trim().split('\r\n')
    expect(lines[0]?.startsWith('trial_id,state,error,config/behaviour')).toBe(true)
    expect(lines).toHaveLength(5)
  })

  it('points from a folder of experiments to one of them', async () => {
    const { code, stderr } = await cli('summary', storage)
    expect(code).toBe(2)
    expect(stderr).toContain(`it holds the experiments cli, js: hyperpool summary ${join(storage, 'cli')}`)
  })

  it('names a folder that does not exist', async () => {
    const { code, stderr } = await cli('summary', join(storage, 'missing'))
    expect(code).toBe(2)
    expect(stderr).toContain(`no folder ${JSON.stringify(join(storage, 'missing'))}: give an experiment's folder`)
  })

  it('refuses two formats at once', async () => {
    const { code, stderr } = await cli('summary', join(storage, 'cli'), '--json', '--csv')
    expect(code).toBe(2)
    expect(stderr).toContain('--json and --csv are two formats: give one')
  })
})

describe('command-line mistakes: exit code 2, what was wrong and what to type', () => {
  it.each([
    [[], 'hyperpool: a command is needed'],
    [['summry', 'runs/x'], 'unknown command "summry" (did you mean summary?)'],
    [['resume', 'runs/x', '--concurrency', 'two'], '--concurrency needs a whole number >= 1, got "two"'],
    [['run', EXPERIMENT, '--smaples', '3'], 'unknown flag --smaples (did you mean --samples?)'],
    [['run', EXPERIMENT, '--samples', 'many'], '--samples needs a whole number >= 1, got "many"'],
    [['run', EXPERIMENT, '--concurrency', '0'], '--concurrency needs a whole number >= 1, got "0"'],
    [['run', EXPERIMENT, '--seed'], '--seed needs a value: --seed <value>'],
    [['run', EXPERIMENT, '--trial-output', 'bth'], '--trial-output is one of file, console, both, none, got "bth" (did you mean both?)'],
    [['run'], 'run: expects <module>, got none: hyperpool run <module>'],
    [['run', 'nowhere.ts'], 'run: no file "nowhere.ts": give the path of a module whose default export is the Tuner\'s options'],
    [
      ['resume', join(storage, 'cli'), '--module', 'nowhere.ts'],
      'resume: no file "nowhere.ts": give the path of a module whose default export is the Tuner\'s options, e.g. hyperpool resume <dir> --module',
    ],
    [['run', NOT_OPTIONS], "must export default the Tuner's options (export default { trainable, space, metric, ... }), got number"],
    [['summary', 'a', 'b'], 'summary: expects <dir>, got "a" "b"'],
    [['summary', join(storage, 'cli'), '--top', '0'], '--top needs a whole number >= 1, got "0"'],
  ])('%j', async (args, message) => {
    const { code, stdout, stderr } = await cli(...args)
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain(message)
    expect(stderr).toMatch(/\(hyperpool( \w+)? --help for usage\)\n$/)
  })

  it('prints the version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
    expect(await cli('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
  })

  it("prints each command's help with --help, and help <command> as well", async () => {
    for (const command of ['run', 'resume', 'summary', 'status', 'report']) {
      const { code, stdout } = await cli(command, '--help')
      expect(code).toBe(0)
      expect(stdout).toContain(`Usage: hyperpool ${command === 'status' ? 'summary' : command} <`)
    }
    expect((await cli('help', 'run')).stdout).toContain('Usage: hyperpool run <module>')
  })

  it('reports a HyperpoolError from the library with exit code 1, naming the error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hyperpool-cli-bad-'))
    writeFileSync(join(dir, 'experiment.jsonl'), 'not json\n{"type":"x"}\n')
    const { code, stderr } = await cli('summary', dir)
    expect(code).toBe(1)
    expect(stderr).toMatch(/^hyperpool: JournalError: .*experiment\.jsonl/)
  })
})
