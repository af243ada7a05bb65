/**
 * What keeping TPE's estimators between suggestions saves: today's
 * src/search/tpe/tpe.ts against the one before the change (read from git,
 * commit BEFORE, its siblings shared), on the same history, in one process,
 * alternating repeats, medians. Both must suggest the same configs (checked
 * here; tests/search/tpe-replay.test.ts pins them bit for bit).
 *
 *   npx tsx bench/tpe-reuse.ts            # 1,000 finished trials, 10 parameters
 *   npx tsx bench/tpe-reuse.ts --quick    # 200 finished trials
 *
 * Run from the repository root (it reads git). Not part of `npm run bench`:
 * the old file needs a TypeScript loader.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Searcher } from '../src/search/searcher.ts'
import { type Space, uniform } from '../src/search/space.ts'
import type { TPEOptions } from '../src/search/tpe/options.ts'
import { TPESearch } from '../src/search/tpe/tpe.ts'
import { fmt, median, quick, writeResults } from './lib/report.ts'

/** The last commit whose tpe.ts rebuilt both estimators on every suggestion. */
const BEFORE = '281b050'
const FINISHED = quick ? 200 : 1000
const PARAMS = 10
const ROUNDS = quick ? 3 : 7
const BATCHES = quick ? 5 : 20

const tpeDir = resolve('src/search/tpe')
const old = execFileSync('git', ['show', `${BEFORE}:src/search/tpe/tpe.ts`], { encoding: 'utf8' })
  .replaceAll("from './", `from '${pathToFileURL(tpeDir).href}/`)
  .replaceAll("from '../", `from '${pathToFileURL(resolve('src/search')).href}/`)
const oldFile = join(mkdtempSync(join(tmpdir(), 'tpe-before-')), 'tpe.ts')
writeFileSync(oldFile, old)
const { TPESearch: OldTPESearch } = (await import(pathToFileURL(oldFile).href)) as { TPESearch: new (o?: TPEOptions) => Searcher }

const space: Space = Object.fromEntries(Array.from({ length: PARAMS }, (_, i) => [`x${i}`, uniform(0, 1)]))
const loss = (config: Record<string, unknown>) => Object.values(config).reduce<number>((t, v) => t + ((v as number) - 0.3) ** 2, 0)

/** A searcher with FINISHED finished trials (suggested by itself). */
function grown(make: () => Searcher): Searcher {
  const search = make()
  search.setup({ space, metric: 'loss', mode: 'min', seed: 3, numSamples: 1e9 })
  for (let id = 0; id < FINISHED; id++) {
    const config = search.suggest(id) as Record<string, unknown>
    search.onTrialComplete(id, { loss: loss(config), training_iteration: 1, trial_id: id, time_total_s: 0 }, 'completed')
  }
  return search
}

/**
 * ms per suggestion when `batch` trials are asked between tells (a pool of `batch` workers refilled at
 * once, or Study.ask called `batch` times); the asked trials are then told errored, so the history keeps its size.
 * Returns the time and the configs, to check both versions agree.
 */
function measure(search: Searcher, batch: number, firstId: number): { ms: number; configs: string } {
  const configs: unknown[] = []
  let spent = 0
  let id = firstId
  for (let b = 0; b < BATCHES; b++) {
    const ids: number[] = []
    const started = performance.now()
    for (let i = 0; i < batch; i++) {
      ids.push(id)
      configs.push(search.suggest(id++))
    }
    spent += performance.now() - started
    for (const done of ids) search.onTrialComplete(done, undefined, 'errored')
  }
  return { ms: spent / (BATCHES * batch), configs: JSON.stringify(configs) }
}

const rows: Array<Array<string | number>> = []
for (const options of [{}, { constantLiar: false }] as const) {
  for (const batch of [1, 8]) {
    const before = grown(() => new OldTPESearch(options))
    const after = grown(() => new TPESearch(options))
    const times: { before: number[]; after: number[] } = { before: [], after: [] }
    // Round 0 warms both up (the JIT) and is not counted.
    for (let round = 0; round <= ROUNDS; round++) {
      const firstId = 1e6 * (round + 1)
      // Alternate which goes first, so neither always runs on a warmer machine.
      const order = round % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const)
      const got: Record<string, string> = {}
      for (const which of order) {
        const { ms, configs } = measure(which === 'before' ? before : after, batch, firstId)
        if (round > 0) times[which].push(ms)
        got[which] = configs
      }
      if (got.before !== got.after) throw new Error(`the two versions suggested different configs (batch ${batch})`)
    }
    const [b, a] = [median(times.before), median(times.after)]
    rows.push([options.constantLiar === false ? 'off' : 'on (default)', batch, fmt(b, 3), fmt(a, 3), `${fmt(b / a, 3)}×`])
  }
}

writeResults('tpe-reuse', [
  {
    title: `TPE ms per suggestion, estimators rebuilt every suggestion (before) or once per change of the history (after), ${FINISHED} finished trials × ${PARAMS} parameters`,
    columns: ['constant liar', 'asks between tells', 'before ms', 'after ms', 'before / after'],
    rows,
    note: `Multivariate TPE, default options otherwise; uniform(0, 1) parameters. Before: src/search/tpe/tpe.ts at ${BEFORE}; after: the working tree; everything else shared. Medians of ${ROUNDS} alternating rounds (after one warm-up round) of ${BATCHES} batches each, the same trials and seeds, and both suggested the same configs in every round. With one ask per tell (a sequential study) every suggestion follows a change of the history, so nothing can be reused; with the constant liar, g(x) changes with every ask (the new trial joins the bad set) and only l(x) is reused.`,
  },
])
