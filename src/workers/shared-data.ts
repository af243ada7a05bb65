import { DataError, show } from '../errors.ts'
import { MAX_DEPTH, setOwn } from '../storable.ts'

/** Any typed array; all of them can live in a SharedArrayBuffer. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array

/**
 * A numeric matrix in shared memory: row-major values and their shape.
 * Element (i, j) is `data[i * shape[1] + j]`.
 *
 * @example
 * ```ts
 * const { X } = ctx.data                   // X: SharedMatrix
 * const [rows, cols] = X.shape
 * const firstRow = X.data.subarray(0, cols)
 * ```
 */
export interface SharedMatrix {
  readonly data: Float64Array
  readonly shape: readonly [rows: number, cols: number]
}

/**
 * What a trainable sees as `ctx.data` for a given `data` option: typed arrays
 * stay typed arrays (now over shared memory), `number[]` becomes a
 * `Float64Array`, `number[][]` a {@link SharedMatrix}, objects keep their keys,
 * other values are as given.
 *
 * @example
 * ```ts
 * type Data = SharedData<{ X: number[][]; y: Float64Array }>  // { X: SharedMatrix; y: Float64Array }
 * ```
 */
export type SharedData<D> = D extends TypedArray
  ? D
  : D extends ArrayBuffer
    ? SharedArrayBuffer
    : D extends readonly (readonly number[])[]
      ? SharedMatrix
      : D extends readonly number[]
        ? Float64Array
        : D extends readonly unknown[]
          ? { readonly [K in keyof D]: SharedData<D[K]> }
          : D extends object
            ? { readonly [K in keyof D]: SharedData<D[K]> }
            : D

/**
 * Places every typed array, `number[]` and `number[][]` of `data` in
 * SharedArrayBuffers, once. The result is handed to each worker when it
 * starts: shared buffers are passed by reference, so every trial sees the
 * same memory and nothing is copied per trial. Primitives are cloned once per
 * worker. Anything else (functions, class instances, Maps, Dates, …) is
 * rejected with a {@link DataError} naming its path.
 *
 * @example
 * ```ts
 * const shared = shareData({ X: [[1, 2], [3, 4]], y: new Float64Array([0, 1]) })
 * shared.y.buffer instanceof SharedArrayBuffer // true
 * ```
 */
export function shareData<D>(data: D, path = 'data'): SharedData<D> {
  return share(data, path, new Set()) as SharedData<D>
}

/** Bytes of shared memory behind `shared` (as returned by {@link shareData}). */
export function sharedBytes(shared: unknown): number {
  if (ArrayBuffer.isView(shared)) return shared.byteLength
  if (shared instanceof SharedArrayBuffer) return shared.byteLength
  if (shared === null || typeof shared !== 'object') return 0
  let total = 0
  for (const value of Object.values(shared)) total += sharedBytes(value)
  return total
}

/** `within`: the arrays and objects that hold this value, to catch a cycle and bound the depth. */
function share(value: unknown, path: string, within: Set<object>): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value
  if (typeof value === 'number') return value
  if (value === undefined) return undefined
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView) throw unshareable(path, value, 'a DataView; pass a typed array instead')
    return shareTypedArray(value as TypedArray)
  }
  if (value instanceof SharedArrayBuffer) return value
  if (value instanceof ArrayBuffer) {
    const buffer = new SharedArrayBuffer(value.byteLength)
    new Uint8Array(buffer).set(new Uint8Array(value))
    return buffer
  }
  const plain = typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype
  if (Array.isArray(value) || plain) {
    if (within.has(value)) throw new DataError(`${path}: cannot be shared with workers: a circular reference`, { field: path })
    if (within.size >= MAX_DEPTH) {
      throw new DataError(`${path}: cannot be shared with workers: nested deeper than ${MAX_DEPTH} levels`, { field: path })
    }
    within.add(value)
    try {
      if (Array.isArray(value)) return shareArray(value, path, within)
      const out: Record<string, unknown> = {}
      for (const [key, item] of Object.entries(value)) setOwn(out, key, share(item, `${path}.${key}`, within))
      return out
    } finally {
      within.delete(value)
    }
  }
  if (typeof value === 'bigint') return value
  throw unshareable(path, value, 'only typed arrays, number arrays, matrices, primitives and plain objects of them can be shared')
}

function shareTypedArray(array: TypedArray): TypedArray {
  if (array.buffer instanceof SharedArrayBuffer) return array
  const Ctor = array.constructor as new (buffer: SharedArrayBuffer) => TypedArray
  const shared = new Ctor(new SharedArrayBuffer(array.byteLength))
  ;(shared as { set(source: ArrayLike<number | bigint>): void }).set(array)
  return shared
}

function shareArray(array: readonly unknown[], path: string, within: Set<object>): unknown {
  if (array.every((item) => typeof item === 'number')) {
    const shared = new Float64Array(new SharedArrayBuffer(array.length * Float64Array.BYTES_PER_ELEMENT))
    shared.set(array as number[])
    return shared
  }
  if (array.length > 0 && array.every((row) => Array.isArray(row))) return shareMatrix(array as unknown[][], path)
  return array.map((item, i) => share(item, `${path}[${i}]`, within))
}

function shareMatrix(rows: readonly unknown[][], path: string): SharedMatrix {
  const cols = rows[0]?.length ?? 0
  const data = new Float64Array(new SharedArrayBuffer(rows.length * cols * Float64Array.BYTES_PER_ELEMENT))
  rows.forEach((row, i) => {
    if (row.length !== cols) {
      throw new DataError(`${path}[${i}]: a matrix needs rows of equal length, got ${row.length} where row 0 has ${cols}`, {
        field: `${path}[${i}]`,
      })
    }
    row.forEach((cell, j) => {
      if (typeof cell !== 'number') {
        throw new DataError(`${path}[${i}][${j}]: a matrix holds numbers only, got ${show(cell)}`, { field: `${path}[${i}][${j}]` })
      }
      data[i * cols + j] = cell
    })
  })
  return { data, shape: [rows.length, cols] }
}

function unshareable(path: string, value: unknown, rule: string): DataError {
  return new DataError(`${path}: cannot be shared with workers (${rule}), got ${show(value)}`, { field: path })
}
