import { TrackerError } from '../../errors.ts'

/**
 * A request to the MLflow REST API that did not succeed. `retryable` says
 * whether trying again may help: network errors, timeouts, 5xx, 408 and 429
 * are; any other answer (400 bad value, 401/403 auth, 404 wrong URI) is not.
 *
 * @example
 * ```ts
 * if (error instanceof MlflowRequestError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST') create()
 * ```
 */
export class MlflowRequestError extends TrackerError {
  /** HTTP status, or undefined when no answer came (network error, timeout). */
  readonly status: number | undefined
  /** MLflow's `error_code`, e.g. `INVALID_PARAMETER_VALUE`, when the answer had one. */
  readonly errorCode: string | undefined
  readonly retryable: boolean

  constructor(message: string, options: { status?: number; errorCode?: string; retryable: boolean; cause?: unknown }) {
    super(message, { field: 'trackingUri', cause: options.cause })
    this.status = options.status
    this.errorCode = options.errorCode
    this.retryable = options.retryable
  }
}

/** How {@link MlflowHttp} reaches the server. */
export interface MlflowHttpOptions {
  /** Server root, e.g. `http://127.0.0.1:5000`, without `/api`. */
  readonly uri: string
  readonly token: string | undefined
  readonly username: string | undefined
  readonly password: string | undefined
  readonly requestTimeoutMs: number
  readonly fetch: typeof fetch
}

/**
 * Calls `<uri>/api/2.0/mlflow/<endpoint>` with JSON, auth and a timeout; an
 * answer other than 2xx with a JSON body becomes an {@link MlflowRequestError}.
 *
 * @example
 * ```ts
 * const http = new MlflowHttp({ uri, token: undefined, username: undefined, password: undefined, requestTimeoutMs: 10_000, fetch })
 * const { experiment_id } = await http.post<{ experiment_id: string }>('experiments/create', { name: 'tune' }, signal)
 * ```
 */
export class MlflowHttp {
  readonly #options: MlflowHttpOptions
  readonly #headers: Record<string, string>

  constructor(options: MlflowHttpOptions) {
    this.#options = options
    this.#headers = { accept: 'application/json' }
    if (options.token !== undefined && options.token !== '') this.#headers.authorization = `Bearer ${options.token}`
    else if (options.username !== undefined && options.password !== undefined) {
      this.#headers.authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`
    }
  }

  get<T>(endpoint: string, query: Record<string, string>, signal: AbortSignal): Promise<T> {
    return this.#request<T>('GET', `${endpoint}?${new URLSearchParams(query).toString()}`, undefined, signal)
  }

  /** POSTs `body`, a JSON object or its already serialised text. */
  post<T>(endpoint: string, body: object | string, signal: AbortSignal): Promise<T> {
    return this.#request<T>('POST', endpoint, typeof body === 'string' ? body : JSON.stringify(body), signal)
  }

  async #request<T>(method: 'GET' | 'POST', path: string, body: string | undefined, signal: AbortSignal): Promise<T> {
    const url = `${this.#options.uri}/api/2.0/mlflow/${path}`
    const headers = body === undefined ? this.#headers : { ...this.#headers, 'content-type': 'application/json' }
    let response: Response
    let text: string
    try {
      response = await this.#options.fetch(url, {
        method,
        headers,
        body,
        signal: anySignal(signal, AbortSignal.timeout(this.#options.requestTimeoutMs)),
      })
      text = await response.text()
    } catch (error) {
      const timedOut = (error as { name?: unknown }).name === 'TimeoutError'
      const reason = timedOut ? `no answer within ${this.#options.requestTimeoutMs} ms` : describe(error)
      return Promise.reject(new MlflowRequestError(`${method} ${path.split('?')[0]}: ${reason}`, { retryable: true, cause: error }))
    }
    let parsed: unknown
    try {
      parsed = text === '' ? {} : JSON.parse(text)
    } catch {
      parsed = undefined
    }
    if (response.ok && parsed !== undefined) return parsed as T
    const { error_code: errorCode, message } = (parsed ?? {}) as { error_code?: unknown; message?: unknown }
    const status = response.status
    const retryable = status >= 500 || status === 408 || status === 429
    const detail = typeof message === 'string' ? message : response.ok ? 'answer is not JSON' : text.slice(0, 200)
    throw new MlflowRequestError(
      `${method} ${path.split('?')[0]}: HTTP ${status}${typeof errorCode === 'string' ? ` ${errorCode}` : ''}: ${detail}`,
      { status, errorCode: typeof errorCode === 'string' ? errorCode : undefined, retryable },
    )
  }
}

/** Aborts when either signal does (`AbortSignal.any` is missing before Node 20.3). */
function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([a, b])
  const controller = new AbortController()
  for (const signal of [a, b]) {
    if (signal.aborted) controller.abort(signal.reason)
    else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true })
  }
  return controller.signal
}

/** The message of a fetch failure, with its cause (fetch hides ECONNREFUSED there). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : ''
  return detail === '' ? error.message : `${error.message} (${detail})`
}

/** The server answered and said no: retrying the same request will not help. */
export function isRefusal(error: unknown): error is MlflowRequestError {
  return error instanceof MlflowRequestError && !error.retryable
}

/**
 * The run cannot take anything any more: it (or its experiment) was deleted
 * during the experiment. MLflow answers log-batch for such a run with
 * INVALID_PARAMETER_VALUE "The run <id> must be in the 'active' state.
 * Current state is deleted.", and RESOURCE_DOES_NOT_EXIST once it is purged.
 */
export function isRunGone(error: MlflowRequestError): boolean {
  if (error.errorCode === 'RESOURCE_DOES_NOT_EXIST') return true
  return /\bmust be in the ['"]?active['"]? state|\b(?:is|are) not active\b|\bcurrent (?:lifecycle )?state is deleted\b|\b(?:run|experiment) [^\s]+ (?:is|was|has been) deleted\b/i.test(
    error.message,
  )
}

/** Refusals that no other request of the session would escape: auth, a wrong URI (404 without an MLflow error code). */
export function isSessionFatal(error: MlflowRequestError): boolean {
  return error.status === 401 || error.status === 403 || (error.status === 404 && error.errorCode === undefined)
}
