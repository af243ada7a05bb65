import { appendFile, cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ConfigError,
  choice,
  type ExperimentInfo,
  lograndint,
  loguniform,
  randint,
  type TrialInfo,
  uniform,
  writeReport,
} from '../../src/index.ts'
import { goodnessOf } from '../../src/report/charts/frame.ts'
import { reportModel } from '../../src/report/model.ts'
import { renderPage } from '../../src/report/page.ts'
import { categoryScale, linearScale, logScale } from '../../src/report/scale.ts'
import { runExperiment } from './experiment.ts'

const experiment: ExperimentInfo = {
  name: 'unit',
  metric: 'loss',
  mode: 'min',
  seed: 1,
  numSamples: 3,
  plannedTrials: 3,
  concurrency: 1,
  space: {
    opt: { lr: loguniform(1e-4, 1e-1), kind: choice(['<b>adam</b>', 'sgd']) },
    width: lograndint(8, 512),
    depth: randint(1, 4),
    drop: uniform(0, 1),
    epochs: 5,
  },
  searcher: 'RandomSearch',
  scheduler: 'FIFOScheduler',
  startedAt: '2026-01-01T00:00:00.000Z',
}

function trial(id: number, config: Record<string, unknown>, losses: number[], state: TrialInfo['state'] = 'completed'): TrialInfo {
  const history = losses.map((loss, i) => ({ loss, training_iteration: i + 1, trial_id: id, time_total_s: i }))
  return {
    id,
    config,
    state,
    seed: id,
    lastResult: history.at(-1),
    history,
    error: state === 'errored' ? new Error('boom <x>') : undefined,
  }
}

const trials = [
  trial(0, { opt: { lr: 0.01, kind: 'sgd' }, width: 64, depth: 2, drop: 0.1, epochs: 5 }, [3, 2, 1]),
  trial(1, { opt: { lr: 0.001, kind: '<b>adam</b>' }, width: 16, depth: 3, drop: 0.5, epochs: 5 }, [4], 'stopped'),
  trial(2, { opt: { lr: 0.05, kind: 'sgd' }, width: 256, depth: 1, drop: 0.9, epochs: 5 }, [5, Number.NaN], 'errored'),
]
const loaded = (ts: readonly TrialInfo[], info: ExperimentInfo = experiment) => ({
  experiment: info,
  trials: ts,
  summary: undefined,
  journal: true,
})

describe('the report model', () => {
  it("gives each parameter the space's axis: log, integer, categorical; constants are not parameters", () => {
    const model = reportModel(loaded(trials))
    expect(model.params.map((p) => [p.name, p.kind, p.integer])).toEqual([
      ['opt/lr', 'log', false],
      ['opt/kind', 'category', false],
      ['width', 'log', true],
      ['depth', 'linear', true],
      ['drop', 'linear', false],
    ])
    expect(model.params[1]?.categories).toEqual(['<b>adam</b>', 'sgd'])
  })

  it("takes a trial's last finite metric as its value, and keeps the best", () => {
    const model = reportModel(loaded(trials))
    expect(model.trials.map((t) => t.value)).toEqual([1, 4, undefined])
    expect(model.trials[2]?.curve).toEqual([[1, 5]])
    expect(model.best?.id).toBe(0)
    expect(model.trials[2]?.error).toBe('Error: boom <x>')
  })

  it('guesses the parameters from the configs when the space cannot be read', () => {
    const model = reportModel(loaded(trials, { ...experiment, space: { lr: { $domain: 'from-the-future' } } }))
    expect(model.params.map((p) => [p.name, p.kind])).toEqual([
      ['opt/lr', 'linear'],
      ['opt/kind', 'category'],
      ['width', 'linear'],
      ['depth', 'linear'],
      ['drop', 'linear'],
    ])
  })
})

describe('scales', () => {
  it('tick a log axis at powers of ten, an integer axis at whole numbers, a categorical one per category', () => {
    expect(logScale([1e-4, 0.1], [0, 100]).ticks.map((t) => t.label)).toEqual(['1e-4', '0.001', '0.01', '0.1'])
    expect(linearScale([1, 3], [0, 100], 5, true).ticks.map((t) => t.label)).toEqual(['1', '2', '3'])
    const category = categoryScale(['a', 'b'], [0, 100])
    expect([category.place('a'), category.place('b'), category.place('c')]).toEqual([25, 75, undefined])
    expect(logScale([1, 100], [0, 100]).place(10)).toBeCloseTo(50)
  })
})

describe('the page', () => {
  const html = renderPage(reportModel(loaded(trials)), { title: 'a <title>', writtenAt: new Date(0), refreshS: 0 })

  it('rates a value between the worst and the best for colour, and every value best when all are equal', () => {
    expect([1, 2, 3].map(goodnessOf([1, 2, 3], 'min'))).toEqual([1, 0.5, 0])
    expect([1, 2, 3].map(goodnessOf([1, 2, 3], 'max'))).toEqual([0, 0.5, 1])
    // No spread to divide by: not NaN (which would leave the marks uncoloured), the best colour for all.
    expect([4, 4].map(goodnessOf([4, 4], 'min'))).toEqual([1, 1])
    expect(goodnessOf([], 'max')(0)).toBe(1)
  })

  it('escapes every name and value: one script element, the one it brings', () => {
    expect(html.match(/<script/g)).toHaveLength(1)
    expect(html).not.toContain('<b>adam</b>')
    expect(html).toContain('&lt;b&gt;adam&lt;/b&gt;')
    expect(html).toContain('a &lt;title&gt;')
  })

  it('points at nothing outside itself', () => {
    expect(html).not.toMatch(/\s(src|srcset|action|poster)=/)
    expect([...html.matchAll(/\shref="([^"]*)"/g)].map((m) => m[1]).every((href) => href?.startsWith('#'))).toBe(true)
    expect(html).not.toMatch(/url\((?!#)/)
    expect(html).not.toMatch(/@import|sourceMappingURL/)
  })

  it('counts the trials by state in the order and words the console uses, not the order they were met', () => {
    // By id, the first trial errored and the second stopped: met in that order.
    const met = [
      { ...trials[2], id: 0 },
      { ...trials[1], id: 1 },
      { ...trials[0], id: 2 },
      { ...trials[0], id: 3 },
    ] as TrialInfo[]
    const html = renderPage(reportModel(loaded(met)), { title: 'states', writtenAt: new Date(0), refreshS: 0 })
    expect(html).toContain('4 of 3 planned: 2 completed, 1 stopped, 1 errored')
  })

  it('notes what it cannot draw for an experiment without trials', () => {
    const empty = renderPage(reportModel(loaded([])), { title: 'empty', writtenAt: new Date(0), refreshS: 0 })
    for (const chart of ['history', 'curves', 'parallel', 'slice', 'contour', 'importance', 'edf']) {
      expect(empty).toMatch(new RegExp(`data-chart="${chart}" data-empty="true"`))
    }
  })

  it("ends a stopped or errored trial's learning curve in a cross, a paused or running one's in an open ring", () => {
    const more = [
      ...trials,
      trial(3, { opt: { lr: 0.02, kind: 'sgd' }, width: 32, depth: 2, drop: 0.2, epochs: 5 }, [3, 2.5], 'paused'),
      trial(4, { opt: { lr: 0.03, kind: 'sgd' }, width: 8, depth: 1, drop: 0.3, epochs: 5 }, [2.8], 'running'),
    ]
    const page = renderPage(reportModel(loaded(more)), { title: 't', writtenAt: new Date(0), refreshS: 0 })
    const curves = /<svg[^>]*data-chart="curves".*?<\/svg>/s.exec(page)?.[0] ?? ''
    const marks = [...curves.matchAll(/class="pt ([a-z ]+)"[^>]*data-trial="(\d+)"/g)].map((m) => `${m[2]}: ${m[1]}`)
    expect(marks.sort()).toEqual(['1: stop stopped', '2: stop errored', '3: open paused', '4: open running'])
    expect(curves).toMatch(/<polyline class="ln paused"[^>]*data-trial="3"/)
    expect(page).toContain('dashed amber with a ring: paused or running')
  })

  it("says what it knows of an experiment without an end: a journal nobody holds stopped, a JsonlTracker's log may still run", () => {
    const page = (journal: boolean) =>
      renderPage(reportModel({ ...loaded(trials), journal }), { title: 't', writtenAt: new Date(0), refreshS: 0 })
    expect(page(true)).toContain('no end recorded, and no live process holds it: stopped before its end (a restore continues it)')
    expect(page(false)).toContain(
      'no end recorded: running, or stopped before its end (a JsonlTracker&#39;s log, which no lock marks as running)',
    )
  })

  it('reloads itself only when asked to', () => {
    expect(html).not.toContain('http-equiv="refresh"')
    expect(renderPage(reportModel(loaded(trials)), { title: 't', writtenAt: new Date(0), refreshS: 5 })).toContain(
      '<meta http-equiv="refresh" content="5"/>',
    )
  })
})

describe('writeReport', () => {
  let root: string
  let dir: string
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'hyperpool-write-'))
    dir = await runExperiment(root, { numSamples: 4, concurrency: 1 })
  })
  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('writes <dir>/report.html by default, titled with the experiment', async () => {
    const written = await writeReport(dir)
    expect(written).toMatchObject({ path: join(dir, 'report.html'), trials: 4, ended: true })
    const html = await readFile(written.path, 'utf8')
    expect(written.bytes).toBe(Buffer.byteLength(html))
    expect(html).toContain('<title>exp — hyperpool report</title>')
  })

  it('makes the folder of `out`, takes a title, and leaves no temporary file', async () => {
    const out = join(root, 'nested', 'deeper', 'r.html')
    await writeReport(dir, { out, title: 'My run' })
    expect(await readFile(out, 'utf8')).toContain('<h1>My run</h1>')
    expect(await readdir(join(root, 'nested', 'deeper'))).toEqual(['r.html'])
  })

  it('shows a restored experiment as running again until its new session ends', async () => {
    // The journal of a finished run, then the line a restore writes as it begins a session.
    const restored = join(root, 'restored')
    await cp(dir, restored, { recursive: true })
    const session = { event: 'session', session: 2, pid: 1, host: 'h', at: '2026-01-01T00:00:00.000Z', concurrency: 1, t: 1 }
    await appendFile(join(restored, 'experiment.jsonl'), `${JSON.stringify(session)}\n`)
    const written = await writeReport(restored)
    expect(written).toMatchObject({ trials: 4, ended: false })
    expect(await readFile(written.path, 'utf8')).toContain('no end recorded')
  })

  it('refuses an `out` it cannot write with a ConfigError naming it, and leaves no temporary file', async () => {
    const error = await writeReport(dir, { out: root }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ConfigError)
    expect(error).toMatchObject({
      field: 'out',
      message: expect.stringMatching(/^writeReport\(\{ out \}\): cannot write the report to ".*" \(.*\); give a file path/),
    })
    const blocked = join(root, 'a-file')
    await writeFile(blocked, '')
    await expect(writeReport(dir, { out: join(blocked, 'r.html') })).rejects.toThrow(
      /^writeReport\(\{ out \}\): cannot write the report to/,
    )
    expect((await readdir(root)).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it('rejects with the reason of an aborted signal and writes nothing', async () => {
    const out = join(root, 'aborted.html')
    await expect(writeReport(dir, { out, signal: AbortSignal.abort(new Error('user stop')) })).rejects.toThrow('user stop')
    expect((await readdir(root)).filter((name) => name.startsWith('aborted'))).toEqual([])
  })
})
