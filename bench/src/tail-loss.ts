/**
 * Request/response over a short path (VirtualClock): the client asks, the server (Nagle off, as web servers
 * run) answers with a 64 KiB response, the client asks again when the last byte is in. On the lossy run the
 * first transmission of the last `tail` data segments of every `EVERY`th response is dropped, as a tail drop
 * or a burst at the end of a flight would; the figure is how much that adds to those requests' completion
 * time against the same requests without the drop. Each repaired drop is a congestion event, and the three
 * responses between drops win back little of the cut (CUBIC's growth is slow that far below its W_max), so
 * that figure holds the repair and the smaller window the earlier cuts left; the time over the request just
 * before (`beforeMs`, the same window history without the drop) is the repair alone. RFC 8985's tail loss
 * probe is what keeps it below the RTO.
 */
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import type { Link } from "../../src/link/link.js";
import { memoryLinkPair } from "../../src/link/memory.js";
import { IpStack } from "../../src/stack/ip-stack.js";
import type { TcpConfig } from "../../src/tcp/config.js";
import type { Connection, ConnectionInfo } from "../../src/tcp/types.js";
import { parsePacket } from "../../src/wire/parse.js";
import { TcpFlags } from "../../src/wire/types.js";
import { median } from "./measure.js";
import { SenderTap, isnKey, type Trace } from "./path-sim.js";

export const RESPONSE_BYTES = 64 * 1024;
/** Which responses lose their tail: every fourth. */
const EVERY = 4;
const REQUEST_BYTES = 100;

export interface TailLossSpec {
  rttMs: number;
  bandwidthBps: number;
  mtu: number;
  /** Data segments dropped (first transmission only) at the end of each response; 0 for the clean run. */
  tail: number;
  requests: number;
  seed: number;
  tcp: Partial<TcpConfig>;
  /** The server's trace lines, with the clock. */
  onTrace?: (t: number, text: string) => void;
  /** Record the server's segments, ACKs and cwnd for a time-sequence graph. */
  trace?: boolean;
}

export interface TailLossResult {
  /** Median completion time (ms, request written to last response byte read) of the requests whose tail is dropped. */
  medianMs: number;
  /**
   * Median completion time of the request just before each of those: no drop, but the window every drop
   * before it cut, so the lossy request's time over this one is the repair alone.
   */
  beforeMs: number;
  dropped: number;
  server: ConnectionInfo;
  trace?: Trace;
}

/** The server's link: drops the first copy of each of the last `tail` segments of every response. */
class TailDrop implements Link {
  onReceive: ((packet: Uint8Array) => void) | null = null;
  dropped = 0;
  readonly #inner: Link;
  readonly #tail: number;
  #iss: number | null = null;
  /** The largest payload seen: the segment size responses are cut into. */
  #mss = 0;
  readonly #seen = new Set<number>();

  constructor(inner: Link, tail: number) {
    this.#inner = inner;
    this.#tail = tail;
    inner.onReceive = (p) => this.onReceive?.(p);
  }

  get mtu(): number {
    return this.#inner.mtu;
  }

  send(packet: Uint8Array): void {
    const p = parsePacket(packet);
    if (p.ok && this.#tail > 0) {
      if (p.tcp.flags & TcpFlags.SYN) this.#iss = p.tcp.seq;
      else if (this.#iss !== null && p.payloadLength > 0) {
        const off = (p.tcp.seq - this.#iss - 1) >>> 0;
        const end = off + p.payloadLength;
        if (p.payloadLength > this.#mss) this.#mss = p.payloadLength;
        // A response is MSS-sized segments and a short last one; its last `tail` segments are the ones that
        // end past this point.
        const response = Math.ceil(end / RESPONSE_BYTES);
        const responseEnd = response * RESPONSE_BYTES;
        const lastLen = RESPONSE_BYTES % this.#mss || this.#mss;
        const from = responseEnd - lastLen - (this.#tail - 1) * this.#mss;
        if (response % EVERY === 0 && end > from && !this.#seen.has(off)) {
          this.#seen.add(off);
          this.dropped++;
          return;
        }
      }
    }
    this.#inner.send(packet);
  }

  close(): void {
    this.#inner.close();
  }
}

export function runTailLoss(spec: TailLossSpec): TailLossResult {
  const clock = new VirtualClock();
  const [la, lb] = memoryLinkPair({
    clock,
    delay: spec.rttMs / 2,
    bandwidth: spec.bandwidthBps,
    queueBytes: (spec.bandwidthBps / 8) * (spec.rttMs / 1000),
    mtu: spec.mtu,
    seed: spec.seed,
  });
  const drop = new TailDrop(lb, spec.tail);
  // The tap sees every segment the server sends, the dropped ones too, as a capture at the sender would.
  const tap = spec.trace ? new SenderTap(drop, clock) : null;
  const a = new IpStack({ address: "10.0.0.1", link: la, clock, tcp: spec.tcp, isnKey: isnKey(spec.seed, 1) });
  const onTrace = spec.onTrace;
  const b = new IpStack({
    address: "10.0.0.2",
    link: tap ?? drop,
    clock,
    tcp: spec.tcp,
    isnKey: isnKey(spec.seed, 2),
    onTrace: onTrace === undefined ? undefined : (text) => onTrace(clock.now(), text),
  });
  try {
    const response = new Uint8Array(RESPONSE_BYTES).map((_, i) => i & 255);
    const times: number[] = [];
    let server: Connection | null = null;
    const listener = b.listen(80);
    listener.onConnection = () => {
      const s = listener.accept()!;
      server = s;
      if (tap !== null) tap.conn = s;
      let asked = 0;
      let queued = 0;
      const send = () => {
        while (queued > 0) {
          const n = s.write(response.subarray(RESPONSE_BYTES - queued));
          if (n === 0) return;
          queued -= n;
        }
      };
      s.events.onWritable = send;
      s.events.onReadable = () => {
        for (let c = s.read(); c !== null; c = s.read()) asked += c.length;
        while (asked >= REQUEST_BYTES) {
          asked -= REQUEST_BYTES;
          queued += RESPONSE_BYTES;
        }
        send();
      };
    };
    const client = a.connect("10.0.0.2", 80);
    let got = 0;
    let started = 0;
    const ask = () => {
      started = clock.now();
      client.write(new Uint8Array(REQUEST_BYTES));
    };
    client.events.onStateChange = (_f, to) => {
      if (to === "ESTABLISHED") ask();
    };
    client.events.onReadable = () => {
      for (let c = client.read(); c !== null; c = client.read()) got += c.length;
      if (got >= RESPONSE_BYTES) {
        got -= RESPONSE_BYTES;
        times.push(clock.now() - started);
        if (times.length < spec.requests) ask();
      }
    };
    clock.runUntilCondition(() => times.length >= spec.requests, 600_000);
    if (times.length < spec.requests) throw new Error(`tail-loss run stalled after ${times.length} requests`);
    // Request k gets response k (1-based); the first lossy one follows slow start.
    const lossy = times.filter((_, i) => (i + 1) % EVERY === 0);
    const before = times.filter((_, i) => (i + 2) % EVERY === 0);
    return {
      medianMs: median(lossy),
      beforeMs: median(before),
      dropped: drop.dropped,
      server: (server as Connection | null)!.info(),
      trace: tap?.trace,
    };
  } finally {
    a.close();
    b.close();
  }
}
