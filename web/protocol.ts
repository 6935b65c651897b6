/**
 * The demo's session-typed control exchange. The client announces a bulk transfer (its size, the seed its
 * bytes come from and their SHA-256), sends the bytes on a second TCP connection, and the server answers on
 * this session with what actually arrived. The compiler holds both workers to this order.
 */
import { bool, end, recv, send, struct, u32, utf8 } from "../src/session/index.js";

export const CONTROL_PORT = 7;
export const BULK_PORT = 9;
export const CLIENT_ADDRESS = "10.0.0.1";
export const SERVER_ADDRESS = "10.0.0.2";

export const Announce = struct({ bytes: u32, seed: u32, sha256: utf8 });
export const Report = struct({ bytes: u32, sha256: utf8, intact: bool });

export const Control = send(Announce, recv(Report, end));
export type Control = typeof Control;
