/**
 * CSV text as RFC 4180 has it: fields separated by commas, records ended by
 * CRLF, a field quoted (`"` doubled inside) when it holds a comma, a quote, a
 * CR or an LF.
 */

import { rowColumns } from '../trial-row.ts'

/** Line end of every record (RFC 4180). */
export const CRLF = '\r\n'

/**
 * One value as a CSV field: numbers as JavaScript prints them (`NaN`,
 * `Infinity`, `-Infinity` included, which pandas reads back as floats),
 * strings as they are, booleans as `true`/`false`, null and undefined as
 * empty, arrays and objects as JSON; quoted when needed.
 *
 * @example
 * ```ts
 * csvField('a,b')     // '"a,b"'
 * csvField('say "hi"') // '"say ""hi"""'
 * csvField([1, 2])    // '"[1,2]"'
 * ```
 */
export function csvField(value: unknown): string {
  let text: string
  if (value === undefined || value === null) text = ''
  else if (typeof value === 'string') text = value
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') text = String(value)
  else {
    try {
      text = JSON.stringify(value) ?? String(value)
    } catch {
      text = String(value)
    }
  }
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/**
 * One CSV record with its CRLF: the values of `columns` in `row`, empty where missing.
 *
 * @example
 * ```ts
 * csvRecord(['a', 'b'], { b: 2 }) // ',2\r\n'
 * ```
 */
export function csvRecord(columns: readonly string[], row: Readonly<Record<string, unknown>>): string {
  return `${columns.map((column) => csvField(Object.hasOwn(row, column) ? row[column] : undefined)).join(',')}${CRLF}`
}

/**
 * The header record of `columns`.
 *
 * @example
 * ```ts
 * csvHeader(['loss', 'val/acc']) // 'loss,val/acc\r\n'
 * ```
 */
export function csvHeader(columns: readonly string[]): string {
  return `${columns.map(csvField).join(',')}${CRLF}`
}

/**
 * A whole table of trial rows as CSV text: a header of {@link rowColumns}, then a record per row.
 *
 * @example
 * ```ts
 * csvTable([trialRow(trial)]) // 'trial_id,state,error,config/lr,loss\r\n0,completed,,0.1,0.25\r\n'
 * ```
 */
export function csvTable(rows: readonly Record<string, unknown>[]): string {
  const columns = rowColumns(rows)
  return csvHeader(columns) + rows.map((row) => csvRecord(columns, row)).join('')
}
