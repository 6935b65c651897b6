// The halves of split() each have their own typestate: a half only has the calls of its state.
import type { ReadHalf, TcpStream, WriteHalf } from "../../../src/api/index.js";

declare const s: TcpStream<"Established">;

export async function readHalf(): Promise<void> {
  const { reader } = s.split();
  // @ts-expect-error: Property 'write' does not exist on type 'ReadHalf<"Open">'.
  await reader.write("a reader cannot write");
  // @ts-expect-error: Property 'shutdown' does not exist on type 'ReadHalf<"Open">'.
  reader.shutdown();
  const r = await reader.read();
  if (r.done) {
    // @ts-expect-error: Property 'read' does not exist on type 'ReadHalf<"Ended">'.
    await r.half.read();
    // @ts-expect-error: Property 'readInto' does not exist on type 'ReadHalf<"Ended">'.
    await r.half.readInto(new Uint8Array(8));
  }
}

export async function writeHalf(): Promise<void> {
  const { writer } = s.split();
  // @ts-expect-error: Property 'read' does not exist on type 'WriteHalf<"Open">'.
  await writer.read();
  // @ts-expect-error: Property 'readInto' does not exist on type 'WriteHalf<"Open">'.
  await writer.readInto(new Uint8Array(8));
  const shut = writer.shutdown();
  // @ts-expect-error: Property 'write' does not exist on type 'WriteHalf<"Shutdown">'.
  await shut.write("after FIN");
  // @ts-expect-error: Property 'shutdown' does not exist on type 'WriteHalf<"Shutdown">'.
  shut.shutdown();
  const acked = await shut.acknowledged();
  // @ts-expect-error: Property 'write' does not exist on type 'WriteHalf<"Acknowledged">'.
  await acked.write("after the ACK");
  // @ts-expect-error: Property 'acknowledged' does not exist on type 'WriteHalf<"Acknowledged">'.
  await acked.acknowledged();
}

export function notInterchangeable(): void {
  const { reader, writer } = s.split();
  // @ts-expect-error: Type 'ReadHalf<"Open">' is not assignable to type 'WriteHalf<"Open">'.
  const w: WriteHalf<"Open"> = reader;
  // @ts-expect-error: Type 'WriteHalf<"Shutdown">' is not assignable to type 'WriteHalf<"Open">'.
  const again: WriteHalf<"Open"> = writer.shutdown();
  // @ts-expect-error: Property 'split' does not exist on type 'TcpStream<"FinWait1">'.
  s.shutdown().split();
  void w;
  void again;
  const r: ReadHalf<"Open"> = reader;
  void r;
}
