import type { MessagePort } from 'node:worker_threads'
import type { Decision, Metrics, TrialOutput } from '../types.ts'
import type { TrialListener } from './executor.ts'
import type { DecisionMessage, LinkMessage } from './protocol.ts'

/** The driver's end of a thread's link, as far as a run needs it: where its decisions go. */
export interface LinkEnd {
  postMessage(message: DecisionMessage): void
}

/**
 * A thread's link as the driver holds it: each message posted also moves the thread's `told` count
 * (see `LinkHello.told`), after the message is on the port, so the thread finds it when it looks.
 */
class ThreadLink implements LinkEnd {
  readonly port: MessagePort
  readonly #told: Int32Array

  constructor(port: MessagePort, told: Int32Array) {
    this.port = port
    this.#told = told
  }

  postMessage(message: DecisionMessage): void {
    this.port.postMessage(message)
    Atomics.add(this.#told, 0, 1)
  }
}

/**
 * One run in flight, as the driver sees it: its listener, the stop or pause
 * it was told, and its messages counted so its end can wait for them.
 */
export class LiveRun {
  readonly run: number
  readonly listener: TrialListener
  /** The link of the thread it runs on, known from its first message. */
  link: LinkEnd | undefined = undefined
  /** The stop or pause told to it; every later report is answered with it. */
  stopping: Exclude<Decision, 'continue'> | undefined = undefined
  /** Every thread's link: where a stop goes while the run's own thread is not known. */
  readonly #links: ReadonlySet<LinkEnd>
  #received = 0
  #expected = Number.POSITIVE_INFINITY
  #arrived: (() => void) | undefined = undefined

  constructor(run: number, listener: TrialListener, links: ReadonlySet<LinkEnd>) {
    this.run = run
    this.listener = listener
    this.#links = links
  }

  /** Ends the run at its next report (and aborts its `ctx.signal`). */
  stop(decision: Exclude<Decision, 'continue'>): void {
    if (this.stopping) return
    this.stopping = decision
    const message: DecisionMessage = { run: this.run, decision }
    if (this.link) this.link.postMessage(message)
    // Not heard from yet: any thread may hold it, or get it next (see DecisionMessage).
    else for (const link of this.#links) link.postMessage(message)
  }

  /** Tells the listener when the run's trainable was called (`at`: ms since the epoch, see `ReportMessage.began`), if a message said it. */
  began(at: number | undefined): void {
    if (at !== undefined) this.listener.began?.(at - performance.timeOrigin)
  }

  /** Hands the listener a report that travelled one way (`at`: when it was made, see `ReportMessage.at`); returns its answer, which no message carries. */
  oneWay(metrics: Metrics, at: number): Decision | Promise<Decision> {
    return this.listener.report(metrics, at - performance.timeOrigin)
  }

  /** Answers a report on `link`: the decision, or the ending the run was told before it. */
  answer(link: LinkEnd, decision: Decision): void {
    if (decision !== 'continue') this.stopping ??= decision
    link.postMessage({ run: this.run, decision: this.stopping ?? decision } satisfies DecisionMessage)
  }

  /** One more of the run's messages arrived, on `link`. */
  count(link: LinkEnd): void {
    this.link = link
    if (++this.#received >= this.#expected) this.#arrived?.()
  }

  /** Undefined when the run's `messages` messages have all arrived; else a promise that settles when they have. */
  arrived(messages: number): Promise<void> | undefined {
    if (this.#received >= messages) return undefined
    this.#expected = messages
    return new Promise<void>((resolve) => {
      this.#arrived = resolve
    })
  }
}

/**
 * Driver side of the threads' links (see protocol.ts): each thread hands
 * over its link once; every message on it names its run, and goes to that
 * run's listener (reports are answered on the link they came on), or, for
 * output, to the sink. A run's result and its messages travel on different
 * channels, so its end waits ({@link LiveRun.arrived}) until as many have
 * arrived as the worker says it sent: a trial's reports, checkpoints and
 * output are all in before its end is seen.
 *
 * @example
 * ```ts
 * const router = new RunRouter((output) => process[output.stream].write(output.text))
 * pool.on('message', (m) => isLinkHello(m) && router.connect(m.port, m.told))
 * const live = router.open(run, listener)
 * // ... the task's result arrives:
 * await live.arrived(result.messages)
 * router.close(run)
 * ```
 */
export class RunRouter {
  readonly #sink: (output: TrialOutput) => void
  readonly #runs = new Map<number, LiveRun>()
  readonly #links = new Set<ThreadLink>()

  constructor(sink: (output: TrialOutput) => void) {
    this.#sink = sink
  }

  /**
   * A thread's link arrived with its `told` count (see `LinkHello.told`): its messages are routed from now on.
   * The count is required: a thread reads its link only when the count moved, so a link without one would never
   * hear a stop.
   */
  connect(port: MessagePort, told: Int32Array): void {
    const link = new ThreadLink(port, told)
    // A stop told to a run not heard from yet went to the threads there were; this one may be about to run it.
    for (const live of this.#runs.values()) {
      if (live.stopping && !live.link) link.postMessage({ run: live.run, decision: live.stopping })
    }
    this.#links.add(link)
    port.on('message', (message: LinkMessage) => this.receive(link, message))
    // The thread ended (replaced, or the pool closed).
    port.once('close', () => this.#links.delete(link))
  }

  /** A run starts: its messages go to `listener` until it is closed. */
  open(run: number, listener: TrialListener): LiveRun {
    const live = new LiveRun(run, listener, this.#links)
    this.#runs.set(run, live)
    return live
  }

  /** The run ended: whatever of it still arrives (output written late) goes to the sink, uncounted. */
  close(run: number): void {
    this.#runs.delete(run)
  }

  /** Closes every link: the threads are gone. */
  closeLinks(): void {
    for (const link of this.#links) link.port.close()
    this.#links.clear()
  }

  /** Routes one message that came on `link`. */
  receive(link: LinkEnd, message: LinkMessage): void {
    if (message.type === 'output') {
      for (const [stream, text] of message.chunks) this.#sink({ trialId: message.trialId, stream, text, late: message.late })
      if (message.late) return
    }
    const live = message.run === undefined ? undefined : this.#runs.get(message.run)
    if (live === undefined) return
    live.count(link)
    switch (message.type) {
      case 'started':
        live.listener.started?.()
        return
      case 'report': {
        live.began(message.began)
        if (message.at !== undefined) {
          // No answer goes back: one that is not 'continue' (the run was told to end meanwhile) reaches it as a stop at its next report.
          const answer = live.oneWay(message.metrics, message.at)
          if (answer instanceof Promise) void answer.then((decision) => stopUnlessContinue(live, decision))
          else stopUnlessContinue(live, answer)
          return
        }
        // Every report is recorded, even one that crossed a stop on its way; the answer is the stop.
        const answer = live.listener.report(message.metrics)
        if (answer instanceof Promise) void answer.then((decision) => live.answer(link, decision))
        else live.answer(link, answer)
        return
      }
      case 'checkpoint':
        live.listener.checkpoint(message.state)
        return
    }
  }
}

function stopUnlessContinue(live: LiveRun, decision: Decision): void {
  if (decision !== 'continue') live.stop(decision)
}
