/**
 * TFRecord framing, as TensorBoard event files use it. Each record is
 *
 * ```text
 * uint64  length                 little-endian
 * uint32  masked_crc32c(length)  of the 8 length bytes, little-endian
 * byte    data[length]
 * uint32  masked_crc32c(data)    little-endian
 * ```
 *
 * where CRC32C is the CRC-32 with the Castagnoli polynomial (reflected
 * 0x82F63B78, as in iSCSI) and a CRC is masked as
 * `((crc >>> 15) | (crc << 17)) + 0xa282ead8`, all in 32 bits.
 */

/** The 256-entry lookup table of the reflected Castagnoli polynomial. */
const TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

/**
 * CRC-32C (Castagnoli) of `bytes`.
 *
 * @example
 * ```ts
 * crc32c(new TextEncoder().encode('123456789')) // 0xe3069283
 * ```
 */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff
  for (let i = 0; i < bytes.length; i++) crc = (TABLE[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

/**
 * The masked CRC32C that TFRecord stores, so a CRC of data that holds CRCs stays well distributed.
 *
 * @example
 * ```ts
 * maskedCrc32c(new Uint8Array(8)) // the CRC stored after a zero length
 * ```
 */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes)
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0
}

/**
 * One TFRecord: `data` framed with its length and both masked CRCs.
 *
 * @example
 * ```ts
 * const record = frameRecord(encodeTbEvent({ wallTime: 1.5, fileVersion: 'brain.Event:2' }))
 * record.length // 16 + the event's length
 * ```
 */
export function frameRecord(data: Uint8Array): Buffer {
  const record = Buffer.alloc(data.length + 16)
  record.writeBigUInt64LE(BigInt(data.length), 0)
  record.writeUInt32LE(maskedCrc32c(record.subarray(0, 8)), 8)
  record.set(data, 12)
  record.writeUInt32LE(maskedCrc32c(data), 12 + data.length)
  return record
}
