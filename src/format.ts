/** How numbers are shown to people: one rule for the console, the CLI and their tables. */

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
