/**
 * What the experiment's journal costs the driver per trial, alone: the three
 * lines a one-report trial writes (its start, its report, its end) encoded
 * and appended, with the write the end forces; with the ends batched too;
 * and encoding them only.
 * The overhead benchmark measures the same end to end, where the pool's
 * noise is larger than this cost; here nothing else runs. The variants take
 * turns, repeat after repeat.
 */
import { mkdtempSync, openSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encodeEvent, type JsonlEvent } from '../src/journal/codec.ts'
import { JournalWriter } from '../src/journal/writer.ts'
import { fmt, median, quick, writeResults } from './lib/report.ts'

const TRIALS = quick ? 2_000 : 50_000
const REPEATS = quick ? 3 : 9

/** A config of ten parameters and a result as the overhead benchmark's trials give them. */
const config = {
  work: 'noop',
  lr: 0.0123,
  l2: 0.000456,
  momentum: 0.9,
  dropout: 0.25,
  layers: 3,
  units: 128,
  batch: 32,
  act: 'relu',
  warmup: 4,
  seed: 617,
}

function events(id: number): JsonlEvent[] {
  return [
    { event: 'trial_start', trial: { id, config, seed: 2_868_408_795, attempt: 1 } },
    { event: 'result', trial_id: id, result: { loss: 0.4321 + id * 1e-9, training_iteration: 1, trial_id: id, time_total_s: 0.000812 } },
    { event: 'trial_end', trial: { id, state: 'completed', error: null }, outcome: 'completed', t: id * 1e-4 },
  ]
}

interface Variant {
  readonly label: string
  readonly run: (dir: string) => void
}

const variants: Variant[] = [
  {
    label: 'journal: encode, append, write at each end',
    run(dir) {
      const writer = new JournalWriter(openSync(join(dir, 'experiment.jsonl'), 'a'))
      for (let id = 0; id < TRIALS; id++) {
        for (const event of events(id)) writer.append(event)
        writer.flush()
      }
      writer.close()
    },
  },
  {
    label: 'journal, ends batched too (one write per 64 trials)',
    run(dir) {
      const writer = new JournalWriter(openSync(join(dir, 'experiment.jsonl'), 'a'))
      for (let id = 0; id < TRIALS; id++) {
        for (const event of events(id)) writer.append(event)
        if (id % 64 === 63) writer.flush()
      }
      writer.close()
    },
  },
  {
    label: 'encoding only (no write)',
    run() {
      let bytes = 0
      for (let id = 0; id < TRIALS; id++) for (const event of events(id)) bytes += encodeEvent(event).length
      if (bytes === 0) throw new Error('nothing encoded')
    },
  },
]

const micros = variants.map((): number[] => [])
for (let r = 0; r < REPEATS; r++) {
  for (const [i, variant] of variants.entries()) {
    const dir = mkdtempSync(join(tmpdir(), 'hyperpool-journal-bench-'))
    try {
      const started = performance.now()
      variant.run(dir)
      micros[i]?.push(((performance.now() - started) * 1000) / TRIALS)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
writeResults('journal', [
  {
    title: "The journal's cost per one-report trial, in the driver thread",
    columns: ['path', 'trials', 'µs per trial (median)'],
    rows: variants.map(({ label }, i) => [label, TRIALS, fmt(median(micros[i] ?? []), 3)]),
    note: `Median of ${REPEATS} repeats per path, the paths taking turns. Each trial is three lines (trial_start with a 10-parameter config, one result, trial_end), about 450 bytes. The Tuner writes each end at once (the first row), so that no tracker hears of an end the journal lacks; the second row is what batching the ends with the rest of their turn would cost instead. The file is in the system's temporary folder.`,
  },
])
