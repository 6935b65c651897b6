// Calling a method the current step does not have.
import { adder, atEnd, client, pinger, server, summer } from "./protocols.js";

export async function wrongMethods(): Promise<void> {
  // @ts-expect-error the client sends first: no recv
  await client.recv();
  // @ts-expect-error the server receives first: no send
  server.send("alice");
  // @ts-expect-error close before End
  await client.close();
  // @ts-expect-error close while an offer is pending
  await adder.close();
  // @ts-expect-error select on a step where the peer chooses
  adder.select("more");
  // @ts-expect-error offer on a step where this side chooses
  await summer.offer();
  // @ts-expect-error send on a select step
  summer.send(1);
  // @ts-expect-error nothing to send at End
  atEnd.send(1);
  // @ts-expect-error nothing to receive at End
  await atEnd.recv();
  // @ts-expect-error two sends where the protocol has send then recv
  pinger.send(1).send(2);
  // @ts-expect-error close after the send but before the recv
  await pinger.send(1).close();
}
