import { parsePacket } from "../../src/wire/parse.js";
import { A, B, pair } from "../stack/harness.js";

/**
 * Two stacks (harness.ts) whose A-to-B direction crosses a hop of MTU `mtu` in the middle: a larger packet
 * is dropped there, and with `icmp` the hop reports it to A as a router does (ICMP frag-needed, handed to
 * A's `fragmentationNeeded` 1 ms later); without, it is a black hole. `mtu` can change mid-test.
 */
export function narrowPath(mtu: number, icmp: boolean) {
  const env = pair({ delay: 5 });
  const path = { mtu, icmp, dropped: 0, sentLengths: [] as number[], dontFragment: true, reports: [] as string[] };
  const send = env.la.send.bind(env.la);
  env.la.send = (p: Uint8Array) => {
    path.sentLengths.push(p.length);
    const r = parsePacket(p);
    if (r.ok && !r.ip.dontFragment) path.dontFragment = false;
    if (p.length <= path.mtu) {
      send(p);
      return;
    }
    path.dropped++;
    if (!path.icmp || !r.ok) return;
    const quote = {
      dst: r.ip.dst,
      protocol: r.ip.protocol,
      srcPort: r.tcp.srcPort,
      dstPort: r.tcp.dstPort,
      word1: r.tcp.seq,
      totalLength: r.ip.totalLength,
    };
    const hop = path.mtu;
    env.clock.schedule(1, () => path.reports.push(env.a.fragmentationNeeded(quote, hop)));
  };
  return { ...env, path, A, B };
}
