import { countOf } from '../../format.ts'
import type { ReportModel } from '../model.ts'
import { extent, linearScale } from '../scale.ts'
import { coordinate, element, formatValue } from '../svg.ts'
import { axes, chartSvg, emptyChart, plotBox } from './frame.ts'

const WIDTH = 640
const HEIGHT = 320

/**
 * The empirical distribution of the trials' values: for each value v, the
 * fraction of trials whose value is at most v, as a step line with a point
 * at each trial's value.
 *
 * @example
 * ```ts
 * html += edfChart(model)
 * ```
 */
export function edfChart(model: ReportModel): string {
  const { metric } = model.experiment
  const values = model.trials
    .flatMap((t) => (t.value === undefined ? [] : [{ value: t.value, id: t.id }]))
    .sort((a, b) => a.value - b.value || a.id - b.id)
  if (values.length === 0) return emptyChart('edf', `No trial has reported ${metric} yet.`)
  const box = plotBox(WIDTH, HEIGHT)
  const x = linearScale(extent(values.map((v) => v.value)) ?? [0, 1], [box.left + 6, box.right - 6])
  const y = linearScale([0, 1], [box.bottom, box.top])
  const n = values.length
  let d = `M${coordinate(box.left)},${coordinate(box.bottom)}`
  let points = ''
  values.forEach(({ value, id }, i) => {
    const px = coordinate(x.place(value) as number)
    const py = coordinate(y.place((i + 1) / n) as number)
    d += `H${px}V${py}`
    points += element('circle', {
      class: 'pt',
      cx: px,
      cy: py,
      r: 2.5,
      'data-trial': id,
      'data-note': `${i + 1} of ${n} trials at or below ${formatValue(value)}`,
    })
  })
  d += `H${coordinate(box.right)}`
  const label = `Empirical distribution of ${metric} over ${countOf(n, 'trial')}`
  return chartSvg(
    'edf',
    WIDTH,
    HEIGHT,
    label,
    axes(x, y, box, metric, 'fraction of trials') + element('path', { class: 'ln edf', d }) + points,
  )
}
