// Protocols shared by the must-not-compile cases (this file itself must compile cleanly).
import {
  end,
  offer,
  rec,
  recv,
  select,
  send,
  struct,
  u32,
  u64,
  utf8,
  v,
  type Chan,
  type Dual,
} from "../../../src/session/index.js";

/** Client view: username, password, then the server picks ok (with a grant) or denied (with a reason). */
export const Login = send(
  utf8,
  send(utf8, offer({ ok: recv(struct({ token: utf8, expires: u64 }), end), denied: recv(utf8, end) })),
);
export const Sum = rec("loop", select({ more: send(u32, v("loop")), done: recv(u32, end) }));
export const Ping = send(u32, recv(u32, end));

export declare const client: Chan<typeof Login>;
export declare const server: Chan<Dual<typeof Login>>;
export declare const summer: Chan<typeof Sum>;
export declare const adder: Chan<Dual<typeof Sum>>;
export declare const pinger: Chan<typeof Ping>;
export declare const atEnd: Chan<typeof end>;
