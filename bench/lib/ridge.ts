/**
 * The benchmark workload: ridge regression fitted by gradient descent on a
 * seeded random subsample of a dataset. The subsample keeps a trial's cost
 * the same whatever the dataset size, so only the data hand-off grows.
 */
import seedrandom from 'seedrandom'

/** Features per row: 32 float64 = 256 bytes, plus 8 for the target. */
export const FEATURES = 32
const ROW_BYTES = (FEATURES + 1) * Float64Array.BYTES_PER_ELEMENT
const SUBSAMPLE = 2048
const EPOCHS = 150

export interface Dataset {
  readonly X: Float64Array
  readonly y: Float64Array
}

export interface RidgeConfig {
  readonly lr: number
  readonly l2: number
  readonly seed: number
}

/** A dataset of about `megabytes` MB: y = X·w + noise. `shared` allocates it over SharedArrayBuffers. */
export function makeDataset(megabytes: number, shared: boolean): Dataset {
  const rows = Math.max(1, Math.floor((megabytes * 2 ** 20) / ROW_BYTES))
  const alloc = (length: number) => new Float64Array(shared ? new SharedArrayBuffer(length * 8) : new ArrayBuffer(length * 8))
  const X = alloc(rows * FEATURES)
  const y = alloc(rows)
  const random = seedrandom.alea('dataset')
  const w = Array.from({ length: FEATURES }, () => random() * 2 - 1)
  for (let i = 0; i < rows; i++) {
    let target = 0
    for (let j = 0; j < FEATURES; j++) {
      const value = random() * 2 - 1
      X[i * FEATURES + j] = value
      target += value * (w[j] as number)
    }
    y[i] = target + (random() - 0.5) * 0.1
  }
  return { X, y }
}

/** Fits ridge regression on a subsample and returns the mean squared error on it. */
export function fitRidge(data: Dataset, config: RidgeConfig): number {
  const { X, y } = data
  const rows = y.length
  const random = seedrandom.alea(String(config.seed))
  const sample = Int32Array.from({ length: SUBSAMPLE }, () => Math.floor(random() * rows))
  const w = new Float64Array(FEATURES)
  const grad = new Float64Array(FEATURES)
  let mse = 0
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    grad.fill(0)
    mse = 0
    for (const i of sample) {
      const offset = i * FEATURES
      let prediction = 0
      for (let j = 0; j < FEATURES; j++) prediction += (w[j] as number) * (X[offset + j] as number)
      const error = prediction - (y[i] as number)
      mse += error * error
      for (let j = 0; j < FEATURES; j++) grad[j] = (grad[j] as number) + error * (X[offset + j] as number)
    }
    for (let j = 0; j < FEATURES; j++)
      w[j] = (w[j] as number) - config.lr * ((grad[j] as number) / SUBSAMPLE + config.l2 * (w[j] as number))
  }
  return mse / SUBSAMPLE
}

/** The configs of K trials, the same for every contender. */
export function trialConfigs(count: number): RidgeConfig[] {
  const random = seedrandom.alea('configs')
  return Array.from({ length: count }, (_, k) => ({ lr: 10 ** (-3 + random() * 3), l2: 10 ** (-5 + random() * 3), seed: k }))
}
