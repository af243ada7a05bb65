import { describe, expect, it } from 'vitest'
import { paretoChart } from '../../src/report/charts/pareto.ts'
import { reportModel } from '../../src/report/model.ts'
import { renderPage } from '../../src/report/page.ts'
import { trialTable } from '../../src/report/table.ts'
import type { ExperimentInfo, TrialInfo } from '../../src/types.ts'

const experiment: ExperimentInfo = {
  name: 'mo',
  metric: 'loss',
  mode: 'min',
  objectives: [
    { metric: 'loss', mode: 'min' },
    { metric: 'ms', mode: 'min' },
  ],
  seed: 1,
  numSamples: 4,
  plannedTrials: 4,
  concurrency: 1,
  space: {},
  searcher: 'TPESearch',
  scheduler: 'FIFOScheduler',
  startedAt: '2026-01-01T00:00:00.000Z',
}

function trial(id: number, loss: number, ms?: number): TrialInfo {
  const result = { loss, ...(ms === undefined ? {} : { ms }), training_iteration: 1, trial_id: id, time_total_s: 1 }
  return { id, config: { x: id }, state: 'completed', seed: id, lastResult: result, history: [result], error: undefined }
}

// Trials 0, 1 and 3 are the front; 2 is dominated by 1; 4 lacks ms.
const trials = [trial(0, 1, 5), trial(1, 2, 2), trial(2, 3, 3), trial(3, 0.5, 9), trial(4, 0.1)]
const model = reportModel({ experiment, trials, summary: undefined, journal: true })

describe('the report of a multi-objective experiment', () => {
  it('marks the front in the model, by every objective', () => {
    expect(model.trials.filter((t) => t.front).map((t) => t.id)).toEqual([0, 1, 3])
    expect(model.trials.map((t) => t.objectiveValues)).toEqual([[1, 5], [2, 2], [3, 3], [0.5, 9], undefined])
  })

  it('draws a point per trial with both objectives, the front larger, joined by a step line', () => {
    const svg = paretoChart(model)
    expect(svg).toContain('data-chart="pareto"')
    expect(svg).toContain('data-front="3"')
    expect(svg.match(/<circle class="pt front"/g)).toHaveLength(3)
    expect(svg.match(/<circle class="pt /g)).toHaveLength(4)
    expect(svg.match(/<path class="ln front"/g)).toHaveLength(1)
  })

  it('draws the front over the other points, so that none of them can cover a front point', () => {
    const drawn = [...paretoChart(model).matchAll(/<circle class="pt ([a-z]+)"[^>]*data-trial="(\d+)"/g)]
    expect(drawn.map((m) => `${m[2]} ${m[1]}`)).toEqual(['2 completed', '0 front', '1 front', '3 front'])
  })

  it('puts the front first on the page and names every objective in the header', () => {
    const page = renderPage(model, { title: 'mo', writtenAt: new Date(0), refreshS: 0 })
    expect(page).toContain('<section id="pareto">')
    expect(page.indexOf('id="pareto"')).toBeLessThan(page.indexOf('id="history"'))
    expect(page).toContain('<dt>objectives</dt><dd>loss (min), ms (min)</dd>')
    expect(page).toContain('<dt>front</dt><dd>3 trials on the Pareto front</dd>')
  })

  it('lists every objective in the trial table, and a front column, with the front rows standing out', () => {
    const table = trialTable(model)
    const headings = [...table.matchAll(/<th [^>]*><button type="button">([^<]*)<\/button><\/th>/g)].map((m) => m[1])
    expect(headings).toEqual(['trial', 'state', 'x', 'loss', 'ms', 'front', 'iterations', 'error'])
    const marked = [...table.matchAll(/<tr data-trial="(\d+)" data-state="completed" class="front">/g)].map((m) => Number(m[1]))
    expect(marked).toEqual([0, 1, 3])
    // Trial 4 has a loss and no ms: its loss still shows, its ms cell is empty.
    expect(table).toMatch(/<tr data-trial="4"[^>]*>(<td[^>]*>[^<]*<\/td>){3}<td data-key="0.1">0.1<\/td><td>/)
    expect(table).not.toContain('class="best"')
  })

  it('has no front section for one objective', () => {
    const one = reportModel({ experiment: { ...experiment, objectives: undefined }, trials, summary: undefined, journal: true })
    expect(renderPage(one, { title: 'one', writtenAt: new Date(0), refreshS: 0 })).not.toContain('id="pareto"')
  })
})
