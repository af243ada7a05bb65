/**
 * Scales: value -> pixel for linear, log and categorical axes, with the
 * ticks each one labels. Pure functions; the charts share them.
 */
import { formatValue } from './svg.ts'

/** How an axis places values: evenly, by order of magnitude, or one slot per category. */
export type AxisKind = 'linear' | 'log' | 'category'

/** A labelled tick: where it sits (px) and what it says. */
export interface Tick {
  readonly at: number
  readonly label: string
}

/**
 * A scale: `place` maps a value to a pixel (undefined for a value it cannot
 * place: a non-number on a numeric axis, a non-positive number on a log axis,
 * an unknown category).
 *
 * @example
 * ```ts
 * const x = linearScale([0, 10], [0, 100])
 * x.place(5) // 50
 * ```
 */
export interface Scale {
  readonly kind: AxisKind
  readonly place: (value: unknown) => number | undefined
  readonly ticks: readonly Tick[]
  /** The pixel range, in the order given. */
  readonly range: readonly [number, number]
  /** For a categorical scale, its categories in axis order. */
  readonly categories?: readonly string[]
}

/**
 * The label a categorical value goes by on axes and in the table.
 *
 * @example
 * ```ts
 * categoryLabel('relu') // 'relu'
 * categoryLabel([32, 64]) // '[32,64]'
 * ```
 */
export function categoryLabel(value: unknown): string {
  return formatValue(value)
}

/**
 * The smallest and largest finite number in `values` (log: positive only), or
 * undefined when there is none.
 *
 * @example
 * ```ts
 * extent([3, 1, Number.NaN, 2]) // [1, 3]
 * ```
 */
export function extent(values: Iterable<unknown>, positiveOnly = false): [number, number] | undefined {
  let lo = Number.POSITIVE_INFINITY
  let hi = Number.NEGATIVE_INFINITY
  for (const value of values) {
    if (typeof value !== 'number' || !Number.isFinite(value) || (positiveOnly && value <= 0)) continue
    if (value < lo) lo = value
    if (value > hi) hi = value
  }
  return lo <= hi ? [lo, hi] : undefined
}

/** Steps of 1, 2 or 5 times a power of ten, about `count` of them across [lo, hi]. */
function niceStep(lo: number, hi: number, count: number): number {
  const raw = (hi - lo) / Math.max(1, count)
  const power = 10 ** Math.floor(Math.log10(raw))
  const fraction = raw / power
  return (fraction < 1.5 ? 1 : fraction < 3.5 ? 2 : fraction < 7.5 ? 5 : 10) * power
}

/**
 * A linear scale over `domain` (widened when it is a single value), with
 * about `tickCount` round ticks (whole numbers only when `integer`).
 *
 * @example
 * ```ts
 * linearScale([0, 1], [300, 20]).ticks.map((t) => t.label) // ['0', '0.2', '0.4', '0.6', '0.8', '1']
 * ```
 */
export function linearScale(domain: readonly [number, number], range: readonly [number, number], tickCount = 5, integer = false): Scale {
  let [lo, hi] = domain
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1
    lo -= pad
    hi += pad
  }
  const [r0, r1] = range
  const toPx = (v: number) => r0 + ((v - lo) / (hi - lo)) * (r1 - r0)
  // An integer parameter has no ticks between its values.
  const step = integer ? Math.max(1, niceStep(lo, hi, tickCount)) : niceStep(lo, hi, tickCount)
  const ticks: Tick[] = []
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) {
    const value = Number((i * step).toPrecision(12))
    ticks.push({ at: toPx(value), label: formatValue(value) })
  }
  return {
    kind: 'linear',
    place: (value) => (typeof value === 'number' && Number.isFinite(value) ? toPx(value) : undefined),
    ticks,
    range,
  }
}

/**
 * A log-10 scale over a positive `domain`, ticked at powers of ten (and at 2
 * and 5 times them when the domain spans few decades; whole numbers only when `integer`).
 *
 * @example
 * ```ts
 * logScale([1e-4, 1e-1], [0, 300]).ticks.map((t) => t.label) // ['1e-4', '0.001', '0.01', '0.1']
 * ```
 */
export function logScale(domain: readonly [number, number], range: readonly [number, number], integer = false): Scale {
  let [lo, hi] = domain
  if (lo === hi) {
    lo /= 2
    hi *= 2
  }
  const [r0, r1] = range
  const l0 = Math.log10(lo)
  const l1 = Math.log10(hi)
  const toPx = (v: number) => r0 + ((Math.log10(v) - l0) / (l1 - l0)) * (r1 - r0)
  const multiples = l1 - l0 < 2 ? [1, 2, 5] : [1]
  const ticks: Tick[] = []
  for (let p = Math.floor(l0); p <= Math.ceil(l1); p++) {
    for (const m of multiples) {
      const value = Number((m * 10 ** p).toPrecision(12))
      if (value >= lo * (1 - 1e-9) && value <= hi * (1 + 1e-9) && (!integer || Number.isInteger(value)))
        ticks.push({ at: toPx(value), label: formatValue(value) })
    }
  }
  // A domain inside one decade may hold no 1-2-5 value: label its ends instead.
  if (ticks.length < 2) ticks.splice(0, ticks.length, { at: toPx(lo), label: formatValue(lo) }, { at: toPx(hi), label: formatValue(hi) })
  return {
    kind: 'log',
    place: (value) => (typeof value === 'number' && value > 0 && Number.isFinite(value) ? toPx(value) : undefined),
    ticks,
    range,
  }
}

/**
 * One evenly spaced slot per category, centred, with half a slot of margin at each end.
 *
 * @example
 * ```ts
 * categoryScale(['relu', 'tanh'], [0, 100]).place('tanh') // 75
 * ```
 */
export function categoryScale(categories: readonly string[], range: readonly [number, number]): Scale {
  const [r0, r1] = range
  const slot = (r1 - r0) / Math.max(1, categories.length)
  const index = new Map(categories.map((c, i) => [c, i]))
  const toPx = (i: number) => r0 + slot * (i + 0.5)
  return {
    kind: 'category',
    place: (value) => {
      const i = index.get(categoryLabel(value))
      return i === undefined ? undefined : toPx(i)
    },
    ticks: categories.map((label, i) => ({ at: toPx(i), label })),
    range,
    categories,
  }
}
