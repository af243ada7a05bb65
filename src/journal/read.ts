import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { errnoCode } from '../errno.ts'
import { CAUSE_DEPTH, ConfigError, JournalError, type SerializedError, show, toTrialError } from '../errors.ts'
import { argumentAt, check, isObject, PATH, type Place, problemAt } from '../options/index.ts'
import { type ExperimentInfo, type ExperimentSummary, type Result, TRIAL_STATES, type TrialInfo, type TrialState } from '../types.ts'
import { decodeLine, EXPERIMENT_FILE, type InterruptCause, JOURNAL_VERSION, type JsonlEvent } from './codec.ts'

/**
 * An experiment log read back as plain data: the settings, every trial as it
 * last stood, and the end summary.
 *
 * @example
 * ```ts
 * const { experiment, trials, summary }: StoredExperiment = await readExperiment('runs/exp1')
 * ```
 */
export interface StoredExperiment {
  readonly experiment: ExperimentInfo
  /** Every trial, in the order they first started. */
  readonly trials: readonly TrialInfo[]
  /** The last session's end; undefined when it did not reach it (the process died). */
  readonly summary: ExperimentSummary | undefined
  /** What ended the last session early, when something did. */
  readonly interruption?: Interruption | undefined
  /**
   * A Tuner's journal (it has the journal's header line), which a restore continues and whose live run holds the
   * folder's lock; false for a `JsonlTracker`'s log, which has neither.
   */
  readonly journal: boolean
}

/**
 * How to read a journal back.
 *
 * @example
 * ```ts
 * const options: ReadExperimentOptions = { running: liveLock(dir) !== undefined }
 * ```
 */
export interface ReadExperimentOptions {
  /**
   * A live process holds the experiment now: a trial without an end is still running, not left `paused` by a crash
   * or an interrupt (the default, false, reads a journal nobody writes to).
   */
  readonly running?: boolean
}

/**
 * What ended an experiment early: its cause, the reason in words, and whether `Tuner.restore`
 * continues it (not after the time budget, nor after the run's own check).
 *
 * @example
 * ```ts
 * const { interruption } = await loadExperiment('runs/exp1')
 * if (interruption?.resumable) console.log(`ended early (${interruption.why}): Tuner.restore continues it`)
 * ```
 */
export interface Interruption {
  readonly cause: InterruptCause
  readonly why: string
  readonly resumable: boolean
}

/**
 * Every event of an experiment file, with its line number, as a restore
 * replays them. `validBytes` is where the last good line ends: a bad final
 * line (a crash cut the write short) is left out, and `torn` says which line
 * it was, so a restore can warn and cut it off before it appends.
 *
 * @example
 * ```ts
 * const { events, torn } = await readJournal('runs/exp1')
 * ```
 */
export interface JournalFile {
  readonly path: string
  readonly events: readonly JournalLine[]
  readonly validBytes: number
  /** The number of a bad last line that was skipped, if there was one. */
  readonly torn: number | undefined
  /**
   * Whether the last good line lacks its '\n' (a crash between an event's '}' and its newline): what is appended
   * next must start with one, or it would be glued onto that line.
   */
  readonly unterminated: boolean
}

/**
 * One event of a journal and the line it is on (1-based).
 *
 * @example
 * ```ts
 * const { event, line }: JournalLine = journal.events[0]
 * ```
 */
export interface JournalLine {
  readonly event: JsonlEvent
  readonly line: number
}

/**
 * Reads `dir/experiment.jsonl` whole. A missing file throws a
 * {@link ConfigError} naming the path, at `at` (the caller's argument). A line that is not a valid event is
 * forgiven only if it is the last one (a crash cuts the final write short);
 * anywhere else it is corruption, and throws a {@link JournalError} naming
 * the line and what to do. A line that
 * is two whole events glued together (written by a hyperpool that appended
 * after a last line missing its '\n') reads as both: a JSON object ends at
 * exactly one place, so the split is never a guess. A journal of a
 * newer format version is refused; events of unknown types are skipped, so
 * logs with new kinds of events stay readable.
 *
 * @example
 * ```ts
 * const journal = await readJournal('runs/exp1')
 * console.log(journal.events.length)
 * ```
 */
export async function readJournal(dir: string, at: Place = argumentAt('loadExperiment', 'dir')): Promise<JournalFile> {
  const path = join(check(PATH.required(), dir, at), EXPERIMENT_FILE)
  const bytes = await readFile(path).catch((error: unknown) => {
    const code = errnoCode(error)
    if (code === 'ENOENT' || code === 'ENOTDIR') throw problemAt(at, `no experiment log at ${show(path)}`, error)
    throw unreadable(at, path, error)
  })
  const events: JournalLine[] = []
  let badLine: { error: JournalError; line: number; start: number } | undefined
  let start = 0
  let lineNo = 0
  while (start < bytes.length) {
    const newline = bytes.indexOf(0x0a, start)
    const end = newline === -1 ? bytes.length : newline + 1
    const text = bytes.toString('utf8', start, end)
    lineNo++
    if (text.trim() !== '') {
      if (badLine) throw badLine.error
      try {
        for (const event of decodeEvents(text)) events.push({ event: checkVersion(event, path, lineNo), line: lineNo })
      } catch (error) {
        if (error instanceof ConfigError) throw error
        badLine = { error: damaged(path, lineNo, error), line: lineNo, start }
      }
    }
    start = end
  }
  const validBytes = badLine?.start ?? start
  return { path, events, validBytes, torn: badLine?.line, unterminated: validBytes > 0 && bytes[validBytes - 1] !== 0x0a }
}

/**
 * The events of one line: usually one, none for an unknown type, several when
 * whole events were glued together. Throws what the first part's decoding
 * threw when the line is not a sequence of whole events.
 */
function decodeEvents(text: string): JsonlEvent[] {
  try {
    const event = toEvent(decodeLine(text))
    return event === undefined ? [] : [event]
  } catch (error) {
    const glued = splitGlued(text.trim())
    if (glued === undefined) throw error
    return glued.flatMap((part) => {
      const event = toEvent(decodeLine(part))
      return event === undefined ? [] : [event]
    })
  }
}

/**
 * `text` cut into the whole JSON objects it is made of, one after another, or
 * undefined when it is not such a sequence. The first object ends at the
 * first '}{' whose left side parses, and nowhere else: a JSON object's end is
 * fixed by its braces, so no other cut can give a valid left side.
 */
function splitGlued(text: string): string[] | undefined {
  for (let at = text.indexOf('}{'); at !== -1; at = text.indexOf('}{', at + 1)) {
    const left = text.slice(0, at + 1)
    if (!parses(left)) continue
    const right = text.slice(at + 1)
    if (parses(right)) return [left, right]
    const rest = splitGlued(right)
    return rest === undefined ? undefined : [left, ...rest]
  }
  return undefined
}

function parses(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/**
 * A bad line with good lines after it: not a crash's torn tail but damage (an edit, a disk fault, two writers).
 * Nothing can append to it safely, so say what still works.
 */
function damaged(path: string, lineNo: number, error: unknown): JournalError {
  return new JournalError(
    `${show(path)} line ${lineNo}: not a valid event (${(error as Error).message}); lines follow it, so this is damage, not a crash's torn tail, and nothing can be read or appended past it. Keep a copy of the file, then repair line ${lineNo} or cut the file before it (head -n ${lineNo - 1}): loadExperiment reads what is left and Tuner.restore re-runs what the lines after it held`,
    { field: 'dir', cause: error },
  )
}

/** A read that failed for a reason other than a missing file (a folder in its place, no permission). */
function unreadable(at: Place, path: string, error: unknown): ConfigError {
  return problemAt(at, `cannot read ${show(path)}: ${(error as Error)?.message ?? String(error)}`, error)
}

/** A journal header of a newer format than this hyperpool knows is refused: it could hold events that matter. */
function checkVersion(event: JsonlEvent, path: string, lineNo: number): JsonlEvent {
  if (event.event !== 'journal' || event.version <= JOURNAL_VERSION) return event
  throw new ConfigError(
    `${show(path)} line ${lineNo}: written in journal format version ${event.version}, newer than this hyperpool reads (${JOURNAL_VERSION}); read it with a newer hyperpool`,
    { field: 'dir' },
  )
}

/**
 * Reads `dir/experiment.jsonl` (an experiment's journal, or a `JsonlTracker`'s
 * file) back into plain trials. A trial that had not ended (the process died
 * or the experiment was interrupted) comes back `'paused'`: `Tuner.restore`
 * continues it; with `running` (a live process holds the experiment) it comes back `'running'`. A final line cut short by a crash is skipped; a bad line
 * anywhere else, a missing file or a file without `experiment_start` throws a
 * {@link ConfigError} naming the path. Events of unknown types are skipped.
 *
 * @example
 * ```ts
 * const { trials } = await readExperiment('runs/exp1')
 * console.log(trials.length)
 * ```
 */
export async function readExperiment(dir: string, options: ReadExperimentOptions = {}): Promise<StoredExperiment> {
  const journal = await readJournal(dir)
  const rebuild = new Rebuild(journal.path)
  for (const { event, line } of journal.events) rebuild.apply(event, line)
  return rebuild.finish(options.running === true ? 'running' : 'paused')
}

/** A trial under reconstruction: TrialInfo with writable fields. */
type MutableTrial = { -readonly [K in keyof TrialInfo]: TrialInfo[K] } & { history: Result[] }

/** Folds events, in file order, into trials. */
class Rebuild {
  private experiment: ExperimentInfo | undefined
  private summary: ExperimentSummary | undefined
  private interruption: Interruption | undefined
  private readonly trials = new Map<number, MutableTrial>()
  private readonly ended = new Set<number>()
  private journal = false

  constructor(private readonly path: string) {}

  apply(event: JsonlEvent, lineNo: number): void {
    if (event.event === 'journal') {
      this.journal = true
      return
    }
    if (event.event === 'experiment_start') {
      // The tracker renames an old log before writing, so a second start means two logs were concatenated.
      if (this.experiment !== undefined) throw this.corrupt(lineNo, 'a second "experiment_start"')
      this.experiment = event.experiment
      return
    }
    if (this.experiment === undefined) throw this.corrupt(lineNo, `"${event.event}" before "experiment_start"`)
    switch (event.event) {
      case 'trial_start': {
        const { id, config, seed, attempt = 1 } = event.trial
        const known = this.trials.get(id)
        // A trial that starts again (resumed after a pause or a restore, or given a new config by PBT) keeps its history;
        // a retry (a new attempt) starts over, as the Tuner drops the failed attempt's results.
        if (known && attempt === known.attempt) Object.assign(known, { config, seed, state: 'running' })
        else this.trials.set(id, { id, config, seed, attempt, state: 'running', lastResult: undefined, history: [], error: undefined })
        this.ended.delete(id)
        return
      }
      case 'result':
        this.record(this.trial(event.trial_id, lineNo), event.result)
        return
      case 'trial_end': {
        const trial = this.trial(event.trial.id, lineNo)
        // A journal keeps a returned result in the end itself; a tracker's file has it as a result line before.
        if (event.final !== undefined) this.record(trial, event.final)
        trial.state = event.trial.state
        // The error the Tuner had, its cause too: built as the Tuner built it, from what the trial threw.
        trial.error =
          event.trial.error === null
            ? undefined
            : toTrialError(trial.id, isSerializedError(event.thrown) ? event.thrown : undefined, event.trial.error)
        this.ended.add(trial.id)
        return
      }
      case 'experiment_end':
        this.summary = event.summary
        return
      case 'session':
        // A restore began another session: the earlier session's end is not the experiment's (until this one ends).
        this.summary = undefined
        this.interruption = undefined
        return
      case 'interrupt': {
        const { cause, why, resumable } = event
        // A run's own check leaves its trials resumable, but a restore replays the same end (see InterruptEvent).
        this.interruption = { cause, why, resumable: resumable && cause !== 'check' }
        return
      }
      default:
        // Decisions, checkpoints and retries matter to a restore, not to the table.
        return
    }
  }

  /** The trials as they stand, those without an end in `open`: `'paused'` when the run is over, `'running'` while it goes on. */
  finish(open: 'paused' | 'running'): StoredExperiment {
    const experiment = this.experiment
    if (experiment === undefined) throw problemAt(argumentAt('loadExperiment', 'dir'), `${show(this.path)} has no "experiment_start" event`)
    // A trial whose run the crash or the interrupt caught is not over: a restore resumes it. One a live run holds still runs.
    for (const trial of this.trials.values()) if (!this.ended.has(trial.id)) trial.state = open
    return { experiment, trials: [...this.trials.values()], summary: this.summary, interruption: this.interruption, journal: this.journal }
  }

  private record(trial: MutableTrial, result: Result): void {
    trial.history.push(result)
    trial.lastResult = result
  }

  private trial(id: number, lineNo: number): MutableTrial {
    const trial = this.trials.get(id)
    if (trial === undefined) throw this.corrupt(lineNo, `trial ${id} has no "trial_start"`)
    return trial
  }

  private corrupt(lineNo: number, what: string): ConfigError {
    return new ConfigError(`${show(this.path)} line ${lineNo}: ${what}`, { field: 'dir' })
  }
}

/**
 * Checks the shape of a parsed line: the event, or undefined for an event type
 * this version does not know. Throws for a known event with a wrong shape.
 */
function toEvent(value: unknown): JsonlEvent | undefined {
  if (!isObject(value) || typeof value.event !== 'string') throw new TypeError('no "event" field')
  const ok = EVENT_SHAPES[value.event]
  if (ok === undefined) return undefined
  if (!ok(value)) throw new TypeError(`malformed "${value.event}" event`)
  return value as JsonlEvent
}

const EVENT_SHAPES: Readonly<Record<string, (line: Record<string, unknown>) => boolean>> = {
  journal: ({ version, search, scheduler }) => Number.isInteger(version) && isObject(search) && isObject(scheduler),
  experiment_start: ({ experiment: e }) => isObject(e) && typeof e.metric === 'string' && (e.mode === 'min' || e.mode === 'max'),
  session: ({ session, concurrency }) => Number.isInteger(session) && Number.isInteger(concurrency),
  trial_start: ({ trial: t }) => isObject(t) && Number.isInteger(t.id) && isObject(t.config) && typeof t.seed === 'number',
  result: ({ trial_id, result }) => Number.isInteger(trial_id) && isObject(result),
  decision: ({ trial_id, iteration, decision }) =>
    Number.isInteger(trial_id) && Number.isInteger(iteration) && (decision === 'stop' || decision === 'pause'),
  checkpoint: ({ trial_id, seq, attempt, iteration }) => [trial_id, seq, attempt, iteration].every(Number.isInteger),
  trial_end: ({ trial: t, final, thrown }) =>
    isObject(t) &&
    Number.isInteger(t.id) &&
    isState(t.state) &&
    (t.error === null || isSerializedError(t.error)) &&
    (thrown === undefined || isSerializedError(thrown)) &&
    (final === undefined || isObject(final)),
  retry: ({ trial_id }) => Number.isInteger(trial_id),
  interrupt: ({ cause, resumable }) => typeof cause === 'string' && typeof resumable === 'boolean',
  experiment_end: ({ summary }) => isObject(summary),
}

const STATES: ReadonlySet<unknown> = new Set<TrialState>(TRIAL_STATES)

function isState(value: unknown): value is TrialState {
  return STATES.has(value)
}

/** An error's fields as a journal line holds them, its cause chain (when there is one) no deeper than `CAUSE_DEPTH`. */
function isSerializedError(value: unknown, depth = CAUSE_DEPTH): value is SerializedError {
  return (
    isObject(value) &&
    typeof value.name === 'string' &&
    typeof value.message === 'string' &&
    (value.stack === undefined || value.stack === null || typeof value.stack === 'string') &&
    (value.cause === undefined || (depth > 0 && isSerializedError(value.cause, depth - 1)))
  )
}
