// An open stream reads, writes and closes; it does not accept or connect.
import type { TcpStream } from "../../../src/api/index.js";

declare const s: TcpStream<"Established">;

export async function notAListenerOrAStack(): Promise<void> {
  // @ts-expect-error: Property 'accept' does not exist on type 'TcpStream<"Established">'.
  await s.accept();
  // @ts-expect-error: Property 'connect' does not exist on type 'TcpStream<"Established">'.
  await s.connect("10.0.0.2", 80);
  // @ts-expect-error: Property 'listen' does not exist on type 'TcpStream<"Established">'.
  s.listen(80);
}

export async function writesBytesOrText(): Promise<void> {
  // @ts-expect-error: Argument of type 'number' is not assignable to parameter of type 'string | Uint8Array<ArrayBufferLike>'.
  await s.write(42);
  // @ts-expect-error: Cannot assign to 'state' because it is a read-only property.
  s.state = "Closed";
}

export async function readResultMustBeNarrowed(): Promise<void> {
  const r = await s.read();
  // @ts-expect-error: Property 'stream' does not exist on type 'ReadResult<TcpStream<"CloseWait">>'.
  void r.stream;
  // @ts-expect-error: 'r.value' is possibly 'undefined'.
  void r.value.length;
  if (r.done) {
    // @ts-expect-error: Property 'read' does not exist on type 'TcpStream<"CloseWait">'.
    await r.stream.read();
    // @ts-expect-error: Property 'readInto' does not exist on type 'TcpStream<"CloseWait">'.
    await r.stream.readInto(new Uint8Array(8));
  }
}

export async function readsIntoBytes(): Promise<void> {
  // @ts-expect-error: Argument of type 'number' is not assignable to parameter of type 'Uint8Array<ArrayBufferLike>'.
  await s.readInto(4096);
  const r = await s.readInto(new Uint8Array(8));
  // @ts-expect-error: 'r.value' is possibly 'undefined'.
  void r.value.length;
}
