/**
 * A conditional space: first the model family, then only that family's own
 * hyperparameters. `kind` tags each branch, so the config type is a
 * discriminated union and the flat columns read `model[knn]/k`.
 */
import { type ConfigOf, choice, randint, uniform } from 'hyperpool'

export const space = {
  model: choice([
    { kind: 'forest', nEstimators: randint(5, 60), maxFeatures: uniform(0.25, 1) },
    { kind: 'knn', k: randint(1, 25), weights: choice(['uniform', 'distance']) },
    { kind: 'centroid', shrink: uniform(0, 1) },
  ]),
}

export type Config = ConfigOf<typeof space>
