const SUMMARY = `Usage: hyperpool summary <dir> [flags]
       hyperpool status <dir> [flags]

Reads the experiment stored in <dir> (e.g. runs/my-experiment, the folder
that holds experiment.jsonl) and prints its best trials, best first: rank,
trial id, state, the metric's last value, reports, and the config.

Flags:
  --top <n>           how many trials the table and JSON show (default: 10 in the table, all in JSON)
  --json              JSON instead of a table: the experiment, counts by state, the ranked trials
  --csv               CSV instead of a table: one row per trial in id order, as CsvTracker's results.csv
  --help              this help
`

const WORKER = `Usage: hyperpool worker --redis <url> [flags]

Runs trials for every experiment a Tuner with a RedisExecutor publishes on
that Redis server, on a pool of worker threads, until Ctrl-C or SIGTERM (its
running trials then move to other workers). Start one per machine, on any
number of machines, before or during a run. The trainable must be the same
file, at the same path, as the driver's: a worker whose copy differs refuses
the experiment. See docs/distributed.md.

Flags:
  --redis <url>             redis://[user:password@]host[:port][/db], or rediss:// for TLS (required)
  --concurrency <n>         trials at once, one thread each (default: the machine's cores)
  --max-heap-mb <n>         heap cap per thread, MB (default: the driver's Tuner's maxHeapMb, else the local pool's)
  --lock-ms <n>             BullMQ's lock on a running trial; a killed worker's trial is found lost once it lapses (default 10000)
  --stalled-check-ms <n>    how often this worker looks for lost trials (default 5000)
  --help                    this help

Example:
  npx hyperpool worker --redis redis://10.0.0.5:6379 --concurrency 8
`

/** The text `--help` prints, per command; the top level's under ''. */
export const HELP: Readonly<Record<string, string>> = {
  '': `hyperpool: parallel hyperparameter tuning for Node.js

Usage: hyperpool <command> [flags]

Commands:
  run <module>        run the experiment a module describes (its default export: the Tuner's options)
  resume <dir>        go on with a stored experiment that was interrupted (Tuner.restore)
  summary <dir>       the best trials of a stored experiment, as a table, JSON or CSV
  status <dir>        the same as summary
  report <dir>        the experiment's HTML report, one file that opens offline; --watch keeps it up to date
  worker --redis <url>  run trials of the experiments a RedisExecutor publishes on that Redis

Flags:
  --help              help for hyperpool, or for a command: hyperpool run --help
  --version           the installed version

Examples:
  npx hyperpool run experiment.ts --samples 64 --seed 1
  npx hyperpool summary runs/my-experiment --json
  npx hyperpool report runs/my-experiment --watch
`,
  run: `Usage: hyperpool run <module> [flags]

Runs the experiment that <module> describes and prints its best trial. The
module's default export is the Tuner's options (or a function, possibly
async, that returns them):

  // experiment.ts
  import { loguniform } from 'hyperpool'
  export default {
    trainable: new URL('./trainable.ts', import.meta.url),
    space: { lr: loguniform(1e-4, 1e-1) },
    metric: 'loss',
    mode: 'min',
  }

A .ts module needs tsx installed in the project (npm install -D tsx).

Flags (each overrides the module's option):
  --samples <n>       numSamples: how many trials (GridSearch: repeats of the grid)
  --concurrency <n>   concurrency: how many trials at once (default: the machine's cores)
  --seed <n>          seed: the same seed gives the same trials
  --name <name>       name: the experiment's folder under the storage folder
  --storage <dir>     storageDir: where experiments are stored (default: runs)
  --trial-output <where>
                      trialOutput: where what trials print goes: file (default:
                      <dir>/trial_0003/stdout.log), both (also the console,
                      each line prefixed), console, or none
  --help              this help
`,
  resume: `Usage: hyperpool resume <dir> [flags]

Restores the experiment stored in <dir> (e.g. runs/my-experiment) with
Tuner.restore and runs it to its end: trials that were running go on from
their checkpoints, and the searcher and scheduler continue as they were.
The data is not stored with the experiment: give the module the run started
from with --module, and its data (and trainable) are used.

Flags:
  --module <file>     the experiment module (as for hyperpool run) whose data and trainable to use
  --concurrency <n>   trials at once from now on (default: as recorded)
  --retry-errored     give trials that errored for good a new round of attempts
  --help              this help
`,
  summary: SUMMARY,
  status: SUMMARY,
  report: `Usage: hyperpool report <dir> [flags]

Writes the report of the experiment stored in <dir> (e.g. runs/my-experiment):
one self-contained HTML file, charts drawn as SVG, that opens offline in any
browser. It shows the optimization history, learning curves, parallel
coordinates, slices, a contour, parameter importance, the distribution of
results and a sortable trial table (see docs/report.md).

Flags:
  --out <file>        the HTML file to write (default: <dir>/report.html)
  --title <text>      the page's title (default: the experiment's name)
  --watch             rewrite the report each time the experiment's journal grows,
                      for watching a live run; the page reloads itself until the
                      run ends. Ctrl-C (SIGINT) or SIGTERM stops
  --help              this help
`,
  worker: WORKER,
}
