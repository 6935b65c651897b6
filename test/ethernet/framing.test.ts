import { describe, expect, it } from "vitest";
import { messagePortLink, webSocketLink, type WebSocketLike } from "../../src/link/index.js";
import { tapLink } from "../../src/link/node.js";
import { BROADCAST_MAC, EtherType, buildEthernetFrame } from "../../src/wire/index.js";

// An ARP-sized frame: its first byte (0xff of the broadcast address) is no IPv4 version nibble.
const frame = buildEthernetFrame(BROADCAST_MAC, 0x020000000001, EtherType.ARP, new Uint8Array(28));

describe("the datagram links carry Ethernet frames when told to", () => {
  it("tapLink: frames both ways over 127.0.0.1, runts counted", async () => {
    const a = await tapLink({ bind: "127.0.0.1:0" });
    const b = await tapLink({ bind: "127.0.0.1:0", peer: a.local });
    try {
      expect(a.mtu).toBe(1514);
      const got = new Promise<Uint8Array>((resolve) => {
        a.onReceive = resolve;
      });
      b.send(new Uint8Array(10)); // a runt first: dropped at a, counted
      b.send(frame);
      expect(await got).toEqual(frame);
      expect(a.counters.dropped).toMatchObject({ short: 1, notIpv4: 0 });
      const back = new Promise<Uint8Array>((resolve) => {
        b.onReceive = resolve;
      });
      a.send(frame); // a learned b as its peer from the frame
      expect(await back).toEqual(frame);
    } finally {
      a.close();
      b.close();
    }
  });

  it("messagePortLink and webSocketLink pass frames that an IPv4 link refuses", async () => {
    const { port1, port2 } = new MessageChannel();
    const eth = messagePortLink(port1, { framing: "ethernet", mtu: 1514 });
    const ip = messagePortLink(new MessageChannel().port1);
    const got = new Promise<Uint8Array>((resolve) => {
      eth.onReceive = resolve;
    });
    port2.postMessage(frame.slice());
    expect(await got).toEqual(frame);
    eth.close();
    ip.close();
    port2.close();

    const listeners: Record<string, (e: object) => void> = {};
    const socket: WebSocketLike = {
      binaryType: "blob",
      readyState: 1,
      bufferedAmount: 0,
      send: () => {},
      close: () => {},
      addEventListener: (type, l) => void (listeners[type] = l),
      removeEventListener: () => {},
    };
    const ws = webSocketLink(socket, { framing: "ethernet" });
    const frames: Uint8Array[] = [];
    ws.onReceive = (f) => frames.push(f);
    listeners.message({ data: frame.slice().buffer });
    expect(frames).toEqual([frame]);
    expect(ws.mtu).toBe(1514);
    const ipOnly = webSocketLink({ ...socket, addEventListener: (type, l) => void (listeners[type] = l) });
    ipOnly.onReceive = (f) => frames.push(f);
    listeners.message({ data: frame.slice().buffer });
    expect(frames).toHaveLength(1);
    expect(ipOnly.counters.dropped.notIpv4).toBe(1);
  });
});
