import {
  type ArrayBufferBytes,
  binaryMessage,
  DatagramLink,
  type EndpointLink,
  type Framing,
} from "./datagram-link.js";

/** What the link needs of a WHATWG WebSocket (the browser's, Node 22's, or the `ws` package's). */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  /** Send one binary message. */
  send(data: ArrayBufferBytes): void;
  /** Close the socket. */
  close(code?: number, reason?: string): void;
  /** Listen for messages and for the socket opening. */
  addEventListener(type: "message" | "open", listener: (event: object) => void): void;
  /** Stop listening. */
  removeEventListener(type: "message" | "open", listener: (event: object) => void): void;
}

/** Options of `webSocketLink`. */
export interface WebSocketLinkOptions {
  /** Largest packet carried (default 1500, what a TUN behind a relay usually has; 1514 for Ethernet). */
  mtu?: number;
  /** The messages carry Ethernet frames (to a virtual switch or a VM's NIC), not IPv4 packets. */
  framing?: Framing;
  /** Packets sent before the socket opens are kept, up to this many (default 256); more are dropped. */
  maxPending?: number;
  /**
   * Packets are dropped (counted `congested`) while the socket has more than this many bytes not yet
   * written (default 4 MiB). A WebSocket queues without limit; TCP above recovers from a drop.
   */
  maxBufferedBytes?: number;
}

const CONNECTING = 0;
const OPEN = 1;

/**
 * A link over a WebSocket: each IPv4 packet (or Ethernet frame, `framing: "ethernet"`) is one binary
 * message. Text messages and datagrams that are not of the framing are dropped and counted. Closing the link closes the socket.
 */
export function webSocketLink(socket: WebSocketLike, options: WebSocketLinkOptions = {}): EndpointLink {
  return new WebSocketLink(socket, options);
}

class WebSocketLink extends DatagramLink {
  readonly #socket: WebSocketLike;
  readonly #maxPending: number;
  readonly #maxBuffered: number;
  #pending: ArrayBufferBytes[] = [];
  readonly #onMessage = (event: object): void => {
    const bytes = binaryMessage((event as { data?: unknown }).data);
    if (bytes === null) this.counters.dropped.notBinary++;
    else this.deliver(bytes);
  };
  readonly #onOpen = (): void => {
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending) this.#socket.send(p);
  };

  constructor(socket: WebSocketLike, options: WebSocketLinkOptions) {
    super(options.mtu ?? (options.framing === "ethernet" ? 1514 : 1500), options.framing);
    this.#socket = socket;
    this.#maxPending = options.maxPending ?? 256;
    this.#maxBuffered = options.maxBufferedBytes ?? 4 << 20;
    socket.binaryType = "arraybuffer";
    socket.addEventListener("message", this.#onMessage);
    socket.addEventListener("open", this.#onOpen);
  }

  protected transmit(packet: Uint8Array): boolean {
    const socket = this.#socket;
    const d = this.counters.dropped;
    const state = socket.readyState;
    if (state === CONNECTING) {
      if (this.#pending.length >= this.#maxPending) {
        d.congested++;
        return false;
      }
      this.#pending.push(packet as ArrayBufferBytes);
      return true;
    }
    if (state !== OPEN) {
      d.closed++;
      return false;
    }
    if (socket.bufferedAmount > this.#maxBuffered) {
      d.congested++;
      return false;
    }
    try {
      socket.send(packet as ArrayBufferBytes);
      return true;
    } catch {
      d.sendError++;
      return false;
    }
  }

  protected shutdown(): void {
    this.#pending = [];
    this.#socket.removeEventListener("message", this.#onMessage);
    this.#socket.removeEventListener("open", this.#onOpen);
    this.#socket.close(1000, "link closed");
  }
}
