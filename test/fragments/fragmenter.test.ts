import { describe, expect, it } from "vitest";
import { fragmentPacket } from "../../src/fragments/fragmenter.js";
import { internetChecksum } from "../../src/wire/checksum.js";
import { datagram } from "./fragment-fixtures.js";
import { readFragment } from "./fragment-fixtures.js";

/** `datagram` with IP options: a copied one (type 0x83, loose source route) and one that is not (0x07). */
function withOptions(length: number): Uint8Array {
  const plain = datagram(length, 42);
  const options = [0x83, 7, 8, 10, 0, 0, 9, 0x07, 7, 4, 0, 0, 0, 0, 1, 0];
  const p = new Uint8Array(plain.length + options.length);
  p.set(plain.subarray(0, 20));
  p.set(options, 20);
  p.set(plain.subarray(20), 20 + options.length);
  p[0] = 0x45 + options.length / 4;
  p[2] = p.length >> 8;
  p[3] = p.length & 255;
  p[10] = 0;
  p[11] = 0;
  const sum = internetChecksum(p.subarray(0, 36));
  p[10] = sum >> 8;
  p[11] = sum & 255;
  return p;
}

describe("IPv4 fragmentation (RFC 791 §3.2)", () => {
  it("cuts at multiples of 8 under the MTU, offsets and MF right, every header checksum valid", () => {
    const whole = datagram(3000, 1);
    const fs = fragmentPacket(whole, 1500);
    expect(fs.map((f) => f.length)).toEqual([1500, 1500, 60]);
    const read = fs.map((f) => readFragment(f));
    expect(read.map((f) => [f?.offset, f?.more])).toEqual([
      [0, true],
      [1480, true],
      [2960, false],
    ]);
    for (const f of fs) expect(internetChecksum(f.subarray(0, 20))).toBe(0);
    expect(read.map((f) => f?.id)).toEqual([1, 1, 1]);
  });

  it("the first fragment keeps every option; the others only those with the copied flag", () => {
    const p = withOptions(200);
    const fs = fragmentPacket(p, 100);
    expect(fs[0][0] & 15).toBe(9);
    expect([...fs[0].subarray(20, 36)]).toEqual([...p.subarray(20, 36)]);
    for (const f of fs.slice(1)) {
      expect(f[0] & 15).toBe(7);
      expect([...f.subarray(20, 28)]).toEqual([0x83, 7, 8, 10, 0, 0, 9, 0]);
      expect(internetChecksum(f.subarray(0, 28))).toBe(0);
    }
    // The data, put back together, is the datagram's.
    const data = fs.flatMap((f) => [...f.subarray((f[0] & 15) * 4)]);
    expect(data).toEqual([...p.subarray(36)]);
  });

  it("a fragment fragmented again keeps its offset base and its MF on the last piece", () => {
    const whole = datagram(800, 3);
    const [first] = fragmentPacket(whole, 420);
    const again = fragmentPacket(first, 100).map((f) => readFragment(f));
    expect(again.every((f) => f?.more)).toBe(true);
    expect(again.map((f) => f?.offset)).toEqual([0, 80, 160, 240, 320]);
  });

  it("a packet that fits comes back as itself; an MTU under 68 is refused", () => {
    const p = datagram(100, 4);
    expect(fragmentPacket(p, 120)).toEqual([p]);
    expect(() => fragmentPacket(p, 67)).toThrow(RangeError);
  });
});
