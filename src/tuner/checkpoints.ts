import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { link, mkdir, open, readdir, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { deserialize, serialize } from 'node:v8'
import { errnoCode } from '../errno.ts'
import type { CheckpointRef } from '../journal/codec.ts'
import type { Logger } from '../logger.ts'

/** `HPCK`, the format version, the payload's length and its SHA-256: 48 bytes before the v8-serialized state. */
const MAGIC = 0x4b435048 // 'HPCK' read as a little-endian uint32
const VERSION = 1
const HEADER_BYTES = 48

/** A checkpoint file's name inside its trial's folder: the sequence number on six digits, so names sort in order. */
const FILE = /^(\d{6,})\.ckpt$/

/**
 * The checkpoints of an experiment: each trial's newest state in memory for
 * resuming, and every state on disk under the experiment's folder
 * (`checkpoints/trial_0003/000007.ckpt`: a header with the length and a
 * SHA-256 of the v8-serialized state, so typed arrays survive and a torn or
 * damaged file is recognised). A checkpoint is known by its
 * {@link CheckpointRef}; the journal names each one. Writes for one trial are
 * chained, each goes through a temporary file and a rename, and the newest
 * two written files of each trial are kept: a crash mid-write leaves the
 * previous file whole. Without a folder, states live in memory only.
 *
 * @example
 * ```ts
 * const store = new CheckpointStore('runs/exp1/checkpoints', logger)
 * const ref = store.save(3, 1, 7, { epoch: 7, weights })
 * store.load(ref) // { state: { epoch: 7, weights } }, or { problem: 'its file is missing' }
 * ```
 */
export class CheckpointStore {
  readonly #dir: string | undefined
  readonly #logger: Logger
  /** Per trial, its refs in the order they were taken (every attempt). */
  readonly #refs = new Map<number, CheckpointRef[]>()
  /** Per trial, the newest two states this process holds, newest last: the one before serves while the newest is not yet covered. */
  readonly #held = new Map<number, Array<{ readonly seq: number; readonly state: unknown }>>()
  readonly #writes = new Map<number, Promise<void>>()
  #warned = false

  constructor(dir: string | undefined, logger: Logger) {
    this.#dir = dir
    this.#logger = logger
  }

  /** A state trial `trial` sent after `iteration - 1` reports: kept in memory, written to disk in the background. */
  save(trial: number, attempt: number, iteration: number, state: unknown): CheckpointRef {
    const ref = this.record(trial, attempt, iteration)
    this.#hold(ref, state)
    this.#write(ref, (file) => writeCheckpoint(file, state))
    return ref
  }

  /**
   * Another trial's checkpoint taken as `trial`'s own (a trial resumed from a
   * donor, under PBT): the same state under a new ref of `trial`, its file a
   * hard link of the donor's where the file system allows, so the donor's
   * later checkpoints can replace its own files without losing this one.
   */
  adopt(trial: number, attempt: number, from: CheckpointRef, state: unknown): CheckpointRef {
    const ref = this.record(trial, attempt, from.iteration)
    this.#hold(ref, state)
    const donorWrite = this.#writes.get(from.trial) ?? Promise.resolve()
    this.#write(ref, async (file) => {
      await donorWrite
      await link(this.#file(from), file).catch(() => writeCheckpoint(file, state))
    })
    return ref
  }

  /** A ref read from the journal (a restore): its state is only on disk. */
  note(ref: CheckpointRef): void {
    const refs = this.#refs.get(ref.trial)
    if (refs === undefined) this.#refs.set(ref.trial, [ref])
    else refs.push(ref)
  }

  /** The refs of `trial`'s attempt `attempt` that stand for at most `count` reports, newest first. */
  usable(trial: number, attempt: number, count: number): CheckpointRef[] {
    const refs = this.#refs.get(trial) ?? []
    return refs.filter((ref) => ref.attempt === attempt && ref.iteration <= count).reverse()
  }

  /**
   * A checkpoint's state, from memory or from its file; or why it cannot be
   * had: its file is missing (`unwritten`: the journal recorded it, the
   * process died before the file was written, which is normal), torn or
   * damaged (the caller then tries an older one), or there is no folder to
   * read it from.
   */
  load(ref: CheckpointRef): { readonly state: unknown } | { readonly problem: string; readonly unwritten?: boolean } {
    const held = this.#held.get(ref.trial)?.find((h) => h.seq === ref.seq)
    if (held !== undefined) return { state: held.state }
    if (this.#dir === undefined) return { problem: 'it was kept in memory only' }
    try {
      return { state: readCheckpoint(readFileSync(this.#file(ref))) }
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return { problem: 'its file is missing', unwritten: true }
      return { problem: (error as Error).message }
    }
  }

  /**
   * Where a checkpoint's file is (or would be).
   *
   * @example
   * ```ts
   * store.file({ trial: 3, seq: 7 }) // 'runs/exp1/checkpoints/trial_0003/000007.ckpt'
   * ```
   */
  file(ref: Pick<CheckpointRef, 'trial' | 'seq'>): string {
    return this.#file(ref)
  }

  /** Resolves once every checkpoint is on disk. */
  async flush(): Promise<void> {
    await Promise.all(this.#writes.values())
  }

  /** The next ref of `trial`, for a state held elsewhere (a replayed adoption has its state on disk). */
  record(trial: number, attempt: number, iteration: number): CheckpointRef {
    const ref = { trial, seq: (this.#refs.get(trial)?.at(-1)?.seq ?? 0) + 1, attempt, iteration }
    this.note(ref)
    return ref
  }

  #hold(ref: CheckpointRef, state: unknown): void {
    const older = this.#held.get(ref.trial)?.at(-1)
    this.#held.set(ref.trial, older === undefined ? [{ seq: ref.seq, state }] : [older, { seq: ref.seq, state }])
  }

  #file(ref: Pick<CheckpointRef, 'trial' | 'seq'>): string {
    return join(this.#dir ?? '', `trial_${String(ref.trial).padStart(4, '0')}`, `${String(ref.seq).padStart(6, '0')}.ckpt`)
  }

  #write(ref: CheckpointRef, put: (file: string) => Promise<void>): void {
    if (this.#dir === undefined) return
    const file = this.#file(ref)
    const previous = this.#writes.get(ref.trial) ?? Promise.resolve()
    const write = previous.then(async () => {
      // The newest state wins: a save queued behind this one makes this write moot.
      if (this.#held.get(ref.trial)?.at(-1)?.seq !== ref.seq) return
      try {
        await mkdir(join(file, '..'), { recursive: true })
        await put(`${file}.tmp`)
        await rename(`${file}.tmp`, file)
        await this.#prune(ref)
      } catch (error) {
        // Resuming still works from memory; the disk copy is what is lost, so say it once.
        if (this.#warned) return
        this.#warned = true
        this.#logger.warn(`checkpoints not written to ${this.#dir} (kept in memory only): ${(error as Error).message}`)
      }
    })
    this.#writes.set(ref.trial, write)
  }

  /** Keeps the newest two files of the trial: the one just written, and the one before in case it turns out unusable. */
  async #prune(written: CheckpointRef): Promise<void> {
    const folder = join(this.#file(written), '..')
    const older = (await readdir(folder))
      .map((name) => Number(FILE.exec(name)?.[1] ?? Number.NaN))
      .filter((seq) => seq < written.seq)
      .sort((a, b) => b - a)
    await Promise.all(older.slice(1).map((seq) => unlink(this.#file({ trial: written.trial, seq })).catch(() => undefined)))
  }
}

/** Writes a state with its header, in one call that gathers both buffers. */
async function writeCheckpoint(file: string, state: unknown): Promise<void> {
  const payload = serialize(state)
  const header = Buffer.alloc(HEADER_BYTES)
  header.writeUInt32LE(MAGIC, 0)
  header.writeUInt32LE(VERSION, 4)
  header.writeBigUInt64LE(BigInt(payload.length), 8)
  createHash('sha256').update(payload).digest().copy(header, 16)
  const handle = await open(file, 'w')
  try {
    await handle.writev([header, payload])
  } finally {
    await handle.close()
  }
}

/** The state in a checkpoint file's bytes; throws saying what is wrong with them. */
function readCheckpoint(bytes: Buffer): unknown {
  if (bytes.length < HEADER_BYTES || bytes.readUInt32LE(0) !== MAGIC) throw new Error('not a hyperpool checkpoint')
  const version = bytes.readUInt32LE(4)
  if (version !== VERSION) throw new Error(`checkpoint format ${version}, this hyperpool reads ${VERSION}`)
  const length = Number(bytes.readBigUInt64LE(8))
  const payload = bytes.subarray(HEADER_BYTES)
  if (payload.length !== length) throw new Error(`truncated: ${payload.length} of ${length} bytes`)
  if (!createHash('sha256').update(payload).digest().equals(bytes.subarray(16, HEADER_BYTES)))
    throw new Error('its checksum does not match')
  return deserialize(payload)
}
