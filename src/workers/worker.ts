/**
 * What a worker thread does with each trial: build its context, call the
 * trainable, and turn whatever happens into a {@link TrialOutcome}, with the
 * trial's output sent to the driver (see `capture.ts`). Loaded by
 * `bootstrap.cjs`, which hands over the trainable's loader.
 */
import { MessageChannel, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads'
import { type SerializedError, serializeError } from '../errors.ts'
import type { Decision } from '../types.ts'
import { OutputCapture } from './capture.ts'
import { checkMetrics } from './check-metrics.ts'
import { createContext, type OneWayLink, type TrialScope } from './context.ts'
import { defaultExport, type Trainable } from './default-export.ts'
import { type DrainResult, drainThread, heldResources, leftBehind } from './drain.ts'
import { LoadWatch, loadFailure } from './load-watch.ts'
import { Outbox } from './outbox.ts'
import type {
  DecisionMessage,
  DrainTask,
  ExitedWhileLoading,
  LinkHello,
  LinkMessage,
  TaskResult,
  TrialOutcome,
  TrialTask,
  WorkerSetup,
} from './protocol.ts'
import { placeSyntaxError } from './syntax-location.ts'
import { TrialStopSignal } from './trial-context.ts'

/**
 * Returns the per-trial task function; the trainable module is loaded once, by the thread's first trial.
 * From here on, what the thread writes to stdout and stderr goes to the driver, tagged by trial.
 * The thread's link to the driver (see protocol.ts) is made here, once, and serves every run.
 */
export function createTrialRunner(
  importTrainable: () => Promise<{ default?: unknown }>,
): (task: TrialTask | DrainTask) => Promise<TaskResult | DrainResult> {
  const setup = workerData as WorkerSetup
  const { port1: link, port2 } = new MessageChannel()
  const told = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT))
  parentPort?.postMessage({ type: 'hyperpool:link', port: port2, told } satisfies LinkHello, [port2])
  const post = (message: LinkMessage) => link.postMessage(message)
  const outbox = new Outbox(post)
  const send = (message: LinkMessage) => outbox.send(message)
  /** The run on this thread now. */
  let current: { run: number; scope: TrialScope<unknown> } | undefined
  /**
   * Stops for runs other than the current one: told before their task arrived here, or sent to every
   * thread (see DecisionMessage) and meant for another. Few: the driver tells unprompted stops once
   * per experiment (abort, time budget), to the threads running then.
   */
  const early = new Map<number, Exclude<Decision, 'continue'>>()
  const take = (message: DecisionMessage) => {
    if (current?.run === message.run) current.scope.decide(message.decision)
    else if (message.decision !== 'continue') early.set(message.run, message.decision)
  }
  link.on('message', take)
  /** The driver's `told` count when the link was last read here. */
  let seen = 0
  const oneWay: OneWayLink = {
    hold: (report) => outbox.hold(report),
    // A trainable that computes between reports without yielding would never hear a stop: look for one at each
    // report, when the driver has posted since the last look (its count moves after the message is on the link).
    poll: () => {
      const count = Atomics.load(told, 0)
      if (count === seen) return
      seen = count
      for (let got = receiveMessageOnPort(link); got !== undefined; got = receiveMessageOnPort(link)) take(got.message as DecisionMessage)
    },
  }
  const watch = new LoadWatch(setup.trainable)
  const capture = new OutputCapture(post, (text) => watch.heard(text))
  capture.install()
  // A trainable that ends its thread (process.exit) right after a one-way report: the report still goes.
  process.on('exit', () => outbox.flush())
  const failedLoading = (error: SerializedError | undefined) => {
    if (error === undefined) return
    // What the module printed still reaches the trial logs, not only the error.
    capture.flush()
    parentPort?.postMessage({ type: 'hyperpool:exited-loading', run: current?.run, error } satisfies ExitedWhileLoading)
  }
  // An error the module set off as it loads (a timer, an 'error' event) ends the thread with code 1, and the driver
  // hears of the error itself before the exit: tell it now, with the error, unless the module handles it (its own
  // 'uncaughtException' listener keeps the thread alive).
  process.on('uncaughtExceptionMonitor', (error, origin) => {
    if (process.listenerCount('uncaughtException') === 0) failedLoading(watch.threw(error, origin))
  })
  process.on('exit', (code) => failedLoading(watch.exited(code)))
  const load = async (): Promise<Trainable> => {
    let module: { default?: unknown }
    try {
      module = await importTrainable()
    } catch (error) {
      // import() drops where a syntax error is, which `node train.mjs` would print: put it back.
      throw loadFailure(setup.trainable, await placeSyntaxError(setup.trainable, error))
    }
    return defaultExport(setup.trainable, module)
  }
  /**
   * The module's load, begun by the thread's first trial: a module that ends the thread as it loads then does so
   * in a run, which the driver's outcome for it names (bootstrap.cjs loads it at once where Node can, so started
   * with the thread it would end the thread before piscina counted it started, and no run would hear). One that
   * cannot be loaded is each trial's `unloadable` outcome (the rejection is kept for them).
   */
  let trainable: Promise<Trainable> | undefined
  const loading = (): Promise<Trainable> => {
    if (trainable !== undefined) return trainable
    trainable = load()
    watch.follow(trainable)
    return trainable
  }
  /** The trainable once loaded: every later run calls it without awaiting the load again. */
  let loaded: Trainable | undefined
  /**
   * What the thread holds with no trial's work left: its ports, and whatever the trainable's module made as it
   * was imported (a client it keeps for every trial); taken once the module is loaded, as the first run starts.
   */
  let clean: ReadonlyMap<string, number> | undefined

  const runTrial = async (task: TrialTask, scope: TrialScope<unknown>): Promise<TrialOutcome> => {
    const { ctx } = scope
    let train = loaded
    // Only a thread's first run waits for the module (and for the thread's start before it): only its clock needs
    // moving, so only it says when the trainable was called, and every later run sends nothing more.
    const waited = train === undefined
    if (train === undefined) {
      try {
        train = loaded = await loading()
      } catch (error) {
        return { kind: 'unloadable', error: serializeError(error) }
      }
    }
    if (clean === undefined) {
      // Output the import printed leaves an Immediate pending until it is sent: send it first.
      capture.flush()
      clean = heldResources()
    }
    if (task.announce) scope.started()
    if (waited) scope.calling()
    try {
      const running = train(task.config, ctx)
      scope.running()
      const returned = await running
      // A last report the trainable did not await would race the trial's end to the driver: let it arrive first.
      const answer = scope.answered()
      if (answer !== undefined) await answer
      const end = scope.ended()
      if (end) return { kind: end === 'stop' ? 'stopped' : 'paused' }
      // A report dropped for a missing await fails this trial, whatever the trainable did with the error.
      const dropped = scope.misuse()
      if (dropped) return { kind: 'errored', error: serializeError(dropped) }
      if (returned === undefined) return { kind: 'completed', final: undefined }
      checkMetrics(returned, "the trainable's return value (nothing, or its final metrics)")
      return { kind: 'completed', final: returned }
    } catch (error) {
      // Once the driver ended the trial, whatever the trainable throws on its way out is the stop itself.
      const end = scope.ended() ?? (error instanceof TrialStopSignal ? error.decision : undefined)
      if (end) return { kind: end === 'pause' ? 'paused' : 'stopped' }
      return { kind: 'errored', error: serializeError(scope.misuse() ?? error) }
    }
  }

  return async (task: TrialTask | DrainTask): Promise<TaskResult | DrainResult> => {
    if ('drain' in task) return drainThread(task, clean)
    capture.begin(task.run, task.trialId)
    outbox.begin()
    const scope = createContext(task, setup.data, send, oneWay)
    current = { run: task.run, scope }
    const stop = early.get(task.run)
    if (stop !== undefined) {
      early.delete(task.run)
      scope.decide(stop)
    }
    const outcome = await runTrial(task, scope)
    // The tick below would otherwise send a held report on the link (the outbox looks at it on a tick the report
    // queued, before this one): the result carries it, one message fewer per trial.
    outbox.closing()
    // piscina parks the thread from a promise callback, where ticks the trainable queued last (a stream opens its
    // file on one) would wait for the next task: let them run, so what they start counts as left behind below.
    await new Promise((ticked) => process.nextTick(ticked))
    current = undefined
    scope.close()
    const { flushed, reports } = outbox.end()
    const messages = scope.sent() + flushed + capture.end()
    // An unloadable trainable ran nothing, so it left nothing.
    const result: TaskResult = { outcome, messages, reports, lingering: (clean !== undefined && leftBehind(clean)) || undefined }
    const began = scope.untoldBegan()
    return began === undefined ? result : { ...result, began }
  }
}
