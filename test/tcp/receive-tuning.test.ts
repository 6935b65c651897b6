import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import { memoryLinkPair } from "../../src/link/memory.js";
import { IpStack } from "../../src/stack/ip-stack.js";
import type { TcpConfig } from "../../src/tcp/config.js";
import { INITIAL_RECEIVE_WINDOW } from "../../src/tcp/receive-tuning.js";
import type { TcpConnection } from "../../src/tcp/connection.js";
import type { Connection } from "../../src/tcp/types.js";

const MiB = 1 << 20;
const CHUNK = new Uint8Array(64 * 1024).map((_, i) => (i * 7) & 255);

/**
 * A download over a long fat path on the virtual clock: 100 ms RTT, 100 Mbit/s, a queue of two BDPs, the
 * server writing without end, the client (receiver) configured with `client`. Returns the bytes the client
 * read in `measureMs` after `warmupMs`, its connection, and the largest window it offered.
 */
function download(client: Partial<TcpConfig>, opts: { read: boolean; warmupMs: number; measureMs: number }) {
  const clock = new VirtualClock();
  const [la, lb] = memoryLinkPair({ clock, delay: 50, bandwidth: 100e6, queueBytes: 2_500_000 });
  const server = new IpStack({ address: "10.0.0.1", link: la, clock, tcp: { sendBufferSize: 16 * MiB } });
  const grown: string[] = [];
  const receiver = new IpStack({
    address: "10.0.0.2",
    link: lb,
    clock,
    tcp: client,
    onTrace: (t) => void (t.includes("receive buffer grown") && grown.push(t)),
  });
  try {
    const listener = server.listen(80);
    listener.onConnection = () => {
      const c = listener.accept()!;
      const fill = () => {
        while (c.write(CHUNK) > 0);
      };
      c.events.onWritable = fill;
      fill();
    };
    const conn: Connection = receiver.connect("10.0.0.1", 80);
    let read = 0;
    let widest = 0;
    conn.events.onReadable = () => {
      widest = Math.max(widest, conn.info().receiveWindow);
      if (!opts.read) return;
      for (let b = conn.read(); b !== null; b = conn.read()) read += b.length;
    };
    clock.runUntil(opts.warmupMs);
    const before = read;
    clock.runUntil(opts.warmupMs + opts.measureMs);
    const held = conn.readableLength;
    return { info: conn.info(), held, widest, grown, mbps: ((read - before) * 8) / (opts.measureMs * 1000) };
  } finally {
    server.close();
    receiver.close();
  }
}

describe("receive-buffer autotuning (dynamic right-sizing, Linux's tcp_rcv_space_adjust)", () => {
  it("a download over a long fat path opens the window far past the initial buffer: not capped by it", () => {
    const tuned = download({ receiveBufferSize: 16 * MiB }, { read: true, warmupMs: 5_000, measureMs: 10_000 });
    // The initial 64 KiB window alone caps a 100 ms path at 5.2 Mbit/s; the buffer grew to a path's worth.
    const initialCap = (INITIAL_RECEIVE_WINDOW * 8) / 100_000;
    expect(initialCap).toBeLessThan(5.3);
    expect(tuned.widest).toBeGreaterThan(1_250_000);
    expect(tuned.mbps).toBeGreaterThan(80);
    // Each growth is an event (traced): from the first round trips on, a few doublings to the path's need.
    expect(tuned.grown.length).toBeGreaterThan(3);
    expect(tuned.grown[0]).toMatch(
      /^10\.0\.0\.2:\d+>10\.0\.0\.1:80 receive buffer grown to \d+ \(read \d+ in \d+ ms\)$/,
    );
    // The same path with the buffer fixed at 64 KiB is held to the cap.
    const fixed = download(
      { receiveBufferSize: INITIAL_RECEIVE_WINDOW, receiveBufferAutotune: false },
      { read: true, warmupMs: 5_000, measureMs: 10_000 },
    );
    expect(fixed.mbps).toBeLessThan(initialCap);
  });

  it("without timestamps the round trip is timed by windows, and the window grows as well", () => {
    const tuned = download(
      { receiveBufferSize: 16 * MiB, timestamps: false },
      { read: true, warmupMs: 5_000, measureMs: 10_000 },
    );
    expect(tuned.widest).toBeGreaterThan(1_250_000);
    expect(tuned.mbps).toBeGreaterThan(80);
  });

  it("a connection whose application does not read holds only the initial buffer, whatever the maximum", () => {
    const idle = download({ receiveBufferSize: 16 * MiB }, { read: false, warmupMs: 2_000, measureMs: 1_000 });
    const info = idle.info;
    expect(idle.held).toBeLessThanOrEqual(INITIAL_RECEIVE_WINDOW);
    expect(idle.held).toBeGreaterThan(INITIAL_RECEIVE_WINDOW / 2);
    expect(idle.widest).toBeLessThanOrEqual(INITIAL_RECEIVE_WINDOW);
    expect(idle.grown).toEqual([]);
    expect(info.receiveWindow).toBeLessThan(2000);
    // The window scale was still chosen for the 16 MiB maximum.
    expect(info.windowScale?.receive).toBe(9);
  });

  it("an established connection with no traffic offers the initial window and holds no ring", () => {
    const clock = new VirtualClock();
    const [la, lb] = memoryLinkPair({ clock, delay: 1 });
    const a = new IpStack({ address: "10.0.0.1", link: la, clock, tcp: { receiveBufferSize: 16 * MiB } });
    const b = new IpStack({ address: "10.0.0.2", link: lb, clock, tcp: { receiveBufferSize: 16 * MiB } });
    const listener = b.listen(80);
    const conn = a.connect("10.0.0.2", 80);
    clock.runUntil(1_000);
    const server = listener.accept()!;
    for (const c of [conn, server] as TcpConnection[]) {
      expect(c.state).toBe("ESTABLISHED");
      // The SYN's unscaled 65,535, or the buffer's 65,536 once scaled.
      expect(c.info().receiveWindow).toBeGreaterThanOrEqual(65535);
      expect(c.info().receiveWindow).toBeLessThanOrEqual(INITIAL_RECEIVE_WINDOW);
      expect(c.receiveBuffer.capacity).toBe(INITIAL_RECEIVE_WINDOW);
      expect(c.receiveBuffer.allocated).toBe(0);
    }
    a.close();
    b.close();
  });

  it("a connection given its own receive buffer size keeps it fixed (SO_RCVBUF)", () => {
    const clock = new VirtualClock();
    const [la, lb] = memoryLinkPair({ clock, delay: 1 });
    const a = new IpStack({ address: "10.0.0.1", link: la, clock });
    const b = new IpStack({ address: "10.0.0.2", link: lb, clock });
    b.listen(80);
    const conn = a.connect("10.0.0.2", 80, { receiveBufferSize: 4 * MiB });
    clock.runUntil(1_000);
    expect(conn.info().receiveWindow).toBe(4 * MiB);
    a.close();
    b.close();
  });
});
