import { MessageChannel } from 'node:worker_threads'
import { Piscina } from 'piscina'
import { errnoCode } from '../errno.ts'
import { WorkerError } from '../errors.ts'
import type { Decision, TrialOutput } from '../types.ts'
import type { Executor, TrialHandle, TrialListener, TrialRun } from './executor.ts'
import { defaultHeapMb, machineMemory } from './heap.ts'
import { OutputInbox } from './output-inbox.ts'
import {
  type CheckpointMessage,
  type DecisionMessage,
  isOutputMessage,
  type ReportMessage,
  type StartedMessage,
  serializeError,
  type TaskResult,
  type TrialOutcome,
  type TrialTask,
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
  /**
   * What the trials write to stdout and stderr, tagged by trial; a trial's output has all arrived
   * before its `done` settles. Default: written to this process's stdout and stderr as is.
   */
  readonly onOutput?: (output: TrialOutput) => void
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
  readonly #output: OutputInbox
  #runs = 0

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
    this.#piscina.on('error', (error: unknown) => options.onStrayError?.(error instanceof Error ? error : new WorkerError(String(error))))
    this.#output = new OutputInbox(options.onOutput ?? ((output) => process[output.stream].write(output.text)))
    this.#piscina.on('message', (message: unknown) => {
      if (isOutputMessage(message)) this.#output.receive(message)
    })
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
    const key = this.#runs++
    const task: TrialTask = { trialId: run.trialId, config: run.config, seed: run.seed, restore: run.restore, port: port2, run: key }
    this.#output.open(key)
    const done = this.#piscina
      .run(task, { transferList: [port2], signal: abort.signal })
      .then(
        async (result: TaskResult): Promise<TrialOutcome> => {
          await this.#output.settled(key, result.outputBatches)
          return result.outcome
        },
        (error: unknown): TrialOutcome => {
          this.#output.forget(key)
          return { kind: 'errored', error: serializeError(this.#workerFailure(error)) }
        },
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
  #workerFailure(error: unknown): WorkerError {
    if (!(error instanceof Error)) return new WorkerError(`the trial's worker failed: ${String(error)}`)
    const code = errnoCode(error)
    if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return new WorkerError(`the trial's worker ran out of its ${this.heapMb} MB heap (${this.#heapNote}): ${error.message}`, {
        field: 'maxHeapMb',
        cause: error,
      })
    }
    if (/worker exited with code/.test(error.message))
      return new WorkerError(`the trial's worker exited: ${error.message}`, { cause: error })
    if (error.name === 'AbortError') return new WorkerError('the trial was killed', { cause: error })
    return new WorkerError(`the trial's worker failed: ${error.name}: ${error.message}`, { cause: error })
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
