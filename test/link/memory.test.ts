import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/index.js";
import { type MemoryLinkOptions, memoryLinkPair } from "../../src/link/index.js";
import { buildPacket, parseIpv6, parsePacket } from "../../src/wire/index.js";

/** A packet whose first 4 bytes carry `n`, padded to `size` with a pattern derived from `n`. */
function packet(n: number, size = 60): Uint8Array {
  const p = new Uint8Array(size);
  new DataView(p.buffer).setUint32(0, n);
  for (let i = 4; i < size; i++) p[i] = (n * 31 + i) & 0xff;
  return p;
}

const idOf = (p: Uint8Array): number => new DataView(p.buffer, p.byteOffset).getUint32(0);

interface Arrival {
  id: number;
  at: number;
  bytes: Uint8Array;
}

/** Sends `count` packets from a to b, one every `gapMs` (all at once when 0), runs the clock dry. */
function run(
  options: MemoryLinkOptions,
  count: number,
  gapMs = 0,
  size = 60,
): { arrivals: Arrival[]; clock: VirtualClock; a: ReturnType<typeof memoryLinkPair>[0] } {
  const clock = new VirtualClock();
  const [a, b] = memoryLinkPair({ ...options, clock });
  const arrivals: Arrival[] = [];
  b.onReceive = (p) => arrivals.push({ id: idOf(p), at: clock.now(), bytes: p });
  for (let i = 0; i < count; i++) {
    a.send(packet(i, size));
    if (gapMs > 0) clock.advance(gapMs);
  }
  expect(clock.runUntilIdle()).toBe(true);
  return { arrivals, clock, a };
}

describe("memoryLinkPair: clean link", () => {
  it("delivers every packet, in order, byte for byte, and never from inside send()", () => {
    const clock = new VirtualClock();
    const [a, b] = memoryLinkPair({ clock });
    const got: Uint8Array[] = [];
    b.onReceive = (p) => got.push(p);
    const sent = [packet(1), packet(2, 1500), packet(3, 20)];
    for (const p of sent) a.send(p);
    expect(got).toHaveLength(0);
    // A burst costs one scheduled flush, not a timer per packet.
    expect(clock.pending).toBe(1);
    clock.runUntilIdle();
    expect(got.map(idOf)).toEqual([1, 2, 3]);
    expect(got[1]).toEqual(packet(2, 1500));
    expect(got[2]).toEqual(packet(3, 20));
    expect(clock.now()).toBe(0);
    expect(a.mtu).toBe(1500);
    expect(b.mtu).toBe(1500);
    expect(a.counters.tx).toMatchObject({ sent: 3, delivered: 3, sentBytes: 1580, deliveredBytes: 1580 });
    expect(b.counters.rx).toBe(a.counters.tx);
    expect(clock.pending).toBe(0);
  });

  it("carries both directions independently", () => {
    const clock = new VirtualClock();
    const [a, b] = memoryLinkPair({ clock });
    const atA: number[] = [];
    const atB: number[] = [];
    a.onReceive = (p) => atA.push(idOf(p));
    b.onReceive = (p) => {
      atB.push(idOf(p));
      b.send(packet(idOf(p) + 100)); // reply from inside the receive handler
    };
    a.send(packet(1));
    a.send(packet(2));
    clock.runUntilIdle();
    expect(atB).toEqual([1, 2]);
    expect(atA).toEqual([101, 102]);
    expect(a.counters.rx.delivered).toBe(2);
  });

  it("works on the default real clock", async () => {
    const [a, b] = memoryLinkPair();
    const got = new Promise<Uint8Array>((resolve) => (b.onReceive = resolve));
    a.send(packet(7));
    expect(idOf(await got)).toBe(7);
  });

  it("drops and counts packets larger than the MTU", () => {
    const { arrivals, a } = run({ mtu: 576 }, 0);
    expect(a.mtu).toBe(576);
    const clock = new VirtualClock();
    const [x, y] = memoryLinkPair({ clock, mtu: 576 });
    const got: number[] = [];
    y.onReceive = (p) => got.push(p.length);
    x.send(packet(1, 576));
    x.send(packet(2, 577));
    x.send(packet(3, 65535));
    clock.runUntilIdle();
    expect(got).toEqual([576]);
    expect(x.counters.tx.dropped.mtu).toBe(2);
    expect(x.counters.tx.sent).toBe(3);
    expect(arrivals).toHaveLength(0);
  });

  it("counts packets that arrive with no receiver as unclaimed", () => {
    const clock = new VirtualClock();
    const [a] = memoryLinkPair({ clock });
    a.send(packet(1));
    clock.runUntilIdle();
    expect(a.counters.tx.dropped.unclaimed).toBe(1);
    expect(a.counters.tx.delivered).toBe(0);
  });

  it("keeps delivering after a receiver throws", () => {
    const clock = new VirtualClock();
    const [a, b] = memoryLinkPair({ clock });
    const got: number[] = [];
    b.onReceive = (p) => {
      got.push(idOf(p));
      if (idOf(p) === 1) throw new Error("receiver bug");
    };
    a.send(packet(1));
    a.send(packet(2));
    expect(() => clock.runUntilIdle()).toThrow("receiver bug");
    clock.runUntilIdle();
    expect(got).toEqual([1, 2]);
  });
});

describe("memoryLinkPair: bursts", () => {
  it("ends each flush with onBurstEnd, after the packets it delivered, and not for a flush of none", () => {
    const clock = new VirtualClock();
    const [a, b] = memoryLinkPair({ clock, delay: 5 });
    const events: string[] = [];
    b.onReceive = (p) => events.push(`packet ${idOf(p)}`);
    b.onBurstEnd = () => events.push("end");
    a.send(packet(1));
    a.send(packet(2));
    clock.advance(1);
    a.send(packet(3));
    clock.runUntilIdle();
    // 1 and 2 were due together, 3 a millisecond later: two flushes, two bursts.
    expect(events).toEqual(["packet 1", "packet 2", "end", "packet 3", "end"]);
    expect("onBurstEnd" in a).toBe(true);
  });

  it("ends the burst even when a receiver throws, and says nothing once closed", () => {
    const clock = new VirtualClock();
    const [a, b] = memoryLinkPair({ clock });
    let ends = 0;
    b.onReceive = () => {
      throw new Error("receiver bug");
    };
    b.onBurstEnd = () => ends++;
    a.send(packet(1));
    expect(() => clock.runUntilIdle()).toThrow("receiver bug");
    expect(ends).toBe(1);
    b.close();
    a.send(packet(2));
    clock.runUntilIdle();
    expect(ends).toBe(1);
  });
});

describe("memoryLinkPair: transmit queue (Link.transmitQueued, onTransmitted)", () => {
  it("counts what an end sent and the path still holds, and says when a flush took packets out, after the burst", () => {
    const clock = new VirtualClock();
    const [a, b] = memoryLinkPair({ clock });
    const events: string[] = [];
    b.onReceive = (p) => events.push(`packet ${idOf(p)} queued ${a.transmitQueued}`);
    b.onBurstEnd = () => events.push("end");
    a.onTransmitted = () => events.push(`transmitted, queued ${a.transmitQueued}`);
    b.onTransmitted = () => events.push("b transmitted");
    expect(a.transmitQueued).toBe(0);
    a.send(packet(1));
    a.send(packet(2));
    expect(a.transmitQueued).toBe(2);
    expect(b.transmitQueued).toBe(0);
    clock.runUntilIdle();
    // The receiver's burst ends (its answers queue the other way) before the sender hears the queue drained.
    expect(events).toEqual(["packet 1 queued 1", "packet 2 queued 0", "end", "transmitted, queued 0"]);
    expect(a.transmitQueued).toBe(0);
  });

  it("reports no queue on a timed path, where packets are on the wire, and never calls onTransmitted", () => {
    const clock = new VirtualClock();
    const [a, b] = memoryLinkPair({ clock, delay: 5 });
    let transmitted = 0;
    b.onReceive = () => {};
    a.onTransmitted = () => transmitted++;
    a.send(packet(1));
    a.send(packet(2));
    expect(a.transmitQueued).toBe(0);
    clock.runUntilIdle();
    expect(a.counters.tx.delivered).toBe(2);
    expect(transmitted).toBe(0);
  });

  it("when the peer closes with packets queued, the sender hears of it through the clock, not inside close()", () => {
    const clock = new VirtualClock();
    const [a, b] = memoryLinkPair({ clock });
    let transmitted = 0;
    a.onTransmitted = () => transmitted++;
    a.send(packet(1));
    b.close();
    expect(transmitted).toBe(0);
    expect(a.transmitQueued).toBe(0);
    clock.runUntilIdle();
    expect(transmitted).toBe(1);
    expect(a.counters.tx.dropped.closed).toBe(1);
  });
});

describe("memoryLinkPair: close", () => {
  it("stops the closed end; what it already sent still arrives; no timer is left", () => {
    const clock = new VirtualClock();
    const [a, b] = memoryLinkPair({ clock, delay: 10 });
    const atA: number[] = [];
    const atB: number[] = [];
    a.onReceive = (p) => atA.push(idOf(p));
    b.onReceive = (p) => atB.push(idOf(p));
    a.send(packet(1));
    b.send(packet(2));
    a.close();
    a.send(packet(3));
    clock.runUntilIdle();
    expect(atB).toEqual([1]);
    expect(atA).toEqual([]);
    expect(a.counters.tx.dropped.closed).toBe(1);
    expect(a.counters.rx.dropped.closed).toBe(1);
    b.send(packet(4));
    expect(b.counters.tx.dropped.closed).toBe(2);
    expect(clock.pending).toBe(0);
    a.close(); // idempotent
  });
});

describe("memoryLinkPair: delay, jitter, bandwidth", () => {
  it("delivers exactly `delay` ms later on a virtual clock", () => {
    const clock = new VirtualClock(1000);
    const [a, b] = memoryLinkPair({ clock, delay: 20 });
    const at: number[] = [];
    b.onReceive = () => at.push(clock.now());
    a.send(packet(1));
    clock.advance(5);
    a.send(packet(2));
    clock.advance(14.999);
    expect(at).toEqual([]);
    clock.advance(0.001);
    expect(at).toEqual([1020]);
    clock.runUntilIdle();
    expect(at).toEqual([1020, 1025]);
    // One timer at a time, whatever the number in flight.
    a.send(packet(3));
    a.send(packet(4));
    expect(clock.pending).toBe(1);
  });

  it("jitter spreads delays within +/- jitter and never reorders", () => {
    const { arrivals } = run({ delay: 50, jitter: 20, seed: 3 }, 500, 1);
    expect(arrivals.map((x) => x.id)).toEqual([...Array(500).keys()]);
    const delays = arrivals.map((x) => x.at - x.id);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(30);
    expect(Math.max(...delays)).toBeLessThanOrEqual(70);
    // Really spread, not a constant: FIFO order only lifts a few packets to their predecessor's time.
    expect(new Set(delays.map((d) => Math.round(d))).size).toBeGreaterThan(20);
  });

  it("serialises packets at the configured bandwidth", () => {
    // 1250 bytes = 10 000 bits = 10 ms at 1 Mbit/s; then 5 ms of propagation.
    const { arrivals } = run({ bandwidth: 1_000_000, delay: 5 }, 10, 0, 1250);
    expect(arrivals.map((x) => x.at)).toEqual([15, 25, 35, 45, 55, 65, 75, 85, 95, 105]);
    // Spaced sends that leave the wire idle are not delayed by earlier ones.
    const spaced = run({ bandwidth: 1_000_000 }, 3, 50, 1250);
    expect(spaced.arrivals.map((x) => x.at)).toEqual([10, 60, 110]);
  });

  it("bounds the packets in flight, whatever the delay", () => {
    const { arrivals, a } = run({ delay: 1000, maxInFlight: 100 }, 150);
    expect(arrivals.map((x) => x.id)).toEqual([...Array(100).keys()]);
    expect(a.counters.tx.dropped.queue).toBe(50);
  });

  it("tail-drops what exceeds the serialisation queue", () => {
    const { arrivals, a } = run({ bandwidth: 1_000_000, queueBytes: 5000 }, 20, 0, 1000);
    // 5000 bytes may be waiting for the serialiser, counting the rest of the one on the wire.
    expect(arrivals.map((x) => x.id)).toEqual([0, 1, 2, 3, 4]);
    expect(a.counters.tx.dropped.queue).toBe(15);
  });
});

describe("memoryLinkPair: an ECN marking queue (RFC 3168 §5)", () => {
  /** Ten 1000-byte TCP segments at once into a 1 Mbit/s queue marking above 2500 bytes waiting. */
  function marking(tos: number) {
    const clock = new VirtualClock();
    const [a, b] = memoryLinkPair({ clock, bandwidth: 1_000_000, queueBytes: 100_000, ecnThreshold: 2500 });
    const got: ReturnType<typeof parsePacket>[] = [];
    b.onReceive = (p) => got.push(parsePacket(p));
    for (let i = 0; i < 10; i++) {
      a.send(
        buildPacket({
          src: 1,
          dst: 2,
          srcPort: 1,
          dstPort: 2,
          seq: i,
          flags: 0x10,
          window: 1,
          tos,
          payload: new Uint8Array(960),
        }),
      );
    }
    clock.runUntilIdle();
    return { got, counters: a.counters.tx };
  }

  it("marks ECT packets CE above the threshold, with a valid header checksum, and drops none", () => {
    const { got, counters } = marking(2);
    // 0, 1 and 2 find at most 2000 bytes waiting; the rest find more.
    expect(got.map((p) => (p.ok ? p.ip.tos : "bad"))).toEqual([2, 2, 2, 3, 3, 3, 3, 3, 3, 3]);
    expect(counters.marked).toBe(7);
    expect(counters.dropped.queue).toBe(0);
  });

  it("drops Not-ECT packets where it would mark", () => {
    const { got, counters } = marking(0);
    expect(got.map((p) => (p.ok ? p.tcp.seq : "bad"))).toEqual([0, 1, 2]);
    expect(counters.dropped.queue).toBe(7);
    expect(counters.marked).toBe(0);
  });

  it("marks an IPv6 packet's traffic class (RFC 8200 §7) the same way, and drops Not-ECT ones", () => {
    const ends = { src: parseIpv6("fd00::1"), dst: parseIpv6("fd00::2") };
    for (const tos of [2, 0]) {
      const clock = new VirtualClock();
      const [a, b] = memoryLinkPair({ clock, bandwidth: 1_000_000, queueBytes: 100_000, ecnThreshold: 2500 });
      const ecn: number[] = [];
      b.onReceive = (p) => ecn.push((p[1] >> 4) & 0b11);
      for (let i = 0; i < 10; i++) {
        const f = { src: 0, dst: 0, srcPort: 1, dstPort: 2, seq: i, flags: 0x10, window: 1, tos };
        a.send(buildPacket({ ...f, payload: new Uint8Array(940) }, ends));
      }
      clock.runUntilIdle();
      if (tos === 2) expect(ecn).toEqual([2, 2, 2, 3, 3, 3, 3, 3, 3, 3]);
      else expect([ecn.length, a.counters.tx.dropped.queue]).toEqual([3, 7]);
    }
  });

  it("leaves bytes that are no IPv4 header to the tail drop", () => {
    const { arrivals, a } = run({ bandwidth: 1_000_000, queueBytes: 5000, ecnThreshold: 0 }, 20, 0, 1000);
    expect(arrivals.map((x) => x.id)).toEqual([0, 1, 2, 3, 4]);
    expect(a.counters.tx.marked).toBe(0);
  });
});

describe("memoryLinkPair: random impairments", () => {
  it("is reproducible: same seed and sends, same deliveries; another seed differs", () => {
    const options = { seed: 42, loss: 0.1, delay: 10, jitter: 5, reorder: 0.1, duplicate: 0.05, corrupt: 0.05 };
    const one = run(options, 2000, 0.5).arrivals;
    const two = run(options, 2000, 0.5).arrivals;
    expect(two).toEqual(one);
    const other = run({ ...options, seed: 43 }, 2000, 0.5).arrivals;
    expect(other.map((x) => x.id)).not.toEqual(one.map((x) => x.id));
  });

  it("loses packets at the configured rate (within 5 sigma) for several seeds", () => {
    const n = 20_000;
    for (const [loss, seed] of [
      [0.01, 1],
      [0.1, 2],
      [0.5, 3],
      [0.2, 12345678901],
    ]) {
      const { arrivals, a } = run({ loss, seed }, n);
      const lost = n - arrivals.length;
      const sigma = Math.sqrt(n * loss * (1 - loss));
      expect(Math.abs(lost - n * loss)).toBeLessThan(5 * sigma);
      expect(a.counters.tx.dropped.loss).toBe(lost);
      // The survivors keep their order.
      expect(arrivals.every((x, i) => i === 0 || x.id > arrivals[i - 1].id)).toBe(true);
    }
    expect(run({ loss: 1 }, 100).arrivals).toHaveLength(0);
    expect(run({ loss: 0 }, 100).arrivals).toHaveLength(100);
  });

  it("duplicates into separate buffers with identical bytes", () => {
    const n = 10_000;
    const { arrivals, a } = run({ duplicate: 0.1, seed: 9 }, n);
    const dups = arrivals.length - n;
    expect(Math.abs(dups - n * 0.1)).toBeLessThan(5 * Math.sqrt(n * 0.1 * 0.9));
    expect(a.counters.tx.duplicated).toBe(dups);
    let twice = 0;
    for (let i = 1; i < arrivals.length; i++) {
      const [original, copy] = [arrivals[i - 1], arrivals[i]];
      if (original.id !== copy.id) continue;
      twice++;
      expect(copy.bytes).not.toBe(original.bytes);
      expect(Buffer.compare(copy.bytes, original.bytes)).toBe(0);
    }
    expect(twice).toBe(dups);
  });

  it("corrupts by flipping exactly one bit", () => {
    const n = 5000;
    const { arrivals, a } = run({ corrupt: 0.2, seed: 5 }, n, 0, 100);
    expect(arrivals).toHaveLength(n);
    let corrupted = 0;
    arrivals.forEach((x, i) => {
      // Nothing is lost or reordered, so arrival i is send i (its id bytes may be the flipped ones).
      const want = packet(i, 100);
      let bits = 0;
      for (let j = 0; j < want.length; j++) {
        for (let d = want[j] ^ x.bytes[j]; d !== 0; d >>>= 1) bits += d & 1;
      }
      expect(bits).toBeLessThanOrEqual(1);
      corrupted += bits;
    });
    expect(a.counters.tx.corrupted).toBe(corrupted);
    expect(Math.abs(corrupted - n * 0.2)).toBeLessThan(5 * Math.sqrt(n * 0.2 * 0.8));
  });

  it("reorders only the packets it holds back, loses none, and counts exactly the overtaken ones", () => {
    const { arrivals, a } = run({ reorder: 0.1, seed: 11 }, 1000, 0.2);
    expect(arrivals).toHaveLength(1000);
    expect(new Set(arrivals.map((x) => x.id)).size).toBe(1000);
    let overtaken = 0;
    let highest = -1;
    for (const x of arrivals) {
      if (x.id < highest) overtaken++;
      else highest = x.id;
    }
    expect(overtaken).toBeGreaterThan(50);
    expect(a.counters.tx.reordered).toBe(overtaken);
  });

  it("reorders a burst on a zero-delay link", () => {
    const { arrivals } = run({ reorder: 0.2, seed: 1 }, 50);
    const ids = arrivals.map((x) => x.id);
    expect(ids).not.toEqual([...ids].sort((x, y) => x - y));
    expect([...ids].sort((x, y) => x - y)).toEqual([...Array(50).keys()]);
  });

  it("rejects impossible options with a RangeError", () => {
    for (const bad of [
      { loss: 1.5 },
      { loss: -0.1 },
      { loss: Number.NaN },
      { delay: -1 },
      { bandwidth: 0 },
      { mtu: 40 },
      { mtu: 1500.5 },
      { seed: Infinity },
    ]) {
      expect(() => memoryLinkPair(bad as MemoryLinkOptions)).toThrow(RangeError);
    }
  });
});
