import { countOf } from '../../format.ts'
import { isBetter } from '../../objectives/index.ts'
import type { ParamInfo, ReportModel } from '../model.ts'
import { paramScale } from '../model.ts'
import type { Scale } from '../scale.ts'
import { coordinate, element, escapeHtml, formatValue } from '../svg.ts'
import { axes, chartSvg, colorLegend, goodnessOf, plotBox, viridis } from './frame.ts'

const WIDTH = 560
const HEIGHT = 420
/** Bins across a numeric axis (a categorical one gets one per category). */
const BINS = 12

/**
 * A binned heat map of the metric over a pair of parameters: the plot area is
 * cut into cells (12 even steps along a numeric axis, in log steps along a
 * log one; one per category), and each cell that holds trials takes the
 * colour of the best value among them. Empty cells stay blank: nothing is
 * interpolated, so no colour claims a value no trial measured. The trials
 * are drawn on top as points.
 *
 * @example
 * ```ts
 * html += contourChart(model, model.params[0], model.params[1])
 * ```
 */
export function contourChart(model: ReportModel, a: ParamInfo, b: ParamInfo): string {
  const { metric, mode } = model.experiment
  const scored = model.trials.filter((t) => t.value !== undefined)
  const box = plotBox(WIDTH, HEIGHT, 72)
  const x = paramScale(a, scored, [box.left + 8, box.right - 8])
  const y = paramScale(b, scored, [box.bottom - 8, box.top + 8])
  const xBins = bins(x, [box.left, box.right])
  const yBins = bins(y, [box.bottom, box.top])
  const good = goodnessOf(
    scored.map((t) => t.value as number),
    mode,
  )
  const cells = new Map<string, { i: number; j: number; best: number; trials: number }>()
  let points = ''
  for (const trial of scored) {
    const px = x.place(trial.params[a.name])
    const py = y.place(trial.params[b.name])
    if (px === undefined || py === undefined) continue
    const i = xBins.index(px)
    const j = yBins.index(py)
    const key = `${i},${j}`
    const cell = cells.get(key)
    const value = trial.value as number
    if (cell === undefined) cells.set(key, { i, j, best: value, trials: 1 })
    else {
      cell.trials++
      if (isBetter(value, cell.best, mode)) cell.best = value
    }
    points += element('circle', { class: `pt ${trial.state}`, cx: coordinate(px), cy: coordinate(py), r: 3, 'data-trial': trial.id })
  }
  let heat = ''
  for (const cell of cells.values()) {
    const [x0, x1] = xBins.edges(cell.i)
    const [y0, y1] = yBins.edges(cell.j)
    heat += element(
      'rect',
      {
        class: 'cell',
        x: coordinate(Math.min(x0, x1)),
        y: coordinate(Math.min(y0, y1)),
        width: coordinate(Math.abs(x1 - x0)),
        height: coordinate(Math.abs(y1 - y0)),
        fill: viridis(good(cell.best)),
      },
      element('title', {}, `best ${escapeHtml(metric)}=${formatValue(cell.best)} over ${countOf(cell.trials, 'trial')}`),
    )
  }
  const label = `Contour (binned heat map): best ${metric} over ${a.name} and ${b.name}`
  const body = heat + axes(x, y, box, axisTitle(a), axisTitle(b)) + points + colorLegend(WIDTH - 120, 0, metric, mode)
  return chartSvg('contour', WIDTH, HEIGHT, label, body, { 'data-x': a.name, 'data-y': b.name })
}

function axisTitle(param: ParamInfo): string {
  return `${param.name}${param.kind === 'log' ? ' (log)' : ''}`
}

/** Cells along one axis, in px: one per category slot, or BINS even steps of the (linear or log) pixel range. */
function bins(scale: Scale, span: readonly [number, number]): { index: (px: number) => number; edges: (i: number) => [number, number] } {
  const count = scale.kind === 'category' ? Math.max(1, scale.categories?.length ?? 1) : BINS
  const [from, to] = scale.kind === 'category' ? scale.range : span
  const step = (to - from) / count
  return {
    index: (px) => Math.min(count - 1, Math.max(0, Math.floor((px - from) / step))),
    edges: (i) => [from + step * i, from + step * (i + 1)],
  }
}
