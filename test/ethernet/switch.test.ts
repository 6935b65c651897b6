import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/index.js";
import { virtualSwitch, type SwitchPort } from "../../src/link/index.js";
import { BROADCAST_MAC, EtherType, buildEthernetFrame, parseMac } from "../../src/wire/index.js";

const mac = (n: number) => parseMac(`02:00:00:00:00:${n.toString(16).padStart(2, "0")}`);

/** A switch with `n` ports, each recording what comes out of it. */
function setup(n: number, options = {}) {
  const clock = new VirtualClock();
  const sw = virtualSwitch({ clock, ...options });
  const ports: SwitchPort[] = [];
  const got: number[][] = [];
  for (let i = 0; i < n; i++) {
    const p = sw.port();
    const seen: number[] = [];
    p.onReceive = (f) => seen.push(f[14]);
    ports.push(p);
    got.push(seen);
  }
  /** Port `from` sends a frame from station `src` to `dst` whose first payload byte is `tag`. */
  const send = (from: number, src: number, dst: number, tag: number) =>
    ports[from].send(buildEthernetFrame(dst, src, EtherType.IPV4, Uint8Array.of(tag)));
  const flush = () => clock.runUntilIdle();
  return { clock, sw, ports, got, send, flush };
}

describe("virtualSwitch: a learning switch", () => {
  it("floods unknown destinations and broadcasts, then forwards to the learned port only", () => {
    const { sw, got, send, flush } = setup(3);
    send(0, mac(1), mac(2), 1); // unknown: flood
    flush();
    expect(got).toEqual([[], [1], [1]]);
    send(1, mac(2), mac(1), 2); // mac(1) learned on port 0
    flush();
    expect(got).toEqual([[2], [1], [1]]);
    send(0, mac(1), mac(2), 3); // mac(2) learned on port 1
    flush();
    expect(got).toEqual([[2], [1, 3], [1]]);
    send(2, mac(3), BROADCAST_MAC, 4);
    flush();
    expect(got).toEqual([[2, 4], [1, 3, 4], [1]]);
    send(2, mac(3), parseMac("01:00:5e:00:00:01"), 5); // multicast floods too
    flush();
    expect(got).toEqual([[2, 4, 5], [1, 3, 4, 5], [1]]);
    expect(sw.counters).toMatchObject({ forwarded: 2, flooded: 3 });
    expect(sw.table().sort((a, b) => a.mac - b.mac)).toEqual([
      { mac: mac(1), port: 0 },
      { mac: mac(2), port: 1 },
      { mac: mac(3), port: 2 },
    ]);
  });

  it("gives each flooded port its own copy", () => {
    const { ports, send, flush } = setup(3);
    const frames: Uint8Array[] = [];
    ports[1].onReceive = (f) => frames.push(f);
    ports[2].onReceive = (f) => frames.push(f);
    send(0, mac(1), BROADCAST_MAC, 9);
    flush();
    expect(frames).toHaveLength(2);
    expect(frames[0]).toEqual(frames[1]);
    expect(frames[0].buffer).not.toBe(frames[1].buffer);
  });

  it("drops a frame for a station on the port it came in by", () => {
    const { sw, got, send, flush } = setup(2);
    send(0, mac(1), BROADCAST_MAC, 1);
    send(0, mac(2), BROADCAST_MAC, 2);
    send(0, mac(1), mac(2), 3);
    flush();
    expect(got).toEqual([[], [1, 2]]);
    expect(sw.counters.filtered).toBe(1);
  });

  it("forgets an address after the ageing time and floods again", () => {
    const { clock, got, send, flush } = setup(3, { ageingTime: 1000 });
    send(1, mac(2), BROADCAST_MAC, 1);
    flush();
    clock.advance(999);
    send(0, mac(1), mac(2), 2);
    flush();
    expect(got[2]).toEqual([1]); // still known: port 1 only
    clock.advance(1000);
    send(0, mac(1), mac(2), 3);
    flush();
    expect(got[2]).toEqual([1, 3]); // aged out: flooded
  });

  it("follows a station that moves to another port", () => {
    const { got, send, flush } = setup(3);
    send(1, mac(2), BROADCAST_MAC, 1);
    send(2, mac(2), BROADCAST_MAC, 2);
    send(0, mac(1), mac(2), 3);
    flush();
    expect(got[1]).toEqual([2]);
    expect(got[2]).toEqual([1, 3]);
  });

  it("holds at most maxAddresses: past it, it learns nothing and floods", () => {
    const { sw, got, send, flush } = setup(3, { maxAddresses: 4 });
    for (let i = 10; i < 20; i++) send(1, mac(i), BROADCAST_MAC, i);
    flush();
    expect(sw.table()).toHaveLength(4);
    expect(sw.counters.tableFull).toBe(6);
    send(0, mac(1), mac(15), 99); // not learned: flooded
    flush();
    expect(got[2].at(-1)).toBe(99);
  });

  it("drops runts, giants and frames from a group address", () => {
    const { sw, ports, got, flush } = setup(2);
    ports[0].send(new Uint8Array(13));
    ports[0].send(new Uint8Array(1515));
    ports[0].send(buildEthernetFrame(mac(2), parseMac("03:00:00:00:00:01"), EtherType.IPV4, Uint8Array.of(1)));
    flush();
    expect(got[1]).toEqual([]);
    expect(sw.counters.malformed).toBe(3);
  });

  it("stops delivering to a closed port and forgets what it learned there", () => {
    const { sw, ports, got, send, flush } = setup(3);
    send(1, mac(2), BROADCAST_MAC, 1);
    flush();
    ports[1].close();
    expect(sw.table().map((e) => e.mac)).toEqual([]);
    send(0, mac(1), mac(2), 2);
    flush();
    expect(got[1]).toEqual([]);
    expect(got[2]).toEqual([1, 2]); // flooded: the address left with its port
    expect(sw.portCount).toBe(2);
  });

  it("joins a tree of switches: stations on leaves reach each other through the root", () => {
    const clock = new VirtualClock();
    const root = virtualSwitch({ clock });
    const left = virtualSwitch({ clock });
    const right = virtualSwitch({ clock });
    left.attach(root.port());
    right.attach(root.port());
    const stations = [left.port(), left.port(), right.port(), right.port()];
    const got = stations.map(() => [] as number[]);
    stations.forEach((s, i) => {
      s.onReceive = (f) => got[i].push(f[14]);
    });
    const send = (i: number, dst: number, tag: number) =>
      stations[i].send(buildEthernetFrame(dst, mac(i), EtherType.IPV4, Uint8Array.of(tag)));
    send(0, BROADCAST_MAC, 1); // everyone hears it, exactly once
    clock.runUntilIdle();
    expect(got).toEqual([[], [1], [1], [1]]);
    send(3, mac(0), 2); // learned everywhere on the way: straight to station 0
    clock.runUntilIdle();
    expect(got).toEqual([[2], [1], [1], [1]]);
    send(0, mac(3), 3);
    clock.runUntilIdle();
    expect(got).toEqual([[2], [1], [1], [1, 3]]);
    // Station 3's frame to station 0 went through both leaves and the root as one forward each.
    expect(left.counters.forwarded + right.counters.forwarded + root.counters.forwarded).toBe(6);
  });
});
