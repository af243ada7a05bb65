import { countOf } from '../../format.ts'
import type { ReportModel } from '../model.ts'
import { paramScale } from '../model.ts'
import { extent, linearScale, type Scale } from '../scale.ts'
import { coordinate, element, escapeHtml } from '../svg.ts'
import { chartSvg, clip, colorLegend, emptyChart, goodnessOf, viridis } from './frame.ts'

const WIDTH = 1200
const HEIGHT = 360
const TOP = 40
const BOTTOM = HEIGHT - 28

/**
 * Parallel coordinates: one vertical axis per parameter (log axes for log
 * domains, one slot per category for choices) and one for the metric; one
 * line per trial with a value, coloured by how good the value is. Trials a
 * scheduler stopped are drawn dashed.
 *
 * @example
 * ```ts
 * html += parallelChart(model)
 * ```
 */
export function parallelChart(model: ReportModel): string {
  const { metric, mode } = model.experiment
  const scored = model.trials.filter((t) => t.value !== undefined)
  if (scored.length === 0 || model.params.length === 0)
    return emptyChart('parallel', `No trial with parameters has reported ${metric} yet.`)
  const count = model.params.length + 1
  const left = 70
  const gap = (WIDTH - left - 70) / Math.max(1, count - 1)
  const columns: { name: string; scale: Scale; value: (t: (typeof scored)[number]) => unknown }[] = model.params.map((param) => ({
    name: param.name,
    scale: paramScale(param, scored, [BOTTOM, TOP]),
    value: (t) => t.params[param.name],
  }))
  columns.push({ name: metric, scale: linearScale(extent(scored.map((t) => t.value)) ?? [0, 1], [BOTTOM, TOP]), value: (t) => t.value })
  const good = goodnessOf(
    scored.map((t) => t.value as number),
    mode,
  )
  // Worst first, so the best lines end up on top.
  const ordered = [...scored].sort((a, b) => good(a.value as number) - good(b.value as number))
  let lines = ''
  for (const trial of ordered) {
    const points: string[] = []
    columns.forEach((column, i) => {
      const py = column.scale.place(column.value(trial))
      if (py !== undefined) points.push(`${coordinate(left + gap * i)},${coordinate(py)}`)
    })
    lines += element('polyline', {
      class: `ln ${trial.state}`,
      points: points.join(' '),
      stroke: viridis(good(trial.value as number)),
      'data-trial': trial.id,
    })
  }
  const axesMarkup = columns.map((column, i) => axis(column.name, column.scale, left + gap * i, i === count - 1)).join('')
  const title = `Parallel coordinates: ${countOf(model.params.length, 'parameter')} and ${metric}, one line per trial`
  return chartSvg('parallel', WIDTH, HEIGHT, title, lines + axesMarkup + colorLegend(WIDTH - 120, 6, metric, mode))
}

/** A vertical axis at `x` with its ticks and its name on top. */
function axis(name: string, scale: Scale, x: number, isMetric: boolean): string {
  let ticks = ''
  for (const tick of scale.ticks) {
    ticks += element('line', { x1: x - 3, x2: x, y1: tick.at, y2: tick.at })
    ticks += element('text', { class: 'tick', x: x - 5, y: tick.at + 3, 'text-anchor': 'end' }, escapeHtml(clip(tick.label, 10)))
  }
  return element(
    'g',
    { class: `axis${isMetric ? ' metric' : ''}`, 'data-axis': name, 'data-scale': scale.kind },
    element('line', { x1: x, x2: x, y1: TOP, y2: BOTTOM }) +
      ticks +
      element('text', { class: 'title', x, y: TOP - 10, 'text-anchor': 'middle' }, escapeHtml(clip(name, 18))),
  )
}
