/**
 * TCP Small Queues, stack-wide, with fair queueing's round robin: a bound on the packets the stack's
 * connections keep in the link's transmit queue (sent to the link, not yet delivered), and a turn for each
 * connection the bound holds back. Linux bounds what a flow queues below TCP (tcp_small_queue_check,
 * `tcp_limit_output_bytes`) and resumes it when transmit completion frees the queue (the TSQ tasklet); the
 * fq qdisc serves flows in turn. Here a link that reports its transmit queue (Link.transmitQueued,
 * Link.onTransmitted) plays the NIC.
 *
 * Why: with 100 and 1,000 bulk flows over the in-memory link every flow put its whole window into the link
 * at once, 4,500 and 38,000 packets (57 MB) queued per flush, so each packet had left the cache before the
 * peer parsed, checksummed and copied it (the scale suite: 100 flows went from 0.45x to 0.81x of one
 * flow's rate per CPU-second with the bound).
 *
 * A held-back segment is not sent: the segmentizer stops before `sendAt` (output.ts), so it starts no RTT
 * sample and no timer, and the bytes wait in the send buffer. Only new data waits: retransmissions, probes,
 * ACKs, SYNs and RSTs go at once (loss recovery must not queue behind other flows' bulk data).
 */
import type { TcpConnection } from "./connection.js";
import { canSendData, output } from "./output.js";

export class SmallQueues {
  /** Packets the link may hold before new data waits. */
  readonly #limit: number;
  readonly #queued: () => number;
  /** Connections held back, in the order they will resume (a Set keeps insertion order). */
  readonly #waiting = new Set<TcpConnection>();
  /** The connection whose turn it is (`resume`), or null. */
  #serving: TcpConnection | null = null;

  /** `queued`: the packets the link holds now (Link.transmitQueued). */
  constructor(limit: number, queued: () => number) {
    if (!(limit >= 1)) throw new RangeError(`transmit queue limit must be at least 1, got ${limit}`);
    this.#limit = limit;
    this.#queued = queued;
  }

  /**
   * How many data segments `c` may hand to the link now: the room left under the bound. None: it waits at
   * the back of the turns (or keeps its place), and `resume` calls its output again. While others wait,
   * only the one whose turn it is goes, so a flow whose ACKs came in cannot overtake flows that were held
   * back before it.
   */
  room(c: TcpConnection): number {
    const room = this.#limit - this.#queued();
    if (room > 0 && (this.#waiting.size === 0 || this.#serving === c)) return room;
    // Adding one already there keeps its place.
    this.#waiting.add(c);
    return 0;
  }

  /** Packets left the link (delivered or dropped): connections that wait send in turn while there is room. */
  resume(): void {
    if (this.#serving !== null) return;
    const waiting = this.#waiting;
    try {
      while (waiting.size > 0 && this.#queued() < this.#limit) {
        const c = waiting.values().next().value as TcpConnection;
        waiting.delete(c);
        this.#serving = c;
        // Sends until the window or the bound stops it; held back again, it goes to the back of the turns.
        // One closed or reset while it waited has nothing to send, and must send nothing (not even an ACK).
        if (canSendData(c)) output(c);
      }
    } finally {
      this.#serving = null;
    }
  }
}
