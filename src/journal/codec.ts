/**
 * The line format of `experiment.jsonl`: one JSON object per line, one line per event.
 *
 * Trackers' files (`JsonlTracker`) hold the five tracker events:
 *
 * ```text
 * {"event":"experiment_start","experiment":ExperimentInfo}
 * {"event":"trial_start","trial":{"id":0,"config":{...},"seed":123,"attempt":1}}
 * {"event":"result","trial_id":0,"result":Result}
 * {"event":"trial_end","trial":{"id":0,"state":"completed","error":null}}
 * {"event":"trial_end","trial":{"id":1,"state":"errored","error":{"name":"TrialError","message":"...","stack":"..."}}}
 * {"event":"experiment_end","summary":ExperimentSummary}
 * ```
 *
 * The experiment's own journal (`<storageDir>/<name>/experiment.jsonl`) is
 * the same format with more: a `journal` header first (the format version,
 * and what a restore needs beside the settings), a `session` line per
 * restore, the scheduler's stop and pause `decision`s, each `checkpoint`,
 * `retry` and `interrupt`, and `trial_end`s that carry what the executor
 * reported (`outcome`, the returned `final` result). docs/resume.md has the
 * whole story; the reader skips events it does not know, so newer files stay
 * readable.
 *
 * JSON has no NaN or Infinity (`JSON.stringify` writes them as `null`), so a
 * non-finite number anywhere in an event is written as the tagged object
 * `{"$num":"NaN"}`, `{"$num":"Infinity"}` or `{"$num":"-Infinity"}` and read
 * back as the number. A tag rather than the bare string `"NaN"` keeps a
 * string metric or config value `"NaN"` a string on the way back.
 */
import type { SerializedError } from '../errors.ts'
import { isObject } from '../options/index.ts'
import type { Config, ExperimentInfo, ExperimentSummary, Result, TrialState } from '../types.ts'

/**
 * An error as a `trial_end` line stores it (its stack `null` when it has none); null for none.
 *
 * @example
 * ```ts
 * storedError(trial.error) // { name: 'TrialError', message: 'trial 3: RangeError: boom', stack: '...' }
 * ```
 */
export function storedError(error: Error | undefined): SerializedError | null {
  return error === undefined ? null : journaledError({ name: error.name, message: error.message, stack: error.stack })
}

/**
 * An error's fields as a journal line keeps them: the stack `null` when there is none (JSON has no `undefined`),
 * the cause chain as it came.
 *
 * @example
 * ```ts
 * journaledError({ name: 'RangeError', message: 'boom' }) // { name: 'RangeError', message: 'boom', stack: null }
 * ```
 */
export function journaledError({ name, message, stack, cause }: SerializedError): SerializedError {
  return { name, message, stack: stack ?? null, ...(cause === undefined ? {} : { cause }) }
}

/**
 * One line of `experiment.jsonl`, decoded.
 *
 * @example
 * ```ts
 * const event: JsonlEvent = { event: 'result', trial_id: 3, result }
 * ```
 */
export type JsonlEvent =
  | JournalHeader
  | { readonly event: 'experiment_start'; readonly experiment: ExperimentInfo }
  | SessionEvent
  | TrialStartEvent
  | { readonly event: 'result'; readonly trial_id: number; readonly result: Result }
  | { readonly event: 'decision'; readonly trial_id: number; readonly iteration: number; readonly decision: 'stop' | 'pause' }
  | CheckpointEvent
  | TrialEndEvent
  | { readonly event: 'retry'; readonly trial_id: number }
  | InterruptEvent
  | { readonly event: 'experiment_end'; readonly summary: ExperimentSummary }

/**
 * The version of the journal format this hyperpool writes, in the header's
 * `version`. A reader refuses a newer one (it could miss events that matter
 * to a restore) and reads an older one.
 *
 * @example
 * ```ts
 * const header: JournalHeader = { event: 'journal', version: JOURNAL_VERSION, search, scheduler, data: null }
 * ```
 */
export const JOURNAL_VERSION = 1

/**
 * A searcher or scheduler as the journal records it: its class name, and its
 * options as given when a restore can rebuild it from them (a built-in), else
 * null (a custom one, or a built-in given functions: the restore must be
 * handed the instance).
 *
 * @example
 * ```ts
 * const spec: PluginSpec = { type: 'ASHAScheduler', options: { maxT: 100, gracePeriod: 1, reductionFactor: 4, brackets: 1, timeAttr: 'training_iteration' } }
 * ```
 */
export interface PluginSpec {
  readonly type: string
  readonly options: Readonly<Record<string, unknown>> | null
}

/**
 * The first line of a journal: the format version and what a restore needs
 * beyond `experiment_start`: how to rebuild the searcher and the scheduler,
 * and a fingerprint of the data (which is not stored).
 *
 * @example
 * ```ts
 * { event: 'journal', version: 1, search: { type: 'RandomSearch', options: {} }, scheduler: { type: 'FIFOScheduler', options: {} }, data: null }
 * ```
 */
export interface JournalHeader {
  readonly event: 'journal'
  readonly version: number
  readonly search: PluginSpec
  readonly scheduler: PluginSpec
  /** Path in `data` -> what was there (see `journal/fingerprint.ts`); null for an experiment without data. */
  readonly data: Readonly<Record<string, string>> | null
}

/**
 * A restore began a new session of the experiment: the lines before it were
 * written by earlier processes. `t` is the experiment's time so far, in
 * seconds, over every earlier session.
 *
 * @example
 * ```ts
 * { event: 'session', session: 2, pid: 4242, host: 'gpu-1', at: '2026-11-28T09:00:00.000Z', concurrency: 4, t: 3600 }
 * ```
 */
export interface SessionEvent {
  readonly event: 'session'
  readonly session: number
  readonly pid: number
  readonly host: string
  readonly at: string
  readonly concurrency: number
  readonly t: number
}

/**
 * A checkpoint's place in the journal: the file `checkpoints/trial_<id>/<seq>.ckpt`
 * holds the state; `iteration` is the report count it stands for (the report
 * after it, by the convention that a trainable checkpoints before it reports).
 *
 * @example
 * ```ts
 * const ref: CheckpointRef = { trial: 3, seq: 7, attempt: 1, iteration: 7 }
 * ```
 */
export interface CheckpointRef {
  readonly trial: number
  readonly seq: number
  readonly attempt: number
  readonly iteration: number
}

/**
 * A trial's run began: its first, a resume after a pause, a retry, or (with
 * `relaunch`) a restart by a restore of a run the crash or interrupt caught.
 * `donor` is the trial whose checkpoint the scheduler asked for (PBT); `from`
 * names the checkpoint the run resumes from and `iteration` the report count
 * it stands for, both absent for a run from the start.
 *
 * @example
 * ```ts
 * { event: 'trial_start', trial: { id: 3, config: { lr: 0.01 }, seed: 99, attempt: 1 }, from: { trial: 3, seq: 2 }, iteration: 4 }
 * ```
 */
export interface TrialStartEvent {
  readonly event: 'trial_start'
  /** `attempt` counts retries (1 for the first run); absent in files written before it existed. */
  readonly trial: { readonly id: number; readonly config: Config; readonly seed: number; readonly attempt?: number }
  readonly donor?: number
  readonly from?: { readonly trial: number; readonly seq: number }
  readonly iteration?: number
  readonly relaunch?: true
}

/**
 * A checkpoint the trial sent (the state itself is in its file, not here).
 *
 * @example
 * ```ts
 * { event: 'checkpoint', trial_id: 3, seq: 7, attempt: 1, iteration: 7 }
 * ```
 */
export interface CheckpointEvent {
  readonly event: 'checkpoint'
  readonly trial_id: number
  readonly seq: number
  readonly attempt: number
  readonly iteration: number
}

/** How the executor said a trial's run ended (see `TrialOutcome`). */
export type OutcomeKind = 'completed' | 'stopped' | 'paused' | 'errored' | 'unloadable'

/**
 * A trial's run ended. In a journal, `outcome` is what the executor reported
 * (absent when the loop ended a waiting trial itself), `thrown` the error
 * the run failed with, `final` the result the trainable returned, `t` the
 * experiment's time in seconds; `state` is what the trial became: a retried
 * attempt is `pending`.
 *
 * @example
 * ```ts
 * { event: 'trial_end', trial: { id: 0, state: 'completed', error: null }, outcome: 'completed', t: 12.5 }
 * ```
 */
export interface TrialEndEvent {
  readonly event: 'trial_end'
  readonly trial: { readonly id: number; readonly state: TrialState; readonly error: SerializedError | null }
  readonly outcome?: OutcomeKind
  readonly thrown?: SerializedError
  readonly final?: Result
  readonly t?: number
}

/**
 * Why the experiment stopped early. `resumable` interrupts (a signal, an
 * abort, failFast, a searcher or scheduler that threw, a journal that could
 * not be written) leave running trials resumable; the time budget ends the
 * experiment for good. `check`: the run's own check failed (a trainable that
 * did not load, a metric never reported); its trials are left resumable, but
 * a restore replays the same end, so the experiment cannot be continued.
 *
 * @example
 * ```ts
 * { event: 'interrupt', cause: 'signal', why: 'SIGINT', resumable: true, t: 812.4 }
 * ```
 */
export interface InterruptEvent {
  readonly event: 'interrupt'
  readonly cause: InterruptCause
  readonly why: string
  readonly resumable: boolean
  readonly t: number
}

/**
 * What ended an experiment early: a signal, an abort, its time budget, failFast, a searcher or scheduler
 * that threw (`error`), the run's own check (`check`: a metric never reported, a trainable that did not
 * load), or a journal that could not be written.
 *
 * @example
 * ```ts
 * const cause: InterruptCause = 'budget'
 * ```
 */
export type InterruptCause = 'signal' | 'abort' | 'budget' | 'failFast' | 'error' | 'check' | 'journal'

/**
 * The file an experiment's events go to, inside the tracker's directory.
 *
 * @example
 * ```ts
 * join('runs/exp1', EXPERIMENT_FILE) // 'runs/exp1/experiment.jsonl'
 * ```
 */
export const EXPERIMENT_FILE = 'experiment.jsonl'

const TAG = '$num'
const NON_FINITE: ReadonlySet<string> = new Set(['NaN', 'Infinity', '-Infinity'])

/**
 * The JSON text of an event, without the newline, non-finite numbers tagged.
 *
 * @example
 * ```ts
 * encodeEvent({ event: 'result', trial_id: 0, result }) // '{"event":"result","trial_id":0,"result":{"loss":{"$num":"NaN"},...}}'
 * ```
 */
export function encodeEvent(event: JsonlEvent): string {
  const text = JSON.stringify(event)
  // A replacer costs a call per value; pay for it only when the text holds a `null` (where a NaN or an
  // Infinity would have gone) or a user's own "$num" key, and the event does hold one of those: every
  // trial_end has its `"error":null`, and the walk costs a fraction of the replacer.
  return (text.includes('null') || text.includes(`"${TAG}"`)) && needsTags(event) ? JSON.stringify(event, tagNonFinite) : text
}

/**
 * Whether `value` holds what {@link tagNonFinite} changes: a non-finite number, or an object whose only key
 * is the tag. It reads values as they are, where JSON.stringify would first call a `toJSON`: events hold
 * plain data only (reports are checked storable, see storable.ts).
 */
function needsTags(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value)
  if (typeof value !== 'object' || value === null) return false
  if (Array.isArray(value)) return value.some(needsTags)
  if (isOnly(value, [TAG])) return true
  for (const key of Object.keys(value)) if (needsTags((value as Record<string, unknown>)[key])) return true
  return false
}

/**
 * Parses one line back into an object, non-finite numbers restored. Throws a
 * `SyntaxError` for text that is not JSON; the shape is the caller's to check.
 *
 * @example
 * ```ts
 * decodeLine('{"loss":{"$num":"NaN"}}') // { loss: NaN }
 * ```
 */
export function decodeLine(line: string): unknown {
  return line.includes(`"${TAG}"`) ? JSON.parse(line, untagNonFinite) : JSON.parse(line)
}

/** Marks a user's own `{ "$num": … }` object, so it does not read back as a number. */
const LITERAL = '$lit'

function tagNonFinite(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return { [TAG]: String(value) }
  if (isOnly(value, [TAG])) return { ...(value as object), [LITERAL]: true }
  return value
}

function untagNonFinite(_key: string, value: unknown): unknown {
  if (isOnly(value, [TAG])) {
    const tag = (value as Record<string, unknown>)[TAG]
    return typeof tag === 'string' && NON_FINITE.has(tag) ? Number(tag) : value
  }
  if (isOnly(value, [TAG, LITERAL]) && (value as Record<string, unknown>)[LITERAL] === true) {
    const { [LITERAL]: _, ...literal } = value as Record<string, unknown>
    return literal
  }
  return value
}

/** A plain object whose keys are exactly `keys`. */
function isOnly(value: unknown, keys: readonly string[]): boolean {
  if (!isObject(value)) return false
  const own = Object.keys(value)
  return own.length === keys.length && keys.every((key) => own.includes(key))
}
