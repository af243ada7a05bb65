// The file piscina starts in every worker thread. It is plain JavaScript so it
// loads before any TypeScript loader exists: on Node 20, loader hooks given to
// the driver (tsx) do not reach worker threads, so a TypeScript worker entry
// or trainable gets tsx registered here, on first need, for this thread.
import { workerData } from 'node:worker_threads'

let registered = false

/** Imports a module, registering tsx for this thread if it turns out to be TypeScript. */
async function importModule(url) {
  try {
    return await import(url)
  } catch (error) {
    if (error?.code !== 'ERR_UNKNOWN_FILE_EXTENSION' || registered) throw error
    if (!workerData.tsLoader) {
      throw new Error(`${url} is TypeScript and no TypeScript loader is installed: npm install -D tsx, or compile it to .js`, {
        cause: error,
      })
    }
    const { register } = await import(workerData.tsLoader)
    register()
    registered = true
    // The failed import stays cached under its URL: ask again under a new one.
    return import(`${url}${url.includes('?') ? '&' : '?'}ts`)
  }
}

const { createTrialRunner } = await importModule(workerData.entry)

export default createTrialRunner(() => importModule(workerData.trainable))
