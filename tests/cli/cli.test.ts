import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/main.ts'
import { loadExperiment } from '../../src/index.ts'

/**
 * The `hyperpool` command. The real binary (built from this source into
 * dist/, as `npm pack` ships it) runs an experiment and summarises it in
 * child processes; the rest of the command line is driven in-process
 * through `runCli`, with its output captured.
 */

const ROOT = resolve(import.meta.dirname, '../..')
const BIN = join(ROOT, 'dist/cli/bin.js')
const EXPERIMENT = join(ROOT, 'tests/fixtures/cli-experiment.ts')
const NOT_OPTIONS = join(ROOT, 'tests/fixtures/cli-not-options.js')
const JS_EXPERIMENT = join(ROOT, 'tests/fixtures/cli-experiment.js')
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

/** `runCli` in-process, with what it printed. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(args, {
    stdout: (text) => {
      stdout += text
    },
    stderr: (text) => {
      stderr += text
    },
  })
  return { code, stdout, stderr }
}

beforeAll(async () => {
  // The binary as shipped: compiled from this source.
  await exec(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT })
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

  it('says what to give for a folder that is not an experiment', async () => {
    const { code, stderr } = await cli('resume', join(storage, 'missing'))
    expect(code).toBe(2)
    expect(stderr).toContain('resume: no folder')
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
    [['run'], 'run: expects <module>, got none: hyperpool run <module>'],
    [['run', 'nowhere.ts'], 'run: no file "nowhere.ts": give the path of a module whose default export is the Tuner\'s options'],
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
    for (const command of ['run', 'resume', 'summary', 'status']) {
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
