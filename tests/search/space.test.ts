import { describe, expect, expectTypeOf, it } from 'vitest'
import { SpaceError } from '../../src/errors.ts'
import {
  type Choice,
  type ConfigOf,
  choice,
  grid,
  lograndint,
  loguniform,
  qloguniform,
  qrandint,
  quniform,
  randint,
  randn,
  type Space,
  spaceFromJSON,
  spaceToJSON,
  uniform,
  validateSpace,
} from '../../src/search/space.ts'
import { MAX_DEPTH } from '../../src/storable.ts'
import { thrown } from '../helpers.ts'

describe('factories: happy paths', () => {
  it('build plain $domain objects', () => {
    expect(uniform(0, 1)).toEqual({ $domain: 'uniform', low: 0, high: 1 })
    expect(loguniform(1e-4, 0.1)).toEqual({ $domain: 'loguniform', low: 1e-4, high: 0.1 })
    expect(quniform(0, 1, 0.1)).toEqual({ $domain: 'quniform', low: 0, high: 1, q: 0.1 })
    expect(qloguniform(1, 100, 5)).toEqual({ $domain: 'qloguniform', low: 1, high: 100, q: 5 })
    expect(randint(1, 5)).toEqual({ $domain: 'randint', low: 1, high: 5 })
    expect(qrandint(0, 100, 10)).toEqual({ $domain: 'qrandint', low: 0, high: 100, q: 10 })
    expect(qrandint(-3, 3)).toEqual({ $domain: 'qrandint', low: -3, high: 3, q: 1 })
    expect(lograndint(1, 1024)).toEqual({ $domain: 'lograndint', low: 1, high: 1024 })
    expect(choice(['relu', 'tanh'])).toEqual({ $domain: 'choice', values: ['relu', 'tanh'] })
    expect(grid([1, null, true, [1, 2], { a: 'b' }])).toEqual({ $domain: 'grid', values: [1, null, true, [1, 2], { a: 'b' }] })
    expect(randn()).toEqual({ $domain: 'randn', mean: 0, sd: 1 })
    expect(randn(5, 2)).toEqual({ $domain: 'randn', mean: 5, sd: 2 })
  })

  it('keep the domain independent of the caller mutating its array', () => {
    const values = ['a', 'b']
    const domain = choice(values)
    values.push('c')
    expect(domain.values).toEqual(['a', 'b'])
    expect(Object.isFrozen(domain)).toBe(true)
  })

  it('infer literal types for choice and grid', () => {
    expectTypeOf(choice(['relu', 'tanh'])).toEqualTypeOf<Choice<'relu' | 'tanh'>>()
    expectTypeOf(grid([32, 64]).values).toEqualTypeOf<readonly (32 | 64)[]>()
  })
})

describe('factories: validation errors name the function, the rule and the value', () => {
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['uniform NaN', () => uniform(Number.NaN, 1), /^uniform\(low, high\): needs finite numbers, got low=NaN, high=1$/],
    [
      'uniform Infinity',
      () => uniform(0, Number.POSITIVE_INFINITY),
      /^uniform\(low, high\): needs finite numbers, got low=0, high=Infinity$/,
    ],
    ['uniform reversed', () => uniform(3, 1), /^uniform\(low, high\): needs low < high, got low=3, high=1$/],
    ['uniform equal', () => uniform(1, 1), /needs low < high, got low=1, high=1/],
    ['uniform string', () => uniform('0' as unknown as number, 1), /needs finite numbers, got low="0", high=1/],
    ['loguniform low=0', () => loguniform(0, 1), /^loguniform\(low, high\): needs 0 < low < high, got low=0, high=1$/],
    ['loguniform negative', () => loguniform(-1, 1), /needs 0 < low < high, got low=-1, high=1/],
    ['loguniform reversed', () => loguniform(1, 0.1), /needs 0 < low < high, got low=1, high=0.1/],
    ['loguniform -Infinity', () => loguniform(Number.NEGATIVE_INFINITY, 1), /needs finite numbers, got low=-Infinity/],
    ['quniform q=0', () => quniform(0, 1, 0), /^quniform\(low, high, q\): needs q > 0, got low=0, high=1, q=0$/],
    ['quniform q<0', () => quniform(0, 1, -0.1), /needs q > 0, got low=0, high=1, q=-0.1/],
    ['quniform q NaN', () => quniform(0, 1, Number.NaN), /needs finite numbers, got low=0, high=1, q=NaN/],
    ['quniform reversed', () => quniform(1, 0, 0.1), /needs low < high/],
    ['quniform no multiple', () => quniform(0.1, 0.2, 1), /needs a multiple of q in \[low, high\], got low=0.1, high=0.2, q=1/],
    ['qloguniform low=0', () => qloguniform(0, 10, 1), /^qloguniform\(low, high, q\): needs 0 < low < high/],
    ['qloguniform q=0', () => qloguniform(1, 10, 0), /needs q > 0/],
    ['qloguniform no multiple', () => qloguniform(1, 5, 10), /needs a multiple of q in \[low, high\], got low=1, high=5, q=10/],
    ['randint fraction', () => randint(0.5, 3), /^randint\(low, high\): needs integers low < high, got low=0.5, high=3$/],
    ['randint reversed', () => randint(3, 1), /needs integers low < high, got low=3, high=1/],
    ['randint empty', () => randint(2, 2), /needs integers low < high, got low=2, high=2/],
    ['randint Infinity', () => randint(0, Number.POSITIVE_INFINITY), /needs finite numbers/],
    ['qrandint fraction', () => qrandint(0, 10.5, 2), /^qrandint\(low, high, q\): needs integers low < high, got low=0, high=10.5, q=2$/],
    ['qrandint q fraction', () => qrandint(0, 10, 0.5), /needs an integer q > 0, got low=0, high=10, q=0.5/],
    ['qrandint q=0', () => qrandint(0, 10, 0), /needs an integer q > 0/],
    ['qrandint no multiple', () => qrandint(1, 4, 5), /needs a multiple of q in \[low, high\], got low=1, high=4, q=5/],
    ['lograndint low=0', () => lograndint(0, 10), /^lograndint\(low, high\): needs integers 0 < low < high, got low=0, high=10$/],
    ['lograndint fraction', () => lograndint(1, 2.5), /needs integers 0 < low < high/],
    ['choice empty', () => choice([]), /^choice\(values\): needs a non-empty array, got values=\[\]$/],
    ['grid empty', () => grid([]), /^grid\(values\): needs a non-empty array, got values=\[\]$/],
    ['choice not array', () => choice('ab' as unknown as string[]), /needs a non-empty array, got values="ab"/],
    ['choice NaN', () => choice([1, Number.NaN]), /^choice\(values\): needs JSON-safe values .*got values\[1\]=NaN$/],
    ['choice Date', () => choice([new Date(0) as never]), /got values\[0\]=a Date instance/],
    ['grid function', () => grid([(() => 1) as never]), /^grid\(values\): needs JSON-safe values .*got values\[0\]=function/],
    ['grid nested undefined', () => grid([{ a: undefined } as never]), /got values\[0\]\.a=undefined/],
    [
      'choice of domains',
      () => choice([uniform(0, 1) as never, 5]),
      /^choice\(values\): needs constants or sub-spaces as values \(a domain itself is not a branch: wrap it, as \{ x: uniform\(0, 1\) \}\), got values\[0\]=/,
    ],
    [
      'choice of a misspelt domain',
      () => choice([{ $domain: 'unifrom', low: 0, high: 1 } as never, 5]),
      /^choice\(values\): needs constants or sub-spaces as values .*got values\[0\]=\{"\$domain":"unifrom"/,
    ],
    ['randn sd=0', () => randn(0, 0), /^randn\(mean, sd\): needs sd > 0, got mean=0, sd=0$/],
    ['randn sd<0', () => randn(0, -1), /needs sd > 0, got mean=0, sd=-1/],
    ['randn mean NaN', () => randn(Number.NaN, 1), /needs finite numbers, got mean=NaN, sd=1/],
  ]
  it.each(cases)('%s', (_name, fn, message) => {
    const error = thrown(fn, SpaceError)
    expect(error.message).toMatch(message)
    // Outside a space a domain has no path yet: the field is its factory's name.
    expect(error.message.startsWith(`${error.field}(`)).toBe(true)
  })

  it('accepts quantised bounds that are multiples of q despite float noise', () => {
    expect(() => quniform(0.3, 0.7, 0.1)).not.toThrow()
    expect(() => quniform(0.05, 0.06, 0.01)).not.toThrow()
  })
})

describe('validateSpace', () => {
  it('accepts hand-written and JSON-parsed spaces', () => {
    const space = { lr: { $domain: 'loguniform', low: 1e-4, high: 0.1 }, model: { act: { $domain: 'choice', values: ['relu'] } }, n: 3 }
    expect(() => validateSpace(space)).not.toThrow()
    expect(() => validateSpace(JSON.parse(JSON.stringify(space)))).not.toThrow()
    expect(() => validateSpace(Object.assign(Object.create(null), { a: 1 }))).not.toThrow()
  })

  it('prefixes the dotted path and sets field', () => {
    const error = thrown(() => validateSpace({ optimizer: { lr: { $domain: 'loguniform', low: 0, high: 1 } } }), SpaceError)
    expect(error.message).toBe('space.optimizer.lr: loguniform needs 0 < low < high, got low=0, high=1')
    expect(error.field).toBe('space.optimizer.lr')
  })

  it('uses the given root', () => {
    expect(thrown(() => validateSpace({ a: { $domain: 'randn', mean: 0, sd: 0 } }, 'config.space'), SpaceError).message).toMatch(
      /^config\.space\.a: randn needs sd > 0, got mean=0, sd=0$/,
    )
  })

  class Point {
    x = 1
  }
  const rejects: Array<[string, unknown, RegExp]> = [
    ['a non-object root', 3, /^space: needs a plain object .*got 3$/],
    ['an array root', [uniform(0, 1)], /^space: needs a plain object/],
    ['a domain as root', uniform(0, 1), /^space: needs a plain object/],
    ['an empty root', {}, /^space: needs at least one key, got \{\}$/],
    ['an empty nested space', { a: {} }, /^space\.a: needs at least one key/],
    ['a "/" in a key', { 'a/b': 1 }, /^space\.a\/b: needs a key .*has no "\/".*got "a\/b"$/],
    ['an empty key', { '': 1 }, /^space\.: needs a key that is non-empty/],
    ['a __proto__ key', JSON.parse('{"__proto__": 1}'), /^space\.__proto__: needs a key/],
    ['an unknown $domain', { a: { $domain: 'normal', mean: 0 } }, /^space\.a: unknown \$domain, needs one of uniform, .*got "normal"$/],
    ['a non-string $domain', { a: { $domain: 1 } }, /^space\.a: unknown \$domain.*got 1$/],
    ['a missing field', { a: { $domain: 'uniform', low: 0 } }, /^space\.a: uniform needs exactly the fields low, high, got low$/],
    [
      'an extra field',
      { a: { $domain: 'uniform', low: 0, high: 1, q: 1 } },
      /^space\.a: uniform needs exactly the fields low, high, got low, high, q$/,
    ],
    ['a mistyped field', { a: { $domain: 'uniform', low: '0', high: 1 } }, /^space\.a: uniform needs finite numbers, got low="0", high=1$/],
    ['a null field', { a: { $domain: 'randint', low: null, high: 1 } }, /^space\.a: randint needs finite numbers, got low=null/],
    ['non-array values', { a: { $domain: 'choice', values: 'x' } }, /^space\.a: choice needs a non-empty array, got values="x"$/],
    ['a Date', { when: new Date(0) }, /^space\.when: needs a domain, a nested space or a JSON-safe constant, got a Date instance$/],
    ['a Map', { m: new Map() }, /^space\.m: .*got a Map instance$/],
    ['a typed array', { x: new Float64Array(2) }, /^space\.x: .*got Float64Array\[2\]$/],
    ['a class instance', { p: new Point() }, /^space\.p: .*got a Point instance$/],
    ['a function', { f: () => 1 }, /^space\.f: .*got function f$/],
    ['undefined', { u: undefined }, /^space\.u: .*got undefined$/],
    ['a symbol', { s: Symbol('s') }, /^space\.s: .*got /],
    ['a bigint', { b: 1n }, /^space\.b: .*got 1$/],
    ['NaN constant', { n: Number.NaN }, /^space\.n: .*got NaN$/],
    ['Infinity in an array constant', { sizes: [1, Number.POSITIVE_INFINITY] }, /^space\.sizes\[1\]: .*got Infinity$/],
    ['a Date deep in an array', { a: { b: [{ c: new Date(0) }] } }, /^space\.a\.b\[0\]\.c: .*got a Date instance$/],
    [
      'a bad domain deep inside',
      { a: { b: { c: { $domain: 'qrandint', low: 0, high: 10, q: 0.5 } } } },
      /^space\.a\.b\.c: qrandint needs an integer q > 0/,
    ],
  ]
  it.each(rejects)('rejects %s', (_name, space, message) => {
    expect(thrown(() => validateSpace(space), SpaceError).message).toMatch(message)
  })

  it('rejects cycles instead of recursing forever', () => {
    const space: Record<string, unknown> = { a: 1 }
    space.self = space
    expect(thrown(() => validateSpace(space), SpaceError).message).toMatch(/^space\.self: needs an acyclic space/)
    const list: unknown[] = [1]
    list.push(list)
    expect(thrown(() => validateSpace({ list }), SpaceError).message).toMatch(/^space\.list\[1\]: .*got a circular reference$/)
  })

  it('accepts shared (acyclic) references', () => {
    const inner = { n: randint(1, 5) }
    expect(() => validateSpace({ a: inner, b: inner })).not.toThrow()
  })
})

describe('JSON round trip', () => {
  const space = {
    lr: loguniform(1e-4, 1e-1),
    mom: quniform(0.5, 0.99, 0.01),
    hidden: qloguniform(8, 512, 8),
    layers: randint(1, 5),
    batch: qrandint(16, 128, 16),
    trees: lograndint(10, 1000),
    act: choice(['relu', 'tanh', { name: 'gelu', approx: true }]),
    opt: { kind: grid(['sgd', 'adam']), wd: uniform(0, 0.1), bias: randn(0, 0.5) },
    epochs: 10,
    name: 'mlp',
    flag: false,
    none: null,
    sizes: [32, [64, 128]],
  }

  it('JSON.parse(JSON.stringify(space)) validates and equals the space', () => {
    const parsed: unknown = JSON.parse(JSON.stringify(space))
    validateSpace(parsed)
    expect(parsed).toEqual(space)
  })

  it('spaceToJSON is a validated deep copy', () => {
    const json = spaceToJSON(space) as typeof space
    expect(json).toEqual(space)
    expect(json.opt).not.toBe(space.opt)
    expect(Object.isFrozen(json.lr)).toBe(false)
    expect(() => spaceToJSON({ bad: uniform(0, 1), x: Number.NaN } as never)).toThrow(SpaceError)
  })

  it('spaceFromJSON takes the parsed value or the text', () => {
    expect(spaceFromJSON(JSON.parse(JSON.stringify(space)))).toEqual(space)
    expect(spaceFromJSON(JSON.stringify(space))).toEqual(space)
    expect(thrown(() => spaceFromJSON('{"a":'), SpaceError).message).toMatch(/^spaceFromJSON\(json\): needs valid JSON text, got /)
    expect(thrown(() => spaceFromJSON({ a: { $domain: 'uniform', low: 1, high: 0 } }), SpaceError).message).toMatch(
      /^space\.a: uniform needs low < high/,
    )
  })
})

describe('ConfigOf', () => {
  it('maps domains to value types, constants to themselves, nested spaces to nested configs', () => {
    const space = { lr: loguniform(1e-4, 1e-1), act: choice(['relu', 'tanh']), nested: { n: randint(1, 5) }, c: 3 }
    expectTypeOf<ConfigOf<typeof space>>().toEqualTypeOf<{ lr: number; act: 'relu' | 'tanh'; nested: { n: number }; c: number }>()
  })

  it('covers every domain kind, grids and array constants', () => {
    const space = {
      a: uniform(0, 1),
      b: quniform(0, 1, 0.5),
      c: qloguniform(1, 10, 1),
      d: qrandint(0, 4, 2),
      e: lograndint(1, 9),
      f: randn(),
      g: grid([32, 64]),
      h: ['x', 'y'],
      i: { j: { k: choice([true, null]) } },
    }
    expectTypeOf<ConfigOf<typeof space>>().toEqualTypeOf<{
      a: number
      b: number
      c: number
      d: number
      e: number
      f: number
      g: 32 | 64
      h: string[]
      i: { j: { k: true | null } }
    }>()
  })

  it('accepts spaces typed as Space', () => {
    const space = { lr: uniform(0, 1), nested: { n: 1 } } satisfies Space
    expectTypeOf<ConfigOf<typeof space>['nested']>().toEqualTypeOf<{ n: number }>()
  })
})

describe('values a space must not hide', () => {
  it('rejects a domain inside a choice value that is not a sub-space, or inside a constant array, naming where', () => {
    expect(() => validateSpace({ a: { $domain: 'choice', values: [{ lr: uniform(0, 1) }, [uniform(0, 1)]] } })).toThrow(
      /^space\.a: choice needs JSON-safe values or sub-spaces .*got values\[1\]\[0\]=a uniform domain, which is sampled only as a field of the space$/,
    )
    expect(() => validateSpace({ a: { $domain: 'choice', values: [{ lr: { x: [uniform(0, 1)] } }] } })).toThrow(
      /^space\.a: choice needs JSON-safe values or sub-spaces .*got values\[0\]\.lr\.x\[0\]=a uniform domain/,
    )
    expect(() => validateSpace({ sizes: [uniform(0, 1)] })).toThrow(
      /^space\.sizes\[0\]: needs a domain, a nested space or a JSON-safe constant, got a uniform domain/,
    )
  })

  it('rejects a uniform range too wide to sample', () => {
    expect(() => uniform(-Number.MAX_VALUE, Number.MAX_VALUE)).toThrow(/uniform\(low, high\): needs a finite high - low/)
  })
})

describe('circular and deep spaces', () => {
  const nestedSpace = (depth: number): Record<string, unknown> => {
    let value: Record<string, unknown> = { lr: uniform(0, 1) }
    for (let i = 0; i < depth; i++) value = { d: value }
    return value
  }
  const fieldOf = (run: () => unknown): string => {
    try {
      run()
    } catch (error) {
      expect(error).toBeInstanceOf(SpaceError)
      return (error as SpaceError).field
    }
    throw new Error('no SpaceError')
  }

  it(`takes a space nested ${MAX_DEPTH} levels, and refuses one level more naming the path`, () => {
    expect(() => validateSpace(nestedSpace(MAX_DEPTH - 1))).not.toThrow()
    expect(fieldOf(() => validateSpace(nestedSpace(MAX_DEPTH)))).toBe(`space${'.d'.repeat(MAX_DEPTH)}`)
    expect(() => validateSpace(nestedSpace(MAX_DEPTH))).toThrow(/needs a space nested at most 100 levels deep, got a deeper one$/)
  })

  it('refuses absurdly deep constants and JSON text with a SpaceError, not a stack overflow', () => {
    let deep: unknown = 1
    for (let i = 0; i < 100_000; i++) deep = [deep]
    expect(fieldOf(() => validateSpace({ sizes: deep }))).toBe(`space.sizes${'[0]'.repeat(MAX_DEPTH - 1)}`)
    const text = `{"a":${'{"b":'.repeat(50_000)}1${'}'.repeat(50_001)}`
    expect(fieldOf(() => spaceFromJSON(text))).toMatch(/^space\.a(\.b)+$/)
    expect(() => validateSpace(nestedSpace(100_000))).toThrow(SpaceError)
  })

  it('names the path of a cycle', () => {
    const space: Record<string, unknown> = { a: { lr: uniform(0, 1) } }
    ;(space.a as Record<string, unknown>).back = space
    expect(fieldOf(() => validateSpace(space))).toBe('space.a.back')
    const sizes: unknown[] = [1]
    sizes.push(sizes)
    expect(fieldOf(() => validateSpace({ sizes }))).toBe('space.sizes[1]')
  })
})
