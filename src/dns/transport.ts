/**
 * What the resolver needs from a network, and nothing more, so it runs on the stack's UDP and TCP, on
 * Node's sockets, or on in-memory fakes in tests.
 */

export interface Datagram {
  data: Uint8Array;
  /** Sender's IPv4 address, dotted quad, and UDP port. */
  address: string;
  port: number;
}

/** A bound UDP socket. */
export interface DatagramSocket {
  send(data: Uint8Array, address: string, port: number): void | Promise<void>;
  /** The next datagram that arrives; null once the socket is closed. */
  receive(): Promise<Datagram | null>;
  /** Releases the port; a pending `receive` resolves null. */
  close(): void;
}

export interface DatagramNetwork {
  /**
   * A socket bound to local `port`. The resolver picks the port at random (RFC 5452 section 10) and asks
   * again with another when this throws (the port is taken).
   */
  bind(port: number): DatagramSocket | Promise<DatagramSocket>;
}

/**
 * A connected byte stream. `TcpStream<"Established">` has this shape, so `(a, p) => stack.connect(a, p)`
 * is a `StreamConnector` as it stands.
 */
export interface StreamConnection {
  write(data: Uint8Array): Promise<void>;
  read(): Promise<{ done: false; value: Uint8Array } | { done: true; stream: { close(): Promise<unknown> } }>;
  /** Graceful close (FIN). */
  close(): Promise<unknown>;
  /** Abort (RST), for a timeout. */
  abort(): unknown;
}

export type StreamConnector = (address: string, port: number) => Promise<StreamConnection>;
