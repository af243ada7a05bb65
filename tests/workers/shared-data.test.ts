import { describe, expect, it } from 'vitest'
import { DataError } from '../../src/index.ts'
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
