/**
 * The URL of a module next to `base`, with the extension the running code
 * has: `.js` when the benchmarks run compiled (as `npm run bench` does), `.ts`
 * from sources.
 */
export function sibling(name: string, base: string): URL {
  return new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base)
}
