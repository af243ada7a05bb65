import { type ConfigOf, choice, qrandint, randint, uniform } from 'hyperpool'

/** The random forest's hyperparameters, as the demo searches them. */
export const forestSpace = {
  nEstimators: qrandint(10, 60, 10),
  maxFeatures: uniform(0.25, 1),
  replacement: choice([true, false]),
  tree: {
    maxDepth: randint(2, 10),
    minNumSamples: randint(2, 8),
  },
}

export type ForestConfig = ConfigOf<typeof forestSpace>
