import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LOGGER_OPTIONS } from '../../src/logger.ts'
import { Computed, Deferred, type Kind, NestedKind, type OptionSet, type Schema } from '../../src/options/index.ts'
import { REPORT_OPTIONS, WATCH_REPORT_OPTIONS } from '../../src/report/options.ts'
import { ASHA_OPTIONS, ASHAScheduler } from '../../src/scheduler/asha.ts'
import { FIFO_OPTIONS } from '../../src/scheduler/fifo.ts'
import { HYPERBAND_OPTIONS, HyperBandScheduler } from '../../src/scheduler/hyperband.ts'
import { MEDIAN_OPTIONS, MedianStoppingRule } from '../../src/scheduler/median.ts'
import { PBT_OPTIONS, PopulationBasedTraining } from '../../src/scheduler/pbt.ts'
import { AUTO_OPTIONS, AutoSearch } from '../../src/search/auto.ts'
import { GPSearch } from '../../src/search/gp/gp.ts'
import { GP_OPTIONS } from '../../src/search/gp/options.ts'
import { GRID_OPTIONS } from '../../src/search/grid.ts'
import { RANDOM_OPTIONS } from '../../src/search/random.ts'
import { TPE_OPTIONS } from '../../src/search/tpe/options.ts'
import { TPESearch } from '../../src/search/tpe/tpe.ts'
import { CONSOLE_OPTIONS } from '../../src/tracker/console/console.ts'
import { CSV_OPTIONS } from '../../src/tracker/csv/csv.ts'
import { MLFLOW_OPTIONS, resolveOptions } from '../../src/tracker/mlflow/options.ts'
import { TENSORBOARD_OPTIONS } from '../../src/tracker/tensorboard/tensorboard.ts'
import { STUDY_OPTIONS } from '../../src/tuner/ask-tell.ts'
import { TUNER_OPTIONS } from '../../src/tuner/options.ts'
import { RESTORE_OPTIONS } from '../../src/tuner/restore.ts'
import { BEST_OPTIONS, RESULT_GRID_OPTIONS } from '../../src/tuner/results.ts'
import { REDIS_EXECUTOR_OPTIONS } from '../../src/workers/redis/executor.ts'
import { REDIS_WORKER_OPTIONS } from '../../src/workers/redis/worker.ts'

/**
 * The documented defaults are the ones the code uses: each option's JSDoc
 * `@default` tag says what its schema's default says, and an option without a
 * default has no tag.
 */
const SRC = resolve(import.meta.dirname, '../../src')

/** An owner's option set, the file and interface that document it, and the interfaces of its nested options. */
interface Documented {
  readonly set: OptionSet<Schema>
  readonly file: string
  /** Undefined for owners without options (their type is `Record<string, never>`). */
  readonly type: string | undefined
  readonly nested?: Readonly<Record<string, readonly [file: string, type: string]>>
}

const OWNERS: readonly Documented[] = [
  { set: TUNER_OPTIONS, file: 'tuner/options.ts', type: 'TunerOptions', nested: { stop: ['tuner/stop.ts', 'StopCriteria'] } },
  { set: RESTORE_OPTIONS, file: 'tuner/restore.ts', type: 'RestoreOptions' },
  { set: REDIS_EXECUTOR_OPTIONS, file: 'workers/redis/executor.ts', type: 'RedisExecutorOptions' },
  { set: REDIS_WORKER_OPTIONS, file: 'workers/redis/worker.ts', type: 'RedisWorkerOptions' },
  { set: STUDY_OPTIONS, file: 'tuner/ask-tell.ts', type: 'StudyOptions' },
  { set: RESULT_GRID_OPTIONS, file: 'tuner/results.ts', type: 'ResultGridOptions' },
  { set: BEST_OPTIONS, file: 'tuner/results.ts', type: 'BestOptions' },
  { set: LOGGER_OPTIONS, file: 'logger.ts', type: 'LoggerOptions' },
  { set: REPORT_OPTIONS, file: 'report/options.ts', type: 'ReportOptions' },
  { set: WATCH_REPORT_OPTIONS, file: 'report/options.ts', type: 'WatchReportOptions' },
  { set: GRID_OPTIONS, file: 'search/grid.ts', type: 'GridSearchOptions' },
  { set: RANDOM_OPTIONS, file: 'search/random.ts', type: 'RandomSearchOptions' },
  { set: TPE_OPTIONS, file: 'search/tpe/options.ts', type: 'TPEOptions' },
  { set: GP_OPTIONS, file: 'search/gp/options.ts', type: 'GPOptions' },
  {
    set: AUTO_OPTIONS,
    file: 'search/auto.ts',
    type: 'AutoOptions',
    nested: { gp: ['search/gp/options.ts', 'GPOptions'], tpe: ['search/tpe/options.ts', 'TPEOptions'] },
  },
  { set: FIFO_OPTIONS, file: 'scheduler/fifo.ts', type: undefined },
  { set: ASHA_OPTIONS, file: 'scheduler/asha.ts', type: 'ASHAOptions' },
  { set: HYPERBAND_OPTIONS, file: 'scheduler/hyperband.ts', type: 'HyperBandOptions' },
  { set: MEDIAN_OPTIONS, file: 'scheduler/median.ts', type: 'MedianStoppingOptions' },
  { set: PBT_OPTIONS, file: 'scheduler/pbt.ts', type: 'PBTOptions' },
  { set: CONSOLE_OPTIONS, file: 'tracker/console/console.ts', type: 'ConsoleReporterOptions' },
  { set: CSV_OPTIONS, file: 'tracker/csv/csv.ts', type: 'CsvTrackerOptions' },
  { set: TENSORBOARD_OPTIONS, file: 'tracker/tensorboard/tensorboard.ts', type: 'TensorBoardTrackerOptions' },
  {
    set: MLFLOW_OPTIONS,
    file: 'tracker/mlflow/options.ts',
    type: 'MLflowTrackerOptions',
    nested: { retry: ['tracker/mlflow/options.ts', 'MLflowRetryOptions'] },
  },
]

/** Each property of `export interface <type>` in `file`, with its `@default` tag's text (undefined without one). */
function documentedDefaults(file: string, type: string): Map<string, string | undefined> {
  const text = readFileSync(join(SRC, file), 'utf8')
  const start = text.indexOf(`export interface ${type}`)
  expect(start, `${type} in ${file}`).toBeGreaterThanOrEqual(0)
  const body = text.slice(start, text.indexOf('\n}', start))
  const properties = new Map<string, string | undefined>()
  let doc = ''
  let inDoc = false
  for (const line of body.split('\n').slice(1)) {
    if (line.trim().startsWith('/**')) inDoc = true
    if (inDoc) doc += `${line.trim().replace(/^\/?\*+\/?\s?/, '')}\n`
    if (line.includes('*/')) {
      inDoc = false
      continue
    }
    const property = inDoc ? null : /^ {2}(?:readonly\s+)?(\w+)\??:/.exec(line)
    if (property) {
      properties.set(property[1] as string, /@default\s+(.+)$/m.exec(doc)?.[1]?.trim())
      doc = ''
    }
  }
  return properties
}

/** Whether a tag says what the schema says: the same words, or those words and a remark after a space. */
function agrees(tag: string | undefined, schema: string | undefined): boolean {
  if (schema === undefined || tag === undefined) return schema === tag
  return tag === schema || tag.startsWith(`${schema} `)
}

function checkDocumented(owner: string, schema: Schema, file: string, type: string): string[] {
  const documented = documentedDefaults(file, type)
  const problems: string[] = []
  expect([...documented.keys()].sort(), `${owner}: the options of ${type}`).toEqual(Object.keys(schema).sort())
  for (const [key, kind] of Object.entries(schema)) {
    const tag = documented.get(key)
    if (!agrees(tag, kind.defaultDoc)) problems.push(`${owner} ${key}: @default ${tag ?? '(none)'}, schema ${kind.defaultDoc ?? '(none)'}`)
  }
  return problems
}

describe('documented defaults', () => {
  it('cover every owner that declares options', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]))
    const declared = files(SRC)
      .filter((file) => !relative(SRC, file).startsWith('options/'))
      .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/^export const \w+ = defineOptions\('([\w.]+)'/gm)].map((m) => m[1]))
    expect(declared.sort()).toEqual(OWNERS.map((o) => o.set.owner).sort())
  })

  it.each(OWNERS.map((o) => [o.set.owner, o] as const))('%s: each @default tag says what the schema does', (owner, o) => {
    if (o.type === undefined) {
      expect(Object.keys(o.set.schema)).toEqual([])
      return
    }
    const problems = checkDocumented(owner, o.set.schema, o.file, o.type)
    for (const [key, [file, type]] of Object.entries(o.nested ?? {})) {
      const kind = o.set.schema[key]
      expect(kind).toBeInstanceOf(NestedKind)
      problems.push(...checkDocumented(`${owner} ${key}`, (kind as NestedKind<Schema>).schema, file, type))
    }
    expect(problems).toEqual([])
  })
})

/** The static defaults of a schema (not computed at each read, not left to the owner). */
function staticDefaults(schema: Schema): Record<string, unknown> {
  const defaults: Record<string, unknown> = {}
  for (const [key, kind] of Object.entries(schema) as [string, Kind<unknown, boolean>][]) {
    const fallback = kind.fallback
    if (fallback !== undefined && !(fallback instanceof Computed) && !(fallback instanceof Deferred)) defaults[key] = fallback
  }
  return defaults
}

describe('the defaults in force', () => {
  it('are the schemas’: the schedulers, TPESearch, GPSearch and AutoSearch built without options hold them', () => {
    const built: Array<[Schema, Record<string, unknown>]> = [
      [ASHA_OPTIONS.schema, new ASHAScheduler() as unknown as Record<string, unknown>],
      [HYPERBAND_OPTIONS.schema, new HyperBandScheduler() as unknown as Record<string, unknown>],
      [MEDIAN_OPTIONS.schema, new MedianStoppingRule() as unknown as Record<string, unknown>],
      [PBT_OPTIONS.schema, new PopulationBasedTraining({ hyperparamMutations: { lr: [1, 2] } }) as unknown as Record<string, unknown>],
      [TPE_OPTIONS.schema, new TPESearch().options as unknown as Record<string, unknown>],
      [GP_OPTIONS.schema, new GPSearch().options as unknown as Record<string, unknown>],
      [AUTO_OPTIONS.schema, new AutoSearch().options as unknown as Record<string, unknown>],
    ]
    for (const [schema, instance] of built) {
      const defaults = staticDefaults(schema)
      expect(Object.keys(defaults).length).toBeGreaterThan(0)
      for (const [key, value] of Object.entries(defaults)) expect(instance[key], key).toEqual(value)
    }
  })

  it("are the documented ones where the owner fills them in: MLflow's longest retry wait", () => {
    // '30000, or `baseDelayMs` when larger'
    expect(resolveOptions({ trackingUri: 'http://127.0.0.1:9' }).maxDelayMs).toBe(30_000)
    expect(resolveOptions({ trackingUri: 'http://127.0.0.1:9', retry: { baseDelayMs: 60_000 } }).maxDelayMs).toBe(60_000)
  })
})
