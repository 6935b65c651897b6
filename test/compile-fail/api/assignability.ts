// Handles of different states are distinct types: a function that wants an open stream refuses the rest.
import type { TcpStream } from "../../../src/api/index.js";

declare const established: TcpStream<"Established">;
declare const finWait1: TcpStream<"FinWait1">;
declare const closeWait: TcpStream<"CloseWait">;
declare const timeWait: TcpStream<"TimeWait">;
declare const closed: TcpStream<"Closed">;

function wantsOpen(stream: TcpStream<"Established">): void {
  void stream;
}

export function distinctStates(): void {
  // @ts-expect-error: Argument of type 'TcpStream<"FinWait1">' is not assignable to parameter of type 'TcpStream<"Established">'.
  wantsOpen(finWait1);
  // @ts-expect-error: Argument of type 'TcpStream<"CloseWait">' is not assignable to parameter of type 'TcpStream<"Established">'.
  wantsOpen(closeWait);
  // @ts-expect-error: Type 'TcpStream<"TimeWait">' is not assignable to type 'TcpStream<"Closed">'.
  const c: TcpStream<"Closed"> = timeWait;
  // @ts-expect-error: Type 'TcpStream<"Established">' is not assignable to type 'TcpStream<"FinWait1">'.
  const f: TcpStream<"FinWait1"> = established;
  // @ts-expect-error: Type 'TcpStream<"Closed">' is not assignable to type 'TcpStream<"Established">'.
  const e: TcpStream<"Established"> = closed;
  void [c, f, e];
}

export function shutdownGivesFinWait1(): void {
  // @ts-expect-error: Type 'TcpStream<"FinWait1">' is not assignable to type 'TcpStream<"Established">'.
  const again: TcpStream<"Established"> = established.shutdown();
  void again;
}

export function onlyKnownStates(): void {
  // @ts-expect-error: Type '"Listen"' does not satisfy the constraint 'StreamState'.
  type ListenStream = TcpStream<"Listen">;
  // @ts-expect-error: Type '"ESTABLISHED"' does not satisfy the constraint 'StreamState'.
  type EngineSpelling = TcpStream<"ESTABLISHED">;
}
