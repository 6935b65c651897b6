/**
 * A FIFO of packets in flight with their due times and send indices, kept in parallel arrays so queueing
 * a packet allocates nothing once the arrays have grown (the clean in-memory link is the benchmark's wire).
 */
export class PacketQueue {
  #packets: Array<Uint8Array | undefined> = [];
  #due: number[] = [];
  #index: number[] = [];
  #head = 0;

  get size(): number {
    return this.#packets.length - this.#head;
  }

  /** Due time of the oldest packet; Infinity when empty. */
  get headDue(): number {
    return this.#head < this.#packets.length ? this.#due[this.#head] : Infinity;
  }

  /** Send index of the oldest packet (valid only when not empty). */
  get headIndex(): number {
    return this.#index[this.#head];
  }

  /** Due time of the newest packet; -Infinity when empty. */
  get tailDue(): number {
    return this.#head < this.#packets.length ? this.#due[this.#due.length - 1] : -Infinity;
  }

  push(packet: Uint8Array, due: number, index: number): void {
    this.#packets.push(packet);
    this.#due.push(due);
    this.#index.push(index);
  }

  /** Removes and returns the oldest packet. Callers check `size` first. */
  shift(): Uint8Array {
    const h = this.#head;
    const packet = this.#packets[h]!;
    this.#packets[h] = undefined;
    this.#head = h + 1;
    if (this.#head === this.#packets.length) {
      this.#packets.length = 0;
      this.#due.length = 0;
      this.#index.length = 0;
      this.#head = 0;
    } else if (this.#head >= 4096 && this.#head * 2 >= this.#packets.length) {
      // A queue that never fully drains (a steady delayed stream) would otherwise grow forever.
      this.#packets.splice(0, this.#head);
      this.#due.splice(0, this.#head);
      this.#index.splice(0, this.#head);
      this.#head = 0;
    }
    return packet;
  }

  /** Empties the queue and returns how many packets it held. */
  clear(): number {
    const n = this.size;
    this.#packets.length = 0;
    this.#due.length = 0;
    this.#index.length = 0;
    this.#head = 0;
    return n;
  }
}
