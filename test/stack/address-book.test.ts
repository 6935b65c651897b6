import { describe, expect, it } from "vitest";
import { AddressBook } from "../../src/stack/address-book.js";
import { IPV6_KEY_BASE, parseIpv4, parseIpv6 } from "../../src/wire/index.js";

const book = () =>
  new AddressBook(
    parseIpv4("10.0.0.1"),
    [
      { address: parseIpv6("fd00::1"), prefix: 64 },
      { address: parseIpv6("2001:db8::1"), prefix: 32 },
    ],
    new Uint8Array(16).fill(3),
  );

describe("AddressBook: one number per address of either family", () => {
  it("an IPv6 key is 2^32 plus the low 48 bits of SipHash-2-4 under the book's key, at any offset", () => {
    const b = new AddressBook(parseIpv4("10.0.0.1"), [], new Uint8Array(16).fill(3));
    const packet = new Uint8Array(40);
    packet.set(parseIpv6("2001:db8::7"), 8);
    // Pinned: keys must not change with how the digest is computed.
    expect([b.parse("fd00::2"), b.parse("fe80::1"), b.keyOf(packet, 8), b.unspecifiedKey]).toEqual([
      1480270014299, 81389684439101, 241169183075244, 222251574281051,
    ]);
  });

  it("IPv4 keys are the addresses; IPv6 keys are above 2^32, the same for the same bytes", () => {
    const b = book();
    expect(b.parse("10.0.0.9")).toBe(parseIpv4("10.0.0.9"));
    const k = b.parse("FD00:0::2");
    expect(k).toBeGreaterThanOrEqual(IPV6_KEY_BASE);
    expect(Number.isSafeInteger(k)).toBe(true);
    const packet = new Uint8Array(40);
    packet.set(parseIpv6("fd00::2"), 8);
    expect(b.keyOf(packet, 8)).toBe(k);
    expect(b.text(k)).toBe("fd00::2");
    expect(b.text(parseIpv4("10.0.0.9"))).toBe("10.0.0.9");
    // Another stack's secret gives other keys (off-path senders cannot aim a collision).
    const other = new AddressBook(0, [], new Uint8Array(16).fill(4));
    expect(other.parse("fd00::2")).not.toBe(k);
  });

  it("chooses the source whose prefix holds the destination, else the first; IPv4 for IPv4", () => {
    const b = book();
    expect(b.text(b.sourceFor(b.parse("2001:db8:5::7")))).toBe("2001:db8::1");
    expect(b.text(b.sourceFor(b.parse("2a00::1")))).toBe("fd00::1");
    expect(b.sourceFor(parseIpv4("192.0.2.1"))).toBe(parseIpv4("10.0.0.1"));
    expect(new AddressBook(1, []).sourceFor(new AddressBook(1, []).parse("fd00::5"))).toBe(-1);
  });

  it("takes addresses neighbour discovery assigns and gives them up; a link-local one never comes first", () => {
    const b = new AddressBook(0, [], new Uint8Array(16).fill(3));
    expect(b.hasIpv6).toBe(false);
    expect(b.addLocal(parseIpv6("fe80::5"), 64)).toBe(true);
    expect(b.addLocal(parseIpv6("2001:db8:1::5"), 64)).toBe(true);
    expect(b.addLocal(parseIpv6("2001:db8:1::5"), 64)).toBe(false);
    expect(b.local6.map((l) => b.text(l.key))).toEqual(["2001:db8:1::5", "fe80::5"]);
    // Off-link, the global one; on the link-local prefix, the link-local one (RFC 6724 rule 2).
    expect(b.text(b.sourceFor(b.parse("2a00::1")))).toBe("2001:db8:1::5");
    expect(b.text(b.sourceFor(b.parse("fe80::9")))).toBe("fe80::5");
    const packet = new Uint8Array(40);
    packet.set(parseIpv6("2001:db8:1::5"), 24);
    expect(b.accepts(packet, 24)).toBe(true);
    expect(b.removeLocal(parseIpv6("2001:db8:1::5"))).toBe(true);
    expect(b.removeLocal(parseIpv6("2001:db8:1::5"))).toBe(false);
    expect(b.accepts(packet, 24)).toBe(false);
    expect(b.text(b.sourceFor(b.parse("2a00::1")))).toBe("fe80::5");
  });

  it("forgets unheld addresses past 1024, oldest first, but keeps held ones and its own", () => {
    const b = book();
    const held = b.parse("fd00:1::1");
    b.retain(held);
    const first = b.parse("fd00:2::1");
    for (let i = 0; i < 2000; i++) b.parse(`fd00:3::${i.toString(16)}`);
    expect(b.size).toBeLessThanOrEqual(1024 + 4);
    expect(b.bytes(first)).toBeUndefined();
    expect(b.text(held)).toBe("fd00:1::1");
    expect(b.bytes(b.local6[0].key)).toEqual(parseIpv6("fd00::1"));
    b.release(held);
    for (let i = 0; i < 2000; i++) b.parse(`fd00:4::${i.toString(16)}`);
    expect(b.bytes(held)).toBeUndefined();
    // A forgotten key is still the same key when the address comes back.
    expect(b.parse("fd00:1::1")).toBe(held);
  });

  it("accepts our addresses, all-nodes and the groups joined, nothing else", () => {
    const b = book();
    const at = (text: string) => {
      const p = new Uint8Array(40);
      p.set(parseIpv6(text), 24);
      return b.accepts(p, 24);
    };
    expect([at("fd00::1"), at("2001:db8::1"), at("ff02::1"), at("fd00::2"), at("ff02::2")]).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    // A solicited-node group (RFC 4861 §7.2.1), joined and left.
    b.join(parseIpv6("ff02::1:ff00:1"));
    expect(at("ff02::1:ff00:1")).toBe(true);
    b.leave(parseIpv6("ff02::1:ff00:1"));
    expect(at("ff02::1:ff00:1")).toBe(false);
    expect(() => b.join(parseIpv6("fd00::9"))).toThrow(RangeError);
  });
});
