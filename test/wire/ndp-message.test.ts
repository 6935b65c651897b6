import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseIpv6 } from "../../src/wire/ipv6-address.js";
import {
  IPV6_ALL_NODES,
  IPV6_UNSPECIFIED,
  ipv6MulticastMac,
  isSolicitedNodeAddress,
  solicitedNodeAddress,
} from "../../src/wire/ipv6-multicast.js";
import { macToString } from "../../src/wire/mac-address.js";
import {
  buildNdpMessage,
  NDP_DROP_REASONS,
  type NdpIpFields,
  type NdpMessage,
  parseNdpMessage,
} from "../../src/wire/ndp-message.js";

const ip = parseIpv6;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const LL = ip("fe80::1");
const GLOBAL = ip("2001:db8::1");
const ok: NdpIpFields = { source: LL, destination: IPV6_ALL_NODES, hopLimit: 255 };
const MAC = 0x0200_0000_0009;

const messages: NdpMessage[] = [
  { kind: "router-solicitation", sourceLinkLayer: MAC },
  { kind: "router-solicitation", sourceLinkLayer: null },
  {
    kind: "router-advertisement",
    curHopLimit: 64,
    managed: true,
    other: false,
    routerLifetime: 1800,
    reachableTime: 30_000,
    retransTimer: 1000,
    sourceLinkLayer: MAC,
    mtu: 1400,
    prefixes: [
      {
        prefixLength: 64,
        onLink: true,
        autonomous: true,
        validLifetime: 0xffffffff,
        preferredLifetime: 604800,
        prefix: ip("2001:db8:1::"),
      },
      {
        prefixLength: 48,
        onLink: false,
        autonomous: true,
        validLifetime: 7200,
        preferredLifetime: 0,
        prefix: ip("fd00::"),
      },
    ],
  },
  { kind: "neighbor-solicitation", target: GLOBAL, sourceLinkLayer: MAC },
  {
    kind: "neighbor-advertisement",
    router: true,
    solicited: false,
    override: true,
    target: GLOBAL,
    targetLinkLayer: MAC,
  },
  {
    kind: "neighbor-advertisement",
    router: false,
    solicited: true,
    override: false,
    target: GLOBAL,
    targetLinkLayer: null,
  },
  { kind: "redirect", target: ip("fe80::2"), destination: GLOBAL, targetLinkLayer: MAC },
];

describe("neighbour discovery bodies (RFC 4861 §4)", () => {
  it.each(messages.map((m) => [m.kind, m] as const))("%s: built then parsed is the same message", (_, m) => {
    const out = buildNdpMessage(m);
    const fields = m.kind === "neighbor-advertisement" && m.solicited ? { ...ok, destination: GLOBAL } : ok;
    expect(parseNdpMessage(out.icmpType, out.code, out.body, fields)).toEqual(m);
  });

  it("lays a neighbour solicitation out as §4.3 says (reserved, target, source link-layer option)", () => {
    const out = buildNdpMessage({ kind: "neighbor-solicitation", target: GLOBAL, sourceLinkLayer: MAC });
    expect(out.icmpType).toBe(135);
    expect(hex(out.body)).toBe(`00000000${hex(GLOBAL)}0101020000000009`);
  });

  it("lays a neighbour advertisement's flags out as §4.4 says (R 0x80, S 0x40, O 0x20)", () => {
    const out = buildNdpMessage({
      kind: "neighbor-advertisement",
      router: true,
      solicited: true,
      override: true,
      target: GLOBAL,
      targetLinkLayer: MAC,
    });
    expect(out.icmpType).toBe(136);
    expect(hex(out.body)).toBe(`e0000000${hex(GLOBAL)}0201020000000009`);
  });

  it("parses a router advertisement byte for byte (§4.2, §4.6.2, §4.6.4)", () => {
    const body = Buffer.from(
      "40c0070800007530000003e8" + // hop limit 64, M and O, lifetime 1800, reachable 30000, retrans 1000
        "0101020000000001" + // source link-layer 02:00:00:00:00:01
        "0501000000000578" + // MTU 1400
        "030440c0ffffffff00093a8000000000fd000000000000000000000000000000" + // fd00::/64, L and A
        "fe01000000000000", // an unknown option (type 254), skipped
      "hex",
    );
    const m = parseNdpMessage(134, 0, body, ok);
    expect(m).toMatchObject({
      kind: "router-advertisement",
      curHopLimit: 64,
      managed: true,
      other: true,
      routerLifetime: 1800,
      reachableTime: 30000,
      retransTimer: 1000,
      sourceLinkLayer: 0x0200_0000_0001,
      mtu: 1400,
    });
    if (typeof m === "string" || m.kind !== "router-advertisement") throw new Error("not an RA");
    expect(m.prefixes).toHaveLength(1);
    expect(m.prefixes[0]).toMatchObject({
      prefixLength: 64,
      onLink: true,
      autonomous: true,
      preferredLifetime: 604800,
    });
    expect(m.prefixes[0].validLifetime).toBe(0xffffffff);
    expect(hex(m.prefixes[0].prefix)).toBe(hex(ip("fd00::")));
  });

  const ns = (target = GLOBAL, sll: number | null = MAC) =>
    buildNdpMessage({ kind: "neighbor-solicitation", target, sourceLinkLayer: sll }).body;
  const naBody = (solicited: boolean, target = GLOBAL) =>
    buildNdpMessage({
      kind: "neighbor-advertisement",
      router: false,
      solicited,
      override: false,
      target,
      targetLinkLayer: null,
    }).body;
  const raBody = buildNdpMessage(messages[2]).body;

  it.each([
    ["not-ndp", 128, 0, ns(), ok],
    ["bad-hop-limit", 135, 0, ns(), { ...ok, hopLimit: 254 }],
    ["bad-hop-limit", 134, 0, raBody, { ...ok, hopLimit: 64 }],
    ["bad-code", 135, 1, ns(), ok],
    ["truncated", 133, 0, new Uint8Array(3), ok],
    ["truncated", 134, 0, raBody.subarray(0, 11), ok],
    ["truncated", 135, 0, ns().subarray(0, 19), ok],
    ["truncated", 137, 0, new Uint8Array(35), ok],
    ["bad-option-length", 135, 0, Uint8Array.from([...ns(GLOBAL, null), 1, 0, 0, 0, 0, 0, 0, 0]), ok],
    ["bad-option-length", 135, 0, Uint8Array.from([...ns(GLOBAL, null), 1, 2, 0, 0, 0, 0, 0, 0]), ok],
    ["bad-option-length", 135, 0, Uint8Array.from([...ns(GLOBAL, null), 1]), ok],
    ["bad-option-length", 134, 0, Uint8Array.from([...raBody.subarray(0, 12), 5, 2, ...new Array(14).fill(0)]), ok],
    ["bad-option-length", 134, 0, Uint8Array.from([...raBody.subarray(0, 12), 3, 3, ...new Array(22).fill(0)]), ok],
    ["bad-link-layer-option", 135, 0, Uint8Array.from([...ns(GLOBAL, null), 1, 2, ...new Array(14).fill(0)]), ok],
    ["bad-source", 134, 0, raBody, { ...ok, source: GLOBAL }],
    ["bad-source", 137, 0, buildNdpMessage(messages[6]).body, { ...ok, source: GLOBAL }],
    ["multicast-target", 135, 0, ns(IPV6_ALL_NODES), ok],
    ["multicast-target", 136, 0, naBody(false, IPV6_ALL_NODES), ok],
    [
      "multicast-target",
      137,
      0,
      buildNdpMessage({ kind: "redirect", target: LL, destination: IPV6_ALL_NODES, targetLinkLayer: null }).body,
      ok,
    ],
    [
      "bad-redirect-target",
      137,
      0,
      buildNdpMessage({ kind: "redirect", target: ip("2001:db8::9"), destination: GLOBAL, targetLinkLayer: null }).body,
      ok,
    ],
    ["unspecified-source-option", 133, 0, buildNdpMessage(messages[0]).body, { ...ok, source: IPV6_UNSPECIFIED }],
    [
      "unspecified-source-option",
      135,
      0,
      ns(),
      { ...ok, source: IPV6_UNSPECIFIED, destination: solicitedNodeAddress(GLOBAL) },
    ],
    ["unspecified-source-destination", 135, 0, ns(GLOBAL, null), { ...ok, source: IPV6_UNSPECIFIED }],
    ["solicited-to-multicast", 136, 0, naBody(true), ok],
  ] as const)("drops %s (type %i code %i)", (reason, type, code, body, fields) => {
    expect(parseNdpMessage(type, code, body, fields)).toBe(reason);
  });

  it("takes a DAD solicitation: from ::, to the solicited-node group, no source link-layer option", () => {
    const m = parseNdpMessage(135, 0, ns(GLOBAL, null), {
      source: IPV6_UNSPECIFIED,
      destination: solicitedNodeAddress(GLOBAL),
      hopLimit: 255,
    });
    expect(m).toEqual({ kind: "neighbor-solicitation", target: GLOBAL, sourceLinkLayer: null });
  });

  it("keeps the first of two source link-layer options, as Linux does", () => {
    const body = Uint8Array.from([...ns(GLOBAL, MAC), 1, 1, 2, 0, 0, 0, 0, 7]);
    expect(parseNdpMessage(135, 0, body, ok)).toMatchObject({ sourceLinkLayer: MAC });
  });

  it("returns copies: the packet's bytes may be reused after the call", () => {
    const body = ns();
    const m = parseNdpMessage(135, 0, body, ok);
    body.fill(0);
    expect(m).toMatchObject({ target: GLOBAL });
  });
});

describe("fuzzing the body parser", () => {
  const reasons = new Set<string>(NDP_DROP_REASONS);
  const fields = fc.record({
    source: fc.constantFrom(LL, GLOBAL, IPV6_UNSPECIFIED),
    destination: fc.constantFrom(IPV6_ALL_NODES, GLOBAL, solicitedNodeAddress(GLOBAL)),
    hopLimit: fc.constantFrom(255, 255, 255, 0, 64),
  });
  const check = (type: number, code: number, body: Uint8Array, f: NdpIpFields) => {
    const r = parseNdpMessage(type, code, body, f);
    if (typeof r === "string") expect(reasons.has(r)).toBe(true);
    else expect(buildNdpMessage(r).icmpType).toBe(type);
  };

  it("random bodies never throw: a message or a typed drop reason", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 130, max: 140 }),
        fc.constantFrom(0, 0, 0, 1),
        fc.uint8Array({ maxLength: 200 }),
        fields,
        (type, code, body, f) => check(type, code, body, f),
      ),
      { numRuns: 3000 },
    );
  });

  it("mutated valid bodies (flipped bytes, cut, extended) never throw", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...messages),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.integer({ min: -16, max: 16 }),
        fields,
        (m, flips, cut, f) => {
          const out = buildNdpMessage(m);
          let body = out.body.slice();
          for (const [at, v] of flips) if (body.length > 0) body[at % body.length] = v;
          body =
            cut < 0
              ? body.subarray(0, Math.max(0, body.length + cut))
              : Uint8Array.from([...body, ...new Array(cut).fill(1)]);
          check(out.icmpType, 0, body, f);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe("solicited-node groups and multicast MACs (RFC 4291 §2.7.1, RFC 2464 §7)", () => {
  it("maps an address to ff02::1:ffXX:XXXX and that to 33:33:ff:XX:XX:XX", () => {
    const g = solicitedNodeAddress(ip("2001:db8::abcd:1234:5678"));
    expect(hex(g)).toBe(hex(ip("ff02::1:ff34:5678")));
    expect(isSolicitedNodeAddress(g)).toBe(true);
    expect(isSolicitedNodeAddress(IPV6_ALL_NODES)).toBe(false);
    expect(macToString(ipv6MulticastMac(g))).toBe("33:33:ff:34:56:78");
    expect(macToString(ipv6MulticastMac(IPV6_ALL_NODES))).toBe("33:33:00:00:00:01");
  });
});
