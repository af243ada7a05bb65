/**
 * The options of `writeReport` and `watchReport`, declared once and checked
 * through the project's option module.
 */
import { defineOptions, func, integer, number, PATH, type SchemaOf, satisfying, TIMER_MS, text } from '../options/index.ts'

/**
 * How {@link writeReport} writes an experiment's report.
 *
 * @example
 * ```ts
 * await writeReport('runs/exp1', { out: 'exp1.html', title: 'MLP on iris' } satisfies ReportOptions)
 * ```
 */
export interface ReportOptions {
  /**
   * The HTML file to write (its folder is made if missing). It is replaced
   * whole, by a rename, so a browser never reads half of it.
   * @default `<dir>/report.html`
   */
  readonly out?: string
  /**
   * The page's title.
   * @default the experiment's name
   */
  readonly title?: string
  /** Aborting it cancels the write: the promise rejects with the signal's reason and no file is left half-written. */
  readonly signal?: AbortSignal
}

/**
 * What a report write produced.
 *
 * @example
 * ```ts
 * const { path, trials, ended }: ReportWritten = await writeReport('runs/exp1')
 * ```
 */
export interface ReportWritten {
  /** The file written, as given or defaulted. */
  readonly path: string
  /** How many trials the report shows. */
  readonly trials: number
  /** Whether the experiment had reached its end when it was read. */
  readonly ended: boolean
  /** The size of the file. */
  readonly bytes: number
}

/**
 * How {@link watchReport} keeps a report up to date with a live experiment.
 *
 * @example
 * ```ts
 * const stop = new AbortController()
 * const watching = watchReport('runs/exp1', { signal: stop.signal, onWrite: (w) => console.log(w.trials) } satisfies WatchReportOptions)
 * ```
 */
export interface WatchReportOptions extends ReportOptions {
  /**
   * The HTML file to rewrite (its folder is made if missing); each rewrite replaces it whole, by a rename.
   * @default `<dir>/report.html`
   */
  readonly out?: string
  /**
   * The page's title.
   * @default the experiment's name
   */
  readonly title?: string
  /** Aborting it ends the watch: a write under way finishes, then the promise resolves. Without it the watch runs until the process ends. */
  readonly signal?: AbortSignal
  /**
   * How long to wait after a change before rewriting, so a burst of results makes one rewrite, not many.
   * @default 300
   */
  readonly debounceMs?: number
  /**
   * How often the journal is also checked for changes, for file systems whose change events do not arrive (network mounts).
   * @default 1000
   */
  readonly pollMs?: number
  /**
   * While the experiment has not ended, the page reloads itself this often (keeping its scroll, sort, filter
   * and contour pair); 0 for never.
   * @default 5
   */
  readonly refreshS?: number
  /** Called after each rewrite. */
  readonly onWrite?: (written: ReportWritten) => void
  /**
   * Called when a read or a write fails (the log is not there yet, a disk is full); the watch goes on.
   * Without it the watch ends, rejecting with that error.
   */
  readonly onError?: (error: Error) => void
}

/** What writing a report and watching one both take, declared once. */
const WRITE_FIELDS = {
  out: PATH.withDeferredDefault('`<dir>/report.html`'),
  title: text().withDeferredDefault("the experiment's name"),
  signal: satisfying<AbortSignal>('an AbortSignal', (value) => value instanceof AbortSignal),
}

/** The options of `writeReport`. */
export const REPORT_OPTIONS = defineOptions('writeReport', WRITE_FIELDS satisfies SchemaOf<ReportOptions>)

/** The options of `watchReport`. */
export const WATCH_REPORT_OPTIONS = defineOptions('watchReport', {
  ...WRITE_FIELDS,
  debounceMs: TIMER_MS.withDefault(300),
  pollMs: integer({ min: 10, max: 2 ** 31 - 1 }).withDefault(1000),
  refreshS: number({ min: 0, max: 86_400 }).withDefault(5),
  onWrite: func<(written: ReportWritten) => void>(),
  onError: func<(error: Error) => void>(),
} satisfies SchemaOf<WatchReportOptions>)
