import { choice, loguniform, qrandint, randint } from 'hyperpool'

/** What the search tunes: the optimiser's step and decay, the network's width, depth and activation, the batch. */
export const mlpSpace = {
  lr: loguniform(1e-4, 0.3),
  l2: loguniform(1e-6, 1e-2),
  hidden: qrandint(4, 64, 4),
  layers: randint(1, 4), // hidden layers: 1, 2 or 3
  activation: choice(['relu', 'tanh']),
  batch: choice([8, 16, 32, 64]),
}
