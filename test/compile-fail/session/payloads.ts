// Wrong payload types.
import { array, type end, optional, type send, tuple, u8, u32, type Chan } from "../../../src/session/index.js";
import { client, pinger, summer } from "./protocols.js";

declare const pairs: Chan<ReturnType<typeof send<[number, string], typeof end>>>;
declare const lists: Chan<ReturnType<typeof send<number[], typeof end>>>;

export async function wrongPayloads(): Promise<void> {
  // @ts-expect-error the username is a string
  client.send(42);
  // @ts-expect-error a u32 is a number, not a string
  pinger.send("1");
  // @ts-expect-error the value inside the loop keeps its type after unfolding
  summer.select("more").send(1).select("more").send("2");
  // @ts-expect-error a tuple of [u8, utf8] needs a string second
  pairs.send([1, 2]);
  // @ts-expect-error an array of u32 holds numbers
  lists.send(["a"]);
  // @ts-expect-error undefined is not a u32 (only optional(...) takes it)
  pinger.send(undefined);
  const [n] = await pinger.send(1).recv();
  // @ts-expect-error what a u32 step receives is a number
  const s: string = n;
  void s;
  void array(u8);
  void optional(u32);
  void tuple([u8]);
}
