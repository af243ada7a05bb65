/**
 * Work a trainable leaves running after it returns (a timer, an unawaited
 * write), on a thread whose event loop stands still between tasks: piscina
 * waits for the next task in `Atomics.wait`, which costs less per task than
 * waking the thread's event loop (see pool.ts). Such work runs
 * while the thread has its next trial, and when the pool closes it gets a
 * last turn ({@link drainThread}).
 */
import type { DrainTask } from './protocol.ts'

/** How often a draining thread looks whether its left-behind work is done. */
const POLL_MS = 5

/** What drainThread found: false when the thread's left-behind work was still running at the end of its time. */
export interface DrainResult {
  readonly settled: boolean
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

/** Whether the thread holds more of some kind of resource than it did in `clean`. */
export function leftBehind(clean: ReadonlyMap<string, number>): boolean {
  const counts = new Map<string, number>()
  for (const kind of process.getActiveResourcesInfo()) {
    const count = (counts.get(kind) ?? 0) + 1
    if (count > (clean.get(kind) ?? 0)) return true
    counts.set(kind, count)
  }
  return false
}

const sleep = () => new Promise((slept) => setTimeout(slept, POLL_MS))

/**
 * Runs one {@link DrainTask}: waits until every thread holds one (or `ms`
 * passes), then lets the event loop run until the thread is back to `clean`
 * or `ms` has passed since the task arrived.
 *
 * @example
 * ```ts
 * const { settled } = await drainThread(task, clean)
 * ```
 */
export async function drainThread(task: DrainTask, clean: ReadonlyMap<string, number>): Promise<DrainResult> {
  const deadline = performance.now() + task.ms
  const waiting = () => performance.now() < deadline
  Atomics.add(task.arrived, 0, 1)
  while (Atomics.load(task.arrived, 0) < task.threads && waiting()) await sleep()
  // One full turn first, so timers that came due while the thread stood still fire; then short sleeps, not a spin.
  await new Promise((turned) => setImmediate(turned))
  while (leftBehind(clean) && waiting()) await sleep()
  return { settled: !leftBehind(clean) }
}
