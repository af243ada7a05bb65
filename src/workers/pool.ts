import { Piscina } from 'piscina'
import { errnoCode } from '../errno.ts'
import { type SerializedError, serializeError, WorkerError } from '../errors.ts'
import { countOf } from '../format.ts'
import type { Decision, TrialOutput } from '../types.ts'
import type { DrainResult } from './drain.ts'
import type { Executor, TrialHandle, TrialListener, TrialRun } from './executor.ts'
import { defaultHeapMb, machineMemory } from './heap.ts'
import {
  type DrainTask,
  isExitedWhileLoading,
  isLinkHello,
  type TaskResult,
  type TrialOutcome,
  type TrialTask,
  type WorkerSetup,
} from './protocol.ts'
import { type LiveRun, RunRouter } from './run-router.ts'

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
   * As the pool closes: work that trials left running had not finished within {@link LEFT_BEHIND_MS}
   * and was ended with the `threads` threads it ran on. `kinds`: what it still held (`Timeout`,
   * `TCPWrap`, ...), empty when it kept its threads too busy to look. `trials`: the ids, ascending, of
   * the trials that returned while work was still running on their thread (the work is not told apart
   * by trial: a thread's resources have no owner). Told once. Default: ignored.
   */
  readonly onLeftBehind?: (threads: number, kinds: readonly string[], trials: readonly number[]) => void
  /**
   * What the trials write to stdout and stderr, tagged by trial; a trial's output has all arrived
   * before its `done` settles. Default: written to this process's stdout and stderr as is.
   */
  readonly onOutput?: (output: TrialOutput) => void
}

/**
 * How long, at most, work a trainable left running after its trial ended (a timer, an unawaited
 * write) gets to finish as the pool closes, ms. Its thread's event loop stood still since, unless
 * the thread ran another trial (see drain.ts).
 */
export const LEFT_BEHIND_MS = 1000

/** How piscina says a thread ended its task by exiting. */
const WORKER_EXIT = /worker exited with code/

/** How long past {@link LEFT_BEHIND_MS} the pool waits for a draining thread that never looked at the clock (its left-behind work blocks it) before ending it. */
const DRAIN_GRACE_MS = 250

/**
 * The local executor: a piscina pool of worker threads that stay warm across
 * trials. The shared data and the trainable's location reach each worker once,
 * at its start; a trial's task carries only its id, config, seed, checkpoint
 * and run number. Reports, decisions, checkpoints and output travel on each
 * thread's link, made once per thread (see protocol.ts): nothing but the task
 * and its result is made per trial.
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
  readonly #router: RunRouter
  readonly #onStrayError: ((error: Error) => void) | undefined
  readonly #onLeftBehind: ((threads: number, kinds: readonly string[], trials: readonly number[]) => void) | undefined
  #runs = 0
  /** Trials whose run left work behind on its thread (see TaskResult.lingering): the threads get a last turn before they end, and a message names them. */
  readonly #lingering = new Set<number>()
  /**
   * Runs whose thread exited while the trainable module loaded (see `ExitedWhileLoading`), with why: their
   * failure is the module's. Kept per run, not for the pool: a thread that loaded the module and exits
   * later is a trial's own exit, which fails that trial only.
   */
  readonly #exitedLoading = new Map<number, SerializedError>()
  /** Runs started and not yet ended, by key: a close with some still open ends them with their threads, no last turn; and what a thread's word about its run may still concern. */
  readonly #open = new Set<number>()

  constructor(options: PoolOptions) {
    this.slots = options.concurrency
    this.heapMb = options.maxHeapMb ?? defaultHeapMb(options.concurrency)
    this.#heapNote =
      options.maxHeapMb === undefined
        ? `the default for ${countOf(options.concurrency, 'thread')} on ${(machineMemory() / 2 ** 30).toFixed(1)} GiB; set maxHeapMb to change it`
        : 'maxHeapMb'
    const setup: WorkerSetup = {
      entry: new URL(`./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href,
      trainable: options.trainable,
      data: options.data,
    }
    this.#piscina = new Piscina({
      filename: new URL('./bootstrap.cjs', import.meta.url).href,
      minThreads: options.concurrency,
      maxThreads: options.concurrency,
      idleTimeout: Number.POSITIVE_INFINITY,
      concurrentTasksPerWorker: 1,
      // A thread waits for its next task in Atomics.wait and reads it without a 'message' event (and the
      // driver reads other threads' waiting results so too). Side by side with the event-loop hand-off
      // it measured 0-12% more no-op trials/s depending on the order of the runs: not settled (README).
      // The price, that the loop stands still between tasks, falls on work a trainable leaves running:
      // see drain.ts and close().
      atomics: 'sync',
      // piscina's run and wait time histograms, which nothing here reads, cost a clock read and a record per task.
      recordTiming: false,
      workerData: setup,
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb },
    })
    // Without a listener, piscina's 'error' event (a worker failing with no task running) would end the process.
    this.#onStrayError = options.onStrayError
    this.#onLeftBehind = options.onLeftBehind
    this.#piscina.on('error', (error: unknown) => this.#stray(error))
    this.#router = new RunRouter(options.onOutput ?? ((output) => process[output.stream].write(output.text)))
    this.#piscina.on('message', (message: unknown) => {
      if (isLinkHello(message)) this.#router.connect(message.port, message.told)
      // Only for a run still open: one that has ended would keep its entry for ever.
      else if (isExitedWhileLoading(message) && message.run !== undefined && this.#open.has(message.run))
        this.#exitedLoading.set(message.run, message.error)
    })
  }

  start(run: TrialRun, listener: TrialListener): TrialHandle {
    const key = this.#runs++
    this.#open.add(key)
    const live = this.#router.open(key, listener)
    const kill = new KillSwitch()
    const task: TrialTask = {
      trialId: run.trialId,
      config: run.config,
      seed: run.seed,
      restore: run.restore,
      run: key,
      announce: listener.started !== undefined,
      oneWay: run.oneWay,
    }
    const done = this.#piscina.run(task, { signal: kill }).then(
      (result: TaskResult) => {
        const arriving = live.arrived(result.messages)
        return arriving === undefined ? this.#ended(live, run.trialId, result) : arriving.then(() => this.#ended(live, run.trialId, result))
      },
      async (error: unknown): Promise<TrialOutcome> => {
        // The thread's word that it died loading the module comes on its port, the error that killed it on
        // another channel, in either order: one turn of the event loop lets the word arrive first.
        await new Promise((resolve) => setImmediate(resolve))
        return this.#ended(live, run.trialId, { outcome: this.#failed(key, error), messages: 0 })
      },
    )
    return new RunHandle(done, live, kill)
  }

  /**
   * Ends the threads, after a last turn for work a trial left running on them (see drain.ts);
   * `drain: false` skips that turn (a Redis worker leaving, whose runs were just killed).
   */
  async close(options: { readonly drain?: boolean } = {}): Promise<void> {
    if (this.#lingering.size > 0 && this.#open.size === 0 && options.drain !== false) await this.#drain()
    await this.#piscina.destroy()
    this.#router.closeLinks()
  }

  /**
   * Gives every thread a last turn of its event loop, for the work a trial left running there (see
   * drain.ts). The thread keeps its own time; work that blocks it is ended from here, a little later.
   */
  async #drain(): Promise<void> {
    const task: DrainTask = { drain: true, threads: this.slots, arrived: new Int32Array(new SharedArrayBuffer(4)), ms: LEFT_BEHIND_MS }
    const kills = Array.from({ length: this.slots }, () => new KillSwitch())
    const deadline = setTimeout(() => {
      for (const kill of kills) kill.abort()
    }, LEFT_BEHIND_MS + DRAIN_GRACE_MS)
    const drains = await Promise.allSettled(kills.map((kill) => this.#piscina.run(task, { signal: kill }) as Promise<DrainResult>))
    clearTimeout(deadline)
    // A drain aborted before any thread took it (a thread still starting) held no work of a trial's.
    let unstarted = this.slots - Atomics.load(task.arrived, 0)
    let threads = 0
    const kinds = new Set<string>()
    drains.forEach((drain, i) => {
      if (drain.status === 'fulfilled') {
        if (drain.value.left.length > 0) threads++
        for (const kind of drain.value.left) kinds.add(kind)
      } else if (!kills[i]?.aborted) this.#stray(drain.reason)
      else if (unstarted > 0) unstarted--
      else threads++
    })
    if (threads > 0)
      this.#onLeftBehind?.(
        threads,
        [...kinds].sort(),
        [...this.#lingering].sort((a, b) => a - b),
      )
  }

  /** The run's end, once its messages on the link are in: the one-way reports its result carries come first (their answers no longer matter). */
  #ended(live: LiveRun, trialId: number, result: TaskResult): TrialOutcome {
    if (result.lingering) this.#lingering.add(trialId)
    for (const report of result.reports ?? []) {
      live.began(report.began)
      void live.oneWay(report.metrics, report.at)
    }
    live.began(result.began)
    this.#router.close(live.run)
    this.#exitedLoading.delete(live.run)
    this.#open.delete(live.run)
    return result.outcome
  }

  /** A worker failed outside any trial: whoever listens hears of it. */
  #stray(error: unknown): void {
    this.#onStrayError?.(error instanceof Error ? error : new WorkerError(String(error)))
  }

  /**
   * Run `run`, whose thread failed. When that thread died while the module loaded, the run is
   * `unloadable`, which ends the experiment at once rather than after a thread per trial.
   */
  #failed(run: number, error: unknown): TrialOutcome {
    // Whatever ended that thread (an exit, or the error the module set off), it ended it for the module.
    const loading = this.#exitedLoading.get(run)
    if (loading !== undefined) return { kind: 'unloadable', error: loading }
    return { kind: 'errored', error: serializeError(this.#workerFailure(error)) }
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
    if (WORKER_EXIT.test(error.message)) return new WorkerError(`the trial's worker exited: ${error.message}`, { cause: error })
    if (error.name === 'AbortError') return new WorkerError('the trial was killed', { cause: error })
    return new WorkerError(`the trial's worker failed: ${error.name}: ${error.message}`, { cause: error })
  }
}

/** A trial's handle: its end, its stop (through its run), its kill (through piscina's abort of its task). */
class RunHandle implements TrialHandle {
  readonly done: Promise<TrialOutcome>
  readonly #live: LiveRun
  readonly #kill: KillSwitch

  constructor(done: Promise<TrialOutcome>, live: LiveRun, kill: KillSwitch) {
    this.done = done
    this.#live = live
    this.#kill = kill
  }

  stop(decision: Exclude<Decision, 'continue'> = 'stop'): void {
    this.#live.stop(decision)
  }

  kill(): void {
    this.#kill.abort()
  }
}

/**
 * What piscina's `signal` option takes (an object with `addEventListener`, `removeEventListener`
 * and `aborted`), reduced to the one listener piscina adds: an AbortController per trial cost more
 * than the rest of the trial's dispatch (its EventTarget and listener bookkeeping), for a kill that
 * almost never comes.
 */
class KillSwitch {
  aborted = false
  #listener: (() => void) | undefined

  addEventListener(_type: 'abort', listener: () => void): void {
    this.#listener = listener
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    if (this.#listener === listener) this.#listener = undefined
  }

  abort(): void {
    if (this.aborted) return
    this.aborted = true
    const listener = this.#listener
    this.#listener = undefined
    listener?.()
  }
}
