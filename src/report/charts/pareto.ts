import type { ReportModel } from '../model.ts'
import { extent, linearScale } from '../scale.ts'
import { coordinate, element, formatValue } from '../svg.ts'
import { axes, chartSvg, emptyChart, plotBox } from './frame.ts'

const WIDTH = 640
const HEIGHT = 360

/**
 * The Pareto front of a multi-objective experiment: each trial with every objective as a point on the first two
 * objectives (x the first, y the second), the front's trials larger and joined by a step line in the order of the
 * first objective (with more than two objectives the front is over all of them, so its points need not form a
 * staircase in this plane, and no line is drawn).
 *
 * @example
 * ```ts
 * if (model.objectives.length > 1) html += paretoChart(model)
 * ```
 */
export function paretoChart(model: ReportModel): string {
  const [first, second] = model.objectives
  if (first === undefined || second === undefined) return emptyChart('pareto', 'One objective: no front to draw.')
  const scored = model.trials.filter((t) => t.objectiveValues !== undefined)
  if (scored.length === 0) return emptyChart('pareto', `No trial has reported ${first.metric} and ${second.metric} yet.`)
  const box = plotBox(WIDTH, HEIGHT)
  const xs = scored.map((t) => (t.objectiveValues as number[])[0] as number)
  const ys = scored.map((t) => (t.objectiveValues as number[])[1] as number)
  const x = linearScale(extent(xs) ?? [0, 1], [box.left + 6, box.right - 6])
  const y = linearScale(extent(ys) ?? [0, 1], [box.bottom - 6, box.top + 6])
  // Front points are drawn after the rest so that no other point lies over one: they stay in reach of the pointer.
  let others = ''
  let onFront = ''
  const front: { readonly value: number; readonly px: string; readonly py: string }[] = []
  scored.forEach((trial, i) => {
    const px = coordinate(x.place(xs[i]) as number)
    const py = coordinate(y.place(ys[i]) as number)
    if (trial.front) front.push({ value: xs[i] as number, px, py })
    const point = element('circle', {
      class: trial.front ? 'pt front' : `pt ${trial.state}`,
      cx: px,
      cy: py,
      r: trial.front ? 4.5 : 2.5,
      'data-trial': trial.id,
      'data-note': `${first.metric}=${formatValue(xs[i])}, ${second.metric}=${formatValue(ys[i])}${trial.front ? ', on the front' : ''}`,
    })
    if (trial.front) onFront += point
    else others += point
  })
  let line = ''
  if (model.objectives.length === 2 && front.length > 1) {
    front.sort((a, b) => a.value - b.value)
    const [start] = front as [(typeof front)[number]]
    let d = `M${start.px},${start.py}`
    for (const { px, py } of front.slice(1)) d += `H${px}V${py}`
    line = element('path', { class: 'ln front', d })
  }
  const label = `Pareto front: ${second.metric} (${second.mode}) against ${first.metric} (${first.mode}), ${front.length} of ${scored.length} trials on the front`
  return chartSvg(
    'pareto',
    WIDTH,
    HEIGHT,
    label,
    axes(x, y, box, `${first.metric} (${first.mode})`, `${second.metric} (${second.mode})`) + line + others + onFront,
    { 'data-front': front.length },
  )
}
