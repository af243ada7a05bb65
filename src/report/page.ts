/**
 * The report page: the header, one section per chart, the trial table, the
 * style and the script, all in one HTML document with nothing to fetch.
 */
import { readFileSync } from 'node:fs'
import { countOf, countStates, lockHolderText, stateCounts } from '../format.ts'
import { contourChart } from './charts/contour.ts'
import { curvesChart } from './charts/curves.ts'
import { edfChart } from './charts/edf.ts'
import { emptyChart, gradientDefs } from './charts/frame.ts'
import { historyChart } from './charts/history.ts'
import { importanceChart } from './charts/importance.ts'
import { parallelChart } from './charts/parallel.ts'
import { paretoChart } from './charts/pareto.ts'
import { sliceCharts } from './charts/slice.ts'
import { type Importance, paramImportance } from './importance.ts'
import type { ParamInfo, ReportModel } from './model.ts'
import { PAGE_STYLE } from './style.ts'
import { element, escapeHtml, formatValue } from './svg.ts'
import { trialTable } from './table.ts'

/** The page's script, inlined into every report; read at the first report, not at import. */
let script: string | undefined
function pageScript(): string {
  // A built copy may end with a source map link; the page must point at no other file.
  script ??= readFileSync(new URL('./browser.js', import.meta.url), 'utf8').replace(/^\/\/# sourceMappingURL=.*$/m, '')
  return script
}

/** The contour selector offers every pair among this many parameters, the most important first. */
const CONTOUR_PARAMS = 6

/**
 * How the page is written.
 *
 * @example
 * ```ts
 * renderPage(model, { title: 'exp1', writtenAt: new Date(), refreshS: 0 })
 * ```
 */
export interface PageOptions {
  readonly title: string
  readonly writtenAt: Date
  /** Reload the page every this many seconds (a watched, unfinished experiment); 0 for never. */
  readonly refreshS: number
}

/**
 * The whole report as one HTML document.
 *
 * @example
 * ```ts
 * await writeFile('report.html', renderPage(reportModel(loaded), { title: 'exp1', writtenAt: new Date(), refreshS: 0 }))
 * ```
 */
export function renderPage(model: ReportModel, options: PageOptions): string {
  const importance = paramImportance(model.params, model.trials, model.experiment.seed)
  const { metric } = model.experiment
  const several = model.objectives.length > 1
  const pareto = several
    ? [
        section(
          'pareto',
          'Pareto front',
          `Each trial's final ${model.objectives[1]?.metric} against its final ${metric}; large points joined by the line: the trials no other beats on every objective${model.objectives.length > 2 ? ` (all ${model.objectives.length} of them)` : ''}. The other charts show ${metric}, the first objective.`,
          paretoChart(model),
        ),
      ]
    : []
  const sections = [
    ...pareto,
    section('history', 'Optimization history', `Each trial's final ${metric} by trial number, and the best so far.`, historyChart(model)),
    section(
      'curves',
      'Intermediate values',
      `${metric} at each reported iteration, one line per trial. Dimmed lines with a cross: stopped early by the scheduler; red: errored; dashed amber with a ring: paused or running (may go on); thick: the best trial.`,
      curvesChart(model),
    ),
    section(
      'parallel',
      'Parallel coordinates',
      'One line per trial through its parameters and its final value; dashed: stopped early.',
      parallelChart(model),
    ),
    section(
      'slice',
      'Slices',
      `${metric} against each parameter, one point per trial; later trials darker.`,
      element('div', { class: 'grid' }, sliceCharts(model)),
    ),
    section('contour', 'Contour', contourCaption(metric), contourSection(model, importance)),
    element(
      'div',
      { class: 'stack' },
      section('importance', 'Parameter importance', importanceCaption(importance, metric), importanceChart(importance)) +
        section('edf', 'Empirical distribution', `The fraction of trials whose final ${metric} is at most each value.`, edfChart(model)),
    ),
    section('table', 'Trials', 'Click a heading to sort; type to filter.', trialTable(model)),
  ]
  const refresh = options.refreshS > 0 ? element('meta', { 'http-equiv': 'refresh', content: String(options.refreshS) }) : ''
  const head =
    element('meta', { charset: 'utf-8' }) +
    element('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }) +
    refresh +
    element('title', {}, escapeHtml(`${options.title} — hyperpool report`)) +
    element('style', {}, PAGE_STYLE)
  const body =
    gradientDefs() +
    header(model, options) +
    nav(model.objectives.length > 1) +
    element('main', {}, sections.join('')) +
    element(
      'footer',
      {},
      `Written by hyperpool at ${escapeHtml(options.writtenAt.toISOString())}. Charts are SVG drawn by hyperpool when the report was written; no charting library, nothing fetched.`,
    ) +
    element('script', {}, pageScript())
  return `<!doctype html>\n${element('html', { lang: 'en' }, element('head', {}, head) + element('body', {}, body))}\n`
}

function section(id: string, title: string, caption: string, content: string): string {
  return element(
    'section',
    { id },
    element('h2', {}, escapeHtml(title)) + element('p', { class: 'caption' }, escapeHtml(caption)) + content,
  )
}

function nav(pareto: boolean): string {
  const links: [string, string][] = [
    ...(pareto ? ([['pareto', 'Pareto front']] as [string, string][]) : []),
    ['history', 'History'],
    ['curves', 'Intermediate values'],
    ['parallel', 'Parallel coordinates'],
    ['slice', 'Slices'],
    ['contour', 'Contour'],
    ['importance', 'Importance'],
    ['edf', 'Distribution'],
    ['table', 'Trials'],
  ]
  return element('nav', {}, links.map(([id, text]) => element('a', { href: `#${id}` }, text)).join(''))
}

function header(model: ReportModel, options: PageOptions): string {
  const { experiment, summary, best, trials } = model
  // Worded and ordered as the console and `hyperpool summary` word them.
  const states = stateCounts(countStates(trials.map((t) => t.state))).join(', ')
  const status =
    summary !== undefined
      ? `ended after ${formatValue(summary.elapsedS)} s${summary.interrupted ? ' (interrupted)' : ''}`
      : model.runningIn !== undefined
        ? `running (${lockHolderText(model.runningIn)})`
        : model.journal
          ? 'no end recorded, and no live process holds it: stopped before its end (a restore continues it)'
          : "no end recorded: running, or stopped before its end (a JsonlTracker's log, which no lock marks as running)"
  const several = model.objectives.length > 1
  const facts: [string, string][] = [
    [several ? 'objectives' : 'metric', model.objectives.map((o) => `${o.metric} (${o.mode})`).join(', ')],
    ['trials', `${trials.length} of ${experiment.plannedTrials} planned${states === '' ? '' : `: ${states}`}`],
    ['search', `${experiment.searcher}, ${experiment.scheduler}`],
    ['started', experiment.startedAt],
    ['status', status],
  ]
  if (several) facts.push(['front', `${countOf(trials.filter((t) => t.front).length, 'trial')} on the Pareto front`])
  else if (best !== undefined) {
    const config = Object.entries(best.params)
      .map(([k, v]) => `${k}=${formatValue(v)}`)
      .join(', ')
    facts.push(['best', `trial ${best.id}: ${experiment.metric}=${formatValue(best.value)}${config === '' ? '' : ` with ${config}`}`])
  }
  const list = facts.map(([term, text]) => element('dt', {}, term) + element('dd', {}, escapeHtml(text))).join('')
  return element(
    'header',
    { 'data-trials': trials.length, 'data-ended': String(summary !== undefined) },
    element('h1', {}, escapeHtml(options.title)) + element('dl', {}, list),
  )
}

function contourCaption(metric: string): string {
  return `Binned heat map, not an interpolated surface: each cell holding trials takes the colour of the best ${metric} among them; points are the trials. Pick the pair of parameters.`
}

function importanceCaption(importance: Importance | undefined, metric: string): string {
  if (importance === undefined) return `How much ${metric} depends on each parameter.`
  return `How much ${metric} depends on each parameter: ${importance.method}, over the ${importance.trials} trials with a final ${metric} (a stopped trial counts with its last value).`
}

/** The pair selector and one pre-drawn heat map per pair; the most important pair is shown first. */
function contourSection(model: ReportModel, importance: Importance | undefined): string {
  if (model.params.length < 2) return emptyChart('contour', 'A contour needs at least two parameters.')
  if (!model.trials.some((t) => t.value !== undefined))
    return emptyChart('contour', `No trial has reported ${model.experiment.metric} yet.`)
  const rank = new Map(importance?.ranked.map((r, i) => [r.name, i]))
  const ordered = [...model.params].sort((a, b) => (rank.get(a.name) ?? 0) - (rank.get(b.name) ?? 0)).slice(0, CONTOUR_PARAMS)
  const pairs: [ParamInfo, ParamInfo][] = []
  for (let i = 0; i < ordered.length; i++)
    for (let j = i + 1; j < ordered.length; j++) pairs.push([ordered[i] as ParamInfo, ordered[j] as ParamInfo])
  const key = ([a, b]: [ParamInfo, ParamInfo]) => `${a.name} × ${b.name}`
  const options = pairs.map((pair, i) => element('option', { value: key(pair), selected: i === 0 }, escapeHtml(key(pair)))).join('')
  const select = element('label', { class: 'controls' }, `pair ${element('select', { id: 'contour-pair' }, options)}`)
  const charts = pairs
    .map((pair, i) =>
      element('div', { class: 'contour-pair', 'data-pair': key(pair), hidden: i !== 0 }, contourChart(model, pair[0], pair[1])),
    )
    .join('')
  return select + charts
}
