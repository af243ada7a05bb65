/**
 * The floor of hyperpool's protocol on bare piscina: a no-op task that, like
 * a no-op trial, sends one report on its thread's own link (a MessageChannel
 * made once per thread) and waits for the answer before it returns. Four
 * messages per task, as a trial has (task, report, decision, result), and
 * nothing else of hyperpool's.
 */
import { MessageChannel, parentPort } from 'node:worker_threads'
import { now, startupCpuMs } from './naive-task.ts'

const { port1: link, port2 } = new MessageChannel()
parentPort?.postMessage({ type: 'bench:link', port: port2 }, [port2])
let answered: (() => void) | undefined
link.on('message', () => {
  const resolve = answered
  answered = undefined
  resolve?.()
})

export default async function noopWithReport(_config: unknown): Promise<{ loss: number; readyAt: number; startupCpuMs?: number }> {
  const readyAt = now()
  const cpu = startupCpuMs()
  const answer = new Promise<void>((resolve) => {
    answered = resolve
  })
  link.postMessage({ loss: 0 })
  await answer
  return { loss: 0, readyAt, ...(cpu === undefined ? {} : { startupCpuMs: cpu }) }
}
