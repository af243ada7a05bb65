/**
 * Closing when Redis is gone: the driver and a worker give up after their
 * deadline instead of waiting for a server that may never come back (fit()
 * would never return, `hyperpool worker` would not exit on SIGTERM).
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { RedisExecutor, RedisWorker } from '../../../src/index.ts'
import { memoryLogger } from '../../helpers.ts'
import { freePort, redisUnavailable, until } from './redis-server.ts'

/** A server of this test's own, so it can be killed without touching the one the other tests share. */
async function ownRedis() {
  const port = await freePort()
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  })
  return { url: `redis://127.0.0.1:${port}`, server }
}

describe.skipIf(redisUnavailable !== undefined)('closing when Redis is gone', { timeout: 60_000 }, () => {
  it('the driver ends within its deadline and says the keys stay; a worker closes too', async () => {
    const { url, server } = await ownRedis()
    const logger = memoryLogger()
    const worker = new RedisWorker({ connection: url, concurrency: 1, logger: memoryLogger() })
    const executor = await new RedisExecutor({ connection: url }).open({
      name: 'gone',
      trainable: pathToFileURL(join(import.meta.dirname, '../../fixtures/distributed.ts')).href,
      slots: 1,
      data: undefined,
      logger,
      onOutput: () => {},
    })
    await until('the worker joined', () => worker.experiments.length === 1)
    server.kill('SIGKILL')
    await new Promise((resolve) => server.once('exit', resolve))
    await executor.close()
    expect(logger.lines.join('\n')).toContain("did not answer within 5 s at the end: the experiment's keys stay")
    await worker.close()
  })
})
