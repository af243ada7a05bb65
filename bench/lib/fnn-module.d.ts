/** The part of ml-fnn@5 (which ships no types) that the benchmark uses. */
declare module 'ml-fnn' {
  /** A layer as `toJSON()` gives it; after a JSON round trip `W` and `b` are plain `number[][]`. */
  export interface FNNLayerJSON {
    model: 'Layer'
    inputSize: number
    outputSize: number
    activation: string
    W: number[][]
    b: number[][]
    [key: string]: unknown
  }

  export interface FNNJSON {
    model: 'FNN'
    hiddenLayers: number[]
    learningRate: number
    regularization: number
    activation: string
    layers: FNNLayerJSON[]
    [key: string]: unknown
  }

  export interface FNNOptions {
    hiddenLayers?: number[]
    iterations?: number
    learningRate?: number
    regularization?: number
    activation?: string
    activationParam?: number
  }

  export default class FeedForwardNeuralNetwork {
    constructor(options?: FNNOptions)
    /** Builds the network on the first call only; later calls go on training it. */
    train(features: number[][], labels: ArrayLike<number>): void
    predict(features: number[][]): number[]
    toJSON(): FNNJSON
    static load(model: FNNJSON): FeedForwardNeuralNetwork
  }
}
