// A listener accepts connections; it is not a connection.
import type { TcpListener, TcpStream } from "../../../src/api/index.js";

declare const listener: TcpListener;

export async function listenerIsNotAStream(): Promise<void> {
  // @ts-expect-error: Property 'write' does not exist on type 'TcpListener'.
  await listener.write("hello");
  // @ts-expect-error: Property 'read' does not exist on type 'TcpListener'.
  await listener.read();
  // @ts-expect-error: Property 'shutdown' does not exist on type 'TcpListener'.
  listener.shutdown();
  // @ts-expect-error: Property 'peerAddr' does not exist on type 'TcpListener'.
  void listener.peerAddr;
  // @ts-expect-error: Type 'TcpListener' is not assignable to type 'TcpStream<"Established">'.
  const s: TcpStream<"Established"> = listener;
  void s;
}

export async function acceptGivesAnEstablishedStreamOnly(): Promise<void> {
  // @ts-expect-error: Type 'TcpStream<"Established">' is not assignable to type 'TcpStream<"CloseWait">'.
  const s: TcpStream<"CloseWait"> = await listener.accept();
  void s;
  // @ts-expect-error: Property 'write' does not exist on type 'Promise<TcpStream<"Established">>'.
  await listener.accept().write("not awaited");
}
