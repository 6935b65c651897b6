// Every transition's result has only the methods of the state it leads to.
import type { TcpStream } from "../../../src/api/index.js";

declare const s: TcpStream<"Established">;

export async function afterShutdown(): Promise<void> {
  const half = s.shutdown();
  // @ts-expect-error: Property 'write' does not exist on type 'TcpStream<"FinWait1">'.
  await half.write("too late");
  // @ts-expect-error: Property 'shutdown' does not exist on type 'TcpStream<"FinWait1">'.
  half.shutdown();
  // @ts-expect-error: Property 'readable' does not exist on type 'TcpStream<"FinWait1">'.
  void half.readable;
  const acked = await half.acknowledged();
  // @ts-expect-error: Property 'write' does not exist on type 'TcpStream<"FinWait2">'.
  await acked.write("still too late");
  // @ts-expect-error: Property 'acknowledged' does not exist on type 'TcpStream<"FinWait2">'.
  await acked.acknowledged();
  const r = await half.read();
  if (r.done) {
    // @ts-expect-error: Property 'read' does not exist on type 'TcpStream<"Closing"> | TcpStream<"TimeWait">'.
    await r.stream.read();
  }
}

export async function afterPeerFin(): Promise<void> {
  const r = await s.read();
  if (!r.done) return;
  const cw = r.stream;
  // @ts-expect-error: Property 'read' does not exist on type 'TcpStream<"CloseWait">'.
  await cw.read();
  const lastAck = cw.shutdown();
  // @ts-expect-error: Property 'write' does not exist on type 'TcpStream<"LastAck">'.
  await lastAck.write("bye");
  // @ts-expect-error: Property 'read' does not exist on type 'TcpStream<"LastAck">'.
  await lastAck.read();
  const closed = await cw.close();
  // @ts-expect-error: Property 'write' does not exist on type 'TcpStream<"Closed">'.
  await closed.write("bye");
}

export async function closeTwice(): Promise<void> {
  const done = await s.close();
  // @ts-expect-error: Property 'close' does not exist on type 'TcpStream<"Closed"> | TcpStream<"TimeWait">'.
  await done.close();
  // @ts-expect-error: Property 'abort' does not exist on type 'TcpStream<"Closed"> | TcpStream<"TimeWait">'.
  done.abort();
}

export async function afterAbort(): Promise<void> {
  const dead = s.abort();
  // @ts-expect-error: Property 'read' does not exist on type 'TcpStream<"Closed">'.
  await dead.read();
  // @ts-expect-error: Property 'close' does not exist on type 'TcpStream<"Closed">'.
  await dead.close();
  // @ts-expect-error: Property 'abort' does not exist on type 'TcpStream<"Closed">'.
  dead.abort();
}

export async function closingStates(closing: TcpStream<"Closing">, timeWait: TcpStream<"TimeWait">): Promise<void> {
  // @ts-expect-error: Property 'read' does not exist on type 'TcpStream<"Closing">'.
  await closing.read();
  // @ts-expect-error: Property 'write' does not exist on type 'TcpStream<"Closing">'.
  await closing.write("x");
  // @ts-expect-error: Property 'close' does not exist on type 'TcpStream<"TimeWait">'.
  await timeWait.close();
}
