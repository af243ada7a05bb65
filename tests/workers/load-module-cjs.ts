import { createRequire } from 'node:module'

/**
 * The worker thread's module loader (src/workers/load-module.cjs), typed, for the tests that drive it in this
 * process (CommonJS, so require()d).
 */
export const { createLoader, isEsModule } = createRequire(import.meta.url)('../../src/workers/load-module.cjs') as {
  /** `tsLoader`: the package of tsx's registration API; a missing one makes a TypeScript module an error. */
  createLoader: (tsLoader?: string) => (url: string) => unknown
  isEsModule: (path: string) => boolean
}
