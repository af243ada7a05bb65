/**
 * What every chart shares: the SVG frame, x and y axes with ticks, grid
 * lines and titles, and the colour scale for the metric. Drawn elements
 * carry classes the page counts (`pt` points, `ln` lines, `axis` axes,
 * `cell` heat-map cells, `bar` bars), so the report can say what it drew.
 */
import type { Scale } from '../scale.ts'
import { type Attributes, element, escapeHtml } from '../svg.ts'

/** The plot area inside a chart's frame, in px. */
export interface Box {
  readonly left: number
  readonly top: number
  readonly right: number
  readonly bottom: number
}

/**
 * The plot area of a `width` x `height` chart with room for tick labels.
 *
 * @example
 * ```ts
 * plotBox(640, 320) // { left: 64, top: 12, right: 624, bottom: 276 }
 * ```
 */
export function plotBox(width: number, height: number, left = 64): Box {
  return { left, top: 12, right: width - 16, bottom: height - 44 }
}

/**
 * An `<svg>` chart: scales to its container's width, and names what it shows.
 *
 * @example
 * ```ts
 * chartSvg('history', 640, 320, 'Optimization history', body)
 * ```
 */
export function chartSvg(chart: string, width: number, height: number, label: string, body: string, extra: Attributes = {}): string {
  return element(
    'svg',
    { class: 'chart', 'data-chart': chart, ...extra, viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': label },
    body,
  )
}

/**
 * The x axis at the bottom of `box` and the y axis at its left, with grid
 * lines and titles.
 *
 * @example
 * ```ts
 * axes(x, y, box, 'trial', 'loss')
 * ```
 */
export function axes(x: Scale, y: Scale, box: Box, xTitle: string, yTitle: string): string {
  let grid = ''
  let xTicks = ''
  for (const tick of x.ticks) {
    grid += element('line', { class: 'grid', x1: tick.at, x2: tick.at, y1: box.top, y2: box.bottom })
    xTicks += element('text', { x: tick.at, y: box.bottom + 16, 'text-anchor': 'middle' }, escapeHtml(clip(tick.label)))
  }
  let yTicks = ''
  for (const tick of y.ticks) {
    grid += element('line', { class: 'grid', x1: box.left, x2: box.right, y1: tick.at, y2: tick.at })
    yTicks += element('text', { x: box.left - 6, y: tick.at + 4, 'text-anchor': 'end' }, escapeHtml(clip(tick.label)))
  }
  const xAxis = element(
    'g',
    { class: 'axis', 'data-axis': 'x' },
    element('line', { x1: box.left, x2: box.right, y1: box.bottom, y2: box.bottom }) +
      xTicks +
      element('text', { class: 'title', x: (box.left + box.right) / 2, y: box.bottom + 36, 'text-anchor': 'middle' }, escapeHtml(xTitle)),
  )
  const middle = (box.top + box.bottom) / 2
  const yAxis = element(
    'g',
    { class: 'axis', 'data-axis': 'y' },
    element('line', { x1: box.left, x2: box.left, y1: box.top, y2: box.bottom }) +
      yTicks +
      element(
        'text',
        { class: 'title', x: 14, y: middle, 'text-anchor': 'middle', transform: `rotate(-90 14 ${middle})` },
        escapeHtml(yTitle),
      ),
  )
  return element('g', { class: 'grid-lines' }, grid) + xAxis + yAxis
}

/** A long category label cut to fit under a tick. */
export function clip(label: string, max = 14): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label
}

/** Viridis at five stops: dark purple for the best values, yellow for the worst. */
const STOPS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
]

/**
 * A colour for a metric value: `goodness` 1 (the best seen) is dark, 0 (the
 * worst) is light, whatever the mode.
 *
 * @example
 * ```ts
 * viridis(1) // 'rgb(68,1,84)'
 * ```
 */
export function viridis(goodness: number): string {
  const t = (1 - Math.min(1, Math.max(0, goodness))) * (STOPS.length - 1)
  const i = Math.min(STOPS.length - 2, Math.floor(t))
  const f = t - i
  const [a, b] = [STOPS[i], STOPS[i + 1]] as [readonly number[], readonly number[]]
  const mix = (k: number) => Math.round((a[k] as number) + ((b[k] as number) - (a[k] as number)) * f)
  return `rgb(${mix(0)},${mix(1)},${mix(2)})`
}

/**
 * How good `value` is between the worst and the best of `values`, in [0, 1].
 *
 * @example
 * ```ts
 * const good = goodnessOf([1, 2, 3], 'min')
 * good(1) // 1
 * ```
 */
export function goodnessOf(values: readonly number[], mode: 'min' | 'max'): (value: number) => number {
  let lo = Number.POSITIVE_INFINITY
  let hi = Number.NEGATIVE_INFINITY
  for (const v of values) {
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  if (!(hi > lo)) return () => 1
  return (value) => (mode === 'min' ? (hi - value) / (hi - lo) : (value - lo) / (hi - lo))
}

/** The id of the one gradient every legend uses (see {@link gradientDefs}). */
const GRADIENT = 'hp-viridis'

/**
 * The page's shared `<defs>`: the metric colour gradient, defined once.
 *
 * @example
 * ```ts
 * html += gradientDefs()
 * ```
 */
export function gradientDefs(): string {
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => element('stop', { offset: t, 'stop-color': viridis(1 - t) })).join('')
  return element(
    'svg',
    { width: 0, height: 0, 'aria-hidden': 'true', class: 'defs' },
    element('defs', {}, element('linearGradient', { id: GRADIENT }, stops)),
  )
}

/**
 * A gradient legend for the metric colours, at (x, y): best at its left end.
 *
 * @example
 * ```ts
 * colorLegend(500, 8, 'loss', 'min')
 * ```
 */
export function colorLegend(x: number, y: number, metric: string, mode: 'min' | 'max'): string {
  return element(
    'g',
    { class: 'legend' },
    element('rect', { x, y, width: 80, height: 8, fill: `url(#${GRADIENT})` }) +
      element(
        'text',
        { x: x - 4, y: y + 8, 'text-anchor': 'end' },
        `better ${escapeHtml(metric)} (${mode === 'min' ? 'lower' : 'higher'})`,
      ) +
      element('text', { x: x + 84, y: y + 8 }, 'worse'),
  )
}

/**
 * A note in place of a chart that has nothing to draw.
 *
 * @example
 * ```ts
 * emptyChart('contour', 'needs two numeric parameters')
 * ```
 */
export function emptyChart(chart: string, why: string): string {
  return element('p', { class: 'empty', 'data-chart': chart, 'data-empty': 'true' }, escapeHtml(why))
}
