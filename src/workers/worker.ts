/**
 * What a worker thread does with each trial: build its context, call the
 * trainable, and turn whatever happens into a {@link TrialOutcome}, with the
 * trial's output sent to the driver (see `capture.ts`). Loaded by
 * `bootstrap.js`, which hands over the trainable's loader.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { ConfigError, show } from '../errors.ts'
import { OutputCapture } from './capture.ts'
import { checkMetrics, createContext, type TrialContext, TrialStopSignal } from './context.ts'
import { type StartedMessage, serializeError, type TaskResult, type TrialOutcome, type TrialTask, type WorkerSetup } from './protocol.ts'

type Trainable = (config: unknown, ctx: TrialContext) => unknown

/**
 * Returns the per-trial task function; the trainable module is imported once, on the first trial.
 * From here on, what the thread writes to stdout and stderr goes to the driver, tagged by trial.
 */
export function createTrialRunner(importTrainable: () => Promise<{ default?: unknown }>): (task: TrialTask) => Promise<TaskResult> {
  const setup = workerData as WorkerSetup
  const capture = new OutputCapture((message) => parentPort?.postMessage(message))
  capture.install()
  let trainable: Promise<Trainable> | undefined
  const load = async (): Promise<Trainable> => {
    const module = await importTrainable()
    if (typeof module.default !== 'function') {
      throw new ConfigError(
        `trainable ${setup.trainable}: the module must default-export a function (config, ctx) => Promise<void | metrics>, got ${show(module.default)}`,
        { field: 'trainable' },
      )
    }
    return module.default as Trainable
  }

  const runTrial = async (task: TrialTask): Promise<TrialOutcome> => {
    const { ctx, ended, misuse, answered } = createContext(task, setup.data)
    let train: Trainable
    try {
      trainable ??= load()
      train = await trainable
    } catch (error) {
      task.port.close()
      return { kind: 'unloadable', error: serializeError(error) }
    }
    task.port.postMessage({ type: 'started' } satisfies StartedMessage)
    try {
      const returned = await train(task.config, ctx)
      // A last report the trainable did not await would race the trial's end to the driver: let it arrive first.
      await answered()
      const end = ended()
      if (end) return { kind: end === 'stop' ? 'stopped' : 'paused' }
      // A report dropped for a missing await fails this trial, whatever the trainable did with the error.
      const dropped = misuse()
      if (dropped) return { kind: 'errored', error: serializeError(dropped) }
      if (returned === undefined) return { kind: 'completed', final: undefined }
      checkMetrics(returned, "the trainable's return value (nothing, or its final metrics)")
      return { kind: 'completed', final: returned }
    } catch (error) {
      // Once the driver ended the trial, whatever the trainable throws on its way out is the stop itself.
      const end = ended() ?? (error instanceof TrialStopSignal ? error.decision : undefined)
      if (end) return { kind: end === 'pause' ? 'paused' : 'stopped' }
      return { kind: 'errored', error: serializeError(misuse() ?? error) }
    } finally {
      task.port.close()
    }
  }

  return async (task: TrialTask): Promise<TaskResult> => {
    capture.begin(task.run, task.trialId)
    const outcome = await runTrial(task)
    return { outcome, outputBatches: capture.end() }
  }
}
