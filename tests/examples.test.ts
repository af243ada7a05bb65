import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * Examples are written as a user's code: they import 'hyperpool' (which
 * tsconfig.json's `paths` maps to this checkout's source), never a path into
 * src/, so any one can be copied into a project as it is.
 */
const EXAMPLES = resolve(import.meta.dirname, '../examples')

const files = readdirSync(EXAMPLES, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'))

describe('the examples', () => {
  it('import hyperpool by its package name, never from src/', () => {
    const intoSrc = files.filter((file) => /from '(\.\.\/)+src\//.test(readFileSync(join(EXAMPLES, file), 'utf8')))
    expect(intoSrc).toEqual([])
    const usingPackage = files.filter((file) => readFileSync(join(EXAMPLES, file), 'utf8').includes("from 'hyperpool'"))
    expect(usingPackage.length).toBeGreaterThan(10)
  })
})
