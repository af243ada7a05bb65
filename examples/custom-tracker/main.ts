/**
 * A custom tracker in a few lines: WebhookTracker (webhook-tracker.ts) posts
 * a summary of the experiment to a webhook. Here the webhook is a tiny local
 * server that prints what it receives; point `url` at a real one (Slack
 * incoming webhook, a CI bot) the same way.
 *
 *   npx tsx examples/custom-tracker/main.ts
 *   HYPERPOOL_SAMPLES=4 npx tsx examples/custom-tracker/main.ts
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ConsoleReporter, loguniform, Tuner, uniform } from 'hyperpool'
import { WebhookTracker } from './webhook-tracker.ts'

const numSamples = Number(process.env.HYPERPOOL_SAMPLES ?? 12)

// The webhook's receiving end.
const received: unknown[] = []
const receiver = createServer(async (req, res) => {
  let body = ''
  for await (const chunk of req) body += chunk
  received.push(JSON.parse(body))
  res.writeHead(204).end()
})
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`

// Noisy points of y = 0.5x² - x + 2 on [-2, 2].
const xs = Float64Array.from({ length: 64 }, (_, i) => -2 + (4 * i) / 63)
const ys = xs.map((x) => 0.5 * x * x - x + 2 + 0.1 * Math.sin(37 * x))

const tuner = new Tuner({
  trainable: new URL('./trainable.ts', import.meta.url),
  space: { lr: loguniform(1e-3, 0.5), momentum: uniform(0, 0.95), steps: 200 },
  metric: 'mse',
  mode: 'min',
  numSamples,
  concurrency: 2,
  data: { xs, ys },
  seed: 7,
  trackers: [new ConsoleReporter(), new WebhookTracker({ url })],
})
await tuner.fit()
receiver.close()

console.log(`\nthe webhook received ${received.length} message(s); the last one:`)
console.log(JSON.stringify(received.at(-1), null, 2))
