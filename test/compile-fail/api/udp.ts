// UDP's typestate: an unconnected socket needs the destination, a connected one has it, a closed one has
// neither send nor receive.
import type { Stack, UdpSocket } from "../../../src/api/index.js";

declare const stack: Stack;

export function unconnectedSendNeedsTheDestination(u: UdpSocket<"Unconnected">): void {
  // @ts-expect-error: Expected 3 arguments, but got 1.
  u.send("to whom?");
  // @ts-expect-error: Property 'peerAddr' does not exist on type 'UdpSocket<"Unconnected">'.
  void u.peerAddr;
}

export function connectedSendTakesNoDestination(c: UdpSocket<"Connected">): void {
  // @ts-expect-error: Expected 1 arguments, but got 3.
  c.send("hi", "10.0.0.2", 53);
  // @ts-expect-error: Property 'connect' does not exist on type 'UdpSocket<"Connected">'.
  c.connect("10.0.0.3", 53);
}

export async function closedHasNeither(): Promise<void> {
  const closed = stack.udp({ port: 53 }).close();
  // @ts-expect-error: Property 'send' does not exist on type 'UdpSocket<"Closed">'.
  closed.send("x", "10.0.0.2", 53);
  // @ts-expect-error: Property 'receive' does not exist on type 'UdpSocket<"Closed">'.
  await closed.receive();
  // @ts-expect-error: Type 'UdpSocket<"Closed">' must have a '[Symbol.asyncIterator]()' method that returns an async iterator.
  for await (const m of closed) void m;
}

export function connectReturnsTheConnectedType(): void {
  const c = stack.udp().connect("10.0.0.2", 53);
  // @ts-expect-error: Type 'UdpSocket<"Connected">' is not assignable to type 'UdpSocket<"Unconnected">'.
  const u: UdpSocket<"Unconnected"> = c;
  void u;
}
