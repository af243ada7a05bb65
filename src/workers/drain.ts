/**
 * Work a trainable leaves running after it returns (a timer, an unawaited
 * write), on a thread whose event loop stands still between tasks: piscina
 * waits for the next task in `Atomics.wait`, which skips waking the thread's
 * event loop for each task (see pool.ts). Such work runs
 * while the thread has its next trial, and when the pool closes it gets a
 * last turn ({@link drainThread}).
 */
import type { DrainTask } from './protocol.ts'

/** How often a draining thread looks whether its left-behind work is done. */
const POLL_MS = 5

/** What drainThread found: the kinds of resource left-behind work still held at the end of its time (none: it finished). */
export interface DrainResult {
  readonly left: readonly string[]
}

/**
 * The handles and requests this thread holds, by kind (`Timeout`,
 * `FSReqCallback`, `MessagePort`, ...), from Node's own list.
 *
 * @example
 * ```ts
 * const clean = heldResources()
 * // ... a trial runs ...
 * leftBehind(clean) // true when it left a timer running
 * ```
 */
export function heldResources(): Map<string, number> {
  const held = new Map<string, number>()
  for (const kind of process.getActiveResourcesInfo()) held.set(kind, (held.get(kind) ?? 0) + 1)
  return held
}

/**
 * The kinds of resource the thread holds more of than it did in `clean`, once
 * each; empty when it is back to what it held.
 *
 * @example
 * ```ts
 * const clean = heldResources()
 * setInterval(() => {}, 1000)
 * heldBeyond(clean) // ['Timeout']
 * ```
 */
export function heldBeyond(clean: ReadonlyMap<string, number>): string[] {
  const beyond: string[] = []
  for (const [kind, count] of heldResources()) if (count > (clean.get(kind) ?? 0)) beyond.push(kind)
  return beyond
}

/**
 * Whether the thread holds more of some kind of resource than it did in
 * `clean`, as every run's end asks.
 *
 * @example
 * ```ts
 * if (leftBehind(clean)) result.lingering = true
 * ```
 */
export function leftBehind(clean: ReadonlyMap<string, number>): boolean {
  return heldBeyond(clean).length > 0
}

const sleep = () => new Promise((slept) => setTimeout(slept, POLL_MS))

/**
 * Runs one {@link DrainTask}: waits until every thread holds one (or `ms`
 * passes), then lets the event loop run until the thread is back to `clean`
 * or `ms` has passed since the task arrived. A thread that has run no trial
 * (`clean` undefined) has nothing of a trial's to finish. Work that blocks the
 * thread keeps this from ever looking at the clock: the pool ends such a
 * thread on its own deadline.
 *
 * @example
 * ```ts
 * const { left } = await drainThread(task, clean) // [] once everything finished
 * ```
 */
export async function drainThread(task: DrainTask, clean: ReadonlyMap<string, number> | undefined): Promise<DrainResult> {
  const deadline = performance.now() + task.ms
  const waiting = () => performance.now() < deadline
  Atomics.add(task.arrived, 0, 1)
  while (Atomics.load(task.arrived, 0) < task.threads && waiting()) await sleep()
  if (clean === undefined) return { left: [] }
  // Each sleep is a turn of the event loop: timers that came due while the thread stood still fire in it, and
  // what they start shows in the resources. At least one, before the first look.
  do await sleep()
  while (leftBehind(clean) && waiting())
  return { left: heldBeyond(clean) }
}
