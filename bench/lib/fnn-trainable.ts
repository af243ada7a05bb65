/**
 * The real workload's trainable: an ml-fnn network on the shared iris split,
 * one epoch (`train()` with `iterations: 1`, which goes on training once the
 * network is built) per report of the validation loss. The network is
 * checkpointed as ml-fnn's JSON after every epoch; a resumed or cloned trial
 * loads it, with the learning rate and L2 of its (possibly explored) config.
 *
 * Seeding: ml-fnn draws its initial weights from `Math.random` (through
 * ml-matrix's `Matrix.rand`) with no way to pass a generator. The first
 * `train()` call builds the network, so `Math.random` is swapped for the
 * trial's seeded `ctx.random` for that call only. This is safe in a worker:
 * the call is synchronous, and each worker thread has its own `Math`.
 */
import FeedForwardNeuralNetwork, { type FNNJSON } from 'ml-fnn'
import type { TrialContext } from '../../src/index.ts'
import { crossEntropy, type FnnConfig, type FnnData, toRows } from './fnn.ts'

interface FnnState {
  epoch: number
  model: FNNJSON
}

export default async function train(config: FnnConfig, ctx: TrialContext<FnnData>): Promise<void> {
  const { ytrain, yval, iterations } = ctx.data
  const Xtrain = toRows(ctx.data.Xtrain)
  const Xval = toRows(ctx.data.Xval)
  const state = ctx.restore<FnnState>()
  let net = state && FeedForwardNeuralNetwork.load(withRates(state.model, config))
  for (let epoch = (state?.epoch ?? 0) + 1; epoch <= iterations; epoch++) {
    if (net) net.train(Xtrain, ytrain)
    else net = firstEpoch(config, Xtrain, ytrain, ctx.random)
    const model = JSON.parse(JSON.stringify(net.toJSON())) as FNNJSON
    ctx.checkpoint({ epoch, model } satisfies FnnState)
    await ctx.report({ loss: crossEntropy(model, Xval, yval), epoch })
  }
}

/** Builds the network with seeded initial weights and trains its first epoch. */
function firstEpoch(config: FnnConfig, X: number[][], y: Int32Array, random: () => number): FeedForwardNeuralNetwork {
  const net = new FeedForwardNeuralNetwork({
    hiddenLayers: Array.from({ length: config.layers }, () => config.hidden),
    iterations: 1,
    learningRate: config.lr,
    regularization: config.l2,
  })
  const unseeded = Math.random
  Math.random = random
  try {
    net.train(X, y)
  } finally {
    Math.random = unseeded
  }
  return net
}

/** The snapshot with the config's learning rate and L2 (each layer keeps its own copy of both). */
function withRates(model: FNNJSON, config: FnnConfig): FNNJSON {
  const layers = model.layers.map((layer) => ({ ...layer, epsilon: config.lr, regularization: config.l2 }))
  return { ...model, learningRate: config.lr, regularization: config.l2, iterations: 1, layers }
}
