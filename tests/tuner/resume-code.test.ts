import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RedisExecutor } from '../../src/index.ts'
import { resumeCode } from '../../src/tuner/restore.ts'

describe('the resume hint of an interrupted run', () => {
  it('names the data again, and the executor when the run was not on the local pool', () => {
    const executor = new RedisExecutor({ connection: 'redis://:hunter2@queue.lan:6379' }).code
    expect(resumeCode('runs/exp1', { 'data.X': 'Float64Array[6]', 'data.y': 'Float64Array[2]' }, executor)).toBe(
      `await (await Tuner.restore(${JSON.stringify(resolve('runs/exp1'))}, { data: { X, y }, executor: new RedisExecutor({ connection: "redis://:***@queue.lan:6379" }) })).fit()`,
    )
  })

  it('leaves out what the run did not have', () => {
    expect(resumeCode('runs/exp1', null)).toBe(`await (await Tuner.restore(${JSON.stringify(resolve('runs/exp1'))})).fit()`)
    expect(resumeCode('runs/exp1', null, 'new RedisExecutor({ connection: "redis://h:6379" })')).toBe(
      `await (await Tuner.restore(${JSON.stringify(resolve('runs/exp1'))}, { executor: new RedisExecutor({ connection: "redis://h:6379" }) })).fit()`,
    )
  })
})
