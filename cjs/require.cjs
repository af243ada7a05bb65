// The `require` entry of hyperpool, which is an ES module only (no CommonJS build, so no
// second copy of its classes for `instanceof` to trip on). Node >= 20.19 and >= 22.12 can
// require() an ES module: this hands back the very same module. Where Node cannot (older
// versions, or --no-experimental-require-module), it says what to do instead of a bare
// ERR_REQUIRE_ESM.
'use strict'

try {
  module.exports = require('../dist/index.js')
} catch (error) {
  if (error?.code !== 'ERR_REQUIRE_ESM') throw error
  throw new Error(
    `hyperpool is an ES module, and this Node.js (${process.version}) does not load ES modules with require(). ` +
      `Use import { Tuner } from 'hyperpool' in an ES module (a .mjs file, or "type": "module" in your package.json), ` +
      `or await import('hyperpool') from CommonJS, or run Node.js >= 20.19 or >= 22.12 ` +
      `(without --no-experimental-require-module), where require('hyperpool') works.`,
    { cause: error },
  )
}
