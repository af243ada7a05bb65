/**
 * Ranking trials, shared by every folder: objectives and their directions,
 * a trial's score by one metric, Pareto dominance and hypervolume. Pure.
 */
export { dominates, nonDominatedRanks, paretoFrontIndices } from './dominance.ts'
export { hypervolume } from './hypervolume.ts'
export { greedyHypervolumeSubset } from './hypervolume-subset.ts'
export {
  experimentObjectives,
  isBetter,
  minimised,
  type Objective,
  objectiveOptions,
  type Point,
  pointOf,
  signOf,
} from './objective.ts'
export { compareScored, countsAsScore, type Scope, scoreTrial } from './score.ts'
