/**
 * The report opened in a real browser: Debian's chromium, driven by
 * playwright-core, from a file:// URL with every request but the file's own
 * refused. Each chart must have drawn what the experiment holds.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIFOScheduler, loadExperiment, RandomSearch, type TrialInfo, writeReport } from '../../src/index.ts'
import { runExperiment, SPACE } from './experiment.ts'

/**
 * The browser: HYPERPOOL_CHROMIUM when set (CI sets it, after installing Debian's chromium if it was
 * missing), so there the test runs or fails, never skips; else Debian's path, skipped with a warning if absent.
 */
const CHROMIUM = process.env.HYPERPOOL_CHROMIUM || '/usr/bin/chromium'
const REQUIRED = Boolean(process.env.HYPERPOOL_CHROMIUM)
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const PARAMS = ['lr', 'layers', 'act', 'dropout']
/** Where to keep the page's picture: docs/report.png when HYPERPOOL_SCREENSHOT asks for it, else a temporary file. */
const SCREENSHOT = process.env.HYPERPOOL_SCREENSHOT

const SKIP = !REQUIRED && !existsSync(CHROMIUM)
if (SKIP) console.warn(`report browser tests skipped: no ${CHROMIUM} (apt-get install chromium, or set HYPERPOOL_CHROMIUM)`)

/** What the page's script says it drew (counted from the DOM). */
interface Drawn {
  chart: string
  param?: string
  pair?: string
  empty: boolean
  visible: boolean
  points: number
  lines: number
  axes: number
  cells: number
  bars: number
}
interface Summary {
  charts: Drawn[]
  table: { rows: number; visible: number; order: number[]; sortColumn: number; descending: boolean }
  pair: string
  tip: string | undefined
  highlighted: number
}

describe.skipIf(SKIP)('the report in chromium', () => {
  let root: string
  let context: BrowserContext
  let page: Page
  let trials: readonly TrialInfo[]
  let url: string
  const requests: string[] = []
  /** The only URLs a page may load: the reports themselves. */
  const reports = new Set<string>()
  const problems: string[] = []

  /** The trial's last loss, when it is a finite number. */
  const value = (t: TrialInfo) => {
    const loss = t.lastResult?.loss
    return typeof loss === 'number' && Number.isFinite(loss) ? loss : undefined
  }
  /**
   * A new page on the report at `path`, once it is drawn: the report is let through the context's route, and the page's
   * console errors and warnings and its uncaught errors are added to `problems`.
   */
  const openReport = async (path: string): Promise<Page> => {
    const href = pathToFileURL(path).href
    reports.add(href)
    const opened = await context.newPage()
    opened.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`)
    })
    opened.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
    await opened.goto(href)
    await opened.waitForFunction("document.documentElement.dataset.ready === 'true'")
    return opened
  }
  // Strings, not functions: they run in the page, whose DOM types this project's Node-only config does not load.
  const summary = () => page.evaluate('window.__hyperpoolReport') as Promise<Summary>
  const charts = async (name: string) => (await summary()).charts.filter((c) => c.chart === name)

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'hyperpool-report-'))
    const dir = await runExperiment(root)
    const written = await writeReport(dir)
    trials = (await loadExperiment(dir)).results.trials
    url = pathToFileURL(written.path).href
    context = await chromium.launchPersistentContext(join(root, 'profile'), {
      executablePath: CHROMIUM,
      args: ARGS,
      viewport: { width: 1280, height: 900 },
    })
    // Everything the page asks for is recorded; anything but the report itself is refused.
    await context.route('**/*', (route) => (reports.has(route.request().url()) ? route.continue() : route.abort()))
    context.on('request', (request) => requests.push(request.url()))
    page = await openReport(written.path)
  }, 240_000)

  afterAll(async () => {
    await context?.close()
    await rm(root, { recursive: true, force: true })
  })

  it('ran a real experiment with stopped trials to show', () => {
    expect(trials.length).toBe(30)
    expect(trials.some((t) => t.state === 'stopped')).toBe(true)
    expect(trials.some((t) => t.state === 'completed')).toBe(true)
  })

  it('loads with no request but the file itself, no console error and no page error', () => {
    expect(requests).toEqual([url])
    expect(problems).toEqual([])
  })

  it('draws the optimization history: a point per trial with a value, one best-so-far line', async () => {
    const [history] = await charts('history')
    expect(history).toMatchObject({ points: trials.filter((t) => value(t) !== undefined).length, lines: 1, axes: 2, visible: true })
    // Every point sits inside the chart.
    const box = await page.locator('svg[data-chart="history"]').boundingBox()
    const points = await page.$$eval('[data-chart="history"] circle.pt', (circles) =>
      circles.map((c) => {
        const r = c.getBoundingClientRect()
        return { x: r.x, y: r.y, width: r.width, height: r.height }
      }),
    )
    expect(box).not.toBeNull()
    const { x, y, width, height } = box as { x: number; y: number; width: number; height: number }
    for (const p of points) {
      expect(p.width).toBeGreaterThan(0)
      expect(p.x >= x && p.x + p.width <= x + width && p.y >= y && p.y + p.height <= y + height).toBe(true)
    }
  })

  it('draws a learning curve per trial, with a cross where each stopped or errored trial ended', async () => {
    const [curves] = await charts('curves')
    const withCurve = trials.filter((t) => t.history.some((r) => typeof r.loss === 'number'))
    expect(curves).toMatchObject({ lines: withCurve.length, points: withCurve.filter((t) => t.state !== 'completed').length, axes: 2 })
    const stoppedLines = await page.$$eval('[data-chart="curves"] polyline.ln.stopped', (lines) => lines.length)
    expect(stoppedLines).toBe(withCurve.filter((t) => t.state === 'stopped').length)
    // A stopped line is drawn dimmer than a completed one.
    const opacity = (state: string) =>
      page.$eval(`[data-chart="curves"] polyline.ln.${state}:not(.best)`, (line) =>
        Number(line.ownerDocument.defaultView?.getComputedStyle(line).opacity),
      )
    expect(await opacity('stopped')).toBeLessThan(await opacity('completed'))
  })

  it('draws parallel coordinates: an axis per parameter and the metric (log, integer, categorical), a line per trial', async () => {
    const [parallel] = await charts('parallel')
    expect(parallel).toMatchObject({ axes: PARAMS.length + 1, lines: trials.filter((t) => value(t) !== undefined).length })
    const scales = await page.$$eval('[data-chart="parallel"] .axis', (axes) =>
      axes.map((a) => [a.getAttribute('data-axis'), a.getAttribute('data-scale')]),
    )
    expect(Object.fromEntries(scales)).toEqual({ lr: 'log', layers: 'linear', act: 'category', dropout: 'linear', loss: 'linear' })
    const actTicks = await page.$$eval('[data-chart="parallel"] [data-axis="act"] text.tick', (texts) => texts.map((t) => t.textContent))
    expect(actTicks).toEqual(['relu', 'tanh', 'gelu'])
  })

  it('draws a slice per parameter with a point per trial', async () => {
    const slices = await charts('slice')
    expect(slices.map((s) => s.param)).toEqual(PARAMS)
    for (const slice of slices) expect(slice).toMatchObject({ points: trials.filter((t) => value(t) !== undefined).length, axes: 2 })
  })

  it('draws the contour of the chosen pair, and another pair when chosen', async () => {
    const contours = await charts('contour')
    expect(contours).toHaveLength((PARAMS.length * (PARAMS.length - 1)) / 2)
    const shown = contours.filter((c) => c.visible)
    expect(shown).toHaveLength(1)
    const scored = trials.filter((t) => value(t) !== undefined).length
    expect(shown[0]?.points).toBe(scored)
    expect(shown[0]?.cells).toBeGreaterThan(0)
    expect(shown[0]?.cells).toBeLessThanOrEqual(scored)
    const other = contours.find((c) => !c.visible)?.pair as string
    await page.selectOption('#contour-pair', other)
    const after = (await charts('contour')).filter((c) => c.visible)
    expect(after.map((c) => c.pair)).toEqual([other])
    expect((await summary()).pair).toBe(other)
  })

  it('draws a bar per parameter for importance and names the method', async () => {
    const [importance] = await charts('importance')
    expect(importance?.bars).toBe(PARAMS.length)
    const caption = await page.textContent('#importance .caption')
    expect(caption).toMatch(/permutation importance on out-of-bag trials, over a random forest of 64 trees/)
    const shares = await page.$$eval('[data-chart="importance"] .bar', (bars) => bars.map((b) => Number(b.getAttribute('data-share'))))
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2)
  })

  it('draws the empirical distribution: a step line and a point per value', async () => {
    const [edf] = await charts('edf')
    expect(edf).toMatchObject({ points: trials.filter((t) => value(t) !== undefined).length, lines: 1, axes: 2 })
  })

  it('names the trial under the pointer and lights it up in every chart and the table', async () => {
    const trial = trials.find((t) => value(t) !== undefined && t.state === 'stopped') as TrialInfo
    await page.hover(`[data-chart="history"] circle.pt[data-trial="${trial.id}"]`)
    const { tip, highlighted } = await summary()
    expect(tip).toContain(`trial: ${trial.id}\nstate: stopped\n`)
    expect(tip).toContain(`act: ${trial.config.act}`)
    // history, curve and its cross, parallel, 4 slices, 6 contour pairs, the distribution, the table row
    expect(highlighted).toBe(16)
    expect(await page.$$eval('.hl', (marks) => marks.length)).toBe(16)
    await page.hover('h1')
    expect(await summary()).toMatchObject({ tip: undefined, highlighted: 0 })
  })

  it('sorts the trial table by a clicked column, both ways', async () => {
    expect((await summary()).table).toMatchObject({ rows: trials.length, visible: trials.length })
    await page.click('#trials th:has-text("loss") button')
    const byLoss = [...trials].sort((a, b) => {
      const [va, vb] = [value(a), value(b)]
      if (va === undefined || vb === undefined) return va === undefined ? (vb === undefined ? a.id - b.id : 1) : -1
      return va - vb || a.id - b.id
    })
    expect((await summary()).table.order).toEqual(byLoss.map((t) => t.id))
    await page.click('#trials th:has-text("loss") button')
    const descending = (await summary()).table.order
    const scored = byLoss.filter((t) => value(t) !== undefined)
    expect(descending.slice(0, scored.length)).toEqual(
      [...scored].sort((a, b) => (value(b) as number) - (value(a) as number) || a.id - b.id).map((t) => t.id),
    )
    expect(await page.getAttribute('#trials th:has-text("loss")', 'aria-sort')).toBe('descending')
  })

  it('filters the trial table by state and by text', async () => {
    await page.selectOption('#state-filter', 'stopped')
    const stopped = trials.filter((t) => t.state === 'stopped').length
    expect((await summary()).table.visible).toBe(stopped)
    expect(await page.textContent('#trial-count')).toBe(`${stopped} of ${trials.length} trials`)
    await page.selectOption('#state-filter', '')
    await page.fill('#trial-filter', 'tanh')
    expect((await summary()).table.visible).toBe(trials.filter((t) => t.config.act === 'tanh').length)
    await page.fill('#trial-filter', '')
    expect((await summary()).table.visible).toBe(trials.length)
  })

  it('takes a full-page screenshot', async () => {
    await page.click('#trials th:has-text("trial") button')
    await page.evaluate('window.scrollTo(0, 0)')
    const path = SCREENSHOT === undefined ? join(root, 'report.png') : resolve(SCREENSHOT)
    const picture = await page.screenshot({ path, fullPage: true })
    expect(picture.length).toBeGreaterThan(10_000)
    expect(problems).toEqual([])
  })
  it('draws the Pareto front of a multi-objective run: a point per trial with both objectives, the front larger on a step line', async () => {
    // Random search: its configs do not depend on which trial ended first, as TPE's do with two threads, so the
    // front is the same in every run (TPE once proposed a set whose front was one trial, 1 run in many).
    const dir = await runExperiment(join(root, 'two-objectives'), {
      numSamples: 16,
      metric: ['loss', 'latency'],
      mode: ['min', 'min'],
      space: { ...SPACE, latency: true },
      search: new RandomSearch(),
      scheduler: new FIFOScheduler(),
    })
    const { path } = await writeReport(dir)
    const results = (await loadExperiment(dir)).results
    const both = results.trials.filter((t) => [t.lastResult?.loss, t.lastResult?.latency].every((v) => typeof v === 'number'))
    const front = results.paretoFront().map((t) => t.id)
    expect(front.length).toBeGreaterThan(1)
    const second = await openReport(path)
    const drawn = ((await second.evaluate('window.__hyperpoolReport')) as Summary).charts
    expect(drawn[0]).toMatchObject({ chart: 'pareto', points: both.length, lines: 1, axes: 2, visible: true, empty: false })
    const onFront = await second.$$eval('[data-chart="pareto"] circle.pt.front', (marks) =>
      marks.map((m) => Number(m.getAttribute('data-trial'))),
    )
    expect([...onFront].sort((a, b) => a - b)).toEqual(front)
    // A front point is drawn larger than the others, and pointing at it names it as on the front.
    const radius = (selector: string) => second.$eval(`[data-chart="pareto"] ${selector}`, (c) => c.getBoundingClientRect().width)
    expect(await radius('circle.pt.front')).toBeGreaterThan(await radius('circle.pt:not(.front)'))
    // The last one drawn: no other point lies over it.
    const pointed = onFront.at(-1) as number
    await second.hover(`[data-chart="pareto"] circle.pt.front[data-trial="${pointed}"]`)
    const { tip } = (await second.evaluate('window.__hyperpoolReport')) as Summary
    expect(tip).toContain(`trial: ${pointed}\n`)
    await second.close()
    expect(problems).toEqual([])
  }, 120_000)

  it("marks an interrupted run's paused trials: dashed amber curves ending in a ring, a state to filter on", async () => {
    // A run ended early through its signal, once two trials have ended and a later one is at its third report:
    // the trials then running are paused with curves under way, and a restore would continue them.
    const stop = new AbortController()
    let ended = 0
    const dir = await runExperiment(join(root, 'interrupted'), {
      numSamples: 12,
      space: { ...SPACE, epochs: 6, pauseMs: 30 },
      search: new RandomSearch(),
      scheduler: new FIFOScheduler(),
      signal: stop.signal,
      trackers: [
        {
          onTrialEnd: () => void ended++,
          onTrialResult: (_trial, result) => void (ended >= 2 && result.training_iteration === 3 && stop.abort()),
        },
      ],
    })
    const { path } = await writeReport(dir)
    const stopped = (await loadExperiment(dir)).results.trials
    const paused = stopped.filter((t) => t.state === 'paused')
    expect(paused.length).toBeGreaterThan(0)
    const second = await openReport(path)
    const drawn = ((await second.evaluate('window.__hyperpoolReport')) as Summary).charts
    const curves = drawn.find((c) => c.chart === 'curves')
    const withCurve = stopped.filter((t) => t.history.some((r) => typeof r.loss === 'number'))
    expect(curves).toMatchObject({ lines: withCurve.length, points: withCurve.filter((t) => t.state !== 'completed').length })
    const pausedWithCurve = withCurve.filter((t) => t.state === 'paused').map((t) => t.id)
    expect(pausedWithCurve.length).toBeGreaterThan(0)
    const ringed = await second.$$eval('[data-chart="curves"] circle.pt.open.paused', (rings) =>
      rings.map((r) => Number(r.getAttribute('data-trial'))),
    )
    expect(ringed.sort((a, b) => a - b)).toEqual(pausedWithCurve)
    const dash = await second.$eval(
      '[data-chart="curves"] polyline.ln.paused',
      (line) => line.ownerDocument.defaultView?.getComputedStyle(line).strokeDasharray,
    )
    expect(dash).not.toBe('none')
    expect(await second.textContent('header')).toContain('(interrupted)')
    await second.selectOption('#state-filter', 'paused')
    expect(await second.textContent('#trial-count')).toBe(`${paused.length} of ${stopped.length} trials`)
    await second.close()
    expect(problems).toEqual([])
  }, 120_000)
})
