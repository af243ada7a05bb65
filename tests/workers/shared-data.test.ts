import { describe, expect, it } from 'vitest'
import { DataError } from '../../src/index.ts'
import { MAX_DEPTH } from '../../src/storable.ts'
import { shareData, sharedBytes } from '../../src/workers/shared-data.ts'

describe('shareData', () => {
  it('moves typed arrays into shared memory, keeping type and values', () => {
    const shared = shareData({ y: new Int32Array([1, 2, 3]), w: new Float32Array([0.5]) })
    expect(shared.y).toBeInstanceOf(Int32Array)
    expect(shared.y.buffer).toBeInstanceOf(SharedArrayBuffer)
    expect([...shared.y]).toEqual([1, 2, 3])
    expect(shared.w[0]).toBe(0.5)
  })

  it('keeps an array that is already shared, so the caller sees writes', () => {
    const y = new Float64Array(new SharedArrayBuffer(16))
    expect(shareData({ y }).y).toBe(y)
  })

  it('turns number[] into a Float64Array and number[][] into a matrix with its shape', () => {
    const shared = shareData({
      v: [1, 2],
      X: [
        [1, 2, 3],
        [4, 5, 6],
      ],
    })
    expect(shared.v).toBeInstanceOf(Float64Array)
    expect(shared.X.shape).toEqual([2, 3])
    expect([...shared.X.data]).toEqual([1, 2, 3, 4, 5, 6])
    expect(shared.X.data.buffer).toBeInstanceOf(SharedArrayBuffer)
  })

  it('passes primitives and nested plain objects through, and counts shared bytes', () => {
    const shared = shareData({ n: 3, label: 'iris', nested: { z: new Uint8Array(10) } })
    expect(shared.n).toBe(3)
    expect(shared.label).toBe('iris')
    expect(sharedBytes(shared)).toBe(10)
  })

  it.each([
    ['a Date', { when: new Date() }, 'data.when'],
    ['a Map', { m: new Map() }, 'data.m'],
    ['a function', { f: () => 1 }, 'data.f'],
    ['a DataView', { d: new DataView(new ArrayBuffer(4)) }, 'data.d'],
  ])('rejects %s, naming its path', (_name, data, field) => {
    expect(() => shareData(data)).toThrow(DataError)
    expect(() => shareData(data)).toThrow(new RegExp(`^${field.replace('.', '\\.')}: cannot be shared`))
  })

  it('rejects ragged and non-numeric matrices, naming the row', () => {
    expect(() => shareData({ X: [[1, 2], [3]] })).toThrow(/data\.X\[1\]: a matrix needs rows of equal length, got 1 where row 0 has 2/)
    expect(() => shareData({ X: [[1, 'a']] })).toThrow(/data\.X\[0\]\[1\]: a matrix holds numbers only, got "a"/)
  })
})

describe('shareData on circular and deep data', () => {
  /** `{ d: { d: ... 1 } }`, `depth` objects deep. */
  const nested = (depth: number): unknown => {
    let value: unknown = 1
    for (let i = 0; i < depth; i++) value = { d: value }
    return value
  }

  it('refuses circular data with a DataError naming the path, not a stack overflow', () => {
    const data: Record<string, unknown> = { X: new Float64Array(2) }
    data.self = data
    expect(() => shareData(data)).toThrow(DataError)
    expect(() => shareData(data)).toThrow(/^data\.self: cannot be shared with workers: a circular reference$/)
    const list: unknown[] = [[1], 'a']
    list.push(list)
    expect(() => shareData({ list })).toThrow(/^data\.list\[2\]: cannot be shared with workers: a circular reference$/)
  })

  it('shares the same array twice (not a cycle)', () => {
    const y = new Float64Array([1, 2])
    const shared = shareData({ a: { y }, b: { y } })
    expect([...shared.b.y]).toEqual([1, 2])
  })

  it(`shares data ${MAX_DEPTH} levels deep, and refuses one level more with a DataError naming the path`, () => {
    expect(() => shareData({ deep: nested(MAX_DEPTH - 1) })).not.toThrow()
    let caught: unknown
    try {
      shareData({ deep: nested(MAX_DEPTH) })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(DataError)
    expect((caught as DataError).field).toBe(`data.deep${'.d'.repeat(MAX_DEPTH - 1)}`)
    expect((caught as Error).message).toMatch(/cannot be shared with workers: nested deeper than 100 levels$/)
    expect(() => shareData(nested(100_000))).toThrow(DataError)
  })

  it('keeps a key named __proto__ as data', () => {
    const shared = shareData(JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown>)
    expect(Object.keys(shared)).toEqual(['__proto__'])
    expect(Object.getPrototypeOf(shared)).toBe(Object.prototype)
  })
})
