/**
 * One worker process of the distributed example: what `npx hyperpool worker
 * --redis $REDIS_URL --concurrency 1` does, from code. On another machine,
 * run that command (or this file) with the same checkout.
 */

import { RedisWorker } from 'hyperpool'

const worker = new RedisWorker({ connection: process.env.REDIS_URL ?? '', concurrency: 1 })
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void worker.close())
