import { describe, expectTypeOf, it } from 'vitest'
import {
  type Choice,
  choice,
  type Domain,
  type Grid,
  grid,
  type LogRandInt,
  type LogUniform,
  lograndint,
  loguniform,
  type QLogUniform,
  type QRandInt,
  type QUniform,
  qloguniform,
  qrandint,
  quniform,
  type RandInt,
  type Randn,
  randint,
  randn,
  type Uniform,
  uniform,
} from '../../src/index.ts'

/**
 * Every domain's type is exported from the package (checked by `npm run
 * typecheck`, which covers tests): without them a user's exported space
 * cannot be named in declaration files (TS2742/TS2883 under `declaration:
 * true`) nor annotated by hand.
 */
type Exported = {
  uniform: Uniform
  loguniform: LogUniform
  quniform: QUniform
  qloguniform: QLogUniform
  randint: RandInt
  qrandint: QRandInt
  lograndint: LogRandInt
  choice: Choice
  grid: Grid
  randn: Randn
}

describe('the exported domain types', () => {
  it('cover every kind of domain, each exactly the Domain member with its tag', () => {
    expectTypeOf<keyof Exported>().toEqualTypeOf<Domain['$domain']>()
    expectTypeOf<{ [K in keyof Exported]: Extract<Domain, { $domain: K }> }>().toEqualTypeOf<Exported>()
  })

  it('are what the factories return', () => {
    expectTypeOf(uniform(0, 1)).toEqualTypeOf<Uniform>()
    expectTypeOf(loguniform(1e-3, 1)).toEqualTypeOf<LogUniform>()
    expectTypeOf(quniform(0, 1, 0.1)).toEqualTypeOf<QUniform>()
    expectTypeOf(qloguniform(1, 100, 1)).toEqualTypeOf<QLogUniform>()
    expectTypeOf(randint(0, 5)).toEqualTypeOf<RandInt>()
    expectTypeOf(qrandint(0, 10, 2)).toEqualTypeOf<QRandInt>()
    expectTypeOf(lograndint(1, 100)).toEqualTypeOf<LogRandInt>()
    expectTypeOf(choice(['a', 'b'])).toEqualTypeOf<Choice<'a' | 'b'>>()
    expectTypeOf(grid([1, 2])).toEqualTypeOf<Grid<1 | 2>>()
    expectTypeOf(randn()).toEqualTypeOf<Randn>()
  })
})
