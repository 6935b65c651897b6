import { createServer, type IncomingMessage, STATUS_CODES } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import { LinkSetupError } from "./errors.js";
import { warnIfExposed } from "./exposure.js";
import { FrameRate } from "./frame-rate.js";
import type { Link } from "./link.js";
import { type AllowedOrigins, originPolicy } from "./origin-policy.js";
import { tokenOfProtocol } from "./relay-protocol.js";
import { presentedTokens, relayToken, tokenMatches } from "./relay-token.js";
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
  /**
   * The tunnel's MTU (default 1500, a TUN's default): the largest packet either way. A client frame
   * larger than this closes that client with 1009 (message too big) as soon as its header announces it.
   */
  mtu?: number;
  /**
   * Pages that may connect (a browser names its page in `Origin`). Default none: every request carrying an
   * `Origin` is refused with 403, so only non-browser clients (which send none) get in.
   */
  allowedOrigins?: AllowedOrigins;
  /** The secret a client must present (at least 22 URL-safe characters). Default: 256 random bits. */
  token?: string;
  /** Clients bridged at once (default 4); one more is refused with 503. */
  maxClients?: number;
  /** Frames a second each client may send (default 20000, bursts of one second's worth); more are dropped. */
  maxFramesPerSecond?: number;
}

/** What the relay refused and dropped, since it started. */
export interface WsUdpRelayCounters {
  /** WebSockets opened. */
  accepted: number;
  refused: {
    /** 403: the request's `Origin` is not allowed. */
    origin: number;
    /** 401: no token, or a wrong one. */
    token: number;
    /** 503: `maxClients` were connected already. */
    full: number;
    /** 426: a plain HTTP request, not a WebSocket upgrade. */
    notWebSocket: number;
  };
  closed: {
    /** Clients closed with 1009 for a frame larger than the MTU. */
    tooBig: number;
    /** Clients closed for breaking RFC 6455 some other way (bad framing, too many fragments). */
    protocolError: number;
  };
  dropped: {
    /** Frames a client sent over its `maxFramesPerSecond`. */
    rateLimited: number;
  };
}

/** A running relay between WebSocket clients and a UDP peer, from `wsUdpRelay`. */
export interface WsUdpRelay {
  /** `ws://host:port/?token=...` to give a page's `webSocketLink(new WebSocket(url))`. */
  readonly url: string;
  readonly port: number;
  /** The secret clients present, in `?token=` or as the subprotocol `relayTokenProtocol(token)`. */
  readonly token: string;
  /** WebSocket clients bridged right now. */
  readonly clients: number;
  readonly counters: WsUdpRelayCounters;
  /** Stop accepting, close every client and the UDP socket. */
  close(): Promise<void>;
}

/** Closing code sent to a client whose tunnel could not be set up (RFC 6455 §7.4.1: internal error). */
const TUNNEL_FAILED = 1011;
const DEFAULT_MAX_CLIENTS = 4;
const DEFAULT_FRAMES_PER_SECOND = 20_000;
/** How long a client closed for misbehaving gets to answer the close before its socket is destroyed. */
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * Bridges WebSocket clients (a page running wirestate with `webSocketLink`) to a UDP tunnel, so a browser
 * reaches the Linux kernel through the interop setup: page -> WebSocket -> relay -> UDP -> socat -> TUN.
 * Each client gets its own tunnel socket bound to `bind`; with a fixed bind port, one client at a time
 * (a second one is closed with code 1011 and the reason). Packets are forwarded as they are; both sides
 * drop and count what is not IPv4.
 *
 * Whoever connects injects raw IP packets into the TUN, and browsers let any page open a WebSocket to
 * 127.0.0.1, so an upgrade is judged before the WebSocket opens: a foreign `Origin` gets 403, a missing or
 * wrong token 401, a client over `maxClients` 503. Each refusal is counted.
 */
export async function wsUdpRelay(options: WsUdpRelayOptions): Promise<WsUdpRelay> {
  const host = options.host ?? "127.0.0.1";
  const mtu = options.mtu ?? 1500;
  const maxClients = options.maxClients ?? DEFAULT_MAX_CLIENTS;
  const framesPerSecond = options.maxFramesPerSecond ?? DEFAULT_FRAMES_PER_SECOND;
  requireInteger("mtu", mtu, 68, 65535);
  requireInteger("maxClients", maxClients, 1, Number.MAX_SAFE_INTEGER);
  requireInteger("maxFramesPerSecond", framesPerSecond, 1, Number.MAX_SAFE_INTEGER);
  const allows = originPolicy(options.allowedOrigins);
  const token = relayToken(options.token);
  const counters: WsUdpRelayCounters = {
    accepted: 0,
    refused: { origin: 0, token: 0, full: 0, notWebSocket: 0 },
    closed: { tooBig: 0, protocolError: 0 },
    dropped: { rateLimited: 0 },
  };
  // Loaded on demand: the rest of the Node entry (the UDP tunnel) works without the ws package installed.
  const { WebSocketServer } = await import("ws");
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: mtu,
    // No compression: a small compressed frame could inflate past the MTU check's intent.
    perMessageDeflate: false,
    // Pings need no rate of their own: ws answers them and terminates a client with 60 answers unsent.
    // Answer with the token subprotocol the client offered: a client that offers subprotocols (the ws
    // package's) fails the handshake when the server picks none.
    handleProtocols: (offered) => [...offered].find((p) => tokenOfProtocol(p) !== null) ?? false,
  });
  const live = new Set<WebSocket>();
  const refusal = (request: IncomingMessage): [status: number, reason: string] | null => {
    const origin = request.headers.origin;
    if (origin !== undefined && !allows(origin)) {
      counters.refused.origin++;
      return [403, `origin ${origin} is not allowed (allowedOrigins)`];
    }
    if (!tokenMatches(token, presentedTokens(request))) {
      counters.refused.token++;
      return [401, "this relay needs its token: ?token=... in the URL or the wirestate-token.<token> subprotocol"];
    }
    // handleUpgrade below completes synchronously (no verifyClient, no compression to negotiate), so
    // `live` already holds every client accepted before this request.
    if (live.size >= maxClients) {
      counters.refused.full++;
      return [503, `relay full: ${maxClients} clients connected (maxClients)`];
    }
    return null;
  };
  const http = createServer((_request, response) => {
    counters.refused.notWebSocket++;
    response.writeHead(426, { "content-type": "text/plain; charset=utf-8", connection: "close" });
    response.end("this is a WebSocket relay\n");
  });
  http.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refused = refusal(request);
    if (refused !== null) {
      refuseUpgrade(socket, ...refused);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      counters.accepted++;
      live.add(ws);
      ws.once("close", () => live.delete(ws));
      void bridgeClient(ws, options, mtu, new FrameRate(framesPerSecond), counters);
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    http.once("error", (err) =>
      reject(new LinkSetupError(`relay cannot listen on ${host}:${options.port ?? 0}: ${err.message}`, { cause: err })),
    );
    http.listen(options.port ?? 0, host, () => resolve((http.address() as AddressInfo).port));
  });
  warnIfExposed(
    "wsUdpRelay",
    host,
    "anyone there who learns the token can inject packets into the tunnel; bind 127.0.0.1 unless you mean it",
  );
  return {
    url: `ws://${host.includes(":") ? `[${host}]` : host}:${port}/?token=${token}`,
    port,
    token,
    counters,
    get clients() {
      return live.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of live) socket.terminate();
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

async function bridgeClient(
  socket: WebSocket,
  options: WsUdpRelayOptions,
  mtu: number,
  rate: FrameRate,
  counters: WsUdpRelayCounters,
): Promise<void> {
  // ws closes the connection itself (1009 for a frame over maxPayload, 1002/1007/1008 for the rest) and
  // then reports why here; without a listener the report would crash the process.
  socket.on("error", (err: Error & { code?: string }) => {
    if (err.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") counters.closed.tooBig++;
    else counters.closed.protocolError++;
    // ws would wait 30 s for the client's answering close; a misbehaving client does not get its slot that long.
    const hangUp = setTimeout(() => socket.terminate(), CLOSE_TIMEOUT_MS).unref();
    socket.once("close", () => clearTimeout(hangUp));
  });
  const client = webSocketLink(socket, { mtu });
  let tunnel: Link;
  try {
    tunnel = await udpTunnelLink({ bind: options.bind, peer: options.peer, mtu });
  } catch (err) {
    socket.close(TUNNEL_FAILED, truncateReason((err as Error).message));
    return;
  }
  if (socket.readyState !== socket.OPEN) {
    tunnel.close();
    return;
  }
  client.onReceive = (packet) => {
    if (rate.take()) tunnel.send(packet);
    else counters.dropped.rateLimited++;
  };
  tunnel.onReceive = (packet) => client.send(packet);
  socket.once("close", () => tunnel.close());
}

/** Answers an upgrade request with an HTTP error instead of a WebSocket, then hangs up. */
function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  // A client that hangs up first makes the write fail; that is the end it wanted anyway.
  socket.on("error", () => socket.destroy());
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

/** A number out of range is a caller's bug: a RangeError, as Node and the other links throw. */
function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in ${min}..${max}, got ${value}`);
  }
}

/** A close reason must fit a 125-byte control frame with its 2-byte code. */
function truncateReason(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return bytes.length <= 123 ? text : `${new TextDecoder().decode(bytes.subarray(0, 100))}...`;
}
