// How a worker thread loads a module (see bootstrap.cjs, which uses it for the
// worker entry and the trainable): an ES module with require(), synchronously,
// as piscina loads a task; everything else with import(), registering tsx on
// the first TypeScript module. Plain JavaScript, CommonJS, for the same reasons
// as bootstrap.cjs; a file of its own so the tests can drive it in-process.
const { readFileSync } = require('node:fs')
const { dirname, join } = require('node:path')
const { fileURLToPath } = require('node:url')

/** A JavaScript file given by a plain file URL (a query or hash would name another module than its path does). */
const FILE_URL = /^file:[^?#]*\.m?js$/

/**
 * require() refused the module before any of it ran (Node checks an ES module graph for a top-level await
 * before evaluating it; a Node before 20.19 cannot require() an ES module at all): import() can load it.
 */
const IMPORT_ONLY = new Set(['ERR_REQUIRE_ASYNC_MODULE', 'ERR_REQUIRE_ESM'])

/**
 * tsx's registration API, imported from here when the trainable is a TypeScript module. Each thread finds it
 * itself, only when it needs it: resolving it in the driver for every pool, before the first task, made a fresh
 * process's start with an empty trainable about 5% slower (paired starts, balanced order).
 */
const TS_LOADER = 'tsx/esm/api'

/**
 * A loader of modules for one thread; `tsLoader`: the package of tsx's registration API (a TypeScript module is
 * an error that says to install tsx when it cannot be found).
 *
 * @example
 * ```js
 * const loadModule = createLoader()
 * const { createTrialRunner } = loadModule(workerData.entry)
 * ```
 */
function createLoader(tsLoader = TS_LOADER) {
  let registered = false
  return function loadModule(url) {
    return loadWith(url, importModule)
  }

  /** Imports a module, registering tsx for this thread if it turns out to be TypeScript. */
  async function importModule(url) {
    try {
      return await import(url)
    } catch (error) {
      if (error?.code !== 'ERR_UNKNOWN_FILE_EXTENSION' || registered) throw error
      const imported = typeScriptImport(error, url)
      if (imported) throw imported
      if (!installed(tsLoader)) {
        // The worker names the module (a trainable's load error is prefixed with its URL there).
        throw loaderSays('it is TypeScript and no TypeScript loader is installed: npm install -D tsx, or compile it to .js', error)
      }
      const { register } = await import(tsLoader)
      register()
      registered = true
      // The failed import stays cached under its URL: ask again under a new one.
      return import(`${url}${url.includes('?') ? '&' : '?'}ts`)
    }
  }
}

/** Whether a package can be found from here, so an import() of it that fails is not taken for one that is missing. */
function installed(specifier) {
  try {
    require.resolve(specifier)
    return true
  } catch {
    return false
  }
}

/**
 * Loads a module: its namespace, or a promise of it (from `importModule`). An ES module file is require()d, synchronously; anything
 * else is import()ed as before. CommonJS is left to import() on purpose: its top level runs as require() starts,
 * so an error require() threw from inside it could not be retried without running it twice, and import() reads
 * only the exports Node's lexer finds (a getter on `module.exports` stays unread).
 */
function loadWith(url, importModule) {
  if (!FILE_URL.test(url)) return importModule(url)
  const path = fileURLToPath(url)
  if (!isEsModule(path)) return importModule(url)
  let loaded
  try {
    loaded = require(path)
  } catch (error) {
    if (IMPORT_ONLY.has(error?.code)) return importModule(url)
    throw typeScriptImport(error, url) ?? error
  }
  // An ES module that exports a name 'module.exports' gets that from require(); import() gives its namespace,
  // from the loader's cache, without running it again.
  return Object.prototype.toString.call(loaded) === '[object Module]' ? loaded : importModule(url)
}

/**
 * An error of this loader's own, about the module: marked under a Symbol.for key, which the worker (an ES module that
 * cannot import this file) reads to show its message as it is, without an `Error:` before it (see `loadFailure`).
 */
function loaderSays(message, cause) {
  return Object.assign(new Error(message, { cause }), { [Symbol.for('hyperpool.loader-says')]: true })
}

/** Node's message for a file it will not load, when the file is TypeScript: its extension, then its path. */
const UNKNOWN_EXTENSION = /^Unknown file extension "(\.[cm]?tsx?)" for (.+)$/s

/**
 * A JavaScript module that imports a TypeScript file: Node refuses that file, and registering tsx then cannot help,
 * as the refusal stays in its loader's cache under the file's URL. The error says what does; undefined for any other
 * error, and for a TypeScript module itself (tsx is registered for it, see `importModule`).
 */
function typeScriptImport(error, url) {
  if (error?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') return undefined
  const refused = UNKNOWN_EXTENSION.exec(String(error.message))
  if (!refused) return undefined
  const file = refused[2]
  if (url.startsWith('file:') && file === fileURLToPath(url.replace(/[?#].*$/, ''))) return undefined
  return loaderSays(
    `it imports ${file}, TypeScript, which Node loads in a worker thread only for a TypeScript module (tsx is then ` +
      'registered there): make this module .ts too, or compile the file it imports to .js',
    error,
  )
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

module.exports = { createLoader, isEsModule }
