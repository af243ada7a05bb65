import { describe, expect, it } from 'vitest'
import { fingerprintData, fingerprintDifference } from '../../src/journal/fingerprint.ts'

describe('the data fingerprint', () => {
  it('keeps, per path, the type, length and a hash of typed arrays, buffers and nested values', () => {
    const print = fingerprintData({
      X: new Float64Array([1, 2, 3]),
      raw: new ArrayBuffer(4),
      rows: [new Int32Array(2), 7],
      meta: { name: 'iris', big: 3n, none: null },
    })
    expect(Object.keys(print ?? {})).toEqual([
      'data.X',
      'data.raw',
      'data.rows',
      'data.rows[0]',
      'data.rows[1]',
      'data.meta.name',
      'data.meta.big',
      'data.meta.none',
    ])
    expect(print?.['data.X']).toMatch(/^Float64Array\[3\] 24 bytes #[0-9a-f]{16}$/)
    expect(print?.['data.raw']).toMatch(/^ArrayBuffer 4 bytes #[0-9a-f]{16}$/)
    expect([print?.['data.rows'], print?.['data.meta.name'], print?.['data.meta.big'], print?.['data.meta.none']]).toEqual([
      'Array[2]',
      '"iris"',
      '3n',
      'null',
    ])
    expect(fingerprintData(undefined)).toBeNull()
  })

  it('hashes a large array by a sample: its ends and strided pieces change it, and the same bytes give the same print', () => {
    const big = new Uint8Array(17 * 2 ** 20)
    const before = fingerprintData(big)
    expect(fingerprintData(big.slice())).toEqual(before)
    big[big.length - 1] = 1
    expect(fingerprintData(big)).not.toEqual(before)
  })

  it('names the first difference, a missing or an extra path, and data present on one side only', () => {
    const was = fingerprintData({ X: new Float64Array(4), y: new Float64Array(4), z: 1, w: 2 })
    expect(fingerprintDifference(was, fingerprintData({ X: new Float64Array(4), y: new Float64Array(3), z: 1, w: 2 }))).toMatch(
      /^data\.y: the experiment ran with Float64Array\[4\] 32 bytes #\w+, got Float64Array\[3\] 24 bytes #\w+$/,
    )
    expect(fingerprintDifference(was, fingerprintData({ X: new Float64Array(4), z: 1, w: 2 }))).toMatch(
      /^data\.y: the experiment ran with Float64Array\[4\] .*, got nothing there$/,
    )
    expect(fingerprintDifference(was, fingerprintData({ X: new Float64Array(4), y: new Float64Array(4), z: 1, w: 2, v: 'x' }))).toBe(
      'data.v: the experiment ran without it, got "x"',
    )
    expect(fingerprintDifference(null, was)).toBe('data: the experiment ran without data, got some')
    expect(fingerprintDifference(was, null)).toBe(
      'data: the experiment ran with data (data.X: Float64Array[4] 32 bytes, data.y: Float64Array[4] 32 bytes, data.z: 1, ...), got none',
    )
    expect(fingerprintDifference(null, null)).toBeUndefined()
    expect(fingerprintDifference(was, was)).toBeUndefined()
  })
})
