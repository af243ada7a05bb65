import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { Trial } from '../../src/tuner/trial.ts'

describe('Trial.record', () => {
  it("keeps the report's keys in order, adds its number, trial and time, and leaves the report as it was", () => {
    const trial = new Trial(3, {}, 1)
    trial.begin(1000)
    const metrics = { loss: 0.5, acc: 0.9 }
    const result = trial.record(metrics, 3500)
    expect(Object.keys(result)).toEqual(['loss', 'acc', 'training_iteration', 'trial_id', 'time_total_s'])
    expect(result).toEqual({ loss: 0.5, acc: 0.9, training_iteration: 1, trial_id: 3, time_total_s: 2.5 })
    expect(metrics).toEqual({ loss: 0.5, acc: 0.9 })
    expect(trial.record({ loss: 0.4 }, 4000).training_iteration).toBe(2)
    expect(trial.history).toHaveLength(2)
  })

  it('numbers the result itself, whatever the report says, and keeps a __proto__ key as a plain key', () => {
    const trial = new Trial(0, {}, 1)
    trial.begin(0)
    const metrics = JSON.parse('{"__proto__": {"polluted": true}, "training_iteration": 99, "loss": 1}') as Record<string, unknown>
    const result = trial.record(metrics, 0)
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype)
    expect((result as { polluted?: unknown }).polluted).toBeUndefined()
    expect(Object.keys(result)).toEqual(['__proto__', 'training_iteration', 'loss', 'trial_id', 'time_total_s'])
    expect(JSON.stringify(result)).toBe('{"__proto__":{"polluted":true},"training_iteration":1,"loss":1,"trial_id":0,"time_total_s":0}')
  })
})

describe('Trial.began', () => {
  it("moves the run's clock to when its trainable was called, until the run records a result, and never back", () => {
    // Times on this thread's clock, in the past: a start later than now is refused (see the next test).
    const t = performance.now() - 10_000
    const trial = new Trial(0, {}, 1)
    trial.begin(t + 1000)
    trial.began(t + 900) // before the run began: no such thing, kept as it was
    trial.began(t + 1800) // the thread was importing the module until then
    expect(trial.record({ loss: 1 }, t + 2000).time_total_s).toBeCloseTo(0.2, 9)
    trial.began(t + 1900) // said again after a result: the clock stays
    expect(trial.record({ loss: 1 }, t + 2500).time_total_s).toBeCloseTo(0.7, 9)
    trial.pause(t + 3000)
    trial.begin(t + 5000) // resumed: a new run, whose clock carries on from the pause
    trial.began(t + 5500)
    expect(trial.record({ loss: 1 }, t + 6000).time_total_s).toBeCloseTo(1.7, 9) // 1.2 s before the pause, 0.5 since the call
  })

  it('takes no start later than now, so a clock that stepped cannot make time negative', () => {
    const trial = new Trial(0, {}, 1)
    const now = performance.now()
    trial.begin(now - 100)
    trial.began(now + 60_000)
    expect(trial.record({ loss: 1 }, performance.now()).time_total_s).toBeGreaterThanOrEqual(0)
  })
})

describe('a Trial printed with console.log', () => {
  it('shows its TrialInfo fields, not the Tuner’s bookkeeping', () => {
    const trial = new Trial(4, { lr: 0.1 }, 7)
    trial.begin(0)
    trial.record({ loss: 0.5 }, 10)
    const shown = inspect(trial)
    expect(shown).toMatch(/^Trial \{\n {2}id: 4,\n {2}config: \{ lr: 0.1 \},\n {2}seed: 7,\n {2}state: 'running',\n/)
    expect(shown).toMatch(/ {2}error: undefined,\n {2}attempt: 1\n\}$/)
    expect(shown).toContain('lastResult: { loss: 0.5, training_iteration: 1, trial_id: 4, time_total_s: 0.01 }')
    for (const internal of ['failures', 'rerunUntil', 'lastAnswer', 'startedAt', 'elapsedMs', 'ending', 'suspended']) {
      expect(shown).not.toContain(internal)
    }
    // Nested as deep as Node shows plain objects: a trial inside an array inside an object.
    expect(inspect({ trials: [trial] })).toContain('config: [Object]')
    expect(inspect({ a: { b: { c: trial } } })).toContain('c: [Trial]')
  })
})
