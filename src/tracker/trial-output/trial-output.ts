import { join } from 'node:path'
import { countOf } from '../../format.ts'
import type { Logger } from '../../logger.ts'
import type { TextStream } from '../../terminal.ts'
import type { ExperimentInfo, TrialInfo, TrialOutput } from '../../types.ts'
import { keepEarlier } from '../keep-earlier.ts'
import type { Tracker } from '../tracker.ts'
import { TRIAL_FOLDER, trialName } from '../trial-metrics.ts'
import { AppendFiles } from './append-files.ts'
import { ConsoleMirror } from './console-mirror.ts'

/**
 * Where trials' stdout and stderr go (the Tuner option `trialOutput`):
 * `'file'` to `<experiment dir>/trial_0003/stdout.log` and `stderr.log`,
 * `'console'` to the console, each line prefixed `(trial 3)`, `'both'`, or
 * `'none'` (dropped).
 *
 * @example
 * ```ts
 * new Tuner({ ...options, trialOutput: 'both' })
 * ```
 */
export type TrialOutputMode = 'file' | 'console' | 'both' | 'none'

/** The modes, for option checks. */
export const TRIAL_OUTPUT_MODES: readonly TrialOutputMode[] = ['file', 'console', 'both', 'none']

/**
 * A trial output mode without its files (an experiment with no folder, `storageDir: false`): what would have gone
 * to a file goes to the console instead.
 *
 * @example
 * ```ts
 * consoleOnly('both') // 'console'
 * ```
 */
export function consoleOnly(mode: TrialOutputMode): TrialOutputMode {
  return mode === 'none' ? 'none' : 'console'
}

/**
 * Options of {@link TrialOutputLog}.
 *
 * @example
 * ```ts
 * const options: TrialOutputOptions = { dir: 'runs/exp1', mode: 'file', logger }
 * ```
 */
export interface TrialOutputOptions {
  /** The experiment's folder; each trial's files go in its `trial_0003/` folder. */
  readonly dir: string
  readonly mode: TrialOutputMode
  /** Tells, once, where the files are (mode `'file'`), and of write failures. */
  readonly logger: Logger
  /** Where the console copy goes. Default: this process's stdout and stderr. */
  readonly console?: Readonly<Record<TrialOutput['stream'], TextStream>>
  /** Longest time output waits in memory before it is appended to its file, ms. Default 1000. */
  readonly flushMs?: number
}

/** Per trial that printed or runs again: which header lines the current run's files already have. */
interface TrialLog {
  /** Said before the first output of the current run on each stream; undefined on a first run. */
  header: string | undefined
  /** `header:stdout`, `late:stderr`, …: made on the first output, as most trials print nothing. */
  written: Set<string> | undefined
}

const UNATTRIBUTED = 'unattributed.log'

/**
 * Sends what trials print where `mode` says, as Ray Tune's `log_to_file`
 * does: `trial_0003/stdout.log` and `trial_0003/stderr.log` in the experiment
 * folder, made only when the trial prints to that stream. A trial's later
 * runs append: a retried attempt after `--- attempt 2 of trial 3 (retried
 * after an error) ---`, a resumed run (a pause under PBT or HyperBand) after
 * `--- trial 3 resumed (run 2) ---`; output written after a run had ended (a
 * timer that outlived it) after `--- written after trial 3's run ended ---`.
 * Output before any trial ran on a thread goes to `unattributed.log`.
 *
 * The driver writes the files in batches (at most a second apart), each
 * trial's when it ends, all of them at the experiment's end. The Tuner wires
 * it: the pool hands it output through `write`, and it takes the trial
 * events as a tracker. Earlier trial folders in the experiment folder move to
 * `earlier-<time>/` when the experiment starts, as in the CSV tracker.
 *
 * @example
 * ```ts
 * const log = new TrialOutputLog({ dir: 'runs/exp1', mode: 'file', logger })
 * log.write({ trialId: 3, stream: 'stdout', text: 'epoch 1\n', late: false })
 * ```
 */
export class TrialOutputLog implements Tracker {
  readonly #dir: string
  readonly #logger: Logger
  readonly #files: AppendFiles | undefined
  readonly #mirror: ConsoleMirror | undefined
  /**
   * Per trial id, the runs it has started and its attempt at the last one: numbers in arrays (trial ids count
   * from 0), since every trial starts and most run once and print nothing; a {@link TrialLog} is made only for
   * a trial that prints or runs again.
   */
  readonly #runs: number[] = []
  readonly #attempts: number[] = []
  readonly #trials = new Map<number, TrialLog>()
  /** Trials that printed anything, for the closing pointer. */
  readonly #printed = new Set<number | undefined>()
  /** Files whose text so far ends inside a line: a header written next starts on a new line. */
  readonly #openLines = new Set<string>()
  #failedWrites = 0
  /** Output written after its run has been warned of (once an experiment). */
  #heardLate = false
  /** Where trial output goes has been said (once an experiment, at the first output in a run). */
  #toldWhere = false

  constructor(options: TrialOutputOptions) {
    this.#dir = options.dir
    this.#logger = options.logger
    const toFile = options.mode === 'file' || options.mode === 'both'
    const toConsole = options.mode === 'console' || options.mode === 'both'
    this.#files = toFile
      ? new AppendFiles({
          flushMs: options.flushMs ?? 1000,
          onError: (path, error) => {
            if (this.#failedWrites++ === 0) this.#logger.warn(`trial output: could not write ${path}: ${(error as Error).message}`)
          },
        })
      : undefined
    this.#mirror = toConsole ? new ConsoleMirror(options.console ?? { stdout: process.stdout, stderr: process.stderr }) : undefined
  }

  /** Takes one piece of a trial's output (see `PoolOptions.onOutput`). */
  write(output: TrialOutput): void {
    this.#printed.add(output.trialId)
    this.#mirror?.write(output)
    if (this.#files === undefined) return
    if (this.#mirror === undefined) this.#tellWhere(output)
    const path = this.#pathOf(output)
    const header = this.#headed(output)
    this.#files.append(path, (header !== '' && this.#openLines.has(path) ? `\n${header}` : header) + output.text)
    if (output.text.endsWith('\n')) this.#openLines.delete(path)
    else this.#openLines.add(path)
  }

  onExperimentStart(experiment?: ExperimentInfo): void {
    // A restored experiment carries on in the same trial folders.
    if (this.#files !== undefined && (experiment?.session ?? 1) === 1)
      keepEarlier(this.#dir, (name) => TRIAL_FOLDER.test(name) || name === UNATTRIBUTED)
  }

  onTrialStart(trial: TrialInfo): void {
    const attempt = trial.attempt ?? 1
    const runs = (this.#runs[trial.id] ?? 0) + 1
    const before = this.#attempts[trial.id]
    this.#runs[trial.id] = runs
    this.#attempts[trial.id] = attempt
    if (runs === 1) return
    const header =
      attempt === before
        ? `--- trial ${trial.id} resumed (run ${runs}) ---\n`
        : `--- attempt ${attempt} of trial ${trial.id} (retried after an error) ---\n`
    this.#trials.set(trial.id, { header, written: undefined })
  }

  onTrialEnd(trial: TrialInfo): void {
    // Most trials print nothing: their end costs one lookup.
    if (!this.#printed.has(trial.id)) return
    this.#mirror?.end(trial.id)
    for (const stream of ['stdout', 'stderr'] as const) this.#files?.flush(this.#pathOf({ trialId: trial.id, stream }))
  }

  async onExperimentEnd(): Promise<void> {
    this.#mirror?.end()
    if (this.#files === undefined) return
    await this.#files.close()
    const trials = [...this.#printed].filter((id) => id !== undefined).length
    if (trials > 0 && this.#mirror === undefined) {
      this.#logger.info(`trial output: ${countOf(trials, 'trial')} printed; see ${join(this.#dir, 'trial_<id>')}/stdout.log and stderr.log`)
    }
    if (this.#failedWrites > 0) this.#logger.warn(`trial output: ${countOf(this.#failedWrites, 'write')} failed; that output is lost`)
  }

  /** Says once where trial output goes, and once that output came after a run (which the first note would not explain). */
  #tellWhere(output: TrialOutput): void {
    if (output.late) {
      if (this.#heardLate) return
      // Output after a run is work that outlived it, or a call it made then, which the worker says there it dropped.
      this.#heardLate = true
      this.#logger.warn(
        `trial ${output.trialId}'s ${output.stream} got output after its run had ended (a timer or callback that outlived it; ` +
          `a ctx.report or ctx.checkpoint made then is dropped, and said there): see ${this.#pathOf(output)}`,
      )
    } else if (!this.#toldWhere) {
      this.#toldWhere = true
      const who = output.trialId === undefined ? 'a worker' : `trial ${output.trialId}`
      this.#logger.info(
        `${who} printed to ${output.stream}: each trial's output goes to ${join(this.#dir, 'trial_<id>', 'stdout.log')} and stderr.log` +
          ` (trialOutput: 'both' shows it here too)`,
      )
    }
  }

  #pathOf(output: Pick<TrialOutput, 'trialId' | 'stream'>): string {
    if (output.trialId === undefined) return join(this.#dir, UNATTRIBUTED)
    return join(this.#dir, trialName(output.trialId), `${output.stream}.log`)
  }

  /** The header lines `output` must follow in its file: a later run's, once per stream; a late write's, once per run. */
  #headed(output: TrialOutput): string {
    const id = output.trialId
    if (id === undefined || this.#runs[id] === undefined) return ''
    let log = this.#trials.get(id)
    if (log === undefined) {
      log = { header: undefined, written: undefined }
      this.#trials.set(id, log)
    }
    let header = ''
    log.written ??= new Set()
    if (log.header !== undefined && !log.written.has(`header:${output.stream}`)) {
      log.written.add(`header:${output.stream}`)
      header += log.header
    }
    if (output.late && !log.written.has(`late:${output.stream}`)) {
      log.written.add(`late:${output.stream}`)
      header += `--- written after trial ${output.trialId}'s run ended (a timer or callback outlived it) ---\n`
    }
    return header
  }
}
