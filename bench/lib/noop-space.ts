/** The overhead benchmarks' space: a no-op trial with ten parameters of every kind, so a suggestion costs what a real one does. */
import { choice, loguniform, randint, uniform } from 'hyperpool'

export const NOOP_SPACE = {
  work: 'noop',
  lr: loguniform(1e-5, 1e-1),
  l2: loguniform(1e-6, 1e-2),
  momentum: uniform(0, 0.99),
  dropout: uniform(0, 0.5),
  layers: randint(1, 8),
  units: choice([32, 64, 128, 256]),
  batch: choice([16, 32, 64]),
  act: choice(['relu', 'tanh', 'gelu']),
  warmup: randint(0, 10),
  seed: randint(0, 1000),
}
