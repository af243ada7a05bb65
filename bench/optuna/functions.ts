/**
 * The test functions of the search quality benchmarks, shared by
 * bench/tpe-quality.bench.ts and the Optuna side-by-side run. Their Python
 * twin is bench/optuna/functions.py: keep the two in step
 * (tests/bench/functions-agree.test.ts checks values and spaces).
 */
import type { Space } from '../../src/search/space.ts'
import { choice, lograndint, loguniform, randint, uniform } from '../../src/search/space.ts'

export interface TestFunction {
  readonly name: string
  readonly space: Space
  readonly minimum: number
  readonly f: (config: Record<string, unknown>) => number
}

const num = (config: Record<string, unknown>, key: string) => config[key] as number

/** Branin-Hoo on [-5, 10] x [0, 15]; minimum 0.397887 at three points. */
export const branin: TestFunction = {
  name: 'branin',
  space: { x1: uniform(-5, 10), x2: uniform(0, 15) },
  minimum: 0.397887,
  f: (c) => {
    const x1 = num(c, 'x1')
    const x2 = num(c, 'x2')
    const a = x2 - (5.1 / (4 * Math.PI ** 2)) * x1 ** 2 + (5 / Math.PI) * x1 - 6
    return a * a + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10
  },
}

const H_ALPHA = [1, 1.2, 3, 3.2]
const H_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
]
const H_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((v) => v * 1e-4))

/** Hartmann 6-d on [0, 1]^6; minimum -3.32237. */
export const hartmann6: TestFunction = {
  name: 'hartmann6',
  space: Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`x${i}`, uniform(0, 1)])),
  minimum: -3.32237,
  f: (c) => {
    let total = 0
    for (let i = 0; i < 4; i++) {
      let inner = 0
      for (let j = 0; j < 6; j++) {
        const d = num(c, `x${j}`) - (H_P[i]?.[j] as number)
        inner += (H_A[i]?.[j] as number) * d * d
      }
      total += (H_ALPHA[i] as number) * Math.exp(-inner)
    }
    return -total
  },
}

/** Ackley in 5 dimensions on [-32.768, 32.768]^5; minimum 0 at the origin. */
export const ackley5: TestFunction = {
  name: 'ackley5',
  space: Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`x${i}`, uniform(-32.768, 32.768)])),
  minimum: 0,
  f: (c) => {
    let squares = 0
    let cosines = 0
    for (let i = 0; i < 5; i++) {
      const x = num(c, `x${i}`)
      squares += x * x
      cosines += Math.cos(2 * Math.PI * x)
    }
    return -20 * Math.exp(-0.2 * Math.sqrt(squares / 5)) - Math.exp(cosines / 5) + 20 + Math.E
  },
}

/** Rosenbrock in 4 dimensions on [-5, 10]^4, as log(1 + f): a curved valley; minimum 0 at (1, 1, 1, 1). */
export const rosenbrock4Log: TestFunction = {
  name: 'rosenbrock4-log',
  space: Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`x${i}`, uniform(-5, 10)])),
  minimum: 0,
  f: (c) => {
    let total = 0
    for (let i = 0; i < 3; i++) {
      const x = num(c, `x${i}`)
      const y = num(c, `x${i + 1}`)
      total += 100 * (y - x * x) ** 2 + (1 - x) ** 2
    }
    return Math.log1p(total)
  },
}

/** Per optimizer: the best log10(learning rate) of a one-layer network, how sharply the loss rises away from it, the loss floor. */
const MLP_OPTIMIZERS: Record<string, readonly [number, number, number]> = {
  sgd: [-1.0, 0.9, 0.32],
  momentum: [-2.0, 0.7, 0.26],
  adam: [-3.0, 0.5, 0.22],
  rmsprop: [-3.2, 0.6, 0.24],
}

/**
 * A mixed space shaped like training a small network: two log-uniform rates,
 * an integer layer count, a log-scale integer width, a uniform dropout and a
 * categorical optimizer whose best learning rate moves with depth. Far above
 * its best step, training diverges to a plateau at chance-level loss 2.3.
 * Minimum 0.22: adam, 4 layers, lr 10^-3.3, 128 units, dropout 0.2, weight decay 1e-4.
 */
export const mlpMixed: TestFunction = {
  name: 'mlp-mixed',
  space: {
    lr: loguniform(1e-5, 1),
    weight_decay: loguniform(1e-7, 1e-1),
    layers: randint(1, 9),
    units: lograndint(16, 1025),
    dropout: uniform(0, 0.6),
    optimizer: choice(Object.keys(MLP_OPTIMIZERS)),
  },
  minimum: 0.22,
  f: (c) => {
    const [bestLogLr, sharpness, floor] = MLP_OPTIMIZERS[c.optimizer as string] as readonly [number, number, number]
    const layers = num(c, 'layers')
    // Deeper networks want smaller steps; far above the best step, training diverges (a plateau, as real runs do).
    const lrGap = Math.log10(num(c, 'lr')) - (bestLogLr - 0.1 * (layers - 1))
    if (lrGap > 1.5) return 2.3
    const widthGap = Math.log2(num(c, 'units')) - 7
    const dropoutGap = num(c, 'dropout') - 0.05 * layers
    const decayGap = Math.log10(num(c, 'weight_decay')) + 4
    return (
      floor +
      sharpness * lrGap * lrGap +
      0.02 * (layers - 4) ** 2 +
      0.03 * widthGap * widthGap +
      0.6 * dropoutGap * dropoutGap +
      0.01 * decayGap * decayGap
    )
  },
}

export const FUNCTIONS: readonly TestFunction[] = [branin, hartmann6, ackley5, rosenbrock4Log, mlpMixed]
