/** Test helper: whether a sampled value is one its domain can produce. */
import type { Domain } from '../../src/index.ts'

export function inDomain(domain: Domain, value: unknown): boolean {
  if (domain.$domain === 'choice' || domain.$domain === 'grid')
    return domain.values.some((v) => JSON.stringify(v) === JSON.stringify(value))
  if (typeof value !== 'number' || !Number.isFinite(value)) return false
  switch (domain.$domain) {
    case 'uniform':
    case 'loguniform':
      // [low, high): a searcher never proposes the upper bound, as the README's domain table says.
      return value >= domain.low && value < domain.high
    case 'quniform':
    case 'qloguniform':
    case 'qrandint':
      return value >= domain.low && value <= domain.high && Math.abs(value / domain.q - Math.round(value / domain.q)) < 1e-9
    case 'randint':
    case 'lograndint':
      return Number.isInteger(value) && value >= domain.low && value < domain.high
    case 'randn':
      return true
  }
}
