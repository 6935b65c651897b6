import { doubles, references } from "../clock/stable-arrays.js";

/**
 * A FIFO of packets in flight with their due times and send indices, kept in parallel arrays so queueing
 * a packet allocates nothing once the arrays have grown (the clean in-memory link is the benchmark's wire).
 * Draining does not shrink them: a burst after a burst reuses the same slots.
 */
export class PacketQueue {
  // Elements kinds fixed from the start (see stable-arrays.ts): each link makes new queues.
  #packets = references<Uint8Array | undefined>();
  #due = doubles();
  #index: number[] = [];
  #head = 0;
  /** One past the newest packet; slots from here on are unused. */
  #tail = 0;

  get size(): number {
    return this.#tail - this.#head;
  }

  /** Due time of the oldest packet; Infinity when empty. */
  get headDue(): number {
    return this.#head < this.#tail ? this.#due[this.#head] : Infinity;
  }

  /** Send index of the oldest packet (valid only when not empty). */
  get headIndex(): number {
    return this.#index[this.#head];
  }

  /** Due time of the newest packet; -Infinity when empty. */
  get tailDue(): number {
    return this.#head < this.#tail ? this.#due[this.#tail - 1] : -Infinity;
  }

  push(packet: Uint8Array, due: number, index: number): void {
    const t = this.#tail;
    if (t < this.#packets.length) {
      this.#packets[t] = packet;
      this.#due[t] = due;
      this.#index[t] = index;
    } else {
      this.#packets.push(packet);
      this.#due.push(due);
      this.#index.push(index);
    }
    this.#tail = t + 1;
  }

  /** Removes and returns the oldest packet. Callers check `size` first. */
  shift(): Uint8Array {
    const h = this.#head;
    const packet = this.#packets[h]!;
    this.#packets[h] = undefined;
    this.#head = h + 1;
    if (this.#head === this.#tail) {
      this.#head = 0;
      this.#tail = 0;
    } else if (this.#head >= 4096 && this.#head * 2 >= this.#tail) {
      // A queue that never fully drains (a steady delayed stream) would otherwise grow forever.
      const n = this.#tail - this.#head;
      this.#packets.copyWithin(0, this.#head, this.#tail).fill(undefined, n);
      this.#due.copyWithin(0, this.#head, this.#tail);
      this.#index.copyWithin(0, this.#head, this.#tail);
      this.#head = 0;
      this.#tail = n;
    }
    return packet;
  }

  /** Empties the queue, handing each packet it held to `discard`, and returns how many there were. */
  clear(discard: (packet: Uint8Array) => void): number {
    const n = this.size;
    for (let i = this.#head; i < this.#tail; i++) discard(this.#packets[i]!);
    this.#packets.fill(undefined);
    this.#head = 0;
    this.#tail = 0;
    return n;
  }
}
