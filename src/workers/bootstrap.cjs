// The file piscina starts in every worker thread. It is plain JavaScript so it
// loads before any TypeScript loader exists: on Node 20, loader hooks given to
// the driver (tsx) do not reach worker threads, so a TypeScript worker entry
// or trainable gets tsx registered here, on first need, for this thread.
//
// It loads the worker entry and an ES module trainable as piscina loads a
// task, with require(), which Node 20.19+ does synchronously for ES modules
// too. import() takes the loader's asynchronous path (files read through
// fs/promises, which pulls in readline and fs watchers): side by side in fresh
// processes that cost a thread about 10 ms more to its first trial than
// piscina's own start. This file is CommonJS for the same reason: piscina
// require()s it, it has require() at hand (an ES module would load node:module
// for createRequire), and it has no top-level await.
const { readFileSync } = require('node:fs')
const { dirname, join } = require('node:path')
const { fileURLToPath } = require('node:url')
const { workerData } = require('node:worker_threads')

/** A JavaScript file given by a plain file URL (a query or hash would name another module than its path does). */
const FILE_URL = /^file:[^?#]*\.m?js$/

/**
 * require() refused the module before any of it ran (Node checks an ES module graph for a top-level await
 * before evaluating it; a Node before 20.19 cannot require() an ES module at all): import() can load it.
 */
const IMPORT_ONLY = new Set(['ERR_REQUIRE_ASYNC_MODULE', 'ERR_REQUIRE_ESM'])

let registered = false

/**
 * Loads a module: its namespace, or a promise of it. An ES module file is require()d, synchronously; anything
 * else is import()ed as before. CommonJS is left to import() on purpose: its top level runs as require() starts,
 * so an error require() threw from inside it could not be retried without running it twice, and import() reads
 * only the exports Node's lexer finds (a getter on `module.exports` stays unread).
 */
function loadModule(url) {
  if (!FILE_URL.test(url)) return importModule(url)
  const path = fileURLToPath(url)
  if (!isEsModule(path)) return importModule(url)
  let loaded
  try {
    loaded = require(path)
  } catch (error) {
    if (IMPORT_ONLY.has(error?.code)) return importModule(url)
    throw error
  }
  // An ES module that exports a name 'module.exports' gets that from require(); import() gives its namespace,
  // from the loader's cache, without running it again.
  return Object.prototype.toString.call(loaded) === '[object Module]' ? loaded : importModule(url)
}

/** Whether Node treats the file as an ES module: `.mjs`, or `.js` under a package.json whose type is "module". */
function isEsModule(path) {
  if (path.endsWith('.mjs')) return true
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    let text
    try {
      text = readFileSync(join(dir, 'package.json'), 'utf8')
    } catch {
      if (dirname(dir) === dir) return false
      continue
    }
    try {
      return JSON.parse(text).type === 'module'
    } catch {
      return false
    }
  }
}

/** Imports a module, registering tsx for this thread if it turns out to be TypeScript. */
async function importModule(url) {
  try {
    return await import(url)
  } catch (error) {
    if (error?.code !== 'ERR_UNKNOWN_FILE_EXTENSION' || registered) throw error
    if (!workerData.tsLoader) {
      // The worker names the module (a trainable's load error is prefixed with its URL there).
      throw new Error('it is TypeScript and no TypeScript loader is installed: npm install -D tsx, or compile it to .js', { cause: error })
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
