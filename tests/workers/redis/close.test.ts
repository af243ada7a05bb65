/**
 * Closing when Redis is gone: the driver and a worker give up after their
 * deadline instead of waiting for a server that may never come back (fit()
 * would never return, `hyperpool worker` would not exit on SIGTERM).
 */
import { spawn } from 'node:child_process'
import { connect } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { QueueEvents } from 'bullmq'
import { describe, expect, it, onTestFinished } from 'vitest'
import { RedisExecutor, RedisWorker } from '../../../src/index.ts'
import { closeEvents } from '../../../src/workers/redis/connection.ts'
import { memoryLogger } from '../../helpers.ts'
import { freePort, redisUnavailable, until } from './redis-server.ts'

/** A server of this test's own, so it can be killed without touching the one the other tests share. */
async function ownRedis(port?: number) {
  port ??= await freePort()
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

describe.skipIf(redisUnavailable !== undefined)('closing right after Redis came back', { timeout: 60_000 }, () => {
  it("BullMQ's event listener, still waiting to reconnect, closes once it is back (its own close waited forever)", async () => {
    const first = await ownRedis()
    const port = Number(new URL(first.url).port)
    // A long wait between attempts, so the close below surely finds the connection waiting to reconnect.
    const connection = { url: first.url, maxRetriesPerRequest: null, retryStrategy: () => 3000 }
    const events = new QueueEvents('restarted', { connection, prefix: 'hyperpool-test' })
    events.on('error', () => {})
    await events.waitUntilReady()
    const client = await events.getBackend().client
    first.server.kill('SIGKILL')
    await until('the connection to wait to reconnect', () => client.status === 'reconnecting')
    const second = await ownRedis(port)
    onTestFinished(() => void second.server.kill('SIGKILL'))
    const listening = () =>
      new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1')
        socket.once('connect', () => resolve(socket.destroy() !== undefined))
        socket.once('error', () => resolve(false))
      })
    await until('the server to listen again', listening)
    expect(client.status).toBe('reconnecting')
    await closeEvents(events)
    expect(client.status).toBe('end')
  })
})
