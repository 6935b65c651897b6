import { describe, expect, it } from "vitest";
import { FRAGMENT_CHARGE } from "../../src/fragments/reassembler.js";
import { datagram, piece, pieces, rig, SRC } from "./fragment-fixtures.js";

describe("IPv4 reassembly (RFC 791 §3.2, RFC 815)", () => {
  it("fragments in order give back the datagram, byte for byte, as one packet", () => {
    const t = rig();
    const whole = datagram(3000, 1);
    const fs = pieces(whole, 1480);
    expect(fs).toHaveLength(3);
    t.feed(fs.slice(0, 2));
    expect(t.out).toEqual([]);
    t.feed(fs.slice(2));
    expect(t.out).toEqual([whole]);
    expect(t.counters.datagramsReassembled).toBe(1);
    expect(t.r.pendingDatagrams).toBe(0);
    expect(t.r.heldBytes).toBe(0);
  });

  it("fragments in reverse order, and interleaved datagrams, each come out whole", () => {
    const t = rig();
    const a = datagram(2000, 7);
    const b = datagram(1200, 8);
    const fa = pieces(a, 256).reverse();
    const fb = pieces(b, 128);
    const mixed = fa.flatMap((f, i) => (fb[i] ? [f, fb[i]] : [f]));
    t.feed([...mixed, ...fb.slice(fa.length)]);
    expect(t.out).toHaveLength(2);
    expect(t.out).toContainEqual(a);
    expect(t.out).toContainEqual(b);
  });

  it("the same id from another source, or for another protocol, is another datagram", () => {
    const t = rig();
    const a = datagram(64, 5);
    const b = datagram(64, 5, 99, SRC + 1);
    t.feed([piece(a, 0, 32), piece(b, 32, 64), piece(b, 0, 32)]);
    expect(t.out).toEqual([b]);
    expect(t.r.pendingDatagrams).toBe(1);
  });

  it("an exact duplicate is counted and ignored; the datagram still completes", () => {
    const t = rig();
    const whole = datagram(96, 2);
    const [f0, f1, f2] = pieces(whole, 32);
    t.feed([f0, f1, f1, f0]);
    expect(t.counters.duplicateFragments).toBe(2);
    t.feed([f2, f2]);
    expect(t.out).toEqual([whole]);
    // The repeat after completion starts a new datagram, which times out unseen (no fragment zero).
    expect(t.r.pendingDatagrams).toBe(1);
    t.clock.advance(30_000);
    expect(t.r.pendingDatagrams).toBe(0);
    expect(t.quoted).toEqual([]);
  });

  it("an overlap drops the whole datagram, and its fragments still to come (RFC 5722)", () => {
    const t = rig();
    const whole = datagram(64, 3);
    t.feed([piece(whole, 0, 24), piece(whole, 16, 40)]);
    expect(t.counters.drops["fragment-overlap"]).toBe(1);
    expect(t.r.heldBytes).toBe(0);
    t.feed([piece(whole, 24, 64), piece(whole, 16, 24)]);
    expect(t.counters.drops["fragment-after-overlap"]).toBe(2);
    expect(t.out).toEqual([]);
    // The dead datagram holds its key until the timeout, sending no time exceeded.
    t.clock.advance(30_000);
    expect(t.r.pendingDatagrams).toBe(0);
    expect(t.counters.drops["fragment-timeout"]).toBe(0);
    expect(t.quoted).toEqual([]);
  });

  it("teardrop: a fragment inside the one before it is an overlap, not a negative length", () => {
    const t = rig();
    const whole = datagram(64, 4);
    t.feed([piece(whole, 0, 48), piece(whole, 8, 16, false)]);
    expect(t.counters.drops["fragment-overlap"]).toBe(1);
    expect(t.out).toEqual([]);
    expect(t.r.heldBytes).toBe(0);
  });

  it("last fragments that disagree on the end, or data past the end, drop the datagram", () => {
    for (const second of [
      (w: Uint8Array) => piece(w, 32, 40, false),
      (w: Uint8Array) => piece(w, 64, 72, true),
      (w: Uint8Array) => piece(w, 8, 16, false),
    ]) {
      const t = rig();
      const whole = datagram(80, 9);
      t.feed([piece(whole, 48, 56, false), second(whole)]);
      expect(t.counters.drops["fragment-overlap"]).toBe(1);
    }
  });

  it("a datagram never completed times out after 30 s; fragment zero earns an ICMP time exceeded quote", () => {
    const t = rig();
    const a = datagram(100, 11);
    const b = datagram(100, 12);
    t.feed([piece(a, 0, 48)]);
    t.clock.advance(10_000);
    t.feed([piece(b, 48, 100, false)]);
    t.clock.advance(19_999);
    expect(t.r.pendingDatagrams).toBe(2);
    t.clock.advance(1);
    expect(t.counters.drops["fragment-timeout"]).toBe(1);
    // RFC 792: the quote is the internet header (fragment zero's) and the first 64 bits of the data.
    const zero = piece(a, 0, 48);
    expect(t.quoted).toEqual([Uint8Array.from([...zero.header, ...zero.data.subarray(0, 8)])]);
    t.clock.advance(10_000);
    expect(t.counters.drops["fragment-timeout"]).toBe(2);
    expect(t.quoted).toHaveLength(1); // b had no fragment zero: nothing to quote, no ICMP
    expect(t.r.heldBytes).toBe(0);
  });

  it("not a multiple of 8, empty but not last, or past 65535 bytes: the fragment is refused", () => {
    const t = rig();
    const whole = datagram(200, 13);
    t.feed([piece(whole, 0, 20), piece(whole, 24, 24)]);
    expect(t.counters.drops["fragment-invalid"]).toBe(2);
    const big = datagram(65000, 14);
    const late = piece(big, 64_800, 65000, false);
    t.feed([{ ...late, offset: 65_520 }]);
    expect(t.counters.drops["fragment-too-long"]).toBe(1);
    expect(t.r.pendingDatagrams).toBe(0);
  });

  it("over the datagram count, a new datagram is refused and the pending ones still complete", () => {
    const t = rig({ maxDatagrams: 4 });
    const ws = [1, 2, 3, 4, 5].map((id) => datagram(64, 100 + id));
    t.feed(ws.map((w) => piece(w, 0, 32)));
    expect(t.counters.drops["fragment-datagrams"]).toBe(1);
    t.feed(ws.map((w) => piece(w, 32, 64)));
    expect(t.out).toEqual(ws.slice(0, 4));
  });

  it("over the per-source cap, that source's new datagrams are refused; others' are not", () => {
    const t = rig({ maxPerSource: 2 });
    const mine = [1, 2, 3].map((id) => datagram(64, id));
    const other = datagram(64, 1, 5, SRC + 9);
    t.feed([...mine.map((w) => piece(w, 0, 32)), piece(other, 0, 32)]);
    expect(t.counters.drops["fragment-per-source"]).toBe(1);
    t.feed([piece(other, 32, 64)]);
    expect(t.out).toEqual([other]);
  });

  it("over the byte bound, the fragment is refused; the bytes held never pass it", () => {
    const limit = 2 * (FRAGMENT_CHARGE + 1000) + 28;
    const t = rig({ maxBytes: limit });
    const whole = datagram(4000, 21);
    t.feed(pieces(whole, 1000));
    expect(t.counters.drops["fragment-memory"]).toBe(2);
    expect(t.r.heldBytes).toBeLessThanOrEqual(limit);
    expect(t.out).toEqual([]);
    t.clock.advance(30_000);
    expect(t.r.heldBytes).toBe(0);
  });

  it("a flood of never-completed datagrams leaves memory bounded and is counted", () => {
    const t = rig({ maxDatagrams: 64, maxBytes: 64 * 1024 });
    for (let id = 0; id < 5000; id++) {
      t.feed([piece(datagram(1400, id & 0xffff, id + 1, SRC + (id % 300)), 0, 1400 - 8)]);
      expect(t.r.heldBytes).toBeLessThanOrEqual(64 * 1024);
      expect(t.r.pendingDatagrams).toBeLessThanOrEqual(64);
    }
    const refused = t.counters.drops["fragment-datagrams"] + t.counters.drops["fragment-memory"];
    const held = t.r.pendingDatagrams;
    expect(held).toBe(Math.floor((64 * 1024) / (FRAGMENT_CHARGE + 1392 + 28))); // the byte bound binds first
    expect(refused).toBe(5000 - held);
    t.clock.advance(30_000);
    expect(t.r.pendingDatagrams).toBe(0);
    expect(t.r.heldBytes).toBe(0);
    expect(t.counters.drops["fragment-timeout"]).toBe(held);
  });
});
