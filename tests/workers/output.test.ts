import { describe, expect, it, vi } from 'vitest'
import type { TrialOutput } from '../../src/types.ts'
import { OutputCapture } from '../../src/workers/capture.ts'
import { OutputInbox } from '../../src/workers/output-inbox.ts'
import { LocalPool } from '../../src/workers/pool.ts'
import type { OutputMessage } from '../../src/workers/protocol.ts'
import { expectedLines } from '../fixtures/printing.ts'

const PRINTING = new URL('../fixtures/printing.ts', import.meta.url).href
const listener = { report: () => 'continue' as const, checkpoint() {} }

function textOf(outputs: readonly TrialOutput[], trialId: number, stream: TrialOutput['stream']): string {
  return outputs
    .filter((o) => o.trialId === trialId && o.stream === stream)
    .map((o) => o.text)
    .join('')
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

  it('tags output written after a run ended as late, with the trial it came from', async () => {
    const outputs: TrialOutput[] = []
    const pool = new LocalPool({ trainable: PRINTING, concurrency: 1, data: undefined, onOutput: (o) => outputs.push(o) })
    try {
      await pool.start({ trialId: 5, config: { mode: 'late' }, seed: 0 }, listener).done
      expect(outputs).toEqual([{ trialId: 5, stream: 'stdout', text: 'during the run\n', late: false }])
      await vi.waitFor(() => expect(outputs).toHaveLength(2))
      expect(outputs[1]).toEqual({ trialId: 5, stream: 'stdout', text: 'late from trial 5\n', late: true })
    } finally {
      await pool.close()
    }
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
        type: 'hyperpool:output',
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

describe('OutputInbox', () => {
  const batch = (run: number, text: string, late = false): OutputMessage => ({
    type: 'hyperpool:output',
    run,
    trialId: run,
    late,
    chunks: [['stdout', text]],
  })

  it("waits for a run's batches that have not arrived yet, and not for late ones", async () => {
    const texts: string[] = []
    const inbox = new OutputInbox((o) => texts.push(o.text))
    inbox.open(0)
    inbox.receive(batch(0, 'one'))
    let settled = false
    const done = inbox.settled(0, 3).then(() => {
      settled = true
    })
    inbox.receive(batch(0, 'late', true))
    inbox.receive(batch(0, 'two'))
    await Promise.resolve()
    expect(settled).toBe(false)
    inbox.receive(batch(0, 'three'))
    await done
    expect(texts).toEqual(['one', 'late', 'two', 'three'])
    // Once settled, the run's later output still reaches the sink.
    inbox.receive(batch(0, 'after', true))
    expect(texts.at(-1)).toBe('after')
  })

  it('settles at once when everything is in', async () => {
    const inbox = new OutputInbox(() => {})
    inbox.open(4)
    inbox.receive(batch(4, 'a'))
    await inbox.settled(4, 1)
    inbox.open(5)
    await inbox.settled(5, 0)
  })
})
