/**
 * seedrandom's Alea generator on its own: the package's main module also loads
 * its six other generators and node:crypto (for autoseeding, which hyperpool
 * never uses), in every worker thread as it starts.
 */
declare module 'seedrandom/lib/alea.js' {
  /** A generator of floats in [0, 1) seeded with `seed`. */
  const alea: (seed: string) => () => number
  export default alea
}
