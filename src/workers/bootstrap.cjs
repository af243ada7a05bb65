// The file piscina starts in every worker thread. It is plain JavaScript so it
// loads before any TypeScript loader exists: on Node 20, loader hooks given to
// the driver (tsx) do not reach worker threads, so a TypeScript worker entry
// or trainable gets tsx registered here, on first need, for this thread.
//
// It loads modules as piscina loads a task: require() first, which Node 20.19+
// does synchronously for ES modules too, import() when that cannot be. import()
// takes the loader's asynchronous path (files read through fs/promises, which
// pulls in readline and fs watchers): side by side in fresh processes that cost
// a thread about 10 ms more to its first trial than piscina's own start. It is
// CommonJS for the same reason: piscina require()s it, it has require() at hand
// (an ES module would load node:module for createRequire), and no top-level await.
const { fileURLToPath } = require('node:url')
const { workerData } = require('node:worker_threads')

/** A JavaScript file given by a plain file URL: one require() loads as import() would (a query or hash would name another module). */
const REQUIRABLE = /^file:[^?#]*\.m?js$/

/**
 * require() cannot load it, import() can: a top-level await in its graph (nothing of it has run yet),
 * or a Node before 20.19 (no require() of ES modules).
 */
const IMPORT_ONLY = new Set(['ERR_REQUIRE_ASYNC_MODULE', 'ERR_REQUIRE_ESM'])

let registered = false

/**
 * Loads a module, synchronously where require() can: its namespace, or a promise of it. Any other
 * error require() throws (a syntax error, the module's own throw) is the load's error: trying import()
 * after would run a CommonJS module's top level twice.
 */
function loadModule(url) {
  if (!REQUIRABLE.test(url)) return importModule(url)
  let loaded
  try {
    loaded = require(fileURLToPath(url))
  } catch (error) {
    if (IMPORT_ONLY.has(error?.code)) return importModule(url)
    throw error
  }
  // A CommonJS module: the namespace import() would give, whose default is `module.exports`.
  return Object.prototype.toString.call(loaded) === '[object Module]' ? loaded : { ...loaded, default: loaded }
}

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

const loadTrainable = async () => loadModule(workerData.trainable)
const entry = loadModule(workerData.entry)
// The published worker entry loads at once; a TypeScript one (this package run from source) by import().
const runner =
  entry instanceof Promise
    ? entry.then(({ createTrialRunner }) => createTrialRunner(loadTrainable))
    : entry.createTrialRunner(loadTrainable)

module.exports = typeof runner === 'function' ? runner : async (task) => (await runner)(task)
