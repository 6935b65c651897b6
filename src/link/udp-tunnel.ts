import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { isIPv4 } from "node:net";
import { DatagramLink, type EndpointLink, type Framing } from "./datagram-link.js";
import { LinkSetupError } from "./errors.js";
import { warnIfExposed } from "./exposure.js";

/** An IPv4 UDP endpoint: "127.0.0.1:9000" or `{ address, port }`. */
export type UdpEndpoint = string | { address: string; port: number };

/** Options of `udpTunnelLink`: where to receive and where to send. */
export interface UdpTunnelOptions {
  /** Local address and port to receive on (port 0: any free port, see `local`). */
  bind: UdpEndpoint;
  /**
   * Where packets go. Datagrams from any other address are dropped and counted. Without a peer the link
   * answers whoever sent the latest datagram (packets sent before any arrives are dropped as `noPeer`).
   */
  peer?: UdpEndpoint;
  /** Largest packet carried (default 1500, the TUN default; 1514 for Ethernet frames). */
  mtu?: number;
  /** The datagrams carry Ethernet frames (`socat TUN:...,tun-type=tap`), not IPv4 packets. */
  framing?: Framing;
}

export interface UdpTunnelLink extends EndpointLink {
  /** The bound address and port. */
  readonly local: { address: string; port: number };
  /** The current peer, if known. */
  readonly peer: { address: string; port: number } | null;
}

/**
 * The UDP tunnel carrying Ethernet frames, for `socat TUN:...,tun-type=tap UDP-DATAGRAM:...`: a TAP
 * device's frames. Give it to an EthernetInterface (`ethernetLink`) or a virtual switch.
 */
export function tapLink(options: Omit<UdpTunnelOptions, "framing">): Promise<UdpTunnelLink> {
  return udpTunnelLink({ ...options, framing: "ethernet" });
}

/**
 * A link carrying raw IPv4 packets as UDP datagrams, one packet each: the other end is
 * `socat TUN:... UDP-DATAGRAM:...` (a TUN device in a network namespace, so the Linux kernel is the peer)
 * or another wirestate process. Resolves once the socket is bound; rejects with a LinkSetupError naming
 * the address when it cannot be.
 */
export async function udpTunnelLink(options: UdpTunnelOptions): Promise<UdpTunnelLink> {
  const bind = parseEndpoint(options.bind, "bind");
  const peer = options.peer === undefined ? null : parseEndpoint(options.peer, "peer");
  if (peer !== null && peer.port === 0) throw new LinkSetupError(`peer ${show(peer)}: port 0 is not a destination`);
  const socket = createSocket({ type: "udp4" });
  await new Promise<void>((resolve, reject) => {
    const fail = (err: NodeJS.ErrnoException): void => {
      socket.close();
      const why =
        err.code === "EADDRINUSE"
          ? "address already in use"
          : err.code === "EADDRNOTAVAIL"
            ? "address not available on this machine"
            : err.code === "EACCES"
              ? "permission denied"
              : err.message;
      reject(new LinkSetupError(`cannot bind UDP tunnel to ${show(bind)}: ${why}`, { cause: err }));
    };
    socket.once("error", fail);
    socket.bind(bind.port, bind.address, () => {
      socket.off("error", fail);
      resolve();
    });
  });
  warnIfExposed(
    "udpTunnelLink",
    bind.address,
    peer === null
      ? "with no peer set, any IPv4-looking datagram from anywhere makes its sender the peer; set peer"
      : `only datagrams from ${show(peer)} are taken, but source addresses can be forged on a shared network`,
  );
  const framing = options.framing ?? "ipv4";
  return new UdpTunnel(socket, peer, options.mtu ?? (framing === "ethernet" ? 1514 : 1500), framing);
}

class UdpTunnel extends DatagramLink implements UdpTunnelLink {
  readonly local: { address: string; port: number };
  readonly #socket: Socket;
  readonly #fixedPeer: boolean;
  #peer: { address: string; port: number } | null;
  /** Errors the socket reported after binding; kept for diagnosis, never thrown at the stack. */
  lastError: Error | null = null;

  constructor(socket: Socket, peer: { address: string; port: number } | null, mtu: number, framing: Framing) {
    super(mtu, framing);
    this.#socket = socket;
    this.#peer = peer;
    this.#fixedPeer = peer !== null;
    const { address, port } = socket.address();
    this.local = { address, port };
    // Bursts at link speed overflow the default 208 KiB receive buffer long before TCP can react.
    try {
      socket.setRecvBufferSize(4 << 20);
      socket.setSendBufferSize(4 << 20);
    } catch {
      // The kernel caps these (net.core.rmem_max); the defaults still work, only with more drops.
    }
    socket.on("message", (msg, from) => this.#onDatagram(msg, from));
    socket.on("error", (err) => void (this.lastError = err));
  }

  get peer(): { address: string; port: number } | null {
    return this.#peer;
  }

  protected transmit(packet: Uint8Array): boolean {
    const peer = this.#peer;
    if (peer === null) {
      this.counters.dropped.noPeer++;
      return false;
    }
    this.#socket.send(packet, peer.port, peer.address, (err) => {
      if (err) {
        this.counters.dropped.sendError++;
        this.lastError = err;
      }
    });
    return true;
  }

  protected shutdown(): void {
    this.#socket.close();
  }

  #onDatagram(msg: Buffer, from: RemoteInfo): void {
    const peer = this.#peer;
    const fromPeer = peer !== null && from.port === peer.port && from.address === peer.address;
    if (this.#fixedPeer && !fromPeer) {
      this.counters.dropped.wrongPeer++;
      return;
    }
    // A plain Uint8Array over the datagram's memory: a Buffer's slice() would share bytes unexpectedly.
    const packet = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
    if (!this.screen(packet)) return;
    // Learn the peer before handing over: the stack may answer from inside onReceive. Only packets that
    // look like IPv4 (or Ethernet) teach it, so stray junk cannot divert the tunnel.
    if (!fromPeer) this.#peer = { address: from.address, port: from.port };
    this.handOver(packet);
  }
}

function parseEndpoint(endpoint: UdpEndpoint, what: string): { address: string; port: number } {
  let address: string;
  let port: number;
  if (typeof endpoint === "string") {
    const colon = endpoint.lastIndexOf(":");
    address = colon < 0 ? "" : endpoint.slice(0, colon);
    const portText = colon < 0 ? "" : endpoint.slice(colon + 1);
    port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  } else {
    ({ address, port } = endpoint);
  }
  if (!isIPv4(address) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new LinkSetupError(
      `bad ${what} endpoint ${JSON.stringify(typeof endpoint === "string" ? endpoint : `${address}:${port}`)}: expected IPv4ADDRESS:PORT, e.g. 127.0.0.1:9000`,
    );
  }
  return { address, port };
}

function show(e: { address: string; port: number }): string {
  return `${e.address}:${e.port}`;
}
