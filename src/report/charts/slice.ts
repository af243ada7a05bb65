import type { ParamInfo, ReportModel } from '../model.ts'
import { paramScale } from '../model.ts'
import { extent, linearScale } from '../scale.ts'
import { coordinate, element } from '../svg.ts'
import { axes, chartSvg, emptyChart, plotBox } from './frame.ts'

const WIDTH = 320
const HEIGHT = 240

/**
 * One slice plot per parameter: the metric against the parameter's value,
 * one point per trial with a value, later trials darker. Points on a
 * categorical axis are spread across their slot (by trial id, so the same
 * report draws the same way) to keep them apart.
 *
 * @example
 * ```ts
 * html += sliceCharts(model)
 * ```
 */
export function sliceCharts(model: ReportModel): string {
  const { metric } = model.experiment
  const scored = model.trials.filter((t) => t.value !== undefined)
  if (scored.length === 0 || model.params.length === 0) return emptyChart('slice', `No trial with parameters has reported ${metric} yet.`)
  const lastId = Math.max(1, ...scored.map((t) => t.id))
  return model.params
    .map((param) => {
      const box = plotBox(WIDTH, HEIGHT, 56)
      const x = paramScale(param, scored, [box.left + 8, box.right - 8])
      const y = linearScale(extent(scored.map((t) => t.value)) ?? [0, 1], [box.bottom - 6, box.top + 6])
      const slot = param.kind === 'category' ? (box.right - box.left) / Math.max(1, param.categories.length) : 0
      let points = ''
      for (const trial of scored) {
        const px = x.place(trial.params[param.name])
        if (px === undefined) continue
        const spread = slot === 0 ? 0 : (jitter(trial.id) - 0.5) * slot * 0.5
        const cy = y.place(trial.value) as number
        points += element('circle', {
          class: `pt ${trial.state}`,
          cx: coordinate(px + spread),
          cy,
          r: 3,
          fill: blue(trial.id / lastId),
          'data-trial': trial.id,
        })
      }
      const label = `Slice: ${metric} against ${param.name} (${axisWords(param)})`
      const xTitle = `${param.name}${param.kind === 'log' ? ' (log)' : ''}`
      return chartSvg('slice', WIDTH, HEIGHT, label, axes(x, y, box, xTitle, metric) + points, { 'data-param': param.name })
    })
    .join('')
}

function axisWords(param: ParamInfo): string {
  return param.kind === 'category' ? 'categorical' : param.kind === 'log' ? 'log axis' : 'linear axis'
}

/** A number in [0, 1) from a trial id, the same every time. */
function jitter(id: number): number {
  let h = Math.imul(id + 1, 0x9e3779b1)
  h ^= h >>> 15
  return (h >>> 0) / 2 ** 32
}

/** Light blue for the first trials, dark blue for the last. */
function blue(t: number): string {
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t)
  return `rgb(${mix(158, 8)},${mix(202, 48)},${mix(225, 107)})`
}
