import { expect } from "vitest";
import { VirtualClock } from "../../src/clock/index.js";
import { NeighborDiscovery, type NdpOptions, type NdpEvent } from "../../src/ndp/index.js";
import { type Ipv6Address, ipv6ToString, parseIpv6 } from "../../src/wire/ipv6-address.js";
import { parseMac } from "../../src/wire/mac-address.js";
import { buildNdpMessage, type NdpMessage, parseNdpMessage } from "../../src/wire/ndp-message.js";

export const OUR_MAC = parseMac("02:00:00:00:00:02");
export const PEER_MAC = parseMac("02:00:00:00:00:09");
export const OTHER_MAC = parseMac("02:00:00:00:00:07");
export const ROUTER = parseIpv6("fe80::1");
export const ROUTER_MAC = parseMac("02:00:00:00:00:01");
export const PEER = parseIpv6("fe80::9");
export const SECRET = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
export const ip = parseIpv6;
export const text = ipv6ToString;

/** One message neighbour discovery asked the IPv6 layer to send, parsed back. */
export interface Sent {
  src: string;
  dst: string;
  hopLimit: number;
  message: NdpMessage;
}

/**
 * A NeighborDiscovery on a virtual clock with a host that records what it sends, delivers and gives
 * up on. `random` is 0.5 unless told: delays are half their maximum and ReachableTime equals its base.
 */
export function setup(config: NdpOptions = {}, options: { random?: () => number; mac?: number } = {}) {
  const clock = new VirtualClock();
  const sent: Sent[] = [];
  const delivered: { packet: Uint8Array; mac: number }[] = [];
  const lost: { nextHop: string; packets: readonly Uint8Array[] }[] = [];
  const events: NdpEvent[] = [];
  let n = 0;
  const nd = new NeighborDiscovery({
    clock,
    config,
    secret: SECRET,
    random: options.random ?? (() => 0.5),
    randomBytes: (k) => Uint8Array.from({ length: k }, (_, i) => (n++ * 37 + i * 11 + 5) & 0xff),
    host: {
      mac: options.mac ?? OUR_MAC,
      mtu: 1500,
      send(src, dst, hopLimit, icmpType, code, body) {
        const message = parseNdpMessage(icmpType, code, body, { source: src, destination: dst, hopLimit });
        if (typeof message === "string") throw new Error(`we sent an invalid ND message: ${message}`);
        sent.push({ src: text(src), dst: text(dst), hopLimit, message });
        nd.resolve(dst, body);
      },
      deliver: (packet, mac) => delivered.push({ packet, mac }),
      unreachable: (nextHop, packets) => lost.push({ nextHop: text(nextHop), packets }),
    },
  });
  nd.onEvent = (e) => events.push(e);
  /** The messages sent since the last call. */
  const take = (): Sent[] => sent.splice(0);
  /** Hands `m` to neighbour discovery as the IPv6 layer would. */
  const receive = (src: Ipv6Address, dst: Ipv6Address, m: NdpMessage, hopLimit = 255) => {
    const out = buildNdpMessage(m);
    return nd.receive(src, dst, hopLimit, out.icmpType, out.code, out.body);
  };
  return { clock, nd, sent, take, delivered, lost, events, receive };
}

export type Fixture = ReturnType<typeof setup>;

/** Starts `f` and runs its link-local DAD to the end; returns the link-local address. */
export function startAssigned(f: Fixture): Ipv6Address {
  f.nd.start();
  f.clock.advance(500 + 1000);
  const [ll] = f.nd.addresses();
  expect(ll.state).toBe("preferred");
  f.take();
  f.events.length = 0;
  f.delivered.length = 0;
  return ll.address;
}

export const na = (target: Ipv6Address, o: Partial<Omit<NdpMessage & { kind: "neighbor-advertisement" }, "kind">>) =>
  ({
    kind: "neighbor-advertisement",
    router: false,
    solicited: false,
    override: false,
    target,
    targetLinkLayer: null,
    ...o,
  }) as NdpMessage;

export const ra = (o: Partial<Omit<NdpMessage & { kind: "router-advertisement" }, "kind">> = {}) =>
  ({
    kind: "router-advertisement",
    curHopLimit: 0,
    managed: false,
    other: false,
    routerLifetime: 1800,
    reachableTime: 0,
    retransTimer: 0,
    sourceLinkLayer: ROUTER_MAC,
    mtu: null,
    prefixes: [],
    ...o,
  }) as NdpMessage;

export const prefixInfo = (prefix: string, valid: number, preferred: number, o = {}) => ({
  prefixLength: 64,
  onLink: true,
  autonomous: true,
  validLifetime: valid,
  preferredLifetime: preferred,
  prefix: ip(prefix),
  ...o,
});
