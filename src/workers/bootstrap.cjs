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
const { workerData } = require('node:worker_threads')
const { createLoader } = require('./load-module.cjs')

const loadModule = createLoader()
const loadTrainable = async () => loadModule(workerData.trainable)
const entry = loadModule(workerData.entry)
// The published worker entry loads at once; a TypeScript one (this package run from source) by import().
const runner =
  entry instanceof Promise
    ? entry.then(({ createTrialRunner }) => createTrialRunner(loadTrainable))
    : entry.createTrialRunner(loadTrainable)

module.exports = typeof runner === 'function' ? runner : async (task) => (await runner)(task)
