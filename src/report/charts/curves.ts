import type { ReportModel } from '../model.ts'
import { extent, linearScale } from '../scale.ts'
import { coordinate, element } from '../svg.ts'
import { axes, chartSvg, emptyChart, plotBox } from './frame.ts'

const WIDTH = 640
const HEIGHT = 320

/**
 * Intermediate values: each trial's metric by training iteration, one line
 * per trial. Trials a scheduler stopped are dimmed with a cross where they
 * stopped; errored ones are red with a cross; paused or running ones are
 * dashed amber and end in an open ring (their curve may go on); the best
 * trial is drawn last, on top.
 *
 * @example
 * ```ts
 * html += curvesChart(model)
 * ```
 */
export function curvesChart(model: ReportModel): string {
  const { metric } = model.experiment
  const drawn = model.trials.filter((t) => t.curve.length > 0)
  if (drawn.length === 0) return emptyChart('curves', `No trial has reported ${metric} yet.`)
  const box = plotBox(WIDTH, HEIGHT)
  const x = linearScale(extent(drawn.flatMap((t) => t.curve.map((p) => p[0]))) ?? [1, 2], [box.left + 6, box.right - 6])
  const y = linearScale(extent(drawn.flatMap((t) => t.curve.map((p) => p[1]))) ?? [0, 1], [box.bottom - 6, box.top + 6])
  // The best trial last, so no other line hides it.
  const ordered = [...drawn.filter((t) => t !== model.best), ...drawn.filter((t) => t === model.best)]
  let lines = ''
  let marks = ''
  for (const trial of ordered) {
    const points = trial.curve.map(([i, v]) => `${coordinate(x.place(i) as number)},${coordinate(y.place(v) as number)}`)
    const kind = `${trial.state}${trial === model.best ? ' best' : ''}`
    lines += element('polyline', { class: `ln ${kind}`, points: points.join(' '), 'data-trial': trial.id })
    if (trial.state === 'completed') continue
    const [sx, sy] = (points.at(-1) as string).split(',').map(Number) as [number, number]
    if (trial.state === 'stopped' || trial.state === 'errored') {
      const d = `M${sx - 4},${sy - 4}L${sx + 4},${sy + 4}M${sx - 4},${sy + 4}L${sx + 4},${sy - 4}`
      marks += element('path', { class: `pt stop ${trial.state}`, d, 'data-trial': trial.id })
    } else {
      // Paused (an interrupt or a scheduler's pause) or still running: its curve may go on, so it ends in an open ring.
      marks += element('circle', { class: `pt open ${trial.state}`, cx: sx, cy: sy, r: 4, 'data-trial': trial.id })
    }
  }
  const title = `Intermediate values: ${metric} by iteration, one line per trial`
  return chartSvg('curves', WIDTH, HEIGHT, title, axes(x, y, box, 'training iteration', metric) + lines + marks)
}
