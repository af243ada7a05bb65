import type { ReportModel, TrialView } from './model.ts'
import { categoryLabel } from './scale.ts'
import { element, escapeHtml, formatValue } from './svg.ts'

/** A column: its heading, how it sorts, and each trial's cell (shown text, sort key). */
interface Column {
  readonly heading: string
  readonly type: 'number' | 'text'
  readonly cell: (trial: TrialView) => readonly [shown: string, key: string | number | undefined]
}

/**
 * The trial table: one row per trial (state, parameters, metric, iterations,
 * error), with the sort and filter controls the page's script brings to life.
 * With several objectives, a column per objective and a `front` column, and
 * the front's rows stand out (the best row does with one objective).
 * Each cell carries its sort key, so sorting numbers is numeric.
 *
 * @example
 * ```ts
 * html += trialTable(model)
 * ```
 */
export function trialTable(model: ReportModel): string {
  const columns: Column[] = [
    { heading: 'trial', type: 'number', cell: (t) => [String(t.id), t.id] },
    { heading: 'state', type: 'text', cell: (t) => [t.state, t.state] },
    ...model.params.map(
      (p): Column => ({
        heading: p.name,
        type: p.kind === 'category' ? 'text' : 'number',
        cell: (t) => {
          const value = t.params[p.name]
          if (value === undefined) return ['', undefined]
          return [formatValue(value), typeof value === 'number' ? value : categoryLabel(value)]
        },
      }),
    ),
    ...objectiveColumns(model),
    { heading: 'iterations', type: 'number', cell: (t) => [String(t.iterations), t.iterations] },
    { heading: 'error', type: 'text', cell: (t) => [t.error ?? '', t.error ?? ''] },
  ]
  const head = columns
    .map((c, i) =>
      element(
        'th',
        { 'data-column': i, 'data-type': c.type, 'aria-sort': 'none' },
        element('button', { type: 'button' }, escapeHtml(c.heading)),
      ),
    )
    .join('')
  const rows = model.trials
    .map((trial) => {
      const cells = columns
        .map((c) => {
          const [shown, key] = c.cell(trial)
          const title = c.heading === 'error' && shown !== '' ? shown : undefined
          return element('td', { 'data-key': key === undefined ? undefined : String(key), title }, escapeHtml(shown))
        })
        .join('')
      // With several objectives no trial is best: the front's trials stand out instead.
      const mark = model.objectives.length > 1 ? (trial.front ? 'front' : undefined) : trial === model.best ? 'best' : undefined
      return element('tr', { 'data-trial': trial.id, 'data-state': trial.state, class: mark }, cells)
    })
    .join('')
  const states = [...new Set(model.trials.map((t) => t.state))]
  const stateOptions = [element('option', { value: '' }, 'all states'), ...states.map((s) => element('option', { value: s }, s))].join('')
  const controls = element(
    'div',
    { class: 'controls' },
    element('input', { type: 'search', id: 'trial-filter', placeholder: 'filter rows (any text)', 'aria-label': 'filter trials' }) +
      element('select', { id: 'state-filter', 'aria-label': 'filter by state' }, stateOptions) +
      element('span', { id: 'trial-count' }, `${model.trials.length} of ${model.trials.length} trials`),
  )
  return (
    controls +
    element(
      'div',
      { class: 'table-wrap' },
      element('table', { id: 'trials' }, element('thead', {}, element('tr', {}, head)) + element('tbody', {}, rows)),
    )
  )
}

/** The metric's column; with several objectives one per objective, then whether the trial is on the Pareto front. */
function objectiveColumns(model: ReportModel): Column[] {
  const number = (value: number | undefined): readonly [string, number | undefined] => [
    value === undefined ? '' : formatValue(value),
    value,
  ]
  if (model.objectives.length === 1) return [{ heading: model.experiment.metric, type: 'number', cell: (t) => number(t.value) }]
  return [
    ...model.objectives.map((o, i): Column => ({ heading: o.metric, type: 'number', cell: (t) => number(t.objectiveCells[i]) })),
    { heading: 'front', type: 'text', cell: (t) => (t.front ? ['front', 'front'] : ['', '']) },
  ]
}
