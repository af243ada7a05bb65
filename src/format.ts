/** How numbers, counts and ids are shown to people: one rule for the console, the CLI and their tables. */

import { hostname } from 'node:os'
import { TRIAL_STATES, type TrialState } from './types.ts'

/**
 * Six significant digits: enough to compare trials, short enough for one line.
 *
 * @example
 * ```ts
 * formatNumber(0.031234567) // '0.0312346'
 * ```
 */
export function formatNumber(value: number): string {
  return Number.isInteger(value) || !Number.isFinite(value) ? String(value) : String(Number(value.toPrecision(6)))
}

/**
 * A count and its noun, plural unless the count is 1: one rule for every message that counts.
 *
 * @example
 * ```ts
 * countOf(1, 'trial') // '1 trial'
 * countOf(3, 'running trial') // '3 running trials'
 * countOf(2, 'run status', 'run statuses') // '2 run statuses'
 * ```
 */
export function countOf(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`
}

/**
 * The non-zero counts of `states`, in the order of {@link TRIAL_STATES}: how the console's status line, its closing
 * summary and `hyperpool summary` word a run's trials, so all three read alike.
 *
 * @example
 * ```ts
 * stateCounts({ errored: 1, completed: 10, running: 2 }) // ['2 running', '10 completed', '1 errored']
 * ```
 */
export function stateCounts(states: Readonly<Partial<Record<TrialState, number>>>): string[] {
  return TRIAL_STATES.filter((state) => (states[state] ?? 0) > 0).map((state) => `${states[state]} ${state}`)
}

/** Most ids a message lists before it says how many more there are: the line stays one line. */
const IDS_SHOWN = 10

/**
 * Ids for a message, short: the first ten, then how many more (`0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 5 more`).
 *
 * @example
 * ```ts
 * idList([3, 8, 17]) // '3, 8, 17'
 * idList(Array.from({ length: 15 }, (_, i) => i)) // '0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 5 more'
 * ```
 */
export function idList(ids: readonly number[]): string {
  const more = ids.length - IDS_SHOWN
  return `${ids.slice(0, IDS_SHOWN).join(', ')}${more > 0 ? ` and ${more} more` : ''}`
}

/**
 * The name of the class `value` was built by, for messages about it; undefined for a plain object (whose class,
 * `Object`, says nothing) or an anonymous class.
 *
 * @example
 * ```ts
 * className(new ASHAScheduler()) // 'ASHAScheduler'
 * className({ onTrialEnd() {} }) // undefined
 * ```
 */
export function className(value: object): string | undefined {
  const name: unknown = value.constructor === Object ? undefined : value.constructor?.name
  return typeof name === 'string' && name !== '' ? name : undefined
}

/** Most characters {@link firstLine} keeps: a log line stays a line. */
const LINE_CHARS = 160

/**
 * The first line of `text`, cut to 160 characters, ending in `…` where anything was left out: for quoting an
 * error's message in a notice of one line, where the rest of it (the output a module printed, say) would run on.
 *
 * @example
 * ```ts
 * firstLine('could not be loaded: what it printed:\nno GPU') // 'could not be loaded: what it printed: …'
 * ```
 */
export function firstLine(text: string): string {
  const [line = ''] = text.split(/\r?\n/, 1)
  if (line.length > LINE_CHARS) return `${line.slice(0, LINE_CHARS - 1)}…`
  return line.length < text.length ? `${line} …` : line
}

/**
 * How many of `states` (the trials' states, one each) are in each state, in {@link TRIAL_STATES} order and none
 * at 0: what {@link stateCounts} words, and what `hyperpool summary --json` gives as is.
 *
 * @example
 * ```ts
 * countStates(results.trials.map((t) => t.state)) // { completed: 15, errored: 5 }
 * ```
 */
export function countStates(states: Iterable<TrialState>): Partial<Record<TrialState, number>> {
  const tally = new Map<TrialState, number>()
  for (const state of states) tally.set(state, (tally.get(state) ?? 0) + 1)
  const counts: Partial<Record<TrialState, number>> = {}
  for (const state of TRIAL_STATES) {
    const n = tally.get(state)
    if (n !== undefined) counts[state] = n
  }
  return counts
}

/**
 * Who holds an experiment's lock, in words (see `LockHolder`): another host's process is only assumed
 * alive, since it cannot be checked from here.
 *
 * @example
 * ```ts
 * lockHolderText({ pid: 4242, host: hostname(), since: '2026-11-28T09:00:00.000Z' }) // 'locked by pid 4242 since 2026-11-28T09:00:00.000Z'
 * ```
 */
export function lockHolderText(holder: { readonly pid: number; readonly host: string; readonly since: string }): string {
  if (holder.host === hostname()) return `locked by pid ${holder.pid} since ${holder.since}`
  return `locked by pid ${holder.pid} on host ${holder.host} since ${holder.since}, not checked from here`
}
