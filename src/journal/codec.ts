/**
 * The line format of `experiment.jsonl`: one JSON object per line, one line per event.
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
 * JSON has no NaN or Infinity (`JSON.stringify` writes them as `null`), so a
 * non-finite number anywhere in an event is written as the tagged object
 * `{"$num":"NaN"}`, `{"$num":"Infinity"}` or `{"$num":"-Infinity"}` and read
 * back as the number. A tag rather than the bare string `"NaN"` keeps a
 * string metric or config value `"NaN"` a string on the way back.
 */
import { isObject } from '../options/index.ts'
import type { Config, ExperimentInfo, ExperimentSummary, Result, TrialState } from '../types.ts'

/**
 * An error as stored in a `trial_end` line.
 *
 * @example
 * ```ts
 * const stored: StoredError = { name: 'TrialError', message: 'boom', stack: null }
 * ```
 */
export interface StoredError {
  readonly name: string
  readonly message: string
  readonly stack: string | null
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
  | { readonly event: 'experiment_start'; readonly experiment: ExperimentInfo }
  | {
      readonly event: 'trial_start'
      /** `attempt` counts retries (1 for the first run); absent in files written before it existed. */
      readonly trial: { readonly id: number; readonly config: Config; readonly seed: number; readonly attempt?: number }
    }
  | { readonly event: 'result'; readonly trial_id: number; readonly result: Result }
  | { readonly event: 'trial_end'; readonly trial: { readonly id: number; readonly state: TrialState; readonly error: StoredError | null } }
  | { readonly event: 'experiment_end'; readonly summary: ExperimentSummary }

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
  // A replacer costs a call per value; pay for it only when the text holds a
  // `null` (where a NaN or an Infinity would have gone) or a user's own "$num" key.
  return text.includes('null') || text.includes(`"${TAG}"`) ? JSON.stringify(event, tagNonFinite) : text
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
