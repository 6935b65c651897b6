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
  /** Send one datagram to `address:port`. */
  send(data: Uint8Array, address: string, port: number): void | Promise<void>;
  /** The next datagram that arrives; null once the socket is closed. */
  receive(): Promise<Datagram | null>;
  /** Releases the port; a pending `receive` resolves null. */
  close(): void;
}

/** UDP for the resolver: where it binds its query sockets. */
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
  /** Send bytes; resolves once they are queued. */
  write(data: Uint8Array): Promise<void>;
  /** The next bytes, or the end of the peer's data with a handle to close. */
  read(): Promise<
    | { done: false; value: Uint8Array }
    | {
        done: true;
        stream: {
          /** Finish the close (the peer has ended its side). */
          close(): Promise<unknown>;
        };
      }
  >;
  /** Graceful close (FIN). */
  close(): Promise<unknown>;
  /** Abort (RST), for a timeout. */
  abort(): unknown;
}

/** Opens a TCP connection to `address:port` (`(a, p) => stack.connect(a, p)` is one). */
export type StreamConnector = (address: string, port: number) => Promise<StreamConnection>;
