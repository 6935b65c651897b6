import { binaryMessage, DatagramLink, type EndpointLink, type Framing, ownBuffer } from "./datagram-link.js";

/** What the link needs of a MessagePort: the browser's, or Node's (global or from worker_threads). */
export interface MessagePortLike {
  /** Post one message, moving the listed buffers. */
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  /** Listen for the peer's messages. */
  addEventListener(type: "message", listener: (event: object) => void): void;
  /** Stop listening. */
  removeEventListener(type: "message", listener: (event: object) => void): void;
  /** Start delivering queued messages (a MessagePort holds them until then). */
  start(): void;
  /** Disconnect the port. */
  close(): void;
}

/** Options of `messagePortLink`. */
export interface MessagePortLinkOptions {
  /** Largest packet carried (default 65535: a port has no frame limit; lower it to model a real wire). */
  mtu?: number;
  /** The messages carry Ethernet frames (a virtual switch in another worker, a VM's NIC), not IPv4 packets. */
  framing?: Framing;
}

/**
 * A link over a MessagePort: two stacks in two Web Workers, a worker and the page, or two Node worker
 * threads. Each packet is one message; its buffer is transferred, not copied, when it owns a whole buffer.
 * Closing the link closes the port (and so the channel).
 */
export function messagePortLink(port: MessagePortLike, options: MessagePortLinkOptions = {}): EndpointLink {
  return new MessagePortLink(port, options.mtu ?? 65535, options.framing ?? "ipv4");
}

class MessagePortLink extends DatagramLink {
  readonly #port: MessagePortLike;
  readonly #listener = (event: object): void => {
    const bytes = binaryMessage((event as { data?: unknown }).data);
    if (bytes === null) this.counters.dropped.notBinary++;
    else this.deliver(bytes);
  };

  constructor(port: MessagePortLike, mtu: number, framing: Framing) {
    super(mtu, framing);
    this.#port = port;
    port.addEventListener("message", this.#listener);
    // addEventListener (unlike the onmessage setter) leaves a port's queue closed until start().
    port.start();
  }

  protected transmit(packet: Uint8Array): boolean {
    const own = ownBuffer(packet);
    try {
      this.#port.postMessage(own, [own.buffer]);
      return true;
    } catch {
      this.counters.dropped.sendError++;
      return false;
    }
  }

  protected shutdown(): void {
    this.#port.removeEventListener("message", this.#listener);
    this.#port.close();
  }
}
