import { createHash } from "node:crypto";
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import type { Link } from "../../src/link/link.js";
import { memoryLinkPair, type MemoryLinkOptions } from "../../src/link/memory.js";
import { IpStack } from "../../src/stack/ip-stack.js";
import type { TcpConfig } from "../../src/tcp/config.js";
import type { Connection } from "../../src/tcp/types.js";
import { parsePacket } from "../../src/wire/index.js";
import type { ParsedPacket } from "../../src/wire/types.js";
import { xorshiftBytes } from "../helpers/bytes.js";

export const A = "10.0.0.1";
export const B = "10.0.0.2";
/** The same two stacks' IPv6 addresses, for suites run over both families. */
export const A6 = "fd00::a";
export const B6 = "fd00::b";
export type Family = 4 | 6;

export function key(n: number): Uint8Array {
  return Uint8Array.from({ length: 16 }, (_, i) => (i * 31 + n) & 255);
}

/** A fake link for fixture tests: the test injects packets through `onReceive`; `out` holds what the stack sent, parsed. */
export function recordingLink(): { link: Link; out: ParsedPacket[] } {
  const out: ParsedPacket[] = [];
  const link: Link = {
    mtu: 1500,
    send(p) {
      const r = parsePacket(p);
      if (!r.ok) throw new Error(`stack sent a bad packet: ${r.reason}`);
      out.push(r);
    },
    onReceive: null,
    close() {},
  };
  return { link, out };
}

/**
 * Two stacks on one VirtualClock joined by a seeded in-memory link; every packet is recorded. Both have
 * IPv6 addresses too (A6, B6): which family a test runs over is the address it connects to.
 */
export function pair(
  link: Omit<MemoryLinkOptions, "clock"> = {},
  tcp: Partial<TcpConfig> = {},
  tcpB?: Partial<TcpConfig>,
  stackB: { memoryLimit?: number } = {},
) {
  const clock = new VirtualClock(1_000_000);
  const [la, lb] = memoryLinkPair({ ...link, clock });
  // Every packet either side sends, with its time, folded into one hash.
  const wire = createHash("sha256");
  /** The IP versions of the packets sent. */
  const sentVersions = new Set<number>();
  const tap = (name: string, l: typeof la) => {
    const send = l.send.bind(l);
    l.send = (p: Uint8Array) => {
      sentVersions.add(p[0] >> 4);
      wire.update(`${clock.now()} ${name} `).update(p);
      send(p);
    };
  };
  tap("a", la);
  tap("b", lb);
  const traceA: string[] = [];
  const traceB: string[] = [];
  const a = new IpStack({
    address: A,
    ipv6: [`${A6}/64`],
    link: la,
    clock,
    tcp,
    isnKey: key(1),
    onTrace: (t) => traceA.push(t),
  });
  const b = new IpStack({
    address: B,
    ipv6: [`${B6}/64`],
    link: lb,
    clock,
    tcp: tcpB ?? tcp,
    isnKey: key(2),
    ...stackB,
    onTrace: (t) => traceB.push(t),
  });
  return { clock, a, b, la, lb, wire, traceA, traceB, sentVersions };
}

/** Deterministic pseudo-random bytes. */
export function bytes(n: number, seed: number): Uint8Array {
  return xorshiftBytes(n, seed * 2654435761 + 1);
}

export function sha(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Pumps `data` into `conn` as space frees; shuts down after the last byte when `close` is set. */
export function pump(conn: Connection, data: Uint8Array, close = true): { done: () => boolean } {
  let off = 0;
  let finished = false;
  const step = () => {
    while (off < data.length) {
      const n = conn.write(data.subarray(off));
      if (n === 0) return;
      off += n;
    }
    if (!finished) {
      finished = true;
      if (close) conn.shutdown();
    }
  };
  const prev = conn.events.onStateChange;
  conn.events.onWritable = step;
  conn.events.onStateChange = (from, to) => {
    prev?.(from, to);
    if (to === "ESTABLISHED") step();
  };
  if (conn.state === "ESTABLISHED" || conn.state === "CLOSE-WAIT") step();
  return { done: () => finished };
}

/** Collects everything `conn` receives until the peer's FIN. */
export function sink(conn: Connection, opts: { paused?: () => boolean } = {}) {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const drain = () => {
    if (opts.paused?.()) return;
    for (;;) {
      const c = conn.read();
      if (c === null) break;
      chunks.push(c);
      total += c.length;
    }
  };
  conn.events.onReadable = drain;
  return {
    drain,
    get total() {
      return total;
    },
    get ended() {
      return conn.readEnded;
    },
    data(): Uint8Array {
      const out = new Uint8Array(total);
      let o = 0;
      for (const c of chunks) {
        out.set(c, o);
        o += c.length;
      }
      return out;
    },
  };
}
