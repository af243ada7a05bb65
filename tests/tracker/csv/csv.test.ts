import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../../../src/errors.ts'
import { CsvTracker } from '../../../src/tracker/csv/csv.ts'
import { csvField, csvRecord } from '../../../src/tracker/csv/format.ts'
import type { Result } from '../../../src/types.ts'
import { experiment, play, result, trialInfo } from '../story.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hyperpool-csv-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** An RFC 4180 reader, written apart from the writer: records of fields, quotes undone, CRLF line ends required. */
function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      record.push(field)
      field = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field)
      records.push(record)
      record = []
      field = ''
      i++
    } else if (c === '\n') throw new Error(`bare LF at ${i}`)
    else field += c
  }
  if (field !== '' || record.length > 0) throw new Error('last record has no CRLF')
  return records
}

/** A CSV file as objects keyed by its header; checks every row has as many fields as the header. */
async function readTable(path: string): Promise<Array<Record<string, string>>> {
  const [header, ...rows] = parseCsv(await readFile(path, 'utf8'))
  if (header === undefined) throw new Error('no header')
  for (const row of rows) expect(row).toHaveLength(header.length)
  return rows.map((row) => Object.fromEntries(header.map((column, i) => [column, row[i] ?? ''])))
}

describe('CSV fields', () => {
  it('quotes as RFC 4180 says', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField('cr\r')).toBe('"cr\r"')
    expect(csvField(Number.NaN)).toBe('NaN')
    expect(csvField(Number.NEGATIVE_INFINITY)).toBe('-Infinity')
    expect(csvField(null)).toBe('')
    expect(csvField(undefined)).toBe('')
    expect(csvField(false)).toBe('false')
    expect(csvField([1, 'a,b'])).toBe('"[1,""a,b""]"')
    expect(csvRecord(['a', 'b', 'c'], { c: 3, a: 1 })).toBe('1,,3\r\n')
  })
})

describe('CsvTracker', () => {
  it('writes a progress.csv per trial, a row per report, one header fitting every row', async () => {
    await play(new CsvTracker(dir))
    expect((await readdir(dir)).sort()).toEqual(['results.csv', 'trial_0000', 'trial_0001', 'trial_0002'])
    // trial 0 reports `acc` only in its second report: the header is rewritten at its end.
    const progress = await readTable(join(dir, 'trial_0000', 'progress.csv'))
    expect(progress).toEqual([
      { loss: '0.5', training_iteration: '1', trial_id: '0', time_total_s: '0.5', acc: '' },
      { loss: '0.3', training_iteration: '2', trial_id: '0', time_total_s: '1', acc: '0.9' },
    ])
    const diverged = await readTable(join(dir, 'trial_0001', 'progress.csv'))
    expect(diverged.map((row) => [row.loss, row.note, row['val/acc']])).toEqual([
      ['0.9', 'warming up', ''],
      ['NaN', '', 'Infinity'],
    ])
  })

  it('writes results.csv: a row per trial with state, error, config columns and last metrics', async () => {
    await play(new CsvTracker(dir))
    const text = await readFile(join(dir, 'results.csv'), 'utf8')
    expect(text.split('\r\n')[0]).toBe(
      'trial_id,state,error,config/opt/lr,config/opt/name,config/layers,loss,acc,training_iteration,time_total_s,val/acc',
    )
    const rows = await readTable(join(dir, 'results.csv'))
    expect(rows.map((r) => [r.trial_id, r.state, r.loss, r['config/layers']])).toEqual([
      ['0', 'completed', '0.3', '[64,32]'],
      ['1', 'stopped', 'NaN', '[8]'],
      ['2', 'errored', '0.8', '[]'],
    ])
    expect(rows[2]?.error).toBe('TrialError: trainable threw: out of patience')
    expect(rows[0]?.error).toBe('')
    expect(rows[1]?.['val/acc']).toBe('Infinity')
    expect(rows[0]?.['val/acc']).toBe('') // trial 0 never reported it
  })

  it('quotes awkward config values and keys so the files parse back', async () => {
    const tracker = new CsvTracker(dir)
    tracker.onExperimentStart(experiment())
    const config = { 'name, "quoted"': 'line one\nline two', text: 'a,b' }
    tracker.onTrialStart(trialInfo(0, config, 'running'))
    tracker.onTrialResult(trialInfo(0, config, 'running'), result(0, 0, { loss: 1, label: 'x,"y"' }))
    tracker.onTrialEnd(trialInfo(0, config, 'completed'))
    tracker.onExperimentEnd()
    const [row] = await readTable(join(dir, 'results.csv'))
    expect(row?.['config/name, "quoted"']).toBe('line one\nline two')
    expect(row?.['config/text']).toBe('a,b')
    expect(row?.label).toBe('x,"y"')
  })

  it('starts a retried trial’s progress over, and appends when a paused trial resumes', async () => {
    const tracker = new CsvTracker(dir, { resultsIntervalMs: 0 })
    tracker.onExperimentStart(experiment())
    const failed = result(0, 0, { loss: 9 })
    tracker.onTrialStart(trialInfo(0, {}, 'running'))
    tracker.onTrialResult(trialInfo(0, {}, 'running', [failed]), failed)
    // The attempt failed and is retried: the Tuner starts it again with an empty history.
    tracker.onTrialStart(trialInfo(0, {}, 'running'))
    const history: Result[] = [result(0, 0, { loss: 1 })]
    tracker.onTrialResult(trialInfo(0, {}, 'running', history), history[0] as Result)
    tracker.onTrialEnd(trialInfo(0, {}, 'paused', history))
    expect(await readTable(join(dir, 'trial_0000', 'progress.csv'))).toHaveLength(1)
    tracker.onTrialStart(trialInfo(0, {}, 'running', history))
    const later = result(0, 1, { loss: 0.5, lr: 0.1 }) // a column appears after the pause
    tracker.onTrialResult(trialInfo(0, {}, 'running', [...history, later]), later)
    tracker.onTrialEnd(trialInfo(0, {}, 'completed', [...history, later]))
    const rows = await readTable(join(dir, 'trial_0000', 'progress.csv'))
    expect(rows.map((r) => [r.loss, r.lr])).toEqual([
      ['1', ''],
      ['0.5', '0.1'],
    ])
    // resultsIntervalMs 0: results.csv is up to date at every trial end.
    expect((await readTable(join(dir, 'results.csv')))[0]).toMatchObject({ state: 'completed', loss: '0.5', lr: '0.1' })
  })

  it('keeps a metric named like a lead column apart from it', async () => {
    const tracker = new CsvTracker(dir)
    tracker.onExperimentStart(experiment())
    tracker.onTrialStart(trialInfo(0, {}, 'running'))
    tracker.onTrialResult(trialInfo(0, {}, 'running'), result(0, 0, { state: 'warm', error: 0.1 }))
    tracker.onTrialEnd(trialInfo(0, {}, 'completed'))
    tracker.onExperimentEnd()
    const [row] = await readTable(join(dir, 'results.csv'))
    expect(row).toMatchObject({ state: 'completed', error: '', 'result/state': 'warm', 'result/error': '0.1' })
  })

  it('writes results.csv at the end even for trials that never reported', async () => {
    const tracker = new CsvTracker(dir)
    tracker.onExperimentStart(experiment())
    tracker.onTrialStart(trialInfo(3, { x: 1 }, 'running'))
    tracker.onTrialEnd(trialInfo(3, { x: 1 }, 'errored', [], new Error('boom')))
    tracker.onExperimentEnd()
    expect(await readTable(join(dir, 'results.csv'))).toEqual([{ trial_id: '3', state: 'errored', error: 'Error: boom', 'config/x': '1' }])
  })

  it('moves an earlier experiment’s files into earlier-<time>/ instead of overwriting them', async () => {
    for (const x of [1, 2]) {
      const tracker = new CsvTracker(dir)
      tracker.onExperimentStart(experiment())
      tracker.onTrialStart(trialInfo(0, { x }, 'running'))
      tracker.onTrialResult(trialInfo(0, { x }, 'running'), result(0, 1, { loss: x }))
      tracker.onTrialEnd(trialInfo(0, { x }, 'completed'))
      tracker.onExperimentEnd()
    }
    const earlier = (await readdir(dir)).filter((name) => name.startsWith('earlier-'))
    expect(earlier).toHaveLength(1)
    expect((await readTable(join(dir, earlier[0] as string, 'results.csv')))[0]?.['config/x']).toBe('1')
    expect((await readTable(join(dir, earlier[0] as string, 'trial_0000', 'progress.csv')))[0]?.loss).toBe('1')
    expect((await readTable(join(dir, 'results.csv')))[0]?.['config/x']).toBe('2')
  })

  it('rejects a bad dir or interval', () => {
    expect(() => new CsvTracker('')).toThrow(ConfigError)
    expect(() => new CsvTracker(dir, { resultsIntervalMs: -1 })).toThrow(/resultsIntervalMs/)
  })
})
