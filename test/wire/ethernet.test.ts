import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  ArpOperation,
  BROADCAST_MAC,
  EtherType,
  buildArpFrame,
  buildEthernetFrame,
  isGroupMac,
  macToString,
  newArpRepr,
  newEthernetRepr,
  parseArpInto,
  parseEthernetInto,
  parseMac,
  randomLocalMac,
  type LinkParseErrorReason,
} from "../../src/wire/index.js";
import { refParseArp, refParseEthernet } from "./reference/index.js";

const A = parseMac("02:00:00:00:00:0a");
const B = parseMac("02:00:00:00:00:0b");
const mac48 = fc.integer({ min: 0, max: 2 ** 48 - 1 });

/** An ARP request from A (10.0.0.1) for 10.0.0.2, as Linux sends it. */
const REQUEST = Uint8Array.from([
  ...[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 0x0a, 0x08, 0x06],
  ...[0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 0x0a, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2],
]);

function reasonOf(frame: Uint8Array): LinkParseErrorReason | null {
  const e = parseEthernetInto(frame, newEthernetRepr());
  if (e !== null || ((frame[12] << 8) | frame[13]) !== EtherType.ARP) return e;
  return parseArpInto(frame, newArpRepr());
}

describe("MAC addresses", () => {
  it("parse and print as Linux writes them", () => {
    expect(parseMac("02:00:5E:10:00:01")).toBe(0x02005e100001);
    expect(parseMac("02-00-5e-10-00-01")).toBe(0x02005e100001);
    expect(macToString(0x02005e100001)).toBe("02:00:5e:10:00:01");
    expect(macToString(BROADCAST_MAC)).toBe("ff:ff:ff:ff:ff:ff");
    for (const bad of ["", "02:00:5e:10:00", "02:00:5e:10:00:001", "0g:00:00:00:00:00", "02:00:5e:10:00:01:"])
      expect(() => parseMac(bad), bad).toThrow(TypeError);
  });

  it("round-trip every 48-bit value", () => {
    fc.assert(fc.property(mac48, (m) => parseMac(macToString(m)) === m));
  });

  it("random ones are unicast and locally administered", () => {
    let state = 0x9e3779b9;
    const seeded = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
    for (let i = 0; i < 200; i++) {
      const m = i % 2 ? randomLocalMac() : randomLocalMac(seeded);
      const first = Math.floor(m / 2 ** 40);
      expect(first & 1, macToString(m)).toBe(0);
      expect(first & 2, macToString(m)).toBe(2);
      expect(isGroupMac(m)).toBe(false);
    }
    expect(isGroupMac(BROADCAST_MAC)).toBe(true);
    expect(isGroupMac(parseMac("01:00:5e:00:00:01"))).toBe(true);
  });
});

describe("Ethernet II and ARP in the wire core", () => {
  it("parse an ARP request as sent on the wire", () => {
    const eth = newEthernetRepr();
    expect(parseEthernetInto(REQUEST, eth)).toBeNull();
    expect(eth).toEqual({ dst: BROADCAST_MAC, src: A, etherType: EtherType.ARP, vlanTci: 0 });
    const arp = newArpRepr();
    expect(parseArpInto(REQUEST, arp)).toBeNull();
    expect(arp).toEqual({ operation: 1, senderMac: A, senderIp: 0x0a000001, targetMac: 0, targetIp: 0x0a000002 });
  });

  it("build that request byte for byte", () => {
    const frame = buildArpFrame(BROADCAST_MAC, A, {
      operation: ArpOperation.REQUEST,
      senderMac: A,
      senderIp: 0x0a000001,
      targetMac: 0,
      targetIp: 0x0a000002,
    });
    expect(frame).toEqual(REQUEST);
  });

  it("round-trip any header and payload, payload untouched", () => {
    fc.assert(
      fc.property(
        mac48,
        mac48.filter((m) => !isGroupMac(m)),
        fc.integer({ min: 0x0600, max: 0xffff }).filter((t) => ![0x8100, 0x88a8, 0x9100].includes(t)),
        fc.uint8Array({ maxLength: 1500 }),
        (dst, src, type, payload) => {
          const frame = buildEthernetFrame(dst, src, type, payload);
          const eth = newEthernetRepr();
          expect(parseEthernetInto(frame, eth)).toBeNull();
          expect(eth).toEqual({ dst, src, etherType: type, vlanTci: 0 });
          expect(frame.subarray(14)).toEqual(payload);
        },
      ),
    );
  });

  it("round-trip any ARP packet", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2),
        mac48,
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        mac48,
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (operation, senderMac, senderIp, targetMac, targetIp) => {
          const arp = { operation, senderMac, senderIp, targetMac, targetIp };
          const out = newArpRepr();
          expect(parseArpInto(buildArpFrame(B, A, arp), out)).toBeNull();
          expect(out).toEqual(arp);
        },
      ),
    );
  });

  it("refuse each malformed case with its reason", () => {
    const edit = (f: (b: Uint8Array) => void, base = REQUEST) => {
      const b = base.slice();
      f(b);
      return b;
    };
    const tagged = Uint8Array.from([...REQUEST.subarray(0, 12), 0x81, 0x00, 0x20, 0x07, ...REQUEST.subarray(12)]);
    const cases: [Uint8Array, LinkParseErrorReason][] = [
      [new Uint8Array(0), "truncated-frame"],
      [REQUEST.subarray(0, 13), "truncated-frame"],
      [edit((b) => b.set([0x05, 0xdc], 12)), "not-ethernet-ii"],
      [tagged, "vlan-tagged"],
      [edit((b) => b.set([0x88, 0xa8], 12)), "vlan-tagged"],
      [edit((b) => (b[6] = 3)), "multicast-source"],
      [REQUEST.subarray(0, 41), "truncated-arp"],
      [REQUEST.subarray(0, 14), "truncated-arp"],
      [edit((b) => (b[15] = 6)), "bad-arp-format"],
      [edit((b) => (b[16] = 0x86)), "bad-arp-format"],
      [edit((b) => (b[18] = 8)), "bad-arp-format"],
      [edit((b) => (b[19] = 16)), "bad-arp-format"],
      [edit((b) => (b[21] = 3)), "bad-arp-operation"],
      [edit((b) => (b[20] = 1)), "bad-arp-operation"],
    ];
    for (const [frame, reason] of cases) expect(reasonOf(frame), reason).toBe(reason);
    const eth = newEthernetRepr();
    parseEthernetInto(tagged, eth);
    expect(eth.vlanTci & 0xfff).toBe(7);
    expect(eth.vlanTci >> 13).toBe(1);
  });

  it("agree with the reference on random and mutated frames", () => {
    const mutated = fc
      .tuple(fc.array(fc.tuple(fc.nat(60), fc.nat(255)), { maxLength: 4 }), fc.nat(64))
      .map(([edits, cut]) => {
        const b = Uint8Array.from([...REQUEST, 0, 0, 0, 0, 0, 0]);
        for (const [i, v] of edits) if (i < b.length) b[i] = v;
        return b.subarray(0, cut);
      });
    fc.assert(
      fc.property(fc.oneof(mutated, fc.uint8Array({ maxLength: 64 })), (frame) => {
        const eth = newEthernetRepr();
        const got = parseEthernetInto(frame, eth);
        const want = refParseEthernet(frame);
        expect(got).toBe(want.ok ? null : want.reason);
        if (!want.ok) return;
        expect(eth).toEqual(want.repr);
        if (eth.etherType !== EtherType.ARP) return;
        const arp = newArpRepr();
        const wantArp = refParseArp(frame);
        expect(parseArpInto(frame, arp)).toBe(wantArp.ok ? null : wantArp.reason);
        if (wantArp.ok) expect(arp).toEqual(wantArp.repr);
      }),
      { numRuns: 3000 },
    );
  });
});
