/** Finding or creating the MLflow experiment a session logs to. */

import type { MlflowHttp } from './http.ts'
import { MlflowRequestError } from './http.ts'
import type { Retrier } from './retry.ts'

/** Most rounds of "get-by-name: not found, create: already exists" before the session gives up. */
export const MAX_EXPERIMENT_ROUNDS = 2

/** What the lookup needs from its session. */
export interface ExperimentLookup {
  readonly http: MlflowHttp
  readonly retrier: Retrier
  readonly signal: AbortSignal
  /** Records an error for the session's final warning. */
  note(error: unknown): void
}

/**
 * The id of the experiment called `name`, created if it does not exist;
 * undefined when the session was aborted meanwhile. A server that keeps
 * saying both "not found" and "already exists" gets
 * {@link MAX_EXPERIMENT_ROUNDS} rounds, then a refusal that names the cause.
 */
export async function resolveExperiment(lookup: ExperimentLookup, name: string): Promise<string | undefined> {
  for (let round = 1; ; round++) {
    const id = await findOrCreate(lookup, name)
    if (id !== undefined) return id
    // Created by someone else between the lookup and the create: look it up again, a bounded number of times.
    if (round >= MAX_EXPERIMENT_ROUNDS) {
      throw new MlflowRequestError(
        `experiment ${JSON.stringify(name)}: experiments/get-by-name answered RESOURCE_DOES_NOT_EXIST and experiments/create answered RESOURCE_ALREADY_EXISTS, ${round} times in a row; the server contradicts itself (a deleted experiment of that name that get-by-name does not show? a proxy that caches answers?); restore or rename it in MLflow, or choose another experimentName`,
        { retryable: false },
      )
    }
    await lookup.retrier.pause(round)
    if (lookup.signal.aborted) return undefined
  }
}

/** Looks the experiment up, else creates it; undefined when the create found it already exists (someone else made it meanwhile). */
async function findOrCreate({ http, retrier, note }: ExperimentLookup, name: string): Promise<string | undefined> {
  try {
    const found = await retrier.call((signal) =>
      http.get<{ experiment?: { experiment_id?: string; lifecycle_stage?: string } }>(
        'experiments/get-by-name',
        { experiment_name: name },
        signal,
      ),
    )
    if (found.experiment?.lifecycle_stage === 'deleted') {
      throw new MlflowRequestError(`experiment ${JSON.stringify(name)} is deleted; restore it in MLflow or choose another experimentName`, {
        retryable: false,
      })
    }
    const id = found.experiment?.experiment_id
    if (typeof id !== 'string' && typeof id !== 'number')
      throw new MlflowRequestError('experiments/get-by-name: answer has no experiment_id', { retryable: false })
    return String(id)
  } catch (error) {
    if (!(error instanceof MlflowRequestError) || error.errorCode !== 'RESOURCE_DOES_NOT_EXIST') throw error
  }
  try {
    const created = await retrier.call((signal) => http.post<{ experiment_id?: string }>('experiments/create', { name }, signal))
    if (created.experiment_id === undefined)
      throw new MlflowRequestError('experiments/create: answer has no experiment_id', { retryable: false })
    return String(created.experiment_id)
  } catch (createError) {
    if (!(createError instanceof MlflowRequestError) || createError.errorCode !== 'RESOURCE_ALREADY_EXISTS') throw createError
    note(createError)
    return undefined
  }
}
