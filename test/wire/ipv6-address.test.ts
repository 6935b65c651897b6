import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ipv6Equal,
  ipv6InPrefix,
  ipv6ToString,
  isIpv6,
  parseIpv6,
  parseIpv6Prefix,
} from "../../src/wire/ipv6-address.js";

const hex = (a: Uint8Array): string => Buffer.from(a).toString("hex");

describe("IPv6 addresses", () => {
  it.each([
    ["::", "00000000000000000000000000000000"],
    ["::1", "00000000000000000000000000000001"],
    ["fd00::2", "fd000000000000000000000000000002"],
    ["FE80::A:b:C:d", "fe80000000000000000a000b000c000d"],
    ["2001:db8:0:0:1:0:0:1", "20010db8000000000001000000000001"],
    ["2001:0db8:0000:0000:0000:0000:0000:0001", "20010db8000000000000000000000001"],
    ["::ffff:10.0.0.1", "00000000000000000000ffff0a000001"],
    ["::1.2.3.4", "00000000000000000000000001020304"],
    ["1:2:3:4:5:6:1.2.3.4", "00010002000300040005000601020304"],
    ["1:2:3:4:5:6:7::", "00010002000300040005000600070000"],
  ])("parses %s", (text, bytes) => {
    expect(hex(parseIpv6(text))).toBe(bytes);
  });

  it.each([
    "",
    ":",
    ":::",
    "1::2::3",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7",
    "12345::",
    "g::1",
    ":1::2",
    "1::2:",
    "10.0.0.1",
    "::256.0.0.1",
    "1:2:3:4:5:6:7:1.2.3.4",
    "fe80::1%eth0",
    "[::1]",
  ])("refuses %j with a TypeError", (text) => {
    expect(() => parseIpv6(text)).toThrow(TypeError);
    expect(isIpv6(text)).toBe(false);
  });

  // RFC 5952 §4: the canonical form.
  it.each([
    ["2001:0db8::0001", "2001:db8::1"], // §4.1 leading zeros
    ["2001:db8:0:0:0:0:2:1", "2001:db8::2:1"], // §4.2.1 longest run
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // §4.2.2 one zero group stays
    ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"], // §4.2.3 the longest run
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // §4.2.3 first of equal runs
    ["2001:DB8::AB", "2001:db8::ab"], // §4.3 lower case
    ["0:0:0:0:0:ffff:a00:1", "::ffff:10.0.0.1"], // §5 IPv4-mapped
    ["::", "::"],
    ["1::", "1::"],
  ])("prints %s as %s", (text, canonical) => {
    expect(ipv6ToString(parseIpv6(text))).toBe(canonical);
  });

  it("prints any 16 bytes in a form that parses back to them", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const text = ipv6ToString(bytes);
        expect(hex(parseIpv6(text))).toBe(hex(bytes));
        expect(text).not.toMatch(/[A-F]|:0[0-9a-f]/);
      }),
    );
  });

  it("refuses to print anything but 16 bytes", () => {
    expect(() => ipv6ToString(new Uint8Array(4))).toThrow(RangeError);
  });

  it("parses prefixes and tests membership bit by bit", () => {
    const { address, prefix } = parseIpv6Prefix("fd00:1:2:3::1/64");
    expect(prefix).toBe(64);
    expect(ipv6InPrefix(parseIpv6("fd00:1:2:3:ffff::9"), address, 64)).toBe(true);
    expect(ipv6InPrefix(parseIpv6("fd00:1:2:4::1"), address, 64)).toBe(false);
    expect(ipv6InPrefix(parseIpv6("fe80::1"), parseIpv6("fe80::"), 10)).toBe(true);
    expect(ipv6InPrefix(parseIpv6("fec0::1"), parseIpv6("fe80::"), 10)).toBe(false);
    expect(ipv6InPrefix(parseIpv6("2001::1"), parseIpv6("::"), 0)).toBe(true);
    expect(parseIpv6Prefix("::1").prefix).toBe(128);
    expect(() => parseIpv6Prefix("::1/129")).toThrow(TypeError);
    expect(() => parseIpv6Prefix("::1/x")).toThrow(TypeError);
    expect(ipv6Equal(parseIpv6("::1"), parseIpv6("0::0:1"))).toBe(true);
    expect(ipv6Equal(parseIpv6("::1"), parseIpv6("::2"))).toBe(false);
  });
});
