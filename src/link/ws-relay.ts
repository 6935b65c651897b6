import type { AddressInfo } from "node:net";
import type { WebSocket } from "ws";
import { LinkSetupError } from "./errors.js";
import type { Link } from "./link.js";
import { type UdpEndpoint, udpTunnelLink } from "./udp-tunnel.js";
import { webSocketLink } from "./websocket.js";

/** Options of `wsUdpRelay`. */
export interface WsUdpRelayOptions {
  /** Where the WebSocket server listens (default host 127.0.0.1, default port 0: any free port). */
  host?: string;
  port?: number;
  /** The UDP tunnel each WebSocket client is bridged to (see `udpTunnelLink`). */
  bind: UdpEndpoint;
  peer?: UdpEndpoint;
}

/** A running relay between WebSocket clients and a UDP peer, from `wsUdpRelay`. */
export interface WsUdpRelay {
  /** `ws://host:port/` to give a page's `webSocketLink(new WebSocket(url))`. */
  readonly url: string;
  readonly port: number;
  /** WebSocket clients bridged right now. */
  readonly clients: number;
  /** Stop accepting, close every client and the UDP socket. */
  close(): Promise<void>;
}

/** Closing code sent to a client whose tunnel could not be set up (RFC 6455 §7.4.1: internal error). */
const TUNNEL_FAILED = 1011;

/**
 * Bridges WebSocket clients (a page running wirestate with `webSocketLink`) to a UDP tunnel, so a browser
 * reaches the Linux kernel through the interop setup: page -> WebSocket -> relay -> UDP -> socat -> TUN.
 * Each client gets its own tunnel socket bound to `bind`; with a fixed bind port, one client at a time
 * (a second one is closed with code 1011 and the reason). Packets are forwarded as they are; both sides
 * drop and count what is not IPv4.
 */
export async function wsUdpRelay(options: WsUdpRelayOptions): Promise<WsUdpRelay> {
  const host = options.host ?? "127.0.0.1";
  // Loaded on demand: the rest of the Node entry (the UDP tunnel) works without the ws package installed.
  const { WebSocketServer } = await import("ws");
  const server = new WebSocketServer({ host, port: options.port ?? 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", (err) =>
      reject(new LinkSetupError(`relay cannot listen on ${host}:${options.port ?? 0}: ${err.message}`, { cause: err })),
    );
  });
  const live = new Set<WebSocket>();
  server.on("connection", (socket) => {
    live.add(socket);
    socket.once("close", () => live.delete(socket));
    void bridgeClient(socket, options);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://${host}:${port}/`,
    port,
    get clients() {
      return live.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of live) socket.terminate();
        server.close(() => resolve());
      }),
  };
}

async function bridgeClient(socket: WebSocket, options: WsUdpRelayOptions): Promise<void> {
  // The relay forwards what it gets; the stacks at either end own the MTU.
  const client = webSocketLink(socket, { mtu: 65535 });
  let tunnel: Link;
  try {
    tunnel = await udpTunnelLink({ bind: options.bind, peer: options.peer, mtu: 65535 });
  } catch (err) {
    socket.close(TUNNEL_FAILED, truncateReason((err as Error).message));
    return;
  }
  if (socket.readyState !== socket.OPEN) {
    tunnel.close();
    return;
  }
  client.onReceive = (packet) => tunnel.send(packet);
  tunnel.onReceive = (packet) => client.send(packet);
  socket.once("close", () => tunnel.close());
}

/** A close reason must fit a 125-byte control frame with its 2-byte code. */
function truncateReason(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return bytes.length <= 123 ? text : `${new TextDecoder().decode(bytes.subarray(0, 100))}...`;
}
