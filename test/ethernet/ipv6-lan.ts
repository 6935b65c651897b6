import {
  type NdpEvent,
  Stack,
  type TcpStream,
  VirtualClock,
  ethernetLink,
  virtualSwitch,
} from "../../src/api/index.js";
import type { Link } from "../../src/link/index.js";
import { readU32 } from "../../src/wire/big-endian.js";
import { buildIcmp6Packet } from "../../src/wire/datagram-build.js";
import {
  EtherType,
  buildEthernetFrame,
  buildNdpMessage,
  ipv6MulticastMac,
  parseIpv6,
  parseMac,
  type NdpMessage,
} from "../../src/wire/index.js";

import { drive, readAll } from "../api/helpers.js";
import { prefixInfo, ra } from "../ndp/ndp-fixture.js";

export const isnKey = new Uint8Array(16).fill(7);
export const ROUTER_MAC = parseMac("02:00:00:00:00:fe");
export const ROUTER_LL = parseIpv6("fe80::fe");

/**
 * One dual-stack host per entry of `addresses` on one virtual switch, each with its Ethernet interface;
 * `tap` may put something (a capture) between a host's interface and its switch port.
 */
export function ipv6Lan(
  addresses: readonly (readonly string[])[],
  tap: (port: Link, i: number, clock: VirtualClock) => Link = (port) => port,
) {
  const clock = new VirtualClock(1_700_000_000_000);
  const sw = virtualSwitch({ clock });
  const hosts = addresses.map((address, i) => {
    const link = ethernetLink({
      link: tap(sw.port(), i, clock),
      address: `10.0.0.${i + 1}/24`,
      mac: parseMac(`02:00:00:00:00:${(i + 1).toString(16).padStart(2, "0")}`),
      clock,
      ipv6: { random: () => 0.5, secret: new Uint8Array(16).fill(i + 1) },
    });
    // Each event with what the stack's addresses were when it was told (after it took the event); the
    // first come while the constructor runs (the groups joined, the tentative addresses).
    const events: { event: NdpEvent; addresses: readonly string[] }[] = [];
    let made: Stack | null = null;
    const stack = new Stack({
      address: [`10.0.0.${i + 1}`, ...address],
      link,
      clock,
      isnKey,
      onNeighborDiscovery: (event) => events.push({ event, addresses: made?.addresses ?? [] }),
    });
    made = stack;
    return { link, stack, nd: stack.ndp as NonNullable<Stack["ndp"]>, events };
  });
  return { clock, sw, hosts };
}

/** An ND message in a frame from `src` (IPv6 and MAC) to `dst`, as a router or peer on the switch sends it. */
export function ndFrame(
  srcMac: number,
  src: Uint8Array,
  dst: Uint8Array,
  m: NdpMessage,
  dstMac = ipv6MulticastMac(dst),
): Uint8Array {
  const out = buildNdpMessage(m);
  const body = out.body;
  const rest = readU32(body, 0);
  const packet = buildIcmp6Packet(
    { src: 0, dst: 0, ttl: 255, type: out.icmpType, code: out.code, rest, payload: body.subarray(4) },
    { src, dst },
  );
  return buildEthernetFrame(dstMac, srcMac, EtherType.IPV6, packet);
}

/**
 * A router advertisement from ROUTER_LL, a default router for 1800 s: of `prefix`/64 (on-link,
 * autonomous), or of `options` (an MTU, a hop limit, no prefix).
 */
export function routerAdvertisement(prefix: string | null, options: { mtu?: number; curHopLimit?: number } = {}) {
  const prefixes = prefix === null ? [] : [prefixInfo(prefix, 86400, 14400)];
  const m = ra({ curHopLimit: 64, sourceLinkLayer: ROUTER_MAC, prefixes, ...options });
  return ndFrame(ROUTER_MAC, ROUTER_LL, parseIpv6("ff02::1"), m);
}

/** `data` from `client` to `server` over TCP, the client closing after it: what the server read. */
export async function transfer(
  clock: VirtualClock,
  client: TcpStream<"Established">,
  server: TcpStream<"Established">,
  data: Uint8Array,
): Promise<Uint8Array[]> {
  const sent = (async () => {
    await client.write(data);
    await client.shutdown()[Symbol.asyncDispose]();
  })();
  const got = await drive(clock, readAll(server));
  await drive(clock, sent);
  return got;
}

/** Frames a switch port hears, kept. */
export function listen(port: Link): Uint8Array[] {
  const heard: Uint8Array[] = [];
  port.onReceive = (f) => heard.push(f.slice());
  return heard;
}
