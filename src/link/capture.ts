import type { Clock } from "../clock/index.js";
import type { CaptureWriter } from "../pcap/writer.js";
import type { Link, LocalAddresses } from "./link.js";

/** Options of the capture tap (`StackOptions.capture` as `{ writer, ...options }`). */
export interface CaptureLinkOptions {
  /** pcapng interface the packets are recorded on (from `PcapngWriter.addInterface`); default 0. */
  interfaceId?: number;
  /** Annotations kept while no packet passes; older ones are dropped (and counted) beyond this. Default 64. */
  maxPendingComments?: number;
  /** Told about every failed capture write (closed writer, full memory sink, disk error). */
  onError?: (error: unknown) => void;
}

/**
 * A tap on any link: every packet sent through it is recorded as outbound, every packet arriving as
 * inbound, each stamped with the clock's time, and the packets then pass on untouched. A capture that
 * fails (writer closed, disk error) never disturbs the traffic: the failure is counted and reported to
 * `onError`, and the packet still goes through.
 *
 * `annotate(text)` queues a comment for the next packet recorded, in either direction; `Stack` feeds it
 * the text of its traced events (`eventText`: "SYN-SENT -> ESTABLISHED", "RTO fired, rto=400ms"), so a Wireshark reader sees
 * why each segment was sent. Comments need pcapng: with a classic pcap writer `annotate` does nothing,
 * since the format has nowhere to put them. Comments still pending when the capture ends are lost.
 *
 * Closing the link does not close the writer: several links may share one, and closing is asynchronous.
 */
export class CaptureLink implements Link {
  readonly inner: Link;
  onReceive: ((packet: Uint8Array) => void) | null = null;
  /**
   * Bursts pass through (Link.onBurstEnd): the inner link's when it has them, else each packet is a burst
   * of its own, so a stack behind the tap defers its notifications exactly as it would without it.
   */
  onBurstEnd: (() => void) | null = null;
  readonly #writer: CaptureWriter;
  readonly #clock: Clock;
  readonly #interfaceId: number;
  readonly #maxPending: number;
  readonly #onError: ((error: unknown) => void) | undefined;
  #pending: string[] = [];
  #captureErrors = 0;
  #droppedComments = 0;

  constructor(inner: Link, writer: CaptureWriter, clock: Clock, options: CaptureLinkOptions = {}) {
    this.inner = inner;
    this.#writer = writer;
    this.#clock = clock;
    this.#interfaceId = options.interfaceId ?? 0;
    this.#maxPending = options.maxPendingComments ?? 64;
    this.#onError = options.onError;
    const bursts = "onBurstEnd" in inner;
    inner.onReceive = (packet) => {
      // Record first: once delivered, the packet belongs to the receiver, which may reuse its bytes.
      this.#record(packet, "inbound");
      this.onReceive?.(packet);
      if (!bursts) this.onBurstEnd?.();
    };
    if (bursts) inner.onBurstEnd = () => this.onBurstEnd?.();
  }

  get mtu(): number {
    return this.inner.mtu;
  }

  get localAddresses(): LocalAddresses | undefined {
    return this.inner.localAddresses;
  }

  /** Capture writes that failed (the packets themselves were still delivered). */
  get captureErrors(): number {
    return this.#captureErrors;
  }

  /** Annotations dropped because more than `maxPendingComments` piled up with no packet to carry them. */
  get droppedComments(): number {
    return this.#droppedComments;
  }

  /** Record the packet as outbound, then pass it to the inner link. */
  send(packet: Uint8Array): void {
    // Record first: `send` hands the bytes to the inner link, which may change them (impairments do).
    this.#record(packet, "outbound");
    this.inner.send(packet);
  }

  /** Queue a comment for the next packet recorded (pcapng only). */
  annotate(text: string): void {
    if (!this.#writer.supportsComments) return;
    if (this.#pending.length >= this.#maxPending) {
      this.#pending.shift();
      this.#droppedComments++;
    }
    this.#pending.push(text);
  }

  /** Close the inner link (the writer stays open: it may be shared). */
  close(): void {
    this.inner.close();
  }

  #record(packet: Uint8Array, direction: "inbound" | "outbound"): void {
    const comments = this.#pending;
    if (comments.length > 0) this.#pending = [];
    try {
      this.#writer.writePacket({
        timestampMs: this.#clock.now(),
        data: packet,
        direction,
        comments,
        interfaceId: this.#interfaceId,
      });
    } catch (error) {
      this.#captureErrors++;
      this.#onError?.(error);
    }
  }
}
