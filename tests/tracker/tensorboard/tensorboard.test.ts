import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../../../src/errors.ts'
import { encodeTbEvent } from '../../../src/tracker/tensorboard/event.ts'
import { FILE_VERSION, TensorBoardTracker } from '../../../src/tracker/tensorboard/tensorboard.ts'
import { crc32c, frameRecord, maskedCrc32c } from '../../../src/tracker/tensorboard/tfrecord.ts'
import { play, result, SCRIPTS, trialInfo } from '../story.ts'
import { bitwiseCrc32c, bitwiseMasked, readEvents, readRecords } from './tfrecord-reader.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hyperpool-tb-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const NOW = 1_700_000_000_123

async function eventFile(trial: string): Promise<string> {
  const files = await readdir(join(dir, trial))
  expect(files).toHaveLength(1)
  return join(dir, trial, files[0] as string)
}

describe('CRC32C and TFRecord framing', () => {
  it('matches the standard CRC-32C check values', () => {
    const text = new TextEncoder().encode('123456789')
    expect(crc32c(text)).toBe(0xe3069283)
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa) // iSCSI (RFC 3720) test vectors
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43)
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e)
    expect(crc32c(new Uint8Array(0))).toBe(0)
  })

  it('agrees with the independent bitwise CRC on arbitrary data', () => {
    let seed = 1
    for (let n = 0; n < 200; n++) {
      const bytes = Uint8Array.from({ length: n * 7 }, () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31
        return seed & 0xff
      })
      expect(crc32c(bytes)).toBe(bitwiseCrc32c(bytes))
      expect(maskedCrc32c(bytes)).toBe(bitwiseMasked(bytes))
    }
  })

  it('encodes one known record byte for byte', () => {
    // Event { wall_time: 1.5, step: 3, summary { value { tag: "loss", simple_value: 0.25 } } }, by hand:
    const event = Buffer.from([
      0x09,
      0x00,
      0x00,
      0x00,
      0x00,
      0x00,
      0x00,
      0xf8,
      0x3f, // field 1, fixed64: 1.5 as a little-endian double
      0x10,
      0x03, // field 2, varint: 3
      0x2a,
      0x0d, // field 5, length-delimited, 13 bytes: the Summary
      0x0a,
      0x0b, // Summary field 1 (value), 11 bytes
      0x0a,
      0x04,
      0x6c,
      0x6f,
      0x73,
      0x73, // Value field 1 (tag): "loss"
      0x15,
      0x00,
      0x00,
      0x80,
      0x3e, // Value field 2, fixed32: 0.25 as a little-endian float
    ])
    expect(Buffer.from(encodeTbEvent({ wallTime: 1.5, step: 3, scalars: [['loss', 0.25]] }))).toEqual(event)

    const record = frameRecord(event)
    const length = Buffer.from([0x1a, 0, 0, 0, 0, 0, 0, 0]) // 26, uint64 little-endian
    expect(record.subarray(0, 8)).toEqual(length)
    // The masked CRCs, from the bitwise CRC and the mask formula ((c >>> 15) | (c << 17)) + 0xa282ead8.
    const mask = (crc: number) => ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0
    expect(record.readUInt32LE(8)).toBe(mask(bitwiseCrc32c(length)))
    expect(record.subarray(12, 38)).toEqual(event)
    expect(record.readUInt32LE(38)).toBe(mask(bitwiseCrc32c(event)))
    expect(record).toHaveLength(42)
  })

  it('writes the file header event without a step, as proto3 does for zero', () => {
    const header = Buffer.from(encodeTbEvent({ wallTime: 2, fileVersion: 'brain.Event:2' }))
    expect(header).toEqual(Buffer.concat([Buffer.from([0x09, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x1a, 13]), Buffer.from('brain.Event:2')]))
  })

  it('encodes large and negative steps as protobuf varints', () => {
    const fields = (step: number) => [...Buffer.from(encodeTbEvent({ wallTime: 0, step })).subarray(9)]
    expect(fields(300)).toEqual([0x10, 0xac, 0x02])
    expect(fields(-1)).toEqual([0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])
  })

  it('makes the reader reject a corrupted record', () => {
    const record = frameRecord(encodeTbEvent({ wallTime: 1, step: 1, scalars: [['a', 1]] }))
    const bad = Buffer.from(record)
    bad[20] = (bad[20] as number) ^ 1
    expect(() => readRecords(bad)).toThrow(/bad data CRC/)
    expect(() => readRecords(record.subarray(0, record.length - 2))).toThrow(/cut short/)
  })
})

describe('TensorBoardTracker', () => {
  it('writes one event file per trial run directory, read back by an independent reader', async () => {
    await play(new TensorBoardTracker(dir, { now: () => NOW }))
    const eventFileName = `events.out.tfevents.${Math.floor(NOW / 1000)}.${hostname()}`
    // The experiment's own event file (its HParams summary) sits in dir itself.
    expect((await readdir(dir)).sort()).toEqual([eventFileName, 'trial_0000', 'trial_0001', 'trial_0002'])
    const path = await eventFile('trial_0000')
    expect(path.endsWith(eventFileName)).toBe(true)

    const [header, start, ...rest] = readEvents(path)
    const end = rest.pop()
    expect(header).toEqual({ wallTime: NOW / 1000, step: 0, fileVersion: FILE_VERSION, scalars: [], plugins: [] })
    // The HParams session start and end frame the reports (hparams.test.ts checks their content).
    expect(start?.plugins.map((p) => p.tag)).toEqual(['_hparams_/session_start_info'])
    expect(end?.plugins.map((p) => p.tag)).toEqual(['_hparams_/session_end_info'])
    const events = rest.map(({ plugins, ...event }) => {
      expect(plugins).toEqual([])
      return event
    })
    expect(events).toEqual([
      {
        wallTime: NOW / 1000,
        step: 1,
        scalars: [
          { tag: 'loss', value: Math.fround(0.5) },
          { tag: 'time_total_s', value: 0.5 },
        ],
      },
      {
        wallTime: NOW / 1000,
        step: 2,
        scalars: [
          { tag: 'loss', value: Math.fround(0.3) },
          { tag: 'acc', value: Math.fround(0.9) },
          { tag: 'time_total_s', value: 1 },
        ],
      },
    ])
  })

  it('keeps NaN and Infinity, flattens nested metrics and skips non-numbers', async () => {
    await play(new TensorBoardTracker(dir))
    const [first, second] = readEvents(await eventFile('trial_0001')).filter((e) => e.step > 0)
    expect(first?.scalars.map((s) => s.tag)).toEqual(['loss', 'time_total_s']) // 'note' is a string
    expect(second?.step).toBe(2)
    expect(second?.scalars[0]?.value).toBeNaN()
    expect(second?.scalars[1]).toEqual({ tag: 'val/acc', value: Number.POSITIVE_INFINITY })
    expect(second?.wallTime).toBeGreaterThan(1.6e9)
  })

  it('keeps one file across a pause and appends when the trial resumes', async () => {
    const tracker = new TensorBoardTracker(dir, { now: () => NOW })
    tracker.onTrialStart(trialInfo(4, {}, 'running'))
    tracker.onTrialResult(trialInfo(4, {}, 'running'), result(4, 0, { loss: 1 }))
    tracker.onTrialEnd(trialInfo(4, {}, 'paused'))
    tracker.onTrialStart(trialInfo(4, {}, 'running', [result(4, 0, { loss: 1 })]))
    tracker.onTrialResult(trialInfo(4, {}, 'running'), result(4, 1, { loss: 0.5 }))
    tracker.onTrialEnd(trialInfo(4, {}, 'completed'))
    tracker.onExperimentEnd()
    const events = readEvents(await eventFile('trial_0004'))
    expect(events.map((e) => e.step)).toEqual([0, 1, 2])
  })

  it('moves an earlier experiment’s runs aside, so TensorBoard shows the two apart', async () => {
    await play(new TensorBoardTracker(dir, { now: () => NOW }), SCRIPTS.slice(0, 1))
    await play(new TensorBoardTracker(dir, { now: () => NOW }), SCRIPTS.slice(0, 1))
    const earlier = (await readdir(dir)).filter((name) => name.startsWith('earlier-'))
    expect(earlier).toHaveLength(1)
    // Each: a header, the session start, two reports, the session end; the experiment's own file moved along.
    expect(readEvents(await eventFile(`${earlier[0]}/trial_0000`))).toHaveLength(5)
    expect(readEvents(await eventFile('trial_0000'))).toHaveLength(5)
    const eventFiles = async (d: string) => (await readdir(d)).filter((name) => name.startsWith('events.out.tfevents.'))
    expect(await eventFiles(join(dir, earlier[0] as string))).toHaveLength(1)
    expect(await eventFiles(dir)).toHaveLength(1)
  })

  it('closes files still open at the experiment end', async () => {
    const tracker = new TensorBoardTracker(dir)
    tracker.onTrialStart(trialInfo(0, {}, 'running'))
    tracker.onTrialResult(trialInfo(0, {}, 'running'), result(0, 0, { loss: 1 }))
    tracker.onExperimentEnd()
    tracker.onExperimentEnd() // twice is harmless: nothing is left open
    expect(readEvents(await eventFile('trial_0000'))).toHaveLength(2)
  })

  it('rejects a bad dir', () => {
    expect(() => new TensorBoardTracker('')).toThrow(ConfigError)
  })
})
