import { describe, expect, it } from 'vitest'
import { SpaceError } from '../../src/errors.ts'
import { flattenConfig, flattenSpace, isDomain, randint, unflatten, uniform } from '../../src/search/space.ts'

describe('flatten', () => {
  const space = { opt: { lr: uniform(0, 1), deep: { n: randint(1, 3) } }, epochs: 3, sizes: [1, 2] }

  it('flattenSpace lists leaves depth first in key order', () => {
    expect(flattenSpace(space)).toEqual([
      { path: ['opt', 'lr'], value: uniform(0, 1) },
      { path: ['opt', 'deep', 'n'], value: randint(1, 3) },
      { path: ['epochs'], value: 3 },
      { path: ['sizes'], value: [1, 2] },
    ])
  })

  it('unflatten rebuilds the nesting', () => {
    const entries = flattenSpace(space)
    expect(unflatten(entries)).toEqual(space)
    expect(
      unflatten([
        { path: ['a', 'b'], value: 1 },
        { path: ['a', 'c'], value: [2] },
        { path: ['d'], value: null },
      ]),
    ).toEqual({
      a: { b: 1, c: [2] },
      d: null,
    })
  })

  it('unflatten rejects empty and conflicting paths, and never touches prototypes', () => {
    expect(() => unflatten([{ path: [], value: 1 }])).toThrow(SpaceError)
    expect(() =>
      unflatten([
        { path: ['a'], value: 1 },
        { path: ['a', 'b'], value: 2 },
      ]),
    ).toThrow(/runs through a leaf at a/)
    expect(() =>
      unflatten([
        { path: ['a', 'b'], value: 1 },
        { path: ['a'], value: 2 },
      ]),
    ).toThrow(/given twice or holds nested values/)
    const built = unflatten([{ path: ['__proto__', 'polluted'], value: true }])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(built)).toBe(Object.prototype)
  })

  it('flattenConfig joins nested keys with "/" and keeps arrays as leaves', () => {
    expect(flattenConfig({ optimizer: { lr: 1, betas: [0.9, 0.99] }, a: { b: { c: 'x' } }, e: {}, n: null })).toEqual({
      'optimizer/lr': 1,
      'optimizer/betas': [0.9, 0.99],
      'a/b/c': 'x',
      e: {},
      n: null,
    })
  })

  it('isDomain checks the marker', () => {
    expect(isDomain(uniform(0, 1))).toBe(true)
    expect(isDomain({ $domain: 'choice', values: [1] })).toBe(true)
    expect(isDomain({ $domain: 'nope' })).toBe(false)
    expect(isDomain({ lr: 1 })).toBe(false)
    expect(isDomain(null)).toBe(false)
    expect(isDomain('uniform')).toBe(false)
  })
})
