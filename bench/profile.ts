/**
 * Where the driver's time goes in no-op trials: runs one experiment of
 * no-op trials (random search over 10 parameters, FIFO, 2 threads, no
 * tracker) under `node --cpu-prof`, in a child process, and writes the top
 * self-time functions of the driver thread and of one worker thread to
 * `bench/results/profile-<label>.md`. Not part of `npm run bench` (a profile
 * is a diagnosis, not a benchmark); run it after `npm run bench -- overhead`
 * has compiled the benchmarks:
 *
 *   node bench/.build/bench/profile.js --label after
 *
 * `profile-before` was made by this same file run in an export of the
 * commit before issue 12's work (de73ea1), right before `profile-after`, so
 * the two saw the same load. `profile-round2-before` and
 * `profile-round2-after` bracket the second round (branch overhead2): on
 * 60b1bc5, and after its changes, half an hour apart on a machine at load
 * 10 and 18. `profile-round3-after` is the third round (branch journal2:
 * one-way reports under FIFO, batched journal writes), at load 17.
 * `profile-round4-before` (made by this file in an export of eaa7a8a) and
 * `profile-round4-after` bracket the fourth round (branch perf-trial), run
 * one after the other on a shared machine at load ~20. `profile-round5-before`
 * (the code before threads waited in Atomics.wait) and `profile-round5-after`
 * came an hour apart on a quiet machine whose speed drifted in between.
 * `profile-round6-before` (made in a worktree of c9943de's parent) and
 * `profile-round6-after` bracket the fix that puts a reporting trial's
 * one-way report back into its result, on a quiet machine; the after was made
 * again on the fix's final form (c65b6dc), 17 minutes after the before.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Tuner } from '../src/index.ts'
import { selfTimes } from './lib/cpu-profile.ts'
import { NOOP_SPACE } from './lib/noop-space.ts'
import { fmt, type Table, writeResults } from './lib/report.ts'
import { makeDataset } from './lib/ridge.ts'
import { sibling } from './lib/sibling.ts'

const TRIALS = 20_000
const SAMPLE_US = 100
const TOP = 15

const args = process.argv.slice(2)
const option = (name: string) => {
  const at = args.indexOf(`--${name}`)
  return at === -1 ? undefined : args[at + 1]
}

if (args.includes('--child')) {
  const started = performance.now()
  await new Tuner({
    trainable: sibling('lib/trainable', import.meta.url),
    space: NOOP_SPACE,
    metric: 'loss',
    numSamples: TRIALS,
    concurrency: 2,
    data: makeDataset(1, true),
    trackers: [],
    // The path measured before the journal existed: nothing on disk.
    storageDir: false,
    logLevel: 'warn',
    seed: 1,
  }).fit()
  console.log(JSON.stringify({ trialsPerSecond: TRIALS / ((performance.now() - started) / 1000) }))
} else {
  const label = option('label') ?? 'current'
  const dir = mkdtempSync(join(tmpdir(), 'hyperpool-profile-'))
  try {
    const child = spawnSync(
      process.execPath,
      ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${SAMPLE_US}`, fileURLToPath(import.meta.url), '--child'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    )
    if (child.status !== 0) throw new Error(`the profiled run exited with ${child.status}`)
    const { trialsPerSecond } = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as { trialsPerSecond: number }
    // One profile per thread, named CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile: thread 0 is the driver.
    const threadOf = (name: string) => Number(name.split('.').at(-3))
    const files = readdirSync(dir).sort((a, b) => threadOf(a) - threadOf(b))
    const profiles = files.map((name) => selfTimes(join(dir, name)))
    const driver = profiles[0]
    // The busiest worker: the least idle.
    const idle = (profile: ReturnType<typeof selfTimes>) => profile.functions.find((f) => f.name === '(idle)')?.ms ?? 0
    const worker = profiles.slice(1).sort((a, b) => idle(a) / a.totalMs - idle(b) / b.totalMs)[0]
    const table = (title: string, profile: ReturnType<typeof selfTimes> | undefined): Table => ({
      title: `${title}: ${fmt(profile?.totalMs ?? Number.NaN, 4)} ms profiled`,
      columns: ['function', 'self ms', 'share', 'µs per trial'],
      rows: (profile?.functions ?? [])
        .slice(0, TOP)
        .map((f) => [`\`${f.name}\``, fmt(f.ms, 4), `${fmt(f.share * 100, 2)}%`, fmt((f.ms * 1000) / TRIALS, 2)]),
    })
    writeResults(
      `profile-${label}`,
      [
        {
          ...table('Driver thread', driver),
          note:
            `${TRIALS} no-op trials (random search over 10 parameters, FIFO, 2 threads, no tracker) under \`node --cpu-prof\`, ` +
            `sampled every ${SAMPLE_US} µs; ${fmt(trialsPerSecond, 4)} trials/s while profiled. Self time per function (all call sites), top ${TOP}.`,
        },
        table('Busiest worker thread', worker),
      ],
      { trials: TRIALS, trialsPerSecond },
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
