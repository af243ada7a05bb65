/**
 * A multilayer perceptron for classification in plain TypeScript: dense
 * layers, ReLU or tanh, a softmax output, cross-entropy, Adam with L2 weight
 * decay. Small and unoptimised on purpose: it is here to be tuned, and to
 * show that any training loop that can report once an epoch fits hyperpool.
 */

export type Activation = 'relu' | 'tanh'

export interface MlpOptions {
  /** Sizes of the layers, input and output included, e.g. [4, 16, 16, 3]. */
  readonly sizes: readonly number[]
  readonly activation: Activation
  readonly lr: number
  /** L2 weight decay, added to the gradient of the weights (not the biases). */
  readonly l2: number
  /** The generator that initialises the weights and shuffles the batches: the trial's `ctx.random`. */
  readonly random: () => number
}

/** One dense layer: `outputs × inputs` weights, row-major, and a bias per output. */
interface Layer {
  readonly inputs: number
  readonly outputs: number
  readonly weights: Float64Array
  readonly biases: Float64Array
}

/** Adam's running moments for one array of parameters. */
interface Moments {
  readonly m: Float64Array
  readonly v: Float64Array
}

const BETA1 = 0.9
const BETA2 = 0.999
const EPSILON = 1e-8

/**
 * @example
 * ```ts
 * const net = new Mlp({ sizes: [4, 16, 3], activation: 'relu', lr: 0.01, l2: 1e-4, random: ctx.random })
 * net.trainEpoch(X, y, trainRows, 16)
 * net.evaluate(X, y, validRows) // { loss, accuracy }
 * ```
 */
export class Mlp {
  private readonly layers: Layer[]
  private readonly moments: Moments[]
  private steps = 0

  constructor(private readonly options: MlpOptions) {
    const { sizes, random } = options
    this.layers = sizes.slice(1).map((outputs, i) => {
      const inputs = sizes[i] as number
      // Glorot-uniform initialisation keeps the activations' scale steady through the layers.
      const limit = Math.sqrt(6 / (inputs + outputs))
      return {
        inputs,
        outputs,
        weights: Float64Array.from({ length: inputs * outputs }, () => (2 * random() - 1) * limit),
        biases: new Float64Array(outputs),
      }
    })
    this.moments = this.layers
      .flatMap((layer) => [layer.weights, layer.biases])
      .map((p) => ({ m: new Float64Array(p.length), v: new Float64Array(p.length) }))
  }

  /** Class probabilities for one input row. */
  predict(x: Float64Array): Float64Array {
    return this.forward(x).at(-1) as Float64Array
  }

  /** One pass over `rows` (indices into `X`) in shuffled mini-batches of `batch` rows. */
  trainEpoch(X: { data: Float64Array; shape: readonly [number, number] }, y: Int32Array, rows: readonly number[], batch: number): void {
    const order = [...rows]
    shuffle(order, this.options.random)
    const grads = this.layers.flatMap((layer) => [new Float64Array(layer.weights.length), new Float64Array(layer.biases.length)])
    for (let start = 0; start < order.length; start += batch) {
      for (const g of grads) g.fill(0)
      const members = order.slice(start, start + batch)
      for (const i of members) this.backward(row(X, i), y[i] as number, grads)
      this.step(grads, members.length)
    }
  }

  /** Mean cross-entropy and accuracy over `rows`. */
  evaluate(
    X: { data: Float64Array; shape: readonly [number, number] },
    y: Int32Array,
    rows: readonly number[],
  ): { loss: number; accuracy: number } {
    let loss = 0
    let correct = 0
    for (const i of rows) {
      const p = this.predict(row(X, i))
      const label = y[i] as number
      loss -= Math.log(Math.max(1e-12, p[label] as number))
      if (argmax(p) === label) correct++
    }
    return { loss: loss / rows.length, accuracy: correct / rows.length }
  }

  /** The activations of every layer, the input first and the softmax output last. */
  private forward(x: Float64Array): Float64Array[] {
    const outputs = [x]
    this.layers.forEach((layer, l) => {
      const input = outputs[l] as Float64Array
      const z = Float64Array.from(layer.biases)
      for (let o = 0; o < layer.outputs; o++) {
        let sum = z[o] as number
        for (let i = 0; i < layer.inputs; i++) sum += (layer.weights[o * layer.inputs + i] as number) * (input[i] as number)
        z[o] = sum
      }
      outputs.push(l === this.layers.length - 1 ? softmax(z) : z.map(this.options.activation === 'relu' ? relu : Math.tanh))
    })
    return outputs
  }

  /** Adds one row's gradients of the cross-entropy to `grads` (weights and biases of each layer, in turn). */
  private backward(x: Float64Array, label: number, grads: Float64Array[]): void {
    const activations = this.forward(x)
    // Softmax with cross-entropy: the output error is p - onehot(label).
    let delta = Float64Array.from(activations.at(-1) as Float64Array, (p, k) => p - (k === label ? 1 : 0))
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l] as Layer
      const input = activations[l] as Float64Array
      const gw = grads[2 * l] as Float64Array
      const gb = grads[2 * l + 1] as Float64Array
      const back = new Float64Array(layer.inputs)
      for (let o = 0; o < layer.outputs; o++) {
        const d = delta[o] as number
        gb[o] = (gb[o] as number) + d
        for (let i = 0; i < layer.inputs; i++) {
          const w = o * layer.inputs + i
          gw[w] = (gw[w] as number) + d * (input[i] as number)
          back[i] = (back[i] as number) + d * (layer.weights[w] as number)
        }
      }
      // Through the previous layer's activation: relu' is 1 where it passed, tanh' is 1 - a².
      delta = back.map((b, i) => {
        const a = input[i] as number
        return this.options.activation === 'relu' ? (a > 0 ? b : 0) : b * (1 - a * a)
      })
    }
  }

  /** One Adam step on the mean of `count` rows' gradients. */
  private step(grads: Float64Array[], count: number): void {
    this.steps++
    const { lr, l2 } = this.options
    const correction1 = 1 - BETA1 ** this.steps
    const correction2 = 1 - BETA2 ** this.steps
    this.layers.forEach((layer, l) => {
      for (const [k, params] of [layer.weights, layer.biases].entries()) {
        const grad = grads[2 * l + k] as Float64Array
        const { m, v } = this.moments[2 * l + k] as Moments
        params.forEach((p, j) => {
          const g = (grad[j] as number) / count + (k === 0 ? l2 * p : 0)
          m[j] = BETA1 * (m[j] as number) + (1 - BETA1) * g
          v[j] = BETA2 * (v[j] as number) + (1 - BETA2) * g * g
          params[j] = p - (lr * ((m[j] as number) / correction1)) / (Math.sqrt((v[j] as number) / correction2) + EPSILON)
        })
      }
    })
  }
}

function row(X: { data: Float64Array; shape: readonly [number, number] }, i: number): Float64Array {
  const cols = X.shape[1]
  return X.data.subarray(i * cols, (i + 1) * cols)
}

function relu(z: number): number {
  return Math.max(z, 0)
}

function softmax(z: Float64Array): Float64Array {
  const top = Math.max(...z)
  const e = z.map((v) => Math.exp(v - top))
  const sum = e.reduce((a, b) => a + b, 0)
  return e.map((v) => v / sum)
}

function argmax(values: Float64Array): number {
  let best = 0
  values.forEach((v, i) => {
    if (v > (values[best] as number)) best = i
  })
  return best
}

function shuffle(values: number[], random: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[values[i], values[j]] = [values[j] as number, values[i] as number]
  }
}
