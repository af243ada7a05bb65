/**
 * Creating an MLflow run without twins. `runs/create` is not idempotent: when
 * its answer is lost (a timeout, a cut connection) the run may exist all the
 * same, and a plain retry would leave an empty duplicate beside it. Each run
 * therefore carries a key of hyperpool's own as a tag, and a retry first
 * searches the experiment for it.
 */
import { isRefusal, type MlflowHttp, MlflowRequestError } from './http.ts'
import type { Retrier } from './retry.ts'

/**
 * The tag holding a run's key: unique per tracker session and run.
 *
 * @example
 * ```ts
 * // In MLflow's search syntax: tags.`hyperpool.run_key` = '6f1c…/trial-3'
 * ```
 */
export const RUN_KEY_TAG = 'hyperpool.run_key'

/**
 * What `runs/create` needs, less the key tag.
 *
 * @example
 * ```ts
 * const body: CreateRunBody = { experiment_id: '1', run_name: 'trial_0003', start_time: Date.now(), tags: [] }
 * ```
 */
export interface CreateRunBody {
  readonly experiment_id: string
  readonly run_name: string
  readonly start_time: number
  readonly tags: ReadonlyArray<{ readonly key: string; readonly value: string }>
}

interface RunInfoAnswer {
  readonly info?: { readonly run_id?: string; readonly run_uuid?: string }
}

/**
 * The id of the run with key `key`: created, or found where a lost answer
 * left it. Retryable failures are retried by `retrier`; a refusal rejects.
 *
 * @example
 * ```ts
 * const runId = await createRun(http, retrier, { experiment_id: '1', run_name: 'trial_0003', start_time: Date.now(), tags: [] }, 'a1b2/trial-3')
 * ```
 */
export async function createRun(http: MlflowHttp, retrier: Retrier, body: CreateRunBody, key: string): Promise<string> {
  const request = { ...body, tags: [...body.tags, { key: RUN_KEY_TAG, value: key }] }
  let tries = 0
  const id = await retrier.call(async (signal) => {
    if (tries++ > 0) {
      const found = await findRun(http, body.experiment_id, key, signal)
      if (found !== undefined) return found
    }
    const created = await http.post<{ run?: RunInfoAnswer }>('runs/create', request, signal)
    return created.run?.info?.run_id ?? created.run?.info?.run_uuid
  })
  if (id === undefined) throw new MlflowRequestError('runs/create: answer has no run_id', { retryable: false })
  return id
}

/** The run of the experiment tagged with `key`, if the server knows one; a server that refuses the search is taken as knowing none. */
async function findRun(http: MlflowHttp, experimentId: string, key: string, signal: AbortSignal): Promise<string | undefined> {
  try {
    const answer = await http.post<{ runs?: RunInfoAnswer[] }>(
      'runs/search',
      { experiment_ids: [experimentId], filter: `tags.\`${RUN_KEY_TAG}\` = '${key}'`, max_results: 1 },
      signal,
    )
    const info = answer.runs?.[0]?.info
    return info?.run_id ?? info?.run_uuid
  } catch (error) {
    if (isRefusal(error)) return undefined
    throw error
  }
}
