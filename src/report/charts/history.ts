import { isBetter } from '../../objectives/index.ts'
import type { ReportModel } from '../model.ts'
import { extent, linearScale } from '../scale.ts'
import { coordinate, element, escapeHtml } from '../svg.ts'
import { axes, chartSvg, emptyChart, plotBox } from './frame.ts'

const WIDTH = 640
const HEIGHT = 320

/**
 * The optimization history: each trial's value by trial number (its state
 * by colour) and the best value so far as a step line.
 *
 * @example
 * ```ts
 * html += historyChart(model)
 * ```
 */
export function historyChart(model: ReportModel): string {
  const { metric, mode } = model.experiment
  const scored = model.trials.filter((t) => t.value !== undefined)
  if (scored.length === 0) return emptyChart('history', `No trial has reported ${metric} yet.`)
  const box = plotBox(WIDTH, HEIGHT)
  const x = linearScale(extent(model.trials.map((t) => t.id)) ?? [0, 1], [box.left + 6, box.right - 6])
  const y = linearScale(extent(scored.map((t) => t.value)) ?? [0, 1], [box.bottom - 6, box.top + 6])
  let points = ''
  let steps = ''
  let best: number | undefined
  for (const trial of scored) {
    const value = trial.value as number
    const px = coordinate(x.place(trial.id) as number)
    const py = coordinate(y.place(value) as number)
    points += element('circle', { class: `pt ${trial.state}`, cx: px, cy: py, r: 3.5, 'data-trial': trial.id })
    if (best === undefined) steps = `M${px},${py}`
    else steps += `H${px}${isBetter(value, best, mode) ? `V${py}` : ''}`
    if (best === undefined || isBetter(value, best, mode)) best = value
  }
  const line = element('path', { class: 'ln best-line', d: steps }, element('title', {}, `best ${escapeHtml(metric)} so far`))
  const title = `Optimization history: ${metric} by trial, best so far as a line`
  return chartSvg('history', WIDTH, HEIGHT, title, axes(x, y, box, 'trial', metric) + line + points)
}
