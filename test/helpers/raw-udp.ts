import type { DatagramNetwork, DatagramSocket } from "../../src/dns/index.js";
import type { Link } from "../../src/link/link.js";
import { internetChecksum, ipv4ToString, parseIpv4, pseudoHeaderSum } from "../../src/wire/index.js";
import { DatagramInbox } from "./datagram-inbox.js";

/**
 * Until the stack has UDP (issue 14's other half), a test-only stand-in: it splits a link in two, UDP
 * packets to the resolver's `DatagramNetwork` and everything else to the stack. Just enough RFC 768 to
 * talk to a kernel-side DNS server: no fragments, no ICMP, no options; what it cannot read it drops.
 */
export function splitUdp(
  link: Link,
  address: string,
): { stackLink: Link; udp: DatagramNetwork; dropped: () => number } {
  const local = parseIpv4(address);
  const sockets = new Map<number, DatagramInbox>();
  let dropped = 0;
  let ipId = 1;
  const stackLink: Link = {
    get mtu() {
      return link.mtu;
    },
    onReceive: null,
    send: (packet) => link.send(packet),
    close: () => link.close(),
  };
  link.onReceive = (packet) => {
    if (packet.length < 20 || packet[9] !== 17) {
      stackLink.onReceive?.(packet);
      return;
    }
    const ihl = (packet[0] & 15) * 4;
    const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
    const total = view.getUint16(2);
    const udpLength = packet.length >= ihl + 8 ? view.getUint16(ihl + 4) : 0;
    if (total > packet.length || udpLength < 8 || ihl + udpLength > total || (view.getUint16(6) & 0x3fff) !== 0) {
      dropped++;
      return;
    }
    const socket = sockets.get(view.getUint16(ihl + 2));
    if (socket === undefined) {
      dropped++;
      return;
    }
    socket.deliver({
      data: packet.slice(ihl + 8, ihl + udpLength),
      address: ipv4ToString(view.getUint32(12)),
      port: view.getUint16(ihl),
    });
  };

  const send = (from: number, data: Uint8Array, to: string, port: number): void => {
    const dst = parseIpv4(to);
    const packet = new Uint8Array(28 + data.length);
    const view = new DataView(packet.buffer);
    view.setUint8(0, 0x45);
    view.setUint16(2, packet.length);
    view.setUint16(4, ipId++ & 0xffff);
    view.setUint8(8, 64);
    view.setUint8(9, 17);
    view.setUint32(12, local);
    view.setUint32(16, dst);
    view.setUint16(10, internetChecksum(packet.subarray(0, 20)));
    view.setUint16(20, from);
    view.setUint16(22, port);
    view.setUint16(24, 8 + data.length);
    packet.set(data, 28);
    const sum = internetChecksum(packet.subarray(20), pseudoHeaderSum(local, dst, 17, 8 + data.length));
    view.setUint16(26, sum === 0 ? 0xffff : sum); // RFC 768: a computed 0 is sent as all ones
    link.send(packet);
  };

  const udp: DatagramNetwork = {
    bind(port: number): DatagramSocket {
      if (sockets.has(port)) throw new Error(`UDP port ${port} in use`);
      const inbox = new DatagramInbox();
      sockets.set(port, inbox);
      return {
        send: (data, to, toPort) => send(port, data, to, toPort),
        receive: () => inbox.receive(),
        close: () => {
          sockets.delete(port);
          inbox.close();
        },
      };
    },
  };
  return { stackLink, udp, dropped: () => dropped };
}
