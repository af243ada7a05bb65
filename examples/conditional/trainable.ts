/**
 * One trial: 5-fold cross-validated accuracy on iris of the model family the
 * config picked, with that family's hyperparameters. The forest comes from
 * ml-random-forest; k nearest neighbours and the nearest (shrunken) centroid
 * are a few lines each.
 */
import type { SharedMatrix, TrialContext } from 'hyperpool'
import { RandomForestClassifier } from 'ml-random-forest'
import type { Config } from './space.ts'

export interface IrisData {
  readonly X: SharedMatrix
  readonly y: Int32Array
  readonly fold: Int32Array
  readonly folds: number
}

type Classify = (train: number[], test: number[]) => number[]

const distance = (a: readonly number[], b: readonly number[]) => Math.hypot(...a.map((v, j) => v - (b[j] as number)))

export default async function train(config: Config, ctx: TrialContext<IrisData>): Promise<{ accuracy: number }> {
  const { X, y, fold, folds } = ctx.data
  const [n = 0, d = 0] = X.shape
  const rows = Array.from({ length: n }, (_, i) => Array.from(X.data.subarray(i * d, (i + 1) * d)))
  const label = (i: number) => y[i] as number
  const model = config.model
  let classify: Classify
  if (model.kind === 'forest') {
    classify = (train, test) => {
      const forest = new RandomForestClassifier({
        nEstimators: model.nEstimators,
        maxFeatures: model.maxFeatures,
        seed: ctx.seed,
        noOOB: true,
      })
      forest.train(
        train.map((i) => rows[i] as number[]),
        train.map(label),
      )
      return forest.predict(test.map((i) => rows[i] as number[]))
    }
  } else if (model.kind === 'knn') {
    classify = (train, test) =>
      test.map((t) => {
        const near = train.map((i) => ({ i, dist: distance(rows[t] as number[], rows[i] as number[]) })).sort((a, b) => a.dist - b.dist)
        const votes = new Map<number, number>()
        for (const { i, dist } of near.slice(0, model.k))
          votes.set(label(i), (votes.get(label(i)) ?? 0) + (model.weights === 'distance' ? 1 / (dist + 1e-9) : 1))
        return [...votes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0
      })
  } else {
    classify = (train, test) => {
      // Each class's centroid, pulled towards the overall mean by `shrink`.
      const mean = Array.from({ length: d }, (_, j) => train.reduce((s, i) => s + (rows[i]?.[j] ?? 0), 0) / train.length)
      const classes = [...new Set(train.map(label))]
      const centroids = classes.map((c) => {
        const members = train.filter((i) => label(i) === c)
        return mean.map(
          (m, j) => (1 - model.shrink) * (members.reduce((s, i) => s + (rows[i]?.[j] ?? 0), 0) / members.length) + model.shrink * m,
        )
      })
      return test.map((t) => {
        const dists = centroids.map((c) => distance(rows[t] as number[], c))
        return classes[dists.indexOf(Math.min(...dists))] as number
      })
    }
  }
  let correct = 0
  for (let k = 0; k < folds; k++) {
    const train = [...fold.keys()].filter((i) => fold[i] !== k)
    const test = [...fold.keys()].filter((i) => fold[i] === k)
    classify(train, test).forEach((predicted, j) => {
      if (predicted === label(test[j] as number)) correct++
    })
  }
  return { accuracy: correct / n }
}
