import { once } from 'node:events'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { MessageChannel, type MessagePort, receiveMessageOnPort } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import type { Config, Decision, TrialOutput } from '../../src/types.ts'
import { OutputCapture } from '../../src/workers/capture.ts'
import { LocalPool } from '../../src/workers/pool.ts'
import { isLinkHello, type OutputMessage } from '../../src/workers/protocol.ts'
import { RunRouter } from '../../src/workers/run-router.ts'
import { expectedLines, type PrintingConfig } from '../fixtures/printing.ts'

const PRINTING = new URL('../fixtures/printing.ts', import.meta.url).href
const listener = { report: () => 'continue' as const, checkpoint() {} }

function textOf(outputs: readonly TrialOutput[], trialId: number, stream: TrialOutput['stream']): string {
  return outputs
    .filter((o) => o.trialId === trialId && o.stream === stream)
    .map((o) => o.text)
    .join('')
}

/** One trial of `config` on a fresh pool, closed after it: what the pool said of work left behind and of stray errors. */
async function runOneTrial(config: PrintingConfig & Config, concurrency = 1) {
  const left: [number, readonly string[], readonly number[]][] = []
  const stray: Error[] = []
  const pool = new LocalPool({
    trainable: PRINTING,
    concurrency,
    data: undefined,
    onOutput: () => {},
    onLeftBehind: (threads, kinds, trials) => left.push([threads, kinds, trials]),
    onStrayError: (error) => stray.push(error),
  })
  try {
    await pool.start({ trialId: 0, config, seed: 0 }, listener).done
  } finally {
    await pool.close()
  }
  return { left, stray }
}

describe('trial output from worker threads', () => {
  it("hands each trial's stdout and stderr to the driver, whole, before the trial's end is seen", async () => {
    const outputs: TrialOutput[] = []
    const pool = new LocalPool({ trainable: PRINTING, concurrency: 2, data: undefined, onOutput: (o) => outputs.push(o) })
    try {
      const complete: boolean[] = []
      // Many short trials: a worker's output and its task result travel on different ports, and the result often comes first.
      await Promise.all(
        Array.from({ length: 24 }, async (_, trialId) => {
          const outcome = await pool.start({ trialId, config: { mode: 'lines', lines: 3 }, seed: trialId }, listener).done
          expect(outcome.kind).toBe('completed')
          complete[trialId] = textOf(outputs, trialId, 'stdout') === expectedLines(trialId, 3)
          expect(textOf(outputs, trialId, 'stderr')).toBe(`trial ${trialId} err\n`)
        }),
      )
      expect(complete).toEqual(Array(24).fill(true))
      expect(outputs.every((o) => !o.late)).toBe(true)
    } finally {
      await pool.close()
    }
  })

  it('sends a busy loop of output in several batches, all in before the end', async () => {
    const outputs: TrialOutput[] = []
    const pool = new LocalPool({ trainable: PRINTING, concurrency: 1, data: undefined, onOutput: (o) => outputs.push(o) })
    try {
      await pool.start({ trialId: 0, config: { mode: 'big' }, seed: 0 }, listener).done
      const text = textOf(outputs, 0, 'stdout')
      expect(text.length).toBe(300_000)
      expect(text.split('\n').at(-2)).toBe(String(2999).padStart(99, '.'))
      expect(outputs.length).toBeGreaterThan(1)
    } finally {
      await pool.close()
    }
  })

  it('tags output written after a run ended as late, with the trial it came from, and delivers it by the close', async () => {
    const outputs: TrialOutput[] = []
    const stray: Error[] = []
    const pool = new LocalPool({
      trainable: PRINTING,
      concurrency: 1,
      data: undefined,
      onOutput: (o) => outputs.push(o),
      onStrayError: (e) => stray.push(e),
    })
    try {
      await pool.start({ trialId: 5, config: { mode: 'late' }, seed: 0 }, listener).done
      expect(outputs).toEqual([{ trialId: 5, stream: 'stdout', text: 'during the run\n', late: false }])
    } finally {
      // The thread's event loop stands still between tasks: the timer's output comes in the close's last turn.
      await pool.close()
    }
    expect(outputs[1]).toEqual({ trialId: 5, stream: 'stdout', text: 'late from trial 5\n', late: true })
    expect(stray).toEqual([])
  })

  it('gives work a trial left running at most a second as the pool closes, then ends it and says what it held', async () => {
    const { left } = await runOneTrial({ mode: 'interval' }, 2)
    expect(left).toEqual([[1, ['Timeout'], [0]]])
  })

  it('finishes a write stream a trial did not await, which opens its file only after the run ended', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hyperpool-stream-')), 'out.bin')
    await runOneTrial({ mode: 'stream', release: file })
    expect(statSync(file).size).toBe(1 << 20)
    rmSync(dirname(file), { recursive: true, force: true })
  })

  it('ends a thread that work left behind blocks for good, and closes', async () => {
    const { left, stray } = await runOneTrial({ mode: 'block' })
    expect(left).toEqual([[1, [], [0]]])
    expect(stray).toEqual([])
  })
})

describe('OutputCapture', () => {
  function capture(): { capture: OutputCapture; sent: OutputMessage[] } {
    const sent: OutputMessage[] = []
    return { capture: new OutputCapture((message) => sent.push(structuredClone(message))), sent }
  }

  it('joins writes of one turn into one batch, stream by stream, in order', async () => {
    const { capture: c, sent } = capture()
    c.begin(7, 3)
    c.add('stdout', 'a')
    c.add('stdout', 'b\n')
    c.add('stderr', 'oops\n')
    c.add('stdout', 'c\n')
    expect(sent).toEqual([])
    await new Promise(setImmediate)
    expect(sent).toEqual([
      {
        type: 'output',
        run: 7,
        trialId: 3,
        late: false,
        chunks: [
          ['stdout', 'ab\n'],
          ['stderr', 'oops\n'],
          ['stdout', 'c\n'],
        ],
      },
    ])
  })

  it('counts the batches of a run, sends at once past 64 K characters, and marks what comes after the end as late', () => {
    const { capture: c, sent } = capture()
    c.begin(1, 0)
    c.add('stdout', 'x'.repeat(70_000))
    expect(sent).toHaveLength(1)
    c.add('stdout', 'tail\n')
    expect(c.end()).toBe(2)
    c.add('stderr', 'after\n')
    c.flush()
    expect(sent.map((m) => [m.run, m.late])).toEqual([
      [1, false],
      [1, false],
      [1, true],
    ])
    c.begin(2, 1)
    expect(c.end()).toBe(0)
  })
})

describe('RunRouter', () => {
  const batch = (run: number, text: string, late = false): OutputMessage => ({
    type: 'output',
    run,
    trialId: run,
    late,
    chunks: [['stdout', text]],
  })
  const link = { postMessage() {} }

  it("waits for a run's messages that have not arrived yet, and not for late output", async () => {
    const texts: string[] = []
    const router = new RunRouter((o) => texts.push(o.text))
    const live = router.open(0, listener)
    router.receive(link, batch(0, 'one'))
    let settled = false
    const done = live.arrived(4)?.then(() => {
      settled = true
    })
    router.receive(link, batch(0, 'late', true))
    router.receive(link, batch(0, 'two'))
    router.receive(link, { type: 'started', run: 0 })
    await Promise.resolve()
    expect(settled).toBe(false)
    router.receive(link, batch(0, 'three'))
    await done
    expect(settled).toBe(true)
    expect(texts).toEqual(['one', 'late', 'two', 'three'])
    // Once the run is closed, its later output still reaches the sink.
    router.close(0)
    router.receive(link, batch(0, 'after', true))
    expect(texts.at(-1)).toBe('after')
  })

  it('has nothing to wait for when everything is in', () => {
    const router = new RunRouter(() => {})
    const live = router.open(4, listener)
    router.receive(link, batch(4, 'a'))
    expect(live.arrived(1)).toBeUndefined()
    expect(router.open(5, listener).arrived(0)).toBeUndefined()
  })

  it('answers each report on the link it came on, with the stop once one was told, and keeps runs apart', async () => {
    const router = new RunRouter(() => {})
    const sent: unknown[] = []
    const thread = { postMessage: (message: unknown) => sent.push(message) }
    const reports: unknown[] = []
    const decisions: Decision[] = ['continue', 'stop', 'continue']
    const report = (metrics: unknown): Decision => {
      reports.push(metrics)
      return decisions.shift() ?? 'continue'
    }
    const live = router.open(7, { report, checkpoint() {} })
    router.open(8, { report: async (): Promise<Decision> => 'pause', checkpoint() {} })
    router.receive(thread, { type: 'report', run: 7, metrics: { loss: 1 } })
    router.receive(thread, { type: 'report', run: 8, metrics: { loss: 9 } })
    router.receive(thread, { type: 'report', run: 7, metrics: { loss: 2 } })
    router.receive(thread, { type: 'report', run: 7, metrics: { loss: 3 } })
    await Promise.resolve()
    // Every report reaches the listener; after the stop, each is answered with it whatever the listener says.
    expect(reports).toEqual([{ loss: 1 }, { loss: 2 }, { loss: 3 }])
    expect(sent).toEqual([
      { run: 7, decision: 'continue' },
      { run: 7, decision: 'stop' },
      { run: 7, decision: 'stop' },
      { run: 8, decision: 'pause' },
    ])
    expect(live.stopping).toBe('stop')
  })

  it("hands a run's checkpoints to its listener, counts them, and drops messages of runs it does not know", () => {
    const router = new RunRouter(() => {})
    const saved: unknown[] = []
    const live = router.open(5, { report: () => 'continue', checkpoint: (state) => saved.push(state) })
    router.receive(link, { type: 'checkpoint', run: 5, state: { epoch: 1 } })
    router.receive(link, { type: 'checkpoint', run: 6, state: { epoch: 9 } })
    expect(saved).toEqual([{ epoch: 1 }])
    expect(live.arrived(1)).toBeUndefined()
  })

  it("moves a thread's told count after each message it posts on the link, so a one-way report looks there only then", async () => {
    const router = new RunRouter(() => {})
    const { port1, port2 } = new MessageChannel()
    const told = new Int32Array(new SharedArrayBuffer(4))
    try {
      router.connect(port1, told)
      const live = router.open(2, listener)
      live.stop('stop')
      expect(Atomics.load(told, 0)).toBe(1)
      // The message is on the port by the time the count moved: a synchronous read finds it.
      expect(receiveMessageOnPort(port2)?.message).toEqual({ run: 2, decision: 'stop' })
      expect(Atomics.load(told, 0)).toBe(1)
    } finally {
      router.closeLinks()
    }
  })

  it('takes a link hello only with its told count: without one the thread would never look for a stop', () => {
    const { port1 } = new MessageChannel()
    try {
      expect(isLinkHello({ type: 'hyperpool:link', port: port1, told: new Int32Array(new SharedArrayBuffer(4)) })).toBe(true)
      expect(isLinkHello({ type: 'hyperpool:link', port: port1 })).toBe(false)
      expect(isLinkHello({ type: 'hyperpool:link', port: port1, told: [0] })).toBe(false)
    } finally {
      port1.close()
    }
  })

  it('sends a stop for a run not heard from yet to every thread, and to a thread that connects later; then only to its own', async () => {
    const router = new RunRouter(() => {})
    const [a, b] = [new MessageChannel(), new MessageChannel()]
    const next = async (port: MessagePort) => ((await once(port, 'message')) as [unknown])[0]
    try {
      router.connect(a.port1, new Int32Array(new SharedArrayBuffer(4)))
      const live = router.open(3, listener)
      live.stop('pause')
      expect(await next(a.port2)).toEqual({ run: 3, decision: 'pause' })
      router.connect(b.port1, new Int32Array(new SharedArrayBuffer(4)))
      expect(await next(b.port2)).toEqual({ run: 3, decision: 'pause' })
      // Heard from on b: its thread is known, and the report is answered there with the pause.
      router.receive(b.port1, { type: 'report', run: 3, metrics: { loss: 1 } })
      expect(await next(b.port2)).toEqual({ run: 3, decision: 'pause' })
      expect(live.link).toBe(b.port1)
      // Told once: a second stop changes nothing.
      live.stop('stop')
      expect(live.stopping).toBe('pause')
    } finally {
      router.closeLinks()
    }
  })
})
