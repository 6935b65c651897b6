// The stack hands out listeners and (promises of) streams; each has only its own calls.
import { Stack, type Link, type TcpStream } from "../../../src/api/index.js";

declare const stack: Stack;
declare const link: Link;

export async function promisesAreNotStreams(): Promise<void> {
  // @ts-expect-error: Property 'write' does not exist on type 'Promise<TcpStream<"Established">>'.
  await stack.connect("10.0.0.2", 80).write("forgot to await the handshake");
  // @ts-expect-error: Property 'connect' does not exist on type 'TcpListener'.
  await stack.listen(80).connect("10.0.0.2", 80);
  // @ts-expect-error: Argument of type 'string' is not assignable to parameter of type 'number'.
  stack.listen("80");
}

export function options(): void {
  // @ts-expect-error: Property 'address' is missing in type '{ link: Link; }' but required in type 'StackOptions'.
  void new Stack({ link });
}

export async function onlyEstablishedHasWebStreamsAndOnlyFinWait1WaitsForItsAck(
  s: TcpStream<"Established">,
  cw: TcpStream<"CloseWait">,
): Promise<void> {
  // @ts-expect-error: Property 'readable' does not exist on type 'TcpStream<"CloseWait">'.
  void cw.readable;
  // @ts-expect-error: Property 'acknowledged' does not exist on type 'TcpStream<"Established">'.
  await s.acknowledged();
  // @ts-expect-error: Type 'string' is not assignable to type 'number'.
  await s.close({ timeout: "5s" });
}
