import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/errors.ts'
import { placeSyntaxError } from '../../src/workers/syntax-location.ts'
import { temporaryDir } from '../helpers.ts'

/**
 * The file URL of `source` in a fresh folder, and `error`, which stands for what importing it rejects with
 * in a worker (vitest's own import here would put its transform's error in its place).
 */
function written(source: string, error: Error): { url: string; error: Error } {
  const path = join(temporaryDir(), 'train.mjs')
  writeFileSync(path, source)
  return { url: pathToFileURL(path).href, error }
}

describe('placeSyntaxError', () => {
  it('says where a JavaScript module fails to parse, with the source line and its caret, the SyntaxError as the cause', async () => {
    const { url, error } = written('export default function train() {}\nconst x = ;\n', new SyntaxError("Unexpected token ';'"))
    const placed = await placeSyntaxError(url, error)
    expect(placed).toBeInstanceOf(ConfigError)
    expect((placed as ConfigError).message).toBe(
      `trainable ${url}: SyntaxError: Unexpected token ';' at ${url}:2\nconst x = ;\n          ^`,
    )
    expect((placed as ConfigError).field).toBe('trainable')
    expect((placed as ConfigError).cause).toBe(error)
  })

  it('gives the line alone when the input ends early (no source line to show)', async () => {
    const { url, error } = written('export default function train() {\n  return { loss: 0 }\n', new SyntaxError('Unexpected end of input'))
    expect(((await placeSyntaxError(url, error)) as Error).message).toBe(
      `trainable ${url}: SyntaxError: Unexpected end of input at ${url}:3`,
    )
  })

  it('returns other errors as they are: a throw at import, a missing named export (a SyntaxError the file itself parses for)', async () => {
    const thrown = written("throw new Error('boom')\n", new Error('boom'))
    expect(await placeSyntaxError(thrown.url, thrown.error)).toBe(thrown.error)
    const message = "The requested module 'node:path' does not provide an export named 'nothing'"
    const missing = written("import { nothing } from 'node:path'\nexport default nothing\n", new SyntaxError(message))
    expect(await placeSyntaxError(missing.url, missing.error)).toBe(missing.error)
  })
})
