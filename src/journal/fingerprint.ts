import { createHash } from 'node:crypto'

/** Arrays up to this size are hashed whole (16 MiB: tens of milliseconds); larger ones by a sample. */
const WHOLE_BYTES = 16 * 2 ** 20
/** The sample: bytes from each end, and the count and size of the strided pieces between. */
const EDGE_BYTES = 2 ** 16
const STRIDE_SAMPLES = 256
const STRIDE_BYTES = 256

/**
 * What the journal keeps of an experiment's data, which it does not store:
 * per path, the type, the length and a hash of the bytes; a string's length
 * and hash (never its text: data may hold a password, or be megabytes long);
 * a number's, a boolean's or a short bigint's value. Maps and Sets are
 * followed into their entries. Arrays up to 16 MiB are hashed whole; a larger one by a sample (the
 * first and last 64 KiB and 256 strided pieces of 256 bytes), so any size
 * costs milliseconds: a different dataset (other rows, another split, a
 * normalisation forgotten) changes it, one changed value deep inside a huge
 * array may not. Null for no data.
 *
 * @example
 * ```ts
 * fingerprintData({ X: new Float64Array(600), labels: 'iris', k: 3 })
 * // { 'data.X': 'Float64Array[600] 4800 bytes #9f86d081884c7d65', 'data.labels': 'string[4] #c0b5f3…', 'data.k': '3' }
 * ```
 */
export function fingerprintData(data: unknown): Record<string, string> | null {
  if (data === undefined) return null
  const prints: Record<string, string> = {}
  walk(data, 'data', prints)
  return prints
}

/**
 * The first difference between a recorded fingerprint and today's, as a
 * sentence naming the path; undefined when they agree.
 *
 * @example
 * ```ts
 * fingerprintDifference({ 'data.X': 'Float64Array[600] ...' }, { 'data.X': 'Float64Array[450] ...' })
 * // 'data.X: the experiment ran with Float64Array[600] ..., got Float64Array[450] ...'
 * ```
 */
export function fingerprintDifference(
  recorded: Readonly<Record<string, string>> | null,
  now: Readonly<Record<string, string>> | null,
): string | undefined {
  if (recorded === null && now === null) return undefined
  if (recorded === null) return 'data: the experiment ran without data, got some'
  if (now === null) return `data: the experiment ran with data (${describe(recorded)}), got none`
  for (const [path, print] of Object.entries(recorded)) {
    const today = now[path]
    if (today === undefined) return `${path}: the experiment ran with ${print}, got nothing there`
    if (today !== print) return `${path}: the experiment ran with ${print}, got ${today}`
  }
  const extra = Object.keys(now).find((path) => !Object.hasOwn(recorded, path))
  return extra === undefined ? undefined : `${extra}: the experiment ran without it, got ${now[extra]}`
}

function describe(prints: Readonly<Record<string, string>>): string {
  const entries = Object.entries(prints)
  const shown = entries.slice(0, 3).map(([path, print]) => `${path}: ${print.split(' #')[0]}`)
  return entries.length > 3 ? `${shown.join(', ')}, ...` : shown.join(', ')
}

function walk(value: unknown, path: string, prints: Record<string, string>): void {
  if (ArrayBuffer.isView(value)) {
    const length = 'length' in value ? `[${(value as { length: number }).length}]` : ''
    prints[path] = `${value.constructor.name}${length} ${value.byteLength} bytes #${sampleHash(value)}`
  } else if (value instanceof SharedArrayBuffer || value instanceof ArrayBuffer) {
    prints[path] = `${value.constructor.name} ${value.byteLength} bytes #${sampleHash(new Uint8Array(value))}`
  } else if (Array.isArray(value)) {
    prints[path] = `Array[${value.length}]`
    value.forEach((item, i) => {
      walk(item, `${path}[${i}]`, prints)
    })
  } else if (value instanceof Map) {
    prints[path] = `Map[${value.size}]`
    let i = 0
    for (const [key, item] of value) {
      walk(key, `${path}.keys[${i}]`, prints)
      walk(item, `${path}.values[${i++}]`, prints)
    }
  } else if (value instanceof Set) {
    prints[path] = `Set[${value.size}]`
    let i = 0
    for (const item of value) walk(item, `${path}[${i++}]`, prints)
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) walk(item, `${path}.${key}`, prints)
  } else if (typeof value === 'string') {
    prints[path] = `string[${value.length}] #${textHash(value)}`
  } else if (typeof value === 'bigint') {
    const digits = String(value)
    prints[path] = digits.length <= MAX_VERBATIM ? `${digits}n` : `bigint[${digits.length}] #${textHash(digits)}`
  } else {
    prints[path] = String(JSON.stringify(value))
  }
}

/** A bigint with more digits than this is recorded by its hash, so no value makes the header long. */
const MAX_VERBATIM = 24

function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16)
}

/** The first 16 hex digits of a SHA-256 over the bytes, or over a sample of them. */
function sampleHash(view: ArrayBufferView): string {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
  const hash = createHash('sha256')
  if (bytes.length <= WHOLE_BYTES) {
    hash.update(bytes)
  } else {
    hash.update(bytes.subarray(0, EDGE_BYTES))
    const span = bytes.length - 2 * EDGE_BYTES - STRIDE_BYTES
    for (let i = 0; i < STRIDE_SAMPLES; i++) {
      const at = EDGE_BYTES + Math.floor((span * i) / (STRIDE_SAMPLES - 1))
      hash.update(bytes.subarray(at, at + STRIDE_BYTES))
    }
    hash.update(bytes.subarray(bytes.length - EDGE_BYTES))
  }
  return hash.digest('hex').slice(0, 16)
}
