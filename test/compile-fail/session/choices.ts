// Labels and exhaustiveness.
import { adder, server, summer, type Login } from "./protocols.js";
import type { Chan } from "../../../src/session/index.js";

declare const offered: Chan<typeof Login>;

export async function wrongChoices(): Promise<void> {
  // @ts-expect-error "maybe" is not a label of this select
  summer.select("maybe");
  // @ts-expect-error labels are case-sensitive
  summer.select("More");
  const afterPassword = offered.send("alice").send("secret");
  // @ts-expect-error a handler for every label: denied is missing
  await afterPassword.offer({ ok: async (c) => (await c.recv())[0].token });
  await afterPassword.offer({
    ok: async (c) => (await c.recv())[0].token,
    denied: async (c) => (await c.recv())[0],
    // @ts-expect-error no handler for a label the protocol does not have
    timeout: async () => "never",
  });
  const o = await afterPassword.offer();
  switch (o.label) {
    case "ok": {
      const [grant] = await o.chan.recv();
      // @ts-expect-error narrowed by label: the ok grant has no reason field
      void grant.reason;
      break;
    }
    default: {
      // @ts-expect-error not exhaustive: "denied" reaches the default
      const unreachable: never = o;
      void unreachable;
    }
  }
  await adder.offer({
    // @ts-expect-error in the more branch this side receives: no send
    more: (c) => c.send(1),
    done: (c) => c.send(1),
  });
  void server;
}
