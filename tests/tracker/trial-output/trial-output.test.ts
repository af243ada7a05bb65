import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { TrialOutputLog, type TrialOutputMode } from '../../../src/tracker/trial-output/trial-output.ts'
import type { TrialInfo, TrialOutput } from '../../../src/types.ts'
import { memoryLogger } from '../../helpers.ts'
import { VirtualTerminal } from '../../virtual-terminal.ts'

function setup(mode: TrialOutputMode, dir = mkdtempSync(join(tmpdir(), 'hyperpool-output-'))) {
  const logger = memoryLogger()
  const stdout = new VirtualTerminal(80)
  const stderr = {
    isTTY: false,
    text: '',
    write(text: string) {
      this.text += text
      return true
    },
  }
  const log = new TrialOutputLog({ dir, mode, logger, console: { stdout, stderr } })
  const read = (...path: string[]) => readFileSync(join(dir, ...path), 'utf8')
  return { dir, logger, stdout, stderr, log, read }
}

const trial = (id: number, attempt = 1, reports = 0): TrialInfo => ({
  id,
  config: {},
  state: 'running',
  seed: id,
  lastResult: undefined,
  history: Array.from({ length: reports }, (_, i) => ({ training_iteration: i + 1, trial_id: id, time_total_s: i })),
  error: undefined,
  attempt,
})
const out = (trialId: number | undefined, text: string, stream: TrialOutput['stream'] = 'stdout', late = false): TrialOutput => ({
  trialId,
  stream,
  text,
  late,
})

describe('TrialOutputLog', () => {
  it("writes each trial's stdout and stderr to its own files in its trial folder", async () => {
    const { log, read, dir } = setup('file')
    log.onExperimentStart()
    log.onTrialStart(trial(0))
    log.onTrialStart(trial(12))
    log.write(out(0, 'epoch 1\n'))
    log.write(out(12, 'hello from 12\n'))
    log.write(out(0, 'careful\n', 'stderr'))
    log.write(out(0, 'epoch 2\n'))
    log.onTrialEnd(trial(0))
    await log.onExperimentEnd()
    expect(read('trial_0000', 'stdout.log')).toBe('epoch 1\nepoch 2\n')
    expect(read('trial_0000', 'stderr.log')).toBe('careful\n')
    expect(read('trial_0012', 'stdout.log')).toBe('hello from 12\n')
    // A trial that printed nothing to a stream gets no file for it.
    expect(readdirSync(join(dir, 'trial_0012'))).toEqual(['stdout.log'])
  })

  it('appends a retried attempt and a resumed run after a header line, never overwriting', async () => {
    const { log, read } = setup('file')
    log.onExperimentStart()
    log.onTrialStart(trial(3))
    log.write(out(3, 'first try\n'))
    log.write(out(3, 'no newline at the end'))
    log.onTrialEnd(trial(3))
    log.onTrialStart(trial(3, 2))
    log.write(out(3, 'second try\n'))
    log.onTrialEnd(trial(3, 2, 4))
    log.onTrialStart(trial(3, 2, 4))
    log.write(out(3, 'resumed\n'))
    log.write(out(3, 'on stderr\n', 'stderr'))
    await log.onExperimentEnd()
    expect(read('trial_0003', 'stdout.log')).toBe(
      'first try\nno newline at the end\n' +
        '--- attempt 2 of trial 3 (retried after an error) ---\nsecond try\n' +
        '--- trial 3 resumed (run 3) ---\nresumed\n',
    )
    expect(read('trial_0003', 'stderr.log')).toBe('--- trial 3 resumed (run 3) ---\non stderr\n')
  })

  it('marks output written after a run ended, warns of it once, and keeps output from before any trial apart', async () => {
    const { log, read, logger, dir } = setup('file')
    log.onExperimentStart()
    log.write(out(undefined, 'a worker starting\n'))
    log.onTrialStart(trial(1))
    log.write(out(1, 'in the run\n'))
    log.onTrialEnd(trial(1))
    log.write(out(1, 'from a timer\n', 'stdout', true))
    log.write(out(1, 'and another\n', 'stdout', true))
    await log.onExperimentEnd()
    expect(read('trial_0001', 'stdout.log')).toBe(
      "in the run\n--- written after trial 1's run ended (a timer or callback outlived it) ---\nfrom a timer\nand another\n",
    )
    expect(read('unattributed.log')).toBe('a worker starting\n')
    expect(logger.lines.filter((line) => line.startsWith('warn:'))).toEqual([
      `warn: trial 1's stdout got output after its run had ended (a timer or callback that outlived it; a ctx.report or ctx.checkpoint made then is dropped, and said there): see ${join(dir, 'trial_0001', 'stdout.log')}`,
    ])
  })

  it('still tells where the files are when output after a run came first, which the warning alone would not explain', async () => {
    const { log, logger, dir } = setup('file')
    log.onExperimentStart()
    log.onTrialStart(trial(0))
    log.onTrialEnd(trial(0))
    log.onTrialStart(trial(1))
    log.write(out(0, 'from a timer\n', 'stderr', true))
    log.write(out(1, 'epoch 1\n'))
    await log.onExperimentEnd()
    expect(logger.lines.slice(0, 2)).toEqual([
      `warn: trial 0's stderr got output after its run had ended (a timer or callback that outlived it; a ctx.report or ctx.checkpoint made then is dropped, and said there): see ${join(dir, 'trial_0000', 'stderr.log')}`,
      `info: trial 1 printed to stdout: each trial's output goes to ${join(dir, 'trial_<id>', 'stdout.log')} and stderr.log (trialOutput: 'both' shows it here too)`,
    ])
  })

  it('tells once where the files are, and again at the end; nothing on the console', async () => {
    const { log, logger, stdout, dir } = setup('file')
    log.onExperimentStart()
    log.onTrialStart(trial(0))
    log.onTrialStart(trial(1))
    log.write(out(0, 'a\n'))
    log.write(out(1, 'b\n'))
    await log.onExperimentEnd()
    expect(logger.lines).toEqual([
      `info: trial 0 printed to stdout: each trial's output goes to ${join(dir, 'trial_<id>', 'stdout.log')} and stderr.log (trialOutput: 'both' shows it here too)`,
      `info: trial output: 2 trials printed; see ${join(dir, 'trial_<id>')}/stdout.log and stderr.log`,
    ])
    expect(stdout.raw).toBe('')
  })

  it("mirrors to the console with each line prefixed by its trial, whole lines only, a trial's open line at its end", async () => {
    const { log, stdout, stderr, logger, dir } = setup('console')
    log.onExperimentStart()
    log.onTrialStart(trial(0))
    log.onTrialStart(trial(1))
    log.write(out(0, 'epoch 1: lo'))
    log.write(out(1, 'trial one says hi\r\n'))
    log.write(out(0, 'ss 0.5\nepoch 2'))
    log.write(out(1, 'progress 10%\rprogress 100%\n'))
    log.write(out(1, 'warned\n', 'stderr'))
    expect(stdout.screen()).toEqual(['(trial 1) trial one says hi', '(trial 0) epoch 1: loss 0.5', '(trial 1) progress 100%', ''])
    log.onTrialEnd(trial(0))
    log.write(out(0, 'late\n', 'stdout', true))
    log.write(out(undefined, 'early\n'))
    await log.onExperimentEnd()
    expect(stdout.screen().slice(3)).toEqual(['(trial 0) epoch 2', '(trial 0, after its run) late', '(worker) early', ''])
    expect(stderr.text).toBe('(trial 1) warned\n')
    // Console only: no files, no pointer to them.
    expect(readdirSync(dir)).toEqual([])
    expect(logger.lines).toEqual([])
  })

  it('does both with "both", and neither with "none"', async () => {
    const both = setup('both')
    const none = setup('none')
    for (const { log } of [both, none]) {
      log.onExperimentStart()
      log.onTrialStart(trial(0))
      log.write(out(0, 'x\n'))
      await log.onExperimentEnd()
    }
    expect(both.read('trial_0000', 'stdout.log')).toBe('x\n')
    expect(both.stdout.screen()).toEqual(['(trial 0) x', ''])
    expect(both.logger.lines).toEqual([])
    expect(readdirSync(none.dir)).toEqual([])
    expect(none.stdout.raw).toBe('')
  })

  it("moves an earlier experiment's trial folders aside, as the CSV tracker does", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hyperpool-output-'))
    mkdirSync(join(dir, 'trial_0000'))
    writeFileSync(join(dir, 'trial_0000', 'stdout.log'), 'old run\n')
    writeFileSync(join(dir, 'experiment.jsonl'), '')
    const { log, read } = setup('file', dir)
    log.onExperimentStart()
    log.onTrialStart(trial(0))
    log.write(out(0, 'new run\n'))
    await log.onExperimentEnd()
    expect(read('trial_0000', 'stdout.log')).toBe('new run\n')
    const earlier = readdirSync(dir).find((name) => name.startsWith('earlier-')) as string
    expect(read(earlier, 'trial_0000', 'stdout.log')).toBe('old run\n')
    expect(existsSync(join(dir, 'experiment.jsonl'))).toBe(true)
  })

  it('warns once when it cannot write, and says how much was lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hyperpool-output-'))
    // A file where the trial folder should be: every write under it fails.
    writeFileSync(join(dir, 'blocker'), '')
    const { log, logger } = setup('file', join(dir, 'blocker'))
    log.onTrialStart(trial(0))
    log.write(out(0, 'a\n'))
    log.write(out(0, 'b\n', 'stderr'))
    await log.onExperimentEnd()
    expect(logger.lines.filter((line) => line.startsWith('warn'))).toEqual([
      expect.stringMatching(/^warn: trial output: could not write .*blocker\/trial_0000\/(stdout|stderr)\.log: /),
      'warn: trial output: 2 writes failed; that output is lost',
    ])
  })
})
