import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/index.js";
import { memoryLinkPair } from "../../src/link/index.js";
import { IpStack } from "../../src/stack/ip-stack.js";
import { buildPacketInArena } from "../../src/wire/build.js";
import { arenaCounters, freeSlots, releasePacket, setArenaMaxSlots } from "../../src/wire/packet-arena.js";
import { TcpFlags } from "../../src/wire/types.js";

/** Takes every small slot the arena may have (it grows up to its maximum on the way). */
function holdAllSlots(): Uint8Array[] {
  const held: Uint8Array[] = [];
  for (;;) {
    const p = buildPacketInArena({
      src: 0x0a000001,
      dst: 0x0a000002,
      srcPort: 1,
      dstPort: 2,
      seq: 0,
      ack: 0,
      flags: TcpFlags.ACK,
      window: 0,
      payload: new Uint8Array(1),
    });
    if (p === null) return held;
    held.push(p);
  }
}

describe("packet arena at its maximum", () => {
  it("grows to the maximum, then every packet goes to the counted fallback and still arrives intact", () => {
    setArenaMaxSlots(3000);
    const before = arenaCounters();
    const held = holdAllSlots();
    const full = arenaCounters();
    expect(full.capacity).toBe(3000); // the first chunk, then chunks up to the maximum
    expect(full.growths).toBeGreaterThan(before.growths);
    expect(full.fallbacks).toBe(before.fallbacks + 1); // the take that found none
    expect(freeSlots().small).toBe(0);

    const clock = new VirtualClock();
    const [la, lb] = memoryLinkPair({ clock, delay: 1 });
    const a = new IpStack({ address: "10.0.0.1", link: la, clock });
    const b = new IpStack({ address: "10.0.0.2", link: lb, clock });
    const data = Uint8Array.from({ length: 120_000 }, (_, i) => (i * 31 + (i >> 9)) & 255);
    const got = new Uint8Array(data.length + 1);
    let received = 0;
    const listener = b.listen(80);
    listener.onConnection = () => {
      const s = listener.accept()!;
      s.events.onReadable = () => {
        for (let n = s.readInto(got.subarray(received)); n > 0; n = s.readInto(got.subarray(received))) received += n;
      };
    };
    const c = a.connect("10.0.0.2", 80);
    let sent = 0;
    const fill = () => {
      while (sent < data.length) {
        const n = c.write(data.subarray(sent));
        if (n === 0) return;
        sent += n;
      }
    };
    c.events.onWritable = fill;
    c.events.onStateChange = (_from, to) => {
      if (to === "ESTABLISHED") fill();
    };
    clock.runUntilIdle(60_000);
    expect(received).toBe(data.length);
    expect(got.subarray(0, received)).toEqual(data);
    const segments = a.counters.segmentsOut + b.counters.segmentsOut;
    expect(arenaCounters().fallbacks - full.fallbacks).toBe(segments);
    expect(arenaCounters().capacity).toBe(3000); // bounded: no growth past the maximum
    a.close();
    b.close();

    for (const p of held) releasePacket(p);
    expect(freeSlots().small).toBe(3000);
  });

  it("refuses a maximum that is not a positive integer", () => {
    expect(() => setArenaMaxSlots(0)).toThrow(RangeError);
    expect(() => setArenaMaxSlots(1.5)).toThrow(RangeError);
  });
});
