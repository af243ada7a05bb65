import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { ConfigError, HyperpoolError, show, TrialError } from '../errors.ts'
import { argumentAt, check, isObject, PATH, type Place, problemAt } from '../options/index.ts'
import type { ExperimentInfo, ExperimentSummary, Result, TrialInfo, TrialState } from '../types.ts'
import { decodeLine, EXPERIMENT_FILE, type JsonlEvent, type StoredError } from './codec.ts'

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
  /** Undefined when the experiment did not reach its end (the process died). */
  readonly summary: ExperimentSummary | undefined
}

/** The message of a trial that has a `trial_start` but no `trial_end`. */
const UNFINISHED = 'experiment ended before the trial did'

/**
 * Reads `dir/experiment.jsonl` (as written by `JsonlTracker`) back into plain
 * trials. A trial that never ended (the process died) comes back
 * `'errored'` with a {@link TrialError} saying so. A final line cut short by
 * a crash is skipped; a bad line anywhere else, a missing file or a file
 * without `experiment_start` throws a {@link ConfigError} naming the path.
 * Events of unknown types are skipped, so newer logs stay readable.
 *
 * @example
 * ```ts
 * const { trials } = await readExperiment('runs/exp1')
 * console.log(trials.length)
 * ```
 */
export async function readExperiment(dir: string): Promise<StoredExperiment> {
  const at = argumentAt('loadExperiment', 'dir')
  const path = join(check(PATH.required(), dir, at), EXPERIMENT_FILE)
  const handle = await open(path).catch((error: unknown) => {
    const code = (error as { code?: unknown }).code
    if (code === 'ENOENT' || code === 'ENOTDIR') throw problemAt(at, `no experiment log at ${show(path)}`, error)
    throw unreadable(at, path, error)
  })
  const rebuild = new Rebuild(path)
  try {
    let lineNo = 0
    // A line that fails to parse is forgiven only if it is the last one: a
    // crash cuts the final write short, anything earlier is corruption.
    let badLine: ConfigError | undefined
    for await (const line of handle.readLines()) {
      lineNo++
      if (line.trim() === '') continue
      if (badLine) throw badLine
      const event = parseEvent(line)
      if (typeof event === 'string') {
        badLine = new ConfigError(`${show(path)} line ${lineNo}: not a valid event (${event})`, { field: 'dir' })
        continue
      }
      if (event) rebuild.apply(event, lineNo)
    }
  } catch (error) {
    throw error instanceof HyperpoolError ? error : unreadable(at, path, error)
  } finally {
    await handle.close()
  }
  return rebuild.finish()
}

/** A read that failed for a reason other than a missing file (a folder in its place, no permission). */
function unreadable(at: Place, path: string, error: unknown): ConfigError {
  return problemAt(at, `cannot read ${show(path)}: ${(error as Error)?.message ?? String(error)}`, error)
}

/** A trial under reconstruction: TrialInfo with writable fields. */
type MutableTrial = { -readonly [K in keyof TrialInfo]: TrialInfo[K] } & { history: Result[] }

/** Folds events, in file order, into trials. */
class Rebuild {
  private experiment: ExperimentInfo | undefined
  private summary: ExperimentSummary | undefined
  private readonly trials = new Map<number, MutableTrial>()
  private readonly ended = new Set<number>()

  constructor(private readonly path: string) {}

  apply(event: JsonlEvent, lineNo: number): void {
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
        // A trial that starts again (resumed after a pause, or given a new config by PBT) keeps its history;
        // a retry (a new attempt) starts over, as the Tuner drops the failed attempt's results.
        if (known && attempt === known.attempt) Object.assign(known, { config, seed, state: 'running' })
        else this.trials.set(id, { id, config, seed, attempt, state: 'running', lastResult: undefined, history: [], error: undefined })
        this.ended.delete(id)
        return
      }
      case 'result': {
        const trial = this.trial(event.trial_id, lineNo)
        trial.history.push(event.result)
        trial.lastResult = event.result
        return
      }
      case 'trial_end': {
        const trial = this.trial(event.trial.id, lineNo)
        trial.state = event.trial.state
        trial.error = event.trial.error === null ? undefined : restoreError(trial.id, event.trial.error)
        this.ended.add(trial.id)
        return
      }
      case 'experiment_end':
        this.summary = event.summary
        return
    }
  }

  finish(): StoredExperiment {
    const experiment = this.experiment
    if (experiment === undefined) throw problemAt(argumentAt('loadExperiment', 'dir'), `${show(this.path)} has no "experiment_start" event`)
    for (const trial of this.trials.values()) {
      if (this.ended.has(trial.id)) continue
      trial.state = 'errored'
      trial.error = new TrialError(trial.id, UNFINISHED)
    }
    return { experiment, trials: [...this.trials.values()], summary: this.summary }
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
 * The trial's error as the Tuner had it: a {@link TrialError} (what the Tuner
 * records) with the stored name, message and stack (or none, rather than the loader's).
 */
function restoreError(trialId: number, stored: StoredError): TrialError {
  const error = new TrialError(trialId, stored.message)
  error.name = stored.name
  error.stack = stored.stack ?? `${stored.name}: ${stored.message}`
  return error
}

/**
 * Parses a line and checks its shape: the event, undefined for an event type
 * this version does not know, or what is wrong with it.
 */
function parseEvent(line: string): JsonlEvent | undefined | string {
  let value: unknown
  try {
    value = decodeLine(line)
  } catch (error) {
    return (error as Error).message
  }
  if (!isObject(value) || typeof value.event !== 'string') return 'no "event" field'
  const ok = EVENT_SHAPES[value.event]
  if (ok === undefined) return undefined
  if (!ok(value)) return `malformed "${value.event}" event`
  return value as JsonlEvent
}

const EVENT_SHAPES: Readonly<Record<string, (line: Record<string, unknown>) => boolean>> = {
  experiment_start: ({ experiment: e }) => isObject(e) && typeof e.metric === 'string' && (e.mode === 'min' || e.mode === 'max'),
  trial_start: ({ trial: t }) => isObject(t) && Number.isInteger(t.id) && isObject(t.config) && typeof t.seed === 'number',
  result: ({ trial_id, result }) => Number.isInteger(trial_id) && isObject(result),
  trial_end: ({ trial: t }) => isObject(t) && Number.isInteger(t.id) && isState(t.state) && (t.error === null || isStoredError(t.error)),
  experiment_end: ({ summary }) => isObject(summary),
}

const STATES: ReadonlySet<unknown> = new Set<TrialState>(['pending', 'running', 'paused', 'completed', 'stopped', 'errored'])

function isState(value: unknown): value is TrialState {
  return STATES.has(value)
}

function isStoredError(value: unknown): value is StoredError {
  return isObject(value) && typeof value.name === 'string' && typeof value.message === 'string'
}
