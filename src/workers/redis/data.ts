import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Redis } from 'ioredis'
import { DataError } from '../../errors.ts'
import { shareData } from '../shared-data.ts'
import { decode, encode, type experimentKeys } from './wire.ts'

/** Size of one published chunk: Redis values may reach 512 MB, but smaller ones keep other clients' commands moving. */
export const DATA_CHUNK_BYTES = 4 * 2 ** 20

/**
 * Publishes the experiment's data once (expiring in `ttlMs` unless refreshed), in chunks of {@link DATA_CHUNK_BYTES};
 * returns how many. Over `maxBytes` it refuses with a DataError that points
 * at `dataModule`, which every worker loads itself.
 *
 * @example
 * ```ts
 * const chunks = await publishData(redis, keys, shareData({ X }), 512 * 2 ** 20, 600_000)
 * ```
 */
export async function publishData(
  redis: Redis,
  keys: ReturnType<typeof experimentKeys>,
  data: unknown,
  maxBytes: number,
  ttlMs: number,
): Promise<number> {
  if (data === undefined) return 0
  const bytes = encode(data)
  if (bytes.byteLength > maxBytes) {
    throw new DataError(
      `RedisExecutor({ maxDataMb }): the data takes ${(bytes.byteLength / 2 ** 20).toFixed(1)} MB once serialized, over the limit of ${(maxBytes / 2 ** 20).toFixed(0)} MB to publish through Redis; raise maxDataMb, or give dataModule: a module each worker imports once to load the data itself`,
      { field: 'data' },
    )
  }
  const chunks = Math.ceil(bytes.byteLength / DATA_CHUNK_BYTES)
  for (let i = 0; i < chunks; i++) {
    await redis.set(keys.data(i), bytes.subarray(i * DATA_CHUNK_BYTES, (i + 1) * DATA_CHUNK_BYTES), 'PX', ttlMs)
  }
  return chunks
}

/**
 * The data a worker gives its threads: the published chunks, or what the
 * data module's default export returns, placed in shared memory once.
 *
 * @example
 * ```ts
 * const data = await loadData(redis, keys, manifest)
 * ```
 */
export async function loadData(
  redis: Redis,
  keys: ReturnType<typeof experimentKeys>,
  source: { readonly dataChunks: number; readonly dataModule: string | undefined },
): Promise<unknown> {
  if (source.dataModule !== undefined) {
    // The manifest comes from Redis: only a file on this machine is imported, never code carried in the URL itself.
    if (!source.dataModule.startsWith('file:')) {
      throw new DataError(`dataModule: must be a file: URL of a module on this machine, got ${JSON.stringify(source.dataModule)}`, {
        field: 'dataModule',
      })
    }
    const module = (await import(source.dataModule)) as { default?: unknown }
    if (typeof module.default !== 'function') {
      throw new DataError(
        `dataModule ${source.dataModule}: must default-export a function that returns the data, got ${typeof module.default}`,
        {
          field: 'dataModule',
        },
      )
    }
    return shareData(await (module.default as () => unknown)())
  }
  if (source.dataChunks === 0) return undefined
  const parts: Buffer[] = []
  for (let i = 0; i < source.dataChunks; i++) {
    const part = await redis.getBuffer(keys.data(i))
    if (part === null) throw new DataError(`the experiment's data chunk ${i} is gone from Redis (the experiment ended?)`, { field: 'data' })
    parts.push(part)
  }
  return shareData(decode(Buffer.concat(parts)))
}

/**
 * The sha256 of a module file, which a worker compares with the driver's.
 *
 * @example
 * ```ts
 * await fileHash('file:///srv/exp/trainable.js') // '9f86d08...'
 * ```
 */
export async function fileHash(url: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(fileURLToPath(url)))
    .digest('hex')
}
