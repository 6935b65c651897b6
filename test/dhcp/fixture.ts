import { VirtualClock } from "../../src/clock/index.js";
import {
  DhcpClient,
  DhcpMessageType,
  DhcpServer,
  buildDhcp,
  parseDhcp,
  type DhcpClientOptions,
  type DhcpMessage,
  type DhcpOptions,
  type DhcpServerOptions,
} from "../../src/dhcp/index.js";
import { parseIpv4 } from "../../src/wire/index.js";

export const CLIENT_MAC = 0x02_00_00_00_01_01;
export const SERVER = parseIpv4("10.0.0.1");
export const BROADCAST = 0xffffffff;
export const ip = parseIpv4;

/** One message a client or server sent, parsed back, and where to. */
export interface Sent {
  m: DhcpMessage;
  dst: number;
  bytes: number;
}

/** A message with every field zero but these. */
export function dhcpMessage(
  op: 1 | 2,
  type: DhcpMessageType,
  xid: number,
  chaddr: number,
  options: DhcpOptions,
  fields: Partial<DhcpMessage> = {},
): Uint8Array {
  return buildDhcp({
    op,
    type,
    xid,
    secs: 0,
    broadcast: true,
    ciaddr: 0,
    yiaddr: 0,
    siaddr: 0,
    giaddr: 0,
    chaddr,
    options,
    ...fields,
  });
}

function sink(into: Sent[]) {
  return (payload: Uint8Array, dst: number) => {
    const m = parseDhcp(payload);
    if (typeof m === "string") throw new Error(`sent a malformed DHCP message: ${m}`);
    into.push({ m, dst, bytes: payload.length });
  };
}

/**
 * A client on a virtual clock whose jitter is 0 (random() = 0.5): what it sends is parsed into `sent`,
 * what it binds into `events`; `reply` feeds it a server's message for its current transaction.
 */
export function clientFixture(
  options: DhcpClientOptions & { probe?: "free" | "taken" | "manual"; random?: () => number } = {},
) {
  const clock = new VirtualClock(0);
  const sent: Sent[] = [];
  const events: string[] = [];
  let probeDone: ((result: "free" | "in-use" | "superseded") => void) | null = null;
  const client = new DhcpClient(
    {
      clock,
      mac: CLIENT_MAC,
      send: sink(sent),
      bound: (lease, previous) => events.push(`bound ${lease.address}${previous === null ? "" : " (renewed)"}`),
      unbound: (lease) => events.push(`unbound ${lease.address}`),
      probe:
        options.probe === undefined
          ? undefined
          : (_ip, done) => {
              if (options.probe === "manual") probeDone = done;
              else clock.schedule(2000, () => done(options.probe === "taken" ? "in-use" : "free"));
              return () => {};
            },
      random: options.random ?? (() => 0.5),
    },
    options,
  );
  const last = () => sent[sent.length - 1];
  /** A BOOTREPLY for the client's latest message (same xid and chaddr), from SERVER. */
  const reply = (type: DhcpMessageType, fields: Partial<DhcpMessage> = {}, options: DhcpOptions = {}) => {
    client.input(dhcpMessage(2, type, last().m.xid, CLIENT_MAC, { serverId: SERVER, ...options }, fields));
  };
  const leaseOptions = (leaseTime = 3600): DhcpOptions => ({
    leaseTime,
    subnetMask: ip("255.255.255.0"),
    routers: [SERVER],
    dns: [ip("10.0.0.53"), ip("10.0.0.54")],
  });
  const offer = (address = "10.0.0.100") => reply(DhcpMessageType.OFFER, { yiaddr: ip(address) }, { leaseTime: 3600 });
  const ack = (address = "10.0.0.100", leaseTime = 3600, extra: DhcpOptions = {}) =>
    reply(DhcpMessageType.ACK, { yiaddr: ip(address) }, { ...leaseOptions(leaseTime), ...extra });
  return { clock, sent, events, client, last, reply, offer, ack, probeDone: () => probeDone };
}

/** A server at SERVER on a virtual clock; `request` feeds it a client's message and returns what it sent. */
export function serverFixture(options: Partial<DhcpServerOptions> = {}) {
  const clock = new VirtualClock(0);
  const sent: Sent[] = [];
  const server = new DhcpServer(
    { clock, ip: SERVER, send: sink(sent) },
    { pool: "10.0.0.100-10.0.0.102", router: "10.0.0.1", dns: ["10.0.0.53"], leaseTime: 600, ...options },
  );
  let xid = 1000;
  const send = (
    type: DhcpMessageType,
    mac: number,
    fields: Partial<DhcpMessage> = {},
    opts: DhcpOptions = {},
  ): Sent[] => {
    const before = sent.length;
    server.input(dhcpMessage(1, type, xid++, mac, opts, fields));
    return sent.slice(before);
  };
  /** DISCOVER then REQUEST(SELECTING) for what was offered: the leased address, or null. */
  const lease = (mac: number): number | null => {
    const offer = send(DhcpMessageType.DISCOVER, mac);
    if (offer.length === 0) return null;
    const yiaddr = offer[0].m.yiaddr;
    const ack = send(DhcpMessageType.REQUEST, mac, {}, { serverId: SERVER, requestedIp: yiaddr });
    return ack[0]?.m.type === DhcpMessageType.ACK ? yiaddr : null;
  };
  return { clock, sent, server, send, lease };
}
