/**
 * Trains one MLP configuration, one report per epoch: the validation loss
 * that the search and ASHA judge, the validation accuracy, and the test
 * accuracy (reported for the record, never optimised).
 */
import type { ConfigOf, SharedMatrix, TrialContext } from 'hyperpool'
import { TEST, TRAIN, VALIDATION } from './datasets.ts'
import { Mlp } from './mlp.ts'
import type { mlpSpace } from './space.ts'

export interface MlpData {
  X: SharedMatrix
  y: Int32Array
  split: Uint8Array
  classes: number
  epochs: number
}

export default async function train(config: ConfigOf<typeof mlpSpace>, ctx: TrialContext<MlpData>): Promise<void> {
  const { X, y, split, classes, epochs } = ctx.data
  const rowsOf = (part: number) => [...split.keys()].filter((i) => split[i] === part)
  const [train, validation, test] = [rowsOf(TRAIN), rowsOf(VALIDATION), rowsOf(TEST)]
  const net = new Mlp({
    sizes: [X.shape[1], ...Array.from({ length: config.layers }, () => config.hidden), classes],
    activation: config.activation,
    lr: config.lr,
    l2: config.l2,
    random: ctx.random,
  })
  for (let epoch = 1; epoch <= epochs; epoch++) {
    net.trainEpoch(X, y, train, config.batch)
    const valid = net.evaluate(X, y, validation)
    // A stopped trial ends inside this await: ASHA decides at its rungs.
    await ctx.report({ val_loss: valid.loss, val_accuracy: valid.accuracy, test_accuracy: net.evaluate(X, y, test).accuracy })
  }
}
