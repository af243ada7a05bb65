import type { Importance } from '../importance.ts'
import { MIN_IMPORTANCE_TRIALS } from '../importance.ts'
import { element, escapeHtml } from '../svg.ts'
import { chartSvg, clip, emptyChart } from './frame.ts'

const WIDTH = 640
const ROW = 26

/**
 * Parameter importance as horizontal bars, most important on top, each
 * labelled with its share; the caption names the method.
 *
 * @example
 * ```ts
 * html += importanceChart(paramImportance(model.params, model.trials, 1))
 * ```
 */
export function importanceChart(importance: Importance | undefined): string {
  if (importance === undefined) return emptyChart('importance', `Importance needs at least ${MIN_IMPORTANCE_TRIALS} trials with a value.`)
  const left = 150
  const right = WIDTH - 70
  const height = importance.ranked.length * ROW + 16
  let bars = ''
  importance.ranked.forEach(({ name, share }, i) => {
    const y = 8 + i * ROW
    const width = Math.max(1, share * (right - left))
    bars += element('text', { x: left - 8, y: y + 15, 'text-anchor': 'end' }, escapeHtml(clip(name, 20)))
    bars += element('rect', { class: 'bar', x: left, y: y + 3, width, height: ROW - 8, 'data-param': name, 'data-share': share.toFixed(4) })
    bars += element('text', { x: left + width + 6, y: y + 15 }, `${(share * 100).toFixed(1)}%`)
  })
  const label = `Parameter importance: ${importance.method}`
  return chartSvg('importance', WIDTH, height, label, bars)
}
