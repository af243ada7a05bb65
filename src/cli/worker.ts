import { RedisWorker } from '../index.ts'
import { integerFlag, readArgs, UsageError } from './args.ts'
import type { CliIO } from './io.ts'

const FLAGS = {
  redis: { type: 'string' },
  concurrency: { type: 'string' },
  'max-heap-mb': { type: 'string' },
  'lock-ms': { type: 'string' },
  'stalled-check-ms': { type: 'string' },
} as const

/**
 * `hyperpool worker --redis <url>`: a worker process of the Redis executor
 * (RedisWorker). It runs trials of every experiment published on that Redis
 * until SIGINT or SIGTERM, which make it leave (its running trials move to
 * other workers) and exit with 0.
 */
export async function worker(argv: readonly string[], io: CliIO): Promise<number> {
  const { flags } = readArgs('worker', argv, FLAGS, [])
  if (flags.redis === undefined)
    throw new UsageError('worker: --redis <url> is needed, e.g. --redis redis://127.0.0.1:6379', 'worker', '--redis')
  const number = (flag: keyof typeof FLAGS, min: number) => integerFlag('worker', flag, flags[flag], min)
  const options = {
    connection: flags.redis,
    ...optional('concurrency', number('concurrency', 1)),
    ...optional('maxHeapMb', number('max-heap-mb', 16)),
    ...optional('lockMs', number('lock-ms', 100)),
    ...optional('stalledCheckMs', number('stalled-check-ms', 50)),
  }
  const running = new RedisWorker(options)
  io.stdout(`hyperpool worker ${running.name}: waiting for experiments; Ctrl-C leaves\n`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await running.close()
  return 0
}

/** `{ [key]: value }`, or nothing for a flag not given. */
function optional<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number }
}
