import { describe, expect, it } from 'vitest'
import { ConfigError, HyperpoolError, show } from '../../src/errors.ts'
import { ASHAScheduler, AutoSearch, Study, TPESearch, uniform } from '../../src/index.ts'
import {
  argumentAt,
  arrayOf,
  boolean,
  check,
  computed,
  custom,
  defineOptions,
  didYouMean,
  func,
  integer,
  nested,
  number,
  oneOf,
  optionAt,
  orAuto,
  recordOf,
  text,
  withMethods,
} from '../../src/options/index.ts'
import { thrown } from '../helpers.ts'

describe('didYouMean', () => {
  it('guesses the closest known name, and only a close one', () => {
    expect(didYouMean('concurency', ['concurrency', 'seed'])).toBe(' (did you mean concurrency?)')
    expect(didYouMean('MAXT', ['maxT', 'gracePeriod'])).toBe(' (did you mean maxT?)')
    expect(didYouMean('gracePeriods', ['maxT', 'gracePeriod'])).toBe(' (did you mean gracePeriod?)')
    // Short or far-off names get no guess rather than a wrong one.
    expect(didYouMean('lr', ['l2', 'seed'])).toBe('')
    expect(didYouMean('workers', ['concurrency', 'seed'])).toBe('')
    expect(didYouMean('mdoe', ['mode', 'metric'])).toBe(' (did you mean mode?)') // two letters swapped: one edit
    // Three letters are enough for one edit.
    expect(didYouMean('dat', ['data', 'seed'])).toBe(' (did you mean data?)')
    expect(didYouMean('sed', ['data', 'seed'])).toBe(' (did you mean seed?)')
  })
})

describe('show, in error messages', () => {
  it('names typed arrays and buffers by type and length, and cuts a long value short with its size', () => {
    const big = new Float64Array(1000).fill(0.123456789)
    expect(show(big)).toBe('Float64Array[1000]')
    expect(show(new ArrayBuffer(4096))).toBe('ArrayBuffer(4096 bytes)')
    expect(show({ X: big, y: new Int32Array(3) })).toBe('{"X":"Float64Array[1000]","y":"Int32Array[3]"}')
    const long = show(Array.from({ length: 5000 }, (_, i) => i))
    expect(long.length).toBeLessThan(250)
    expect(long).toMatch(/^\[0, 1, 2, .*… \(\d+ characters\)$/)
    expect(show({ a: 1 })).toBe('{"a":1}')
  })

  it('keeps the error of an unknown option short when its value is big data', () => {
    const error = thrown(
      () => new Study({ space: { x: uniform(0, 1) }, metric: 'loss', dat: { X: new Float64Array(100_000) } } as never),
      ConfigError,
    )
    expect(error.message).toBe(
      'Study({ dat }): unknown option, got {"X":"Float64Array[100000]"}; known: space, metric, mode, search, seed, numSamples',
    )
  })
})

describe('misspelt option names', () => {
  it('are refused by the Study, the schedulers and TPESearch, with the guess', () => {
    expect(() => new Study({ space: { x: uniform(0, 1) }, metric: 'loss', seeed: 1 } as never)).toThrow(
      new ConfigError(
        'Study({ seeed }): unknown option (did you mean seed?), got 1; known: space, metric, mode, search, seed, numSamples',
        {
          field: 'seeed',
        },
      ),
    )
    expect(() => new ASHAScheduler({ gracePeriods: 2 } as never)).toThrow(
      /gracePeriods \}\): unknown option \(did you mean gracePeriod\?\)/,
    )
    expect(() => new TPESearch({ nStartupTrial: 5 } as never)).toThrow(
      /^TPESearch\(\{ nStartupTrial \}\): unknown option \(did you mean nStartupTrials\?\), got 5; known: /,
    )
  })

  it('point to the nested options object that has the name, when the owner has none near it', () => {
    expect(() => new AutoSearch({ warpValues: true } as never)).toThrow(
      'AutoSearch({ warpValues }): unknown option (did you mean gp.warpValues?), got true; known: maxGPTrials, maxCategoricalShare, pointsToEvaluate, warmStart, gp, tpe',
    )
    expect(() => new AutoSearch({ nStartupTrial: 5 } as never)).toThrow(
      /^AutoSearch\(\{ nStartupTrial \}\): unknown option \(did you mean gp\.nStartupTrials or tpe\.nStartupTrials\?\)/,
    )
    // A near name of the owner's own comes first; a name near nothing gets no guess.
    expect(() => new AutoSearch({ maxGPTrial: 5 } as never)).toThrow(/unknown option \(did you mean maxGPTrials\?\)/)
    expect(() => new AutoSearch({ zzz: 1 } as never)).toThrow(/^AutoSearch\(\{ zzz \}\): unknown option, got 1;/)
  })
})

describe('an option set', () => {
  const SET = defineOptions('Owner', {
    numSamples: integer({ min: 1 }).withDefault(10),
    seed: integer({ min: 0 }),
    metric: text().required(),
    made: func<() => number[]>().withDefault(computed('a fresh array', () => () => [])),
    later: number().withDeferredDefault('whatever the owner decides'),
  })

  it('fills in defaults, leaves optional options out, and makes computed defaults at each read', () => {
    const first = SET.read({ metric: 'loss' })
    expect(first).toEqual({ numSamples: 10, metric: 'loss', made: expect.any(Function) })
    expect(Object.keys(first)).not.toContain('seed')
    expect(Object.keys(first)).not.toContain('later')
    expect(SET.read({ metric: 'loss' }).made).not.toBe(first.made)
    expect(SET.read({ metric: 'loss', seed: 3, later: 2 })).toMatchObject({ seed: 3, later: 2 })
  })

  it('refuses a value that is not an options object, naming it', () => {
    for (const bad of [5, null, [1], 'x']) {
      const error = thrown(() => SET.read(bad), ConfigError)
      expect(error.field).toBe('options')
      expect(error.message).toMatch(/^Owner\(options\): must be an object, got /)
    }
  })

  it('refuses an unknown key with a guess, the value and the known names', () => {
    const error = thrown(() => SET.read({ metric: 'loss', numSample: 3 }), ConfigError)
    expect(error.message).toBe(
      'Owner({ numSample }): unknown option (did you mean numSamples?), got 3; known: numSamples, seed, metric, made, later',
    )
    expect(error.field).toBe('numSample')
    expect(thrown(() => defineOptions('Empty', {}).read({ seed: 1 }), ConfigError).message).toBe(
      'Empty({ seed }): unknown option, got 1; known: none',
    )
  })

  it('names the owner, the option, the rule and the value', () => {
    const error = thrown(() => SET.read({ metric: 'loss', numSamples: 0 }), ConfigError)
    expect(error.message).toBe('Owner({ numSamples }): must be an integer >= 1, got 0')
    expect(error.field).toBe('numSamples')
    expect(thrown(() => SET.read({}), ConfigError).message).toBe('Owner({ metric }): must be a non-empty string, got undefined')
  })
})

describe('kinds', () => {
  const at = optionAt('O', 'x')
  const rule = (kind: { rule: string }) => kind.rule

  it('say their bounds in words', () => {
    expect(rule(integer({ min: 1 }))).toBe('an integer >= 1')
    expect(rule(integer({ min: 0, max: 9 }))).toBe('an integer in [0, 9]')
    expect(rule(number({ above: 1 }))).toBe('a finite number > 1')
    expect(rule(number({ min: 0, max: 0.5 }))).toBe('a number in [0, 0.5]')
    expect(rule(number({ above: 0, max: 10 }))).toBe('a number in (0, 10]')
    expect(rule(number({ min: 0, below: 30 }))).toBe('a number in [0, 30)')
    expect(rule(number({ min: 0, infinite: true }))).toBe('a number >= 0')
    expect(rule(number())).toBe('a finite number')
    expect(rule(oneOf(['min', 'max']))).toBe('"min" or "max"')
    expect(rule(oneOf(['a', 'b', 'c']))).toBe('one of "a", "b", "c"')
  })

  it('hold to their bounds', () => {
    expect(check(integer({ min: 1 }), 2, at)).toBe(2)
    for (const bad of [0, 1.5, Number.NaN, 2 ** 53, '2', null]) expect(() => check(integer({ min: 1 }), bad, at)).toThrow(ConfigError)
    expect(check(number({ min: 0, infinite: true }), Number.POSITIVE_INFINITY, at)).toBe(Number.POSITIVE_INFINITY)
    expect(() => check(number({ min: 0, infinite: true }), Number.NaN, at)).toThrow('O({ x }): must be a number >= 0, got NaN')
    expect(() => check(number({ above: 0 }), Number.POSITIVE_INFINITY, at)).toThrow('must be a finite number > 0, got Infinity')
    expect(() => check(boolean(), 'yes', at)).toThrow('O({ x }): must be a boolean, got "yes"')
    expect(() => check(text({ test: (s) => s.trim() !== '' }), ' ', at)).toThrow('must be a non-empty string, got " "')
    expect(check(text({ empty: true }), '', at)).toBe('')
  })

  it('name the item, key or nested option at fault', () => {
    const factors = arrayOf(number({ above: 0 }), { rule: 'a non-empty array of numbers > 0', nonEmpty: true })
    expect(thrown(() => check(factors, [1, -1], at), ConfigError).field).toBe('x[1]')
    expect(() => check(factors, [], at)).toThrow('O({ x }): must be a non-empty array of numbers > 0, got []')
    const tags = recordOf(text({ empty: true }), 'a plain object of string values')
    expect(thrown(() => check(tags, { team: 3 }, at), ConfigError).message).toBe('O({ x.team }): must be a string, got 3')
    expect(() => check(tags, new Map(), at)).toThrow('must be a plain object of string values, got a Map instance')
    const retry = nested({ baseDelayMs: number({ min: 1 }).withDefault(500), maxDelayMs: number() })
    expect(retry.rule).toBe('an object { baseDelayMs?, maxDelayMs? }')
    expect(check(retry, {}, at)).toEqual({ baseDelayMs: 500 })
    expect(check(retry, undefined, at)).toEqual({ baseDelayMs: 500 })
    expect(thrown(() => check(retry, { baseDelay: 1 }, at), ConfigError).message).toBe(
      'O({ x.baseDelay }): unknown option (did you mean baseDelayMs?), got 1; known: baseDelayMs, maxDelayMs',
    )
    expect(thrown(() => check(retry, { maxDelayMs: 'soon' }, at), ConfigError).field).toBe('x.maxDelayMs')
    expect(() => check(retry, 5, at)).toThrow('O({ x }): must be an object { baseDelayMs?, maxDelayMs? }, got 5')
  })

  it("take 'auto' beside a value of their kind, keeping a deeper item's place and passing bugs on", () => {
    const starts = orAuto(integer({ min: 1 }))
    expect(rule(starts)).toBe('"auto" or an integer >= 1')
    expect(check(starts, 'auto', at)).toBe('auto')
    expect(check(starts, 15, at)).toBe(15)
    for (const bad of [0, 2.5, 'AUTO', '15', null])
      expect(thrown(() => check(starts, bad, at), ConfigError).message).toBe(
        `O({ x }): must be "auto" or an integer >= 1, got ${show(bad)}`,
      )
    const factors = orAuto(arrayOf(number({ above: 0 }), { rule: 'an array of numbers > 0' }))
    expect(thrown(() => check(factors, [1, -1], at), ConfigError).field).toBe('x[1]')
    expect(() => check(factors, 3, at)).toThrow('O({ x }): must be "auto" or an array of numbers > 0, got 3')
    const buggy = orAuto(
      custom('anything', () => {
        throw new TypeError('a bug')
      }),
    )
    expect(() => check(buggy, 1, at)).toThrow(TypeError)
  })

  it('list the methods a plugin lacks', () => {
    const logger = withMethods('a Logger', ['debug', 'info', 'warn', 'error'])
    expect(() => check(logger, { warn() {} }, at)).toThrow(
      'O({ x }): must be a Logger with debug, info, warn and error methods, got {} (missing debug, info, error)',
    )
    expect(() => check(logger, null, at)).toThrow(/got null \(missing debug, info, warn, error\)$/)
  })

  it('give their default in the words of a JSDoc @default tag', () => {
    expect(integer().withDefault(100_000).defaultDoc).toBe('100000')
    expect(text().withDefault('training_iteration').defaultDoc).toBe("'training_iteration'")
    expect(arrayOf(number(), { rule: '' }).withDefault([1.2, 0.8]).defaultDoc).toBe('[1.2, 0.8]')
    expect(boolean().withDefault(true).defaultDoc).toBe('true')
    expect(number().withDeferredDefault('1000 ms, or 100 ms on a TTY').defaultDoc).toBe('1000 ms, or 100 ms on a TTY')
    expect(integer().defaultDoc).toBeUndefined()
  })

  it('name arguments as arguments, and every error is a HyperpoolError', () => {
    const error = thrown(() => check(text().required(), '', argumentAt('CsvTracker', 'dir')), ConfigError)
    expect(error.message).toBe('CsvTracker(dir): must be a non-empty string, got ""')
    expect(error.field).toBe('dir')
    expect(error).toBeInstanceOf(HyperpoolError)
  })
})
