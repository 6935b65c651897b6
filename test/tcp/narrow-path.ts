import { buildIcmpPacket } from "../../src/wire/datagram-build.js";
import { IcmpType, UnreachableCode } from "../../src/wire/datagram-types.js";
import { parseIpv4 } from "../../src/wire/ipv4-address.js";
import { parsePacket } from "../../src/wire/parse.js";
import { A, B, pair } from "../stack/harness.js";

/** The router in the middle of `narrowPath`. */
export const ROUTER = parseIpv4("10.0.0.254");

/**
 * ICMP destination unreachable, fragmentation needed and DF set (RFC 1191 §4), from ROUTER to the sender
 * of `packet`, naming `mtu` as the next-hop MTU and quoting the header and 8 data bytes, as a router sends it.
 */
export function fragNeeded(packet: Uint8Array, mtu: number): Uint8Array {
  const ihl = (packet[0] & 15) * 4;
  const src = new DataView(packet.buffer, packet.byteOffset).getUint32(12);
  return buildIcmpPacket({
    src: ROUTER,
    dst: src,
    type: IcmpType.DEST_UNREACHABLE,
    code: UnreachableCode.FRAGMENTATION_NEEDED,
    rest: mtu & 0xffff,
    payload: packet.slice(0, ihl + 8),
  });
}

/**
 * Two stacks (harness.ts) whose A-to-B direction crosses a hop of MTU `mtu` in the middle: a larger packet
 * is dropped there, and with `icmp` the hop tells A with a frag-needed message 1 ms later, as a router
 * does; without, it is a black hole (ICMP filtered). `mtu` can change mid-test.
 */
export function narrowPath(mtu: number, icmp: boolean) {
  const env = pair({ delay: 5 });
  const path = { mtu, icmp, dropped: 0, dontFragment: true };
  const send = env.la.send.bind(env.la);
  env.la.send = (p: Uint8Array) => {
    const r = parsePacket(p);
    if (r.ok && !r.ip.dontFragment) path.dontFragment = false;
    if (p.length <= path.mtu) {
      send(p);
      return;
    }
    path.dropped++;
    if (!path.icmp) return;
    const message = fragNeeded(p, path.mtu);
    env.clock.schedule(1, () => env.a.input(message));
  };
  return { ...env, path, A, B };
}
