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
      `string[4] #${print?.['data.meta.name']?.slice(-16)}`,
      '3n',
      'null',
    ])
    expect(fingerprintData(undefined)).toBeNull()
  })

  it('keeps no string verbatim (a password, a 100 KB text), and follows Maps and Sets into their entries', () => {
    const secret = fingerprintData({ password: 'hunter2', text: 'x'.repeat(100_000), n: 0.5, ok: true, huge: 10n ** 40n })
    expect(JSON.stringify(secret)).not.toContain('hunter2')
    expect(JSON.stringify(secret).length).toBeLessThan(300)
    expect(secret?.['data.password']).toMatch(/^string\[7\] #[0-9a-f]{16}$/)
    expect(secret?.['data.text']).toMatch(/^string\[100000\] #[0-9a-f]{16}$/)
    expect([secret?.['data.n'], secret?.['data.ok']]).toEqual(['0.5', 'true'])
    expect(secret?.['data.huge']).toMatch(/^bigint\[41\] #[0-9a-f]{16}$/)
    expect(fingerprintData({ p: 'hunter2' })).not.toEqual(fingerprintData({ p: 'hunter3' }))
    const map = (v: number) => fingerprintData({ m: new Map([['a', new Float64Array([v])]]) })
    expect(map(1)).not.toEqual(map(2))
    expect(map(1)).toEqual(map(1))
    expect(fingerprintDifference(map(1), map(2))).toMatch(/^data\.m\.values\[0\]: /)
    expect(fingerprintData({ s: new Set([1, 2]) })).not.toEqual(fingerprintData({ s: new Set([1, 3]) }))
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
    expect(fingerprintDifference(was, fingerprintData({ X: new Float64Array(4), y: new Float64Array(4), z: 1, w: 2, v: true }))).toBe(
      'data.v: the experiment ran without it, got true',
    )
    expect(fingerprintDifference(null, was)).toBe('data: the experiment ran without data, got some')
    expect(fingerprintDifference(was, null)).toBe(
      'data: the experiment ran with data (data.X: Float64Array[4] 32 bytes, data.y: Float64Array[4] 32 bytes, data.z: 1, ...), got none',
    )
    expect(fingerprintDifference(null, null)).toBeUndefined()
    expect(fingerprintDifference(was, was)).toBeUndefined()
  })
})
