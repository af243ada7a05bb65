import { MessageChannel } from 'node:worker_threads'
import { Piscina } from 'piscina'
import type { Decision } from '../types.ts'
import type { Executor, TrialHandle, TrialListener, TrialRun } from './executor.ts'
import { defaultHeapMb, machineMemory } from './heap.ts'
import {
  type CheckpointMessage,
  type DecisionMessage,
  type ReportMessage,
  type StartedMessage,
  serializeError,
  type TrialOutcome,
  type WorkerSetup,
} from './protocol.ts'

/** Options of the local worker-thread pool. */
export interface PoolOptions {
  /** The trainable module (file URL or path). */
  readonly trainable: string
  /** Threads; the pool keeps exactly this many warm. */
  readonly concurrency: number
  /** The experiment data, already in shared memory (see `shareData`). */
  readonly data: unknown
  /** Heap cap per worker, in MB; a trial that exceeds it errors without taking the process down. Default: {@link defaultHeapMb}. */
  readonly maxHeapMb?: number | undefined
  /**
   * A worker failed outside any trial (a timer or callback that outlived its trial threw): the
   * thread is replaced and this hears of it. Default: ignored.
   */
  readonly onStrayError?: (error: Error) => void
}

/**
 * The local executor: a piscina pool of worker threads that stay warm across
 * trials. The shared data and the trainable's location reach each worker once,
 * at its start; a trial's task carries only its id, config, seed and a port.
 *
 * @example
 * ```ts
 * const pool = new LocalPool({ trainable: url.href, concurrency: 2, data: shareData({ X }) })
 * const outcome = await pool.start({ trialId: 0, config, seed: 1 }, { report: () => 'continue', checkpoint() {} }).done
 * await pool.close()
 * ```
 */
export class LocalPool implements Executor {
  readonly slots: number
  /** The heap cap of each worker thread, MB: the given `maxHeapMb` or the default for this machine. */
  readonly heapMb: number
  readonly #heapNote: string
  readonly #piscina: Piscina

  constructor(options: PoolOptions) {
    this.slots = options.concurrency
    this.heapMb = options.maxHeapMb ?? defaultHeapMb(options.concurrency)
    this.#heapNote =
      options.maxHeapMb === undefined
        ? `the default for ${options.concurrency} thread${options.concurrency === 1 ? '' : 's'} on ${(machineMemory() / 2 ** 30).toFixed(1)} GiB; set maxHeapMb to change it`
        : 'maxHeapMb'
    const setup: WorkerSetup = {
      entry: new URL(`./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href,
      trainable: options.trainable,
      tsLoader: resolveTsLoader(),
      data: options.data,
    }
    this.#piscina = new Piscina({
      filename: new URL('./bootstrap.js', import.meta.url).href,
      minThreads: options.concurrency,
      maxThreads: options.concurrency,
      idleTimeout: Number.POSITIVE_INFINITY,
      concurrentTasksPerWorker: 1,
      atomics: 'disabled',
      workerData: setup,
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb },
    })
    // Without a listener, piscina's 'error' event (a worker failing with no task running) would end the process.
    this.#piscina.on('error', (error: unknown) => options.onStrayError?.(error instanceof Error ? error : new Error(String(error))))
  }

  start(run: TrialRun, listener: TrialListener): TrialHandle {
    const { port1, port2 } = new MessageChannel()
    const abort = new AbortController()
    let stopping: Exclude<Decision, 'continue'> | undefined
    const send = (decision: Decision) => port1.postMessage({ type: 'decision', decision } satisfies DecisionMessage)
    const reply = (decision: Decision) => {
      if (decision !== 'continue') stopping ??= decision
      send(stopping ?? decision)
    }
    port1.on('message', (message: ReportMessage | CheckpointMessage | StartedMessage) => {
      if (message.type === 'checkpoint') {
        listener.checkpoint(message.state)
        return
      }
      if (message.type === 'started') {
        listener.started?.()
        return
      }
      // Every report is recorded, even one that crossed a stop on its way; the answer is the stop.
      const answer = listener.report(message.metrics)
      if (answer instanceof Promise) void answer.then(reply)
      else reply(answer)
    })
    const task = { trialId: run.trialId, config: run.config, seed: run.seed, restore: run.restore, port: port2 }
    const done = this.#piscina
      .run(task, { transferList: [port2], signal: abort.signal })
      .then(
        (outcome: TrialOutcome) => outcome,
        (error: unknown): TrialOutcome => ({ kind: 'errored', error: serializeError(this.#workerFailure(error)) }),
      )
      .finally(() => port1.close())
    return {
      done,
      stop(decision = 'stop') {
        if (stopping) return
        stopping = decision
        send(decision)
      },
      kill() {
        abort.abort()
      },
    }
  }

  async close(): Promise<void> {
    await this.#piscina.destroy()
  }

  /** Rewords piscina's and Node's worker failures so the trial's error says what happened. */
  #workerFailure(error: unknown): Error {
    if (!(error instanceof Error)) return new Error(String(error))
    const code = (error as { code?: string }).code
    if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return new Error(`the trial's worker ran out of its ${this.heapMb} MB heap (${this.#heapNote}): ${error.message}`, { cause: error })
    }
    if (/worker exited with code/.test(error.message)) return new Error(`the trial's worker exited: ${error.message}`, { cause: error })
    if (error.name === 'AbortError') return new Error('the trial was killed', { cause: error })
    return error
  }
}

/** tsx's registration API, when tsx is installed, so workers can load TypeScript (see bootstrap.js). */
function resolveTsLoader(): string | undefined {
  try {
    return import.meta.resolve('tsx/esm/api')
  } catch {
    return undefined
  }
}
