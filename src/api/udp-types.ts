/**
 * The typestate face of UDP: a `UdpSocket<S>` has the calls its state allows. An unconnected socket
 * sends to a destination it is given; a connected one (`connect()`) sends to its peer only and has no
 * destination argument; a closed one has neither (`Property 'send' does not exist on type
 * 'UdpSocket<"Closed">'`). As for TcpStream, a call that changes the state returns the new handle.
 */
import type { UdpSocketCounters } from "../udp/udp-socket.js";
import type { SocketAddress } from "./types.js";

/** The states of a UDP socket: `Unconnected` sends anywhere, `Connected` only to its peer, `Closed` neither. */
export type UdpSocketState = "Unconnected" | "Connected" | "Closed";

/** One datagram received: its payload and who sent it. */
export interface UdpMessage {
  readonly data: Uint8Array;
  readonly address: string;
  readonly port: number;
}

export interface UdpSocketCommon<S extends UdpSocketState> {
  readonly state: S;
  readonly localAddr: SocketAddress;
  /** Datagrams in and out, queue drops, ICMP errors heard. */
  readonly counters: Readonly<UdpSocketCounters>;
  /**
   * Let a pending `receive()` keep a Node process alive (the default), as a bound `dgram` socket does.
   * Applies to every handle of the socket (the one `connect()` returns too).
   */
  ref(): void;
  /** A pending `receive()` no longer keeps the process alive (as `dgram`'s `socket.unref()`). */
  unref(): void;
}

/** What an open socket (connected or not) does with what arrives, and how it ends. */
export interface UdpReceives extends AsyncIterable<UdpMessage> {
  /**
   * The next datagram; null once the socket is closed. On a connected socket an ICMP error about what it
   * sent rejects the next call instead (PortUnreachableError, HostUnreachableError, ...).
   */
  receive(): Promise<UdpMessage | null>;
  /** The datagrams as a WHATWG stream (the same queue as the iterator: each datagram goes to one reader). */
  readonly readable: ReadableStream<UdpMessage>;
  /** Release the port: pending receives end with null, queued datagrams are discarded. */
  close(): UdpSocket<"Closed">;
  /** `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

export interface UnconnectedMethods extends UdpReceives {
  /** One datagram to `address:port`. Throws DatagramTooLargeError, BroadcastNotEnabledError, RangeError. */
  send(data: Uint8Array | string, address: string, port: number): void;
  /** Fix the peer: the returned handle sends to it and hears only from it; this one is used up. */
  connect(address: string, port: number): UdpSocket<"Connected">;
}

export interface ConnectedMethods extends UdpReceives {
  readonly peerAddr: SocketAddress;
  /** One datagram to the peer. An ICMP error about an earlier one is thrown here, once. */
  send(data: Uint8Array | string): void;
}

export interface UdpClosedMethods {}

export interface UdpStateMethods {
  Unconnected: UnconnectedMethods;
  Connected: ConnectedMethods;
  Closed: UdpClosedMethods;
}

/** A UDP socket in state `S`, with only that state's methods (as `TcpStream<S>`). */
export type UdpSocket<S extends UdpSocketState> = UdpSocketCommon<S> & UdpStateMethods[S];
