import { describe, expect, it } from 'vitest'
import { bestTrialLine } from '../../src/cli/run.ts'
import { ResultGrid } from '../../src/tuner/results.ts'
import { result, trialInfo } from '../tracker/story.ts'

describe("the last line of 'hyperpool run' and 'resume'", () => {
  it('names the best trial', () => {
    const grid = new ResultGrid([trialInfo(0, { lr: 0.1 }, 'completed', [result(0, 0, { loss: 0.5 })])], { metric: 'loss', mode: 'min' })
    expect(bestTrialLine(grid)).toBe('best trial 0: loss=0.5 config={"lr":0.1}\n')
  })

  it('says there is no best trial when none scored, rather than ending the command with the ResultError', () => {
    const grid = new ResultGrid([trialInfo(0, { lr: 0.1 }, 'errored', []), trialInfo(1, { lr: 0.2 }, 'errored', [])], {
      metric: 'loss',
      mode: 'min',
    })
    expect(bestTrialLine(grid)).toBe('no best trial: no trial reported a numeric "loss" (of 2 trials)\n')
  })
})
